package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// Hostile WIM files for the command line's contract (TestBadInputContract):
// each is a WIM refimage captured, with one structure made hostile by
// hand, byte by byte, from the format's layout (docs/wim.md). They are
// not media/wim's fuzz corpus: they prove what the commands answer.

// WIM header fields (offsets in the file).
const (
	hdrSize      = 0x08 // cbSize, u32
	hdrBlobTable = 0x30 // resource header of the blob (lookup) table
	resHdrLen    = 24   // size (7 bytes) + flags + offset + original size
	blobEntryLen = 50   // resource header + part + refcount + SHA-1
	resMetadata  = 0x02
	resCompress  = 0x04
)

type resHdr struct {
	size   uint64
	flags  byte
	offset uint64
	orig   uint64
}

func readRes(b []byte) resHdr {
	v := binary.LittleEndian.Uint64(b)
	return resHdr{size: v & (1<<56 - 1), flags: b[7], offset: binary.LittleEndian.Uint64(b[8:]), orig: binary.LittleEndian.Uint64(b[16:])}
}

// blobEntries are the offsets in the file of the blob table's entries.
func blobEntries(t *testing.T, b []byte) []int {
	bt := readRes(b[hdrBlobTable:])
	if bt.flags&resCompress != 0 || bt.offset+bt.size > uint64(len(b)) {
		t.Fatalf("unexpected blob table %+v", bt)
	}
	var out []int
	for off := int(bt.offset); off+blobEntryLen <= int(bt.offset+bt.size); off += blobEntryLen {
		out = append(out, off)
	}
	return out
}

// metadataEntry is the blob table entry of image 1's (uncompressed)
// metadata resource.
func metadataEntry(t *testing.T, b []byte) int {
	for _, e := range blobEntries(t, b) {
		if r := readRes(b[e:]); r.flags&resMetadata != 0 {
			if r.flags&resCompress != 0 {
				t.Fatal("the metadata resource is compressed: capture with --compress none")
			}
			return e
		}
	}
	t.Fatal("no metadata resource")
	return 0
}

// rehashMetadata writes the metadata resource's SHA-1 again after an
// edit, so that what is refused is the edit, not a checksum.
func rehashMetadata(t *testing.T, b []byte) {
	e := metadataEntry(t, b)
	r := readRes(b[e:])
	sum := sha1.Sum(b[r.offset : r.offset+r.size])
	copy(b[e+resHdrLen+2+4:], sum[:])
}

func utf16le(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

// hostileWIMs captures two small trees and writes the hostile variants
// into dir; it returns name → path and what each message must say.
func hostileWIMs(t *testing.T, dir string) map[string]string {
	t.Helper()
	src := filepath.Join(dir, "hostile-src")
	put(t, filepath.Join(src, "hello.txt"), []byte("hello, hostile"))
	put(t, filepath.Join(src, "sub", "inner.txt"), []byte("inner"))
	big := make([]byte, 100_000) // four 32 KiB chunks: a chunk table
	x := uint32(1)
	for i := range big {
		x = x*1664525 + 1013904223
		big[i] = "abcdefgh"[x>>29]
	}
	put(t, filepath.Join(src, "big.bin"), big)
	plain, packed := filepath.Join(dir, "hostile-plain.wim"), filepath.Join(dir, "hostile-xpress.wim")
	for _, c := range []struct{ out, comp string }{{plain, "none"}, {packed, "xpress"}} {
		if code, _, errs := run(t, "wim", "capture", src, c.out, "--compress", c.comp, "--no-integrity", "--quiet"); code != 0 {
			t.Fatalf("capture: %s", errs)
		}
	}
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	out := map[string]string{}
	write := func(name string, b []byte) {
		p := filepath.Join(dir, name+".wim")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}

	b := read(plain)
	copy(b, "NOTAWIM\x00")
	write("bad-magic", b)

	b = read(plain)
	binary.LittleEndian.PutUint32(b[hdrSize:], 0x7fff)
	write("header-size", b)

	b = read(plain)
	binary.LittleEndian.PutUint64(b[hdrBlobTable+8:], uint64(len(b))+1<<20)
	write("table-past-eof", b)

	// A blob whose data lies past the end of the file.
	b = read(plain)
	for _, e := range blobEntries(t, b) {
		if r := readRes(b[e:]); r.orig == uint64(len(big)) {
			binary.LittleEndian.PutUint64(b[e+8:], uint64(len(b))+4096)
		}
	}
	write("blob-past-eof", b)

	// A chunk table whose second chunk starts before the first ends.
	b = read(packed)
	found := false
	for _, e := range blobEntries(t, b) {
		if r := readRes(b[e:]); r.orig == uint64(len(big)) && r.flags&resCompress != 0 {
			first := binary.LittleEndian.Uint32(b[r.offset:])
			binary.LittleEndian.PutUint32(b[r.offset+4:], first/2)
			found = true
		}
	}
	if !found {
		t.Fatal("no compressed big blob")
	}
	write("chunk-backwards", b)

	// A claimed size of a petabyte for a 100 kB blob.
	b = read(packed)
	for _, e := range blobEntries(t, b) {
		if r := readRes(b[e:]); r.orig == uint64(len(big)) {
			binary.LittleEndian.PutUint64(b[e+16:], 1<<50)
		}
	}
	write("huge-size", b)

	// Entry names that climb out or hold a separator. The name's length
	// (the u16 before it) is set too; the dentry's own length keeps the
	// rest of the metadata in place.
	for name, evil := range map[string]string{"name-dotdot": "..", "name-slash": "hel/o.txt"} {
		b = read(plain)
		i := bytes.Index(b, utf16le("hello.txt"))
		if i < 0 || bytes.Count(b, utf16le("hello.txt")) != 1 || binary.LittleEndian.Uint16(b[i-2:]) != 18 {
			t.Fatal("hello.txt is not once in the metadata, after its length")
		}
		binary.LittleEndian.PutUint16(b[i-2:], uint16(2*len(evil)))
		copy(b[i:], append(utf16le(evil), 0, 0))
		rehashMetadata(t, b)
		write(name, b)
	}

	// A folder whose children are its parent's children: a loop.
	b = read(plain)
	m := readRes(b[metadataEntry(t, b):])
	meta := b[m.offset : m.offset+m.size]
	root := int(binary.LittleEndian.Uint32(meta)+7) &^ 7 // after the security data
	list := binary.LittleEndian.Uint64(meta[root+0x10:])
	looped := false
	for d := int(list); d+8 <= len(meta); {
		n := int(binary.LittleEndian.Uint64(meta[d:]))
		if n == 0 {
			break
		}
		if bytes.Contains(meta[d:d+n], utf16le("sub")) {
			binary.LittleEndian.PutUint64(meta[d+0x10:], list)
			looped = true
		}
		d += (n + 7) &^ 7
	}
	if !looped {
		t.Fatal("no sub folder in the metadata")
	}
	rehashMetadata(t, b)
	write("metadata-loop", b)
	return out
}
