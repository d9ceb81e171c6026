package wim

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// craftWIM writes a WIM whose single image has the given (unchecked) tree.
func craftWIM(t *testing.T, root *Dentry) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "crafted.wim")
	_, err := build(&buildSpec{path: p, ctype: CompressNone, images: []*outImage{{meta: &Metadata{Root: root}, xml: &xmlNode{Name: "IMAGE"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// windowsOnlyNames are refused on Windows only: a Linux tree may hold
// them, and Linux and macOS apply them as they were captured.
var windowsOnlyNames = []string{`a\b`, "C:", "C:evil", "CON", "nul.txt", "LPT1", "com9.log", "aux.c", "nul.tar.gz"}

func TestApplyRefusesHostileNames(t *testing.T) {
	names := []string{"..", ".", "a/b", "x\x00y", "/etc"}
	if runtime.GOOS == "windows" {
		names = append(names, windowsOnlyNames...)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			root := &Dentry{Attributes: AttrDirectory, SecurityID: -1, Children: []*Dentry{
				{Name: "ok.txt", Attributes: AttrNormal, SecurityID: -1},
				{Name: name, Attributes: AttrDirectory, SecurityID: -1, Children: []*Dentry{{Name: "payload", Attributes: AttrNormal, SecurityID: -1}}},
			}}
			p := craftWIM(t, root)
			w, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			dest := filepath.Join(t.TempDir(), "dest")
			_, err = w.Apply(1, dest, ApplyOptions{})
			if err == nil || !strings.Contains(err.Error(), "refusing") {
				t.Fatalf("apply of %q: err = %v", name, err)
			}
			if ie := (*InputError)(nil); !errors.As(err, &ie) {
				t.Errorf("apply of %q: %T is no InputError (the command line exits 2 for bad input)", name, err)
			}
			if _, err := os.Stat(dest); err == nil {
				t.Errorf("dest was created although the WIM was refused")
			}
		})
	}
}

// On Linux and macOS, names Windows cannot use are applied as they are.
func TestApplyWindowsOnlyNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows refuses these names (TestApplyRefusesHostileNames)")
	}
	root := &Dentry{Attributes: AttrDirectory, SecurityID: -1}
	for _, name := range windowsOnlyNames {
		root.Children = append(root.Children, &Dentry{Name: name, Attributes: AttrDirectory, SecurityID: -1, Children: []*Dentry{{Name: "inside", Attributes: AttrNormal, SecurityID: -1}}})
	}
	w, err := Open(craftWIM(t, root))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	dest := filepath.Join(t.TempDir(), "dest")
	if _, err := w.Apply(1, dest, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range windowsOnlyNames {
		if _, err := os.Stat(filepath.Join(dest, name, "inside")); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
}

func TestApplyRefusesDuplicateNames(t *testing.T) {
	root := &Dentry{Attributes: AttrDirectory, SecurityID: -1, Children: []*Dentry{
		{Name: "x", Attributes: AttrNormal, SecurityID: -1},
		{Name: "x", Attributes: AttrDirectory, SecurityID: -1},
	}}
	w, err := Open(craftWIM(t, root))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Apply(1, filepath.Join(t.TempDir(), "d"), ApplyOptions{}); err == nil {
		t.Fatal("duplicate names accepted")
	}
}

func TestMetadataCycleAndDepth(t *testing.T) {
	// A directory whose child list is its parent's list: a cycle.
	m := &Metadata{Root: &Dentry{Attributes: AttrDirectory, SecurityID: -1, Children: []*Dentry{{Name: "d", Attributes: AttrDirectory, SecurityID: -1}}}}
	buf, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	rootOff := 8
	rootList := binary.LittleEndian.Uint64(buf[rootOff+0x10:])
	childOff := int(rootList)
	binary.LittleEndian.PutUint64(buf[childOff+0x10:], rootList)
	_, err = ParseMetadata(buf)
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("cycle: %v", err)
	}
	// Absurd depth.
	root := &Dentry{Attributes: AttrDirectory, SecurityID: -1}
	d := root
	for i := 0; i < maxTreeDepth+5; i++ {
		c := &Dentry{Name: "d", Attributes: AttrDirectory, SecurityID: -1}
		d.Children = []*Dentry{c}
		d = c
	}
	buf, _ = (&Metadata{Root: root}).Marshal()
	if _, err := ParseMetadata(buf); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Fatalf("depth: %v", err)
	}
}

func TestCorruptChunkReported(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "sub"), 0o755)
	data := bytes.Repeat([]byte("compressible refimage data 0123456789 "), 4000)
	os.WriteFile(filepath.Join(src, "sub", "victim.txt"), data, 0o644)
	os.WriteFile(filepath.Join(src, "other.txt"), []byte("other"), 0o644)
	for _, integ := range []bool{false, true} {
		out := filepath.Join(dir, "c.wim")
		os.Remove(out)
		if _, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS, NoIntegrity: !integ}); err != nil {
			t.Fatal(err)
		}
		w, err := Open(out)
		if err != nil {
			t.Fatal(err)
		}
		var victim *Blob
		for _, b := range w.Blobs() {
			if b.Size() == uint64(len(data)) {
				victim = b
			}
		}
		w.Close()
		if victim == nil || !victim.Res.compressed() {
			t.Fatalf("victim blob not compressed: %+v", victim)
		}
		raw := mustRead(t, out)
		at := int(victim.Res.Offset + victim.Res.Size/2)
		raw[at] ^= 0x55
		raw[at+1] ^= 0xAA
		os.WriteFile(out, raw, 0o644)
		w, err = Open(out)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.Verify(VerifyOptions{})
		w.Close()
		if integ {
			var ie *IntegrityError
			if !errors.As(err, &ie) {
				t.Fatalf("integrity: %v", err)
			}
			continue
		}
		var be *BadBlobError
		if !errors.As(err, &be) || be.Hash != victim.Hash || len(be.Paths) != 1 || be.Paths[0] != "image 1:/sub/victim.txt" {
			t.Fatalf("verify: %v", err)
		}
		if !strings.Contains(err.Error(), "offset") {
			t.Errorf("no offset in %q", err)
		}
	}
}

