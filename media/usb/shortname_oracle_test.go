package usb

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

// TestShortNamesSeenByFATTools: firmware that reads only 8.3 names finds
// \EFI\BOOT\BOOTX64.EFI. The copype tree has EFI/Boot/bootx64.efi: "EFI"
// and "bootx64.efi" are stored as short names without long-name entries
// (fsck.fat -l lists them with no alias in brackets), "Boot" as a long
// name with the alias BOOT (not BOOT~1), and mtools with VFAT names turned
// off reads the file by its short path.
func TestShortNamesSeenByFATTools(t *testing.T) {
	mdir := oracle.Require(t, "mdir")
	mtype := oracle.Require(t, "mtype")
	fsck := oracle.Require(t, "fsck.fat")
	img, files := writeImage(t)
	esp := partition(t, img)
	out, err := exec.Command(fsck, "-n", "-v", "-l", esp).CombinedOutput()
	if err != nil {
		t.Fatalf("fsck.fat: %v\n%s", err, out)
	}
	listing := string(out)
	for _, line := range []string{
		"Checking file /EFI\n",
		"Checking file /EFI/Boot (BOOT)\n",
		"Checking file /EFI/Boot/BOOTX64.EFI\n",
		"Checking file /EFI/Microsoft (MICROS~1)\n",
		"Checking file /EFI/Microsoft/Boot/BCD\n",
		"Checking file /EFI/Microsoft/Boot/ko-KR (KO-KR)\n",
		"Checking file /EFI/Microsoft/Boot/ko-KR/bootmgfw.efi.mui (BOOTMG~1.MUI)\n",
		"Checking file /SOURCES/BOOT.WIM\n",
	} {
		if !strings.Contains(listing, line) {
			t.Errorf("fsck.fat -l does not list %q:\n%s", strings.TrimSpace(line), listing)
		}
	}
	if strings.Contains(listing, "BOOT~1") || strings.Contains(listing, "EFI~1") || strings.Contains(listing, "BOOTX6~1") {
		t.Errorf("a name that fits 8.3 got a numeric tail:\n%s", listing)
	}
	env := append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "MTOOLS_NO_VFAT=1", "LC_ALL=C.UTF-8")
	cmd := exec.Command(mtype, "-i", esp, "::/EFI/BOOT/BOOTX64.EFI")
	cmd.Env = env
	got, err := cmd.Output()
	if err != nil || !bytes.Equal(got, files["EFI/Boot/bootx64.efi"]) {
		t.Errorf("mtype by the short path EFI/BOOT/BOOTX64.EFI: %v (%d bytes)", err, len(got))
	}
	cmd = exec.Command(mdir, "-i", esp, "::/EFI/BOOT")
	cmd.Env = env
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mdir: %v\n%s", err, out)
	}
	// mdir prints "name ext size date time [long name]": no long name here.
	if !regexp.MustCompile(`(?mi)^bootx64 +efi +1 ?024 +\S+ +\S+ *$`).Match(out) {
		t.Errorf("mdir ::/EFI/BOOT does not show BOOTX64.EFI as a short name alone:\n%s", out)
	}
	cmd = exec.Command(mdir, "-i", esp, "::/EFI")
	cmd.Env = env
	out, _ = cmd.CombinedOutput()
	if !regexp.MustCompile(`(?m)^BOOT +<DIR> .* Boot$`).Match(out) {
		t.Errorf("mdir ::/EFI does not show BOOT with the long name Boot:\n%s", out)
	}
}
