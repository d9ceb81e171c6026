package wim

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"testing"
)

// A WIM that cannot hold solid resources keeps its blob table and makes
// its blobs when one is first looked up; a version 0xE00 WIM makes them
// when it is opened. Both must give the same blobs, and the first of two
// entries with the same hash must win in both.
func TestBlobIndexLazyAndEager(t *testing.T) {
	seed := seedWIM(t)
	h, err := ParseHeader(seed, int64(len(seed)))
	if err != nil {
		t.Fatal(err)
	}
	off := int(h.BlobTable.Offset)
	tab := seed[off : off+int(h.BlobTable.OrigSize)]
	var data []int // file-data entries
	for i := 0; i+blobEntrySize <= len(tab); i += blobEntrySize {
		if tab[i+7]&ResFlagMetadata == 0 {
			data = append(data, off+i)
		}
	}
	if len(data) < 2 {
		t.Fatalf("the seed WIM has %d file-data blobs", len(data))
	}
	b := append([]byte(nil), seed...)
	copy(b[data[1]+30:data[1]+50], b[data[0]+30:data[0]+50])
	var hash SHA1
	copy(hash[:], b[data[0]+30:])
	first := binary.LittleEndian.Uint64(b[data[0]+8:])

	var got [2][]string
	for k, version := range []uint32{versionDefault, versionSolid} {
		binary.LittleEndian.PutUint32(b[0x0C:], version)
		w, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("version 0x%x: %v", version, err)
		}
		if lazy := w.tables != nil; lazy != (version == versionDefault) {
			t.Errorf("version 0x%x: blobs made lazily = %v", version, lazy)
		}
		if w.MetadataBlob(1) == nil || w.MetadataBlob(1).Res.Flags&ResFlagMetadata == 0 {
			t.Errorf("version 0x%x: metadata blob %+v", version, w.MetadataBlob(1))
		}
		bl := w.Blob(hash)
		if bl == nil || bl.Res.Offset != first {
			t.Fatalf("version 0x%x: the blob of the doubled hash is %+v, want the first entry's (offset %d)", version, bl, first)
		}
		for _, x := range w.Blobs() {
			got[k] = append(got[k], fmt.Sprintf("%s %+v %d %d", x.Hash, x.Res, x.RefCount, x.Part))
		}
		if len(got[k]) != len(data)-1 {
			t.Errorf("version 0x%x: %d blobs, want %d", version, len(got[k]), len(data)-1)
		}
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Errorf("lazy blobs:\n%v\neager blobs:\n%v", got[0], got[1])
	}
}