func TestTruncatedAndBogusHeaders(t *testing.T) {
	seed := seedWIM(t)
	for n := 0; n < len(seed); n += 97 {
		if _, err := NewReader(bytes.NewReader(seed[:n]), int64(n)); err == nil {
			t.Fatalf("truncated to %d bytes: accepted", n)
		}
	}
	// A blob pointing outside the file.
	h, _ := ParseHeader(seed, int64(len(seed)))
	b := append([]byte(nil), seed...)
	e := b[h.BlobTable.Offset+blobEntrySize:]
	binary.LittleEndian.PutUint64(e[8:], 1<<40)
	if _, err := NewReader(bytes.NewReader(b), int64(len(b))); err == nil || !strings.Contains(err.Error(), "outside the file") {
		t.Fatalf("blob outside the file: %v", err)
	}
	// A terabyte-sized XML.
	b = append([]byte(nil), seed...)
	binary.LittleEndian.PutUint64(b[0x48+16:], 1<<40)
	if _, err := NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		t.Fatal("terabyte XML accepted")
	}
	// Version 0xE00 alone changes nothing; a header resource marked solid
	// is refused with its offset.
	b = append([]byte(nil), seed...)
	binary.LittleEndian.PutUint32(b[0x0C:], versionSolid)
	if _, err := NewReader(bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatalf("version 0xE00: %v", err)
	}
	b[0x30+7] |= ResFlagSolid
	var fe *FormatError
	if _, err := NewReader(bytes.NewReader(b), int64(len(b))); !errors.As(err, &fe) || fe.Offset != 0x30 {
		t.Fatalf("solid blob table: %v", err)
	}
}

func TestCancel(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 50)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "c.wim")
	if _, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS, Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Fatalf("capture: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("cancelled capture left files: %v", ents)
	}
	if _, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS}); err != nil {
		t.Fatal(err)
	}
	w, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Verify(VerifyOptions{Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Fatalf("verify: %v", err)
	}
	if _, err := w.Apply(1, filepath.Join(dir, "dst"), ApplyOptions{Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Fatalf("apply: %v", err)
	}
}

// A link left by an earlier apply is replaced, never written through.
func TestApplyDoesNotFollowExistingLinks(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, "victim.txt"), []byte("precious"), 0o644)
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "sub", "victim.txt"), []byte("overwritten"), 0o644)
	os.WriteFile(filepath.Join(src, "file.txt"), []byte("new"), 0o644)
	out := filepath.Join(dir, "x.wim")
	if _, err := Capture(src, out, CaptureOptions{}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "dest")
	os.MkdirAll(dest, 0o755)
	os.Symlink(outside, filepath.Join(dest, "sub"))
	os.Symlink(filepath.Join(outside, "victim.txt"), filepath.Join(dest, "file.txt"))
	w, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Apply(1, dest, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "victim.txt")); string(b) != "precious" {
		t.Fatalf("apply wrote through a link: %q", b)
	}
	compareTrees(t, src, dest)
}
