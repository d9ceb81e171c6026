package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/testboot"
)

// catalogImages reads the boot images the El Torito catalog of an ISO
// points at: the default entry and the section entry after it.
func catalogImages(t *testing.T, iso string, sizes ...int) [][]byte {
	t.Helper()
	data, err := os.ReadFile(iso)
	if err != nil {
		t.Fatal(err)
	}
	br := data[17*2048:]
	if string(br[7:30]) != "EL TORITO SPECIFICATION" {
		t.Fatal("no El Torito boot record at sector 17")
	}
	cat := data[int(binary.LittleEndian.Uint32(br[71:]))*2048:]
	var out [][]byte
	for i, off := range []int{32, 96} {
		lba := int(binary.LittleEndian.Uint32(cat[off+8:]))
		out = append(out, data[lba*2048:lba*2048+sizes[i]])
	}
	return out
}

// TestFWFilesWin: --fwfiles gives the El Torito images even when the media
// folder has its own Boot/etfsboot.com and EFI/Microsoft/Boot/efisys.bin;
// those stay in the tree as ordinary files, and the result says which file
// went into each entry.
func TestFWFilesWin(t *testing.T) {
	root := fakeCopype(t)
	m := filepath.Join(root, "media")
	mediaBIOS := testboot.BIOSBootSector("MEDIA-FOLDER-COPY")
	mediaUEFI := bytes.Repeat([]byte{0xEE}, 1474560)
	writeFile(t, filepath.Join(m, "Boot", "etfsboot.com"), mediaBIOS)
	writeFile(t, filepath.Join(m, "EFI", "Microsoft", "Boot", "efisys.bin"), mediaUEFI)
	fw := t.TempDir()
	chosenBIOS := testboot.BIOSBootSector("CHOSEN-FWFILES")
	chosenUEFI := bytes.Repeat([]byte{0xCC}, 1474560)
	writeFile(t, filepath.Join(fw, "etfsboot.com"), chosenBIOS)
	writeFile(t, filepath.Join(fw, "efisys.bin"), chosenUEFI)
	src, err := FindSource(m, fw)
	if err != nil {
		t.Fatal(err)
	}
	seq, env := testSequence(t, false)
	out := filepath.Join(t.TempDir(), "m.iso")
	res, err := Build(context.Background(), Options{Sequence: seq, Source: src, ISO: out, Password: mediaPass, Exe: exe(t), Resolver: envResolver(env)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ElTorito) != 2 || res.ElTorito[0].Source != filepath.Join(fw, "etfsboot.com") || res.ElTorito[1].Source != filepath.Join(fw, "efisys.bin") {
		t.Errorf("El Torito entries %+v", res.ElTorito)
	}
	imgs := catalogImages(t, out, len(chosenBIOS), len(chosenUEFI))
	if !bytes.Equal(imgs[0], chosenBIOS) || !bytes.Equal(imgs[1], chosenUEFI) {
		t.Error("the catalog does not point at the --fwfiles images")
	}
	ex := extractISO(t, out)
	for p, want := range map[string][]byte{"Boot/etfsboot.com": mediaBIOS, "EFI/Microsoft/Boot/efisys.bin": mediaUEFI} {
		got, err := os.ReadFile(filepath.Join(ex, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the media folder's own file is not in the tree unchanged (%v)", p, err)
		}
	}
}

// TestValidateLabel: the media wizard's rule, refusing instead of
// changing the label.
func TestValidateLabel(t *testing.T) {
	for _, tc := range []struct {
		label string
		usb   bool
		err   string
	}{
		{"REFIMAGE", false, ""},
		{"WinPE_x64-2026", false, ""},
		{strings.Repeat("A", 32), false, ""},
		{strings.Repeat("A", 33), false, "at most 32 characters on an ISO: this has 33, remove 1"},
		{"REF_USB-001", true, ""},
		{"REF_USB-0012", true, "at most 11 characters on USB: this has 12, remove 1"},
		{"my label", false, `not ' '`},
		{"é", false, `not 'é'`},
		{"a.b", true, `not '.'`},
		{"", false, ""},
	} {
		err := ValidateLabel(tc.label, tc.usb)
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ValidateLabel(%q, usb=%v) = %v, want %q", tc.label, tc.usb, err, tc.err)
		}
	}
}
