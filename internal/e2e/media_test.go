package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/media/wim"
)

// copypeTree makes what copype amd64 makes, with stand-in boot files and
// a boot.wim captured here, and a stand-in x64 refimage.exe.
func copypeTree(t *testing.T) (src, exe string) {
	t.Helper()
	src = t.TempDir()
	m := filepath.Join(src, "media")
	for _, p := range []string{"bootmgr", "bootmgr.efi", "Boot/BCD", "Boot/boot.sdi", "EFI/Boot/bootx64.efi", "EFI/Microsoft/Boot/BCD"} {
		writeFile(t, filepath.Join(m, filepath.FromSlash(p)), []byte("stand-in "+p))
	}
	pe := t.TempDir()
	writeFile(t, filepath.Join(pe, "Windows", "System32", "startnet.cmd"), []byte("wpeinit\r\n"))
	os.MkdirAll(filepath.Join(m, "sources"), 0o755)
	if _, err := wim.Capture(pe, filepath.Join(m, "sources", "boot.wim"), wim.CaptureOptions{Boot: true}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(src, "fwfiles", "etfsboot.com"), make([]byte, 4096))
	writeFile(t, filepath.Join(src, "fwfiles", "efisys.bin"), make([]byte, 1474560))
	exe = filepath.Join(t.TempDir(), "refimage.exe")
	writeFile(t, exe, peHeader(0x8664))
	return src, exe
}

// TestMediaWizardInTmux: refimage media FILE without a target opens the
// media wizard in a real 80x25 terminal; the flags fill the Boot Image
// page; the ISO is written and the command line printed after the screen
// closes.
func TestMediaWizardInTmux(t *testing.T) {
	bin := build(t)
	src, exe := copypeTree(t)
	seq, _ := filepath.Abs("../../docs/examples/custom-capture.toml")
	dir := t.TempDir()
	iso := filepath.Join(dir, "capture.iso")
	done := filepath.Join(dir, "exit")
	cmd := fmt.Sprintf("%s media %s --winpe %s --exe %s --label REF_MEDIA; echo $? > %s; sleep 60", bin, seq, src, exe, done)
	tm := newTerm(t, 80, 25, []string{"TERM=xterm-256color", "REFIMAGE_PASSPHRASE="}, cmd)
	tm.see("Task Sequence Media Wizard", "Bootable media").keys("C-n")
	tm.see("Media Target", "ISO file *").keys("Tab", "C-u").typ(iso).keys("C-n")
	tm.see("Protect media with a password").keys("Space").see("[ ] Protect").keys("C-n")
	tm.see("Windows PE source *", "x64 (from its EFI boot loader)").keys("C-s")
	tm.see("Your choices", "Volume label: REF_MEDIA").keys("C-n")
	tm.see("The medium was written").keys("Enter")
	tm.see("Next time you can run this directly").keys("Enter")
	if code := exitCode(t, done); code != "0" {
		t.Fatalf("exit %s\n%s", code, tm.screen())
	}
	if info, err := os.Stat(iso); err != nil || info.Size() < 1<<20 {
		t.Fatalf("no ISO: %v", err)
	}
	want := fmt.Sprintf("refimage media %s --winpe %s --iso %s --label REF_MEDIA --exe %s", seq, src, iso, exe)
	// The terminal wraps the long line anywhere: compare without spaces.
	if s := strings.Join(strings.Fields(tm.screen()), ""); !strings.Contains(s, strings.Join(strings.Fields(want), "")) {
		t.Errorf("the command line is not printed:\n%s", tm.screen())
	}
}
