package testboot

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

func TestBIOSBootSector(t *testing.T) {
	b := BIOSBootSector("REFIMAGE-BIOS-OK")
	if len(b) != 2048 || b[510] != 0x55 || b[511] != 0xAA {
		t.Fatalf("bad boot sector: len %d", len(b))
	}
	if !bytes.Contains(b, []byte{0xB0, 'R', 0xEE}) {
		t.Error("marker not written with out")
	}
}

func TestEFIAppHeaders(t *testing.T) {
	b := EFIApp("REFIMAGE-UEFI-OK")
	le := binary.LittleEndian
	if string(b[:2]) != "MZ" {
		t.Fatal("no MZ")
	}
	pe := le.Uint32(b[0x3C:])
	if string(b[pe:pe+4]) != "PE\x00\x00" || le.Uint16(b[pe+4:]) != 0x8664 {
		t.Fatal("bad PE header")
	}
	opt := b[pe+24:]
	if le.Uint16(opt) != 0x20B || le.Uint16(opt[68:]) != 10 {
		t.Fatalf("want PE32+ EFI application, got magic %#x subsystem %d", le.Uint16(opt), le.Uint16(opt[68:]))
	}
	if len(b)%0x200 != 0 {
		t.Errorf("size %d not file-aligned", len(b))
	}
}

func TestEFISysImageErrors(t *testing.T) {
	for _, files := range []map[string][]byte{
		{"EFI/BOOT/LONGFILENAME.EFI": nil},
		{"a/b": nil, "a/b/c": nil},
		{"BIG.BIN": make([]byte, 2<<20)},
	} {
		if _, err := EFISysImage(files); err == nil {
			t.Errorf("%v: no error", files)
		}
	}
}

// TestEFISysImageMtools checks the FAT12 image with dosfstools and mtools.
func TestEFISysImageMtools(t *testing.T) {
	fsck := oracle.Require(t, "fsck.fat")
	mtype := oracle.Require(t, "mtype")
	mdir := oracle.Require(t, "mdir")
	app := EFIApp("REFIMAGE-UEFI-OK")
	big := bytes.Repeat([]byte("0123456789abcdef"), 40000) // 640000 bytes, many clusters
	img, err := EFISysImage(map[string][]byte{
		"EFI/BOOT/BOOTX64.EFI": app,
		"EFI/BOOT/BIG.BIN":     big,
		"README.TXT":           []byte("hello\n"),
		"EMPTY":                nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(img) != 1474560 {
		t.Fatalf("size %d", len(img))
	}
	path := filepath.Join(t.TempDir(), "efisys.bin")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(fsck, "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("fsck.fat -n: %v\n%s", err, out)
	}
	out, err := exec.Command(mdir, "-i", path, "-/", "::").CombinedOutput()
	if err != nil {
		t.Fatalf("mdir: %v\n%s", err, out)
	}
	for _, want := range []string{"BOOTX64  EFI", "BIG      BIN", "README   TXT", "EMPTY"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("mdir lacks %q:\n%s", want, out)
		}
	}
	for p, want := range map[string][]byte{"::/EFI/BOOT/BOOTX64.EFI": app, "::/EFI/BOOT/BIG.BIN": big, "::/README.TXT": []byte("hello\n")} {
		got, err := exec.Command(mtype, "-i", path, p).Output()
		if err != nil {
			t.Fatalf("mtype %s: %v", p, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes differ from the %d written", p, len(got), len(want))
		}
	}
}
