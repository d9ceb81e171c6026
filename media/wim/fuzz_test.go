package wim

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// seedWIM builds a small uncompressed WIM in memory-friendly form.
func seedWIM(t testing.TB) []byte { return seedWIMComp(t, CompressNone) }

func seedWIMComp(t testing.TB, c Compression) []byte {
	t.Helper()
	dir := t.TempDir()
	src := dir + "/src"
	os.MkdirAll(src+"/한국어 dir/empty", 0o755)
	os.WriteFile(src+"/a.txt", bytes.Repeat([]byte("seed data "), 40), 0o644)
	os.WriteFile(src+"/한국어 dir/b.txt", []byte("b"), 0o644)
	os.Link(src+"/a.txt", src+"/hl.txt")
	os.Symlink("a.txt", src+"/link")
	out := dir + "/seed.wim"
	if _, err := Capture(src, out, CaptureOptions{Name: "seed", Compression: c, NoIntegrity: c != CompressNone}); err != nil {
		t.Fatal(err)
	}
	return mustRead(t, out)
}

func FuzzHeader(f *testing.F) {
	f.Add(seedWIM(f)[:HeaderSize])
	h := &Header{Version: versionDefault, Flags: HdrFlagCompression | HdrFlagCompressXPRESS, ChunkSize: 32768, PartNumber: 1, TotalParts: 1, ImageCount: 1}
	f.Add(h.Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader(b, int64(len(b))+1<<20)
		if err != nil {
			return
		}
		// A valid header survives a round trip.
		h2, err := ParseHeader(h.Marshal(), int64(len(b))+1<<20)
		if err != nil || *h2 != *h {
			t.Fatalf("round trip: %v %+v %+v", err, h, h2)
		}
	})
}

func FuzzBlobTable(f *testing.F) {
	seed := seedWIM(f)
	h, err := ParseHeader(seed, int64(len(seed)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed[h.BlobTable.Offset : h.BlobTable.Offset+h.BlobTable.Size])
	f.Fuzz(func(t *testing.T, b []byte) {
		ents, err := ParseBlobTable(b, 1000, 1<<20, 1, true)
		if err != nil {
			return
		}
		out := make([]byte, len(ents)*blobEntrySize)
		for i := range ents {
			ents[i].put(out[i*blobEntrySize:])
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("blob table does not round-trip")
		}
	})
}

// FuzzMetadata parses arbitrary metadata resources; a parsed tree must
// re-encode and parse to the same tree.
func FuzzMetadata(f *testing.F) {
	seed := seedWIM(f)
	w, err := NewReader(bytes.NewReader(seed), int64(len(seed)))
	if err != nil {
		f.Fatal(err)
	}
	mb, err := w.readBlobAll(w.metas[0], 1<<30, "metadata")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mb)
	f.Add(mb[:200])
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMetadata(b)
		if err != nil {
			return
		}
		enc, err := m.Marshal()
		if err != nil {
			return
		}
		m2, err := ParseMetadata(enc)
		if err != nil {
			t.Fatalf("re-encoded metadata does not parse: %v", err)
		}
		enc2, _ := m2.Marshal()
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("metadata encoding is not stable")
		}
	})
}

// FuzzOpen opens arbitrary files as WIMs and reads everything.
func FuzzOpen(f *testing.F) {
	f.Add(seedWIM(f))
	f.Add(seedWIMComp(f, CompressXPRESS))
	addESDSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		w.Images()
		w.CheckIntegrity(nil)
		for i := 1; i <= w.ImageCount() && i <= 4; i++ {
			if w.MetadataBlob(i).Size() <= 1<<20 { // keep each run fast
				w.Metadata(i)
			}
		}
		for _, bl := range w.Blobs() {
			if bl.Size() > 1<<20 {
				continue
			}
			buf, err := w.readBlobAll(bl, 1<<20, "blob")
			if err == nil && SHA1(sha1.Sum(buf)) != bl.Hash {
				_ = buf
			}
		}
	})
}

var _ = binary.LittleEndian

// FuzzApply applies arbitrary WIMs into a fresh folder inside a sandbox
// folder and checks that nothing appears outside that folder.
func FuzzApply(f *testing.F) {
	f.Add(seedWIM(f))
	addESDSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil || w.ImageCount() < 1 || w.MetadataBlob(1).Size() > 1<<20 {
			return
		}
		var total uint64
		for _, bl := range w.Blobs() {
			total += bl.Size()
		}
		if total > 4<<20 {
			return
		}
		sandbox := t.TempDir()
		dest := filepath.Join(sandbox, "dest")
		w.Apply(1, dest, ApplyOptions{Threads: 1})
		ents, _ := os.ReadDir(sandbox)
		for _, e := range ents {
			if e.Name() != "dest" {
				t.Fatalf("apply created %q outside the destination", e.Name())
			}
		}
	})
}

// addESDSeeds adds two small WIMs made by wimlib-imagex 1.13: a solid
// LZMS one (32 KiB solid chunks) and a non-solid LZMS one.
func addESDSeeds(f *testing.F) {
	for _, name := range []string{"seed-solid.esd", "seed-lzms.wim"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// The ESD seeds are what they claim: readable, solid and LZMS.
func TestESDSeeds(t *testing.T) {
	for _, c := range []struct {
		name  string
		solid bool
	}{{"seed-solid.esd", true}, {"seed-lzms.wim", false}} {
		w, err := Open(filepath.Join("testdata", c.name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Verify(VerifyOptions{}); err != nil {
			t.Fatal(c.name, err)
		}
		if w.Compression() != CompressLZMS || (len(w.SolidResources()) > 0) != c.solid {
			t.Errorf("%s: %s, solid resources %v", c.name, w.Compression(), w.SolidResources())
		}
		w.Close()
	}
}
