package media

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/media/wim"
)

// sparseWIM writes an uncompressed WIM whose blob table lists one
// metadata resource and one file resource of blob bytes, stored raw; the
// file is sparse, so a 5 GiB resource costs no disk. Only the header and
// the blob table are real: enough for what checkFAT32 reads.
func sparseWIM(t *testing.T, p string, blob int64) {
	t.Helper()
	const meta = 8
	table := int64(208 + meta + blob)
	b := make([]byte, 208)
	copy(b, "MSWIM\x00\x00\x00")
	le := binary.LittleEndian
	le.PutUint32(b[8:], 208)
	le.PutUint32(b[0x0C:], 0x10D00)
	le.PutUint16(b[0x28:], 1)
	le.PutUint16(b[0x2A:], 1)
	le.PutUint32(b[0x2C:], 1)
	res := func(r []byte, size, off int64, flags byte) {
		le.PutUint64(r, uint64(size))
		r[7] = flags
		le.PutUint64(r[8:], uint64(off))
		le.PutUint64(r[16:], uint64(size))
	}
	res(b[0x30:], 100, table, 0)
	tab := make([]byte, 100)
	res(tab, meta, 208, 0x02) // metadata
	le.PutUint16(tab[24:], 1)
	le.PutUint32(tab[26:], 1)
	tab[30] = 0x11
	res(tab[50:], blob, 208+meta, 0)
	le.PutUint16(tab[74:], 1)
	le.PutUint32(tab[76:], 1)
	tab[80] = 0x22
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(tab, table); err != nil {
		t.Skip("cannot make a sparse file here:", err)
	}
	if w, err := wim.Open(p); err != nil {
		t.Fatalf("the test WIM does not open: %v", err)
	} else {
		w.Close()
	}
}

// TestLargeResourceRefusedForUSB: a WIM holding a file whose resource
// alone exceeds FAT32's limit cannot be split into parts that fit; a
// stand-alone USB medium refuses it before anything is written and says
// that an ISO holds it. A WIM of many smaller resources passes the check.
func TestLargeResourceRefusedForUSB(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.wim")
	sparseWIM(t, big, 4<<30+1<<20)
	ok := filepath.Join(dir, "ok.wim")
	sparseWIM(t, ok, 4<<30-2<<20) // just fits a part of its own
	info, _ := os.Stat(big)
	err := checkFAT32([]mediaFile{{Path: "Content/01-Apply/install.wim", Source: big, Size: info.Size()}})
	var le *LargeFileError
	if !errors.As(err, &le) || le.Blob != 4<<30+1<<20 || !strings.Contains(err.Error(), "--iso") || !strings.Contains(err.Error(), "cannot go on a USB medium") {
		t.Errorf("a 4 GiB + 1 MiB resource: %v", err)
	}
	info, _ = os.Stat(ok)
	if err := checkFAT32([]mediaFile{{Path: "ok.wim", Source: ok, Size: info.Size()}}); err != nil {
		t.Errorf("a WIM whose resources fit: %v", err)
	}
	if err := checkFAT32([]mediaFile{{Path: "Content/disk.vhdx", Source: ok, Size: 5 << 30}}); !errors.As(err, &le) || le.Blob != 0 || !strings.Contains(err.Error(), "--iso") {
		t.Errorf("a 5 GiB file that is not a WIM: %v", err)
	}

	// Through Build: the stand-alone sequence's install.wim is the big one.
	src, err := FindSource(fakeCopype(t), "")
	if err != nil {
		t.Fatal(err)
	}
	seq, env := testSequence(t, true)
	images := seq.Variables[0].Value
	if err := os.Rename(big, filepath.Join(images, "install.wim")); err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()
	_, err = Build(context.Background(), Options{Sequence: seq, Source: src, Kind: Standalone, USBImage: filepath.Join(outDir, "m.img"),
		Password: mediaPass, Exe: exe(t), Resolver: envResolver(env), Progress: func(p Progress) {
			t.Errorf("progress %s before the refusal", p.Phase)
		}})
	var ie *InputError
	if !errors.As(err, &ie) || !errors.As(err, &le) {
		t.Fatalf("Build: %v", err)
	}
	if left, _ := os.ReadDir(outDir); len(left) != 0 {
		t.Errorf("a refused build left %v", left)
	}
}
