package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/internal/testboot"
	"github.com/refimage/refimage/internal/testsign"
)

// TestMediaSecureBoot: refimage media prints the CA that signed each boot
// manager, warns when only the 2011 CA signs one, and --require-2023-ca
// refuses it (exit 2, nothing written) but accepts 2023-signed ones.
func TestMediaSecureBoot(t *testing.T) {
	pki, err := testsign.New(t.TempDir(), oracle.Require(t, "osslsigncode"))
	if err != nil {
		t.Fatal(err)
	}
	signed := func(s testsign.Signer) []byte {
		b, err := pki.Sign(testboot.EFIApp("x"), s, false)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	seq := "../../docs/examples/custom-capture.toml"
	src, exe := fakeWinPE(t)
	put(t, filepath.Join(src, "media", "EFI", "Boot", "bootx64.efi"), signed(pki.S2011))
	put(t, filepath.Join(src, "media", "bootmgr.efi"), signed(pki.S2023))
	out := filepath.Join(t.TempDir(), "m.iso")

	code, _, errs := run(t, "media", seq, "--winpe", src, "--exe", exe, "--iso", out, "--require-2023-ca")
	if code != exitUsage || !strings.Contains(errs, "--require-2023-ca") || !strings.Contains(errs, "EFI/Boot/bootx64.efi: signed by Microsoft Windows Production PCA 2011") {
		t.Errorf("2011 with --require-2023-ca: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused medium was written")
	}
	code, _, errs = run(t, "media", seq, "--winpe", src, "--exe", exe, "--iso", out)
	if code != 0 || !strings.Contains(errs, "Secure Boot: EFI/Boot/bootx64.efi: signed by Microsoft Windows Production PCA 2011") ||
		!strings.Contains(errs, "Secure Boot: bootmgr.efi: signed by Windows UEFI CA 2023") ||
		!strings.Contains(errs, "warning: EFI/Boot/bootx64.efi is signed only by the Microsoft Windows Production PCA 2011") {
		t.Errorf("2011 without the flag: exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "El Torito BIOS entry: "+filepath.Join(src, "fwfiles", "etfsboot.com")) ||
		!strings.Contains(errs, "El Torito UEFI entry: "+filepath.Join(src, "fwfiles", "efisys.bin")) {
		t.Errorf("the El Torito entries are not printed:\n%s", errs)
	}
	put(t, filepath.Join(src, "media", "EFI", "Boot", "bootx64.efi"), signed(pki.S2023))
	code, _, errs = run(t, "media", seq, "--winpe", src, "--exe", exe, "--iso", out, "--yes", "--require-2023-ca")
	if code != 0 || strings.Contains(errs, "warning") {
		t.Errorf("2023 with --require-2023-ca: exit %d\n%s", code, errs)
	}
}
