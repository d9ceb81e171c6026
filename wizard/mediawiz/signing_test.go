package mediawiz

import (
	"testing"

	"github.com/refimage/refimage/wizard"
)

// TestBootSigningNote: the Boot Image page shows who signed the boot
// managers once the source is complete, and nothing without an answer.
func TestBootSigningNote(t *testing.T) {
	env := testEnv(nil)
	calls := 0
	env.BootSigning = func(winpe, fw string) []string {
		calls++
		return []string{"EFI/Boot/bootx64.efi: Windows UEFI CA 2023", "bootmgr.efi: only the 2011 CA: revoked by the 2023 Secure Boot updates"}
	}
	w := New(nil, "/work/capture.toml", env, wizard.English)
	f := PageByID(PageBoot).Field("signing")
	if f == nil {
		t.Fatal("no signing field on the Boot Image page")
	}
	if f.Visible(w) {
		t.Error("shown before the source is given")
	}
	w.A.WinPE = "/pe/missing"
	if f.Visible(w) || calls != 0 {
		t.Errorf("shown (or asked, %d) for an incomplete source", calls)
	}
	w.A.WinPE = "/pe/amd64"
	want := "EFI/Boot/bootx64.efi: Windows UEFI CA 2023\nbootmgr.efi: only the 2011 CA: revoked by the 2023 Secure Boot updates"
	if !f.Visible(w) || f.Get(w) != want || f.Label(w) != "Secure Boot" {
		t.Errorf("visible %v, %q: %q", f.Visible(w), f.Label(w), f.Get(w))
	}
	f.Get(w)
	if calls != 1 {
		t.Errorf("the source was read %d times; once is enough", calls)
	}
	w.RecheckSource()
	f.Get(w)
	if calls != 2 {
		t.Errorf("RecheckSource did not read it again (%d)", calls)
	}
	env.BootSigning = nil
	if w2 := New(nil, "/work/capture.toml", env, wizard.English); f.Visible(w2) {
		t.Error("shown without a way to tell")
	}
}
