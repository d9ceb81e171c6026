package iso

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/internal/testboot"
)

// hiddenBootISO writes the copype-like tree with its own Boot/etfsboot.com
// and efisys.bin (which do not boot: other markers) and the boot images
// the catalog uses as hidden files, as oscdimg -bootdata writes them.
func hiddenBootISO(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	files := winpeTree(t)
	efisys, err := testboot.EFISysImage(map[string][]byte{"EFI/BOOT/BOOTX64.EFI": testboot.EFIApp(uefiMarker)})
	if err != nil {
		t.Fatal(err)
	}
	hidden := map[string][]byte{"etfsboot.com": testboot.BIOSBootSector(biosMarker), "efisys.bin": efisys}
	files["Boot/etfsboot.com"] = testboot.BIOSBootSector("TREE-COPY-BIOS")
	other, _ := testboot.EFISysImage(map[string][]byte{"EFI/BOOT/BOOTX64.EFI": testboot.EFIApp("TREE-COPY-UEFI")})
	files["EFI/Microsoft/Boot/efisys.bin"] = other
	dir, list := writeTree(t, files)
	for name, data := range hidden {
		p := filepath.Join(dir, "..", "hidden-"+name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		list = append(list, File{Path: "boot-images/" + name, Source: p, Size: int64(len(data)), Hidden: true})
	}
	out := filepath.Join(t.TempDir(), "hidden.iso")
	opt := Options{Label: "WINPE", BIOSBoot: "boot-images/etfsboot.com", UEFIBoot: "BOOT-IMAGES/efisys.bin", ModTime: testTime}
	if err := Write(context.Background(), out, list, opt); err != nil {
		t.Fatal(err)
	}
	return out, files
}

// xorrisoHidden is xorriso for images with hidden boot images: libisofs
// warns that it cannot tell the size of a hidden BIOS image (the catalog
// holds only the 4 KiB load size), as it does for Microsoft's own ISOs.
// Any other warning fails the test.
func xorrisoHidden(t *testing.T, args ...string) string {
	t.Helper()
	x := oracle.Require(t, "xorriso")
	out := runTool(t, 2*time.Minute, x, append([]string{"-local_charset", "UTF-8"}, args...)...)
	const expected = "libisofs: WARNING : Found hidden El-Torito image. Its size could not be figured out"
	if !strings.Contains(out, expected) {
		t.Errorf("xorriso did not find a hidden BIOS image:\n%s", out)
	}
	rest := strings.ReplaceAll(out, expected, "")
	for _, bad := range []string{"SORRY", "FAILURE", "FATAL", "WARNING", "MISHAP"} {
		if strings.Contains(rest, bad) {
			t.Errorf("xorriso %s reports %s:\n%s", strings.Join(args, " "), bad, out)
		}
	}
	return out
}

// TestHiddenBootImages: the El Torito images are in no tree (ISO 9660,
// Joliet, UDF), xorriso finds both catalog entries with no path, and the
// firmware starts the hidden images, not the tree's copies.
func TestHiddenBootImages(t *testing.T) {
	oracle.Require(t, "xorriso")
	out, files := hiddenBootISO(t)
	rep := xorrisoHidden(t, "-indev", out, "-report_el_torito", "plain")
	for _, want := range [][]string{
		{"El Torito boot img", "1", "BIOS", "y", "none", "0x0000", "0x00", "8"},
		{"El Torito boot img", "2", "UEFI", "y", "none", "0x0000", "0x00", "2880"},
	} {
		if !hasFields(rep, want) {
			t.Errorf("-report_el_torito lacks %q:\n%s", want, rep)
		}
	}
	if strings.Contains(rep, "El Torito img path") {
		t.Errorf("a boot image is visible in the tree:\n%s", rep)
	}
	want := expectedPaths(files, func(s string) string { return s })
	joliet := lsdlPaths(t, xorrisoHidden(t, "-indev", out, "-find", "/", "-exec", "lsdl", "--"))
	if strings.Join(joliet, "\n") != strings.Join(want, "\n") {
		t.Errorf("Joliet tree has more or less than the visible files:\n%s", strings.Join(joliet, "\n"))
	}
	primary := lsdlPaths(t, xorrisoHidden(t, "-read_fs", "ecma119", "-indev", out, "-find", "/", "-exec", "lsdl", "--"))
	if len(primary) != len(want) {
		t.Errorf("primary tree has %d entries, want %d", len(primary), len(want))
	}
	if oracle.Require(t, "7z") != "" {
		udf, _ := udfPaths(t, out)
		if strings.Join(udf, "\n") != strings.Join(want, "\n") {
			t.Errorf("UDF tree has more or less than the visible files:\n%s", strings.Join(udf, "\n"))
		}
	}
}

func TestHiddenBootImagesBoot(t *testing.T) {
	oracle.Require(t, "qemu-system-x86_64")
	out, _ := hiddenBootISO(t)
	bootQEMU(t, biosMarker, "-cdrom", out, "-boot", "d")
	bootUEFI(t, out)
}

func TestHiddenFileMustBeABootImage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x")
	os.WriteFile(p, []byte("x"), 0o644)
	err := Write(context.Background(), filepath.Join(dir, "o.iso"), []File{{Path: "a", Source: p, Size: 1}, {Path: "h", Source: p, Size: 1, Hidden: true}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "not a boot image") {
		t.Errorf("a hidden file nothing points at: %v", err)
	}
}
