package engine_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/internal/oracle"
)

// An install.esd (solid LZMS, as the Media Creation Tool ships it; made
// here by wimlib-imagex) is a first-class image: applied offline by the
// native applier, index 2 chosen by number.
func TestApplyOSImageOfflineESD(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	work := t.TempDir()
	trees := []string{filepath.Join(work, "home"), filepath.Join(work, "pro")}
	big := strings.Repeat("reference image data ", 20000)
	for i, tree := range trees {
		for name, data := range map[string]string{"Windows/System32/ntoskrnl.exe": big, "Windows/edition.txt": []string{"Home", "Pro"}[i], "Users/Public/a.txt": "a"} {
			p := filepath.Join(tree, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte(data), 0o644)
		}
	}
	esd := filepath.Join(work, "install.esd")
	for i, args := range [][]string{{"capture", trees[0], esd, "Windows 11 Home", "--solid"}, {"append", trees[1], esd, "Windows 11 Pro", "--solid"}} {
		if out, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
			t.Fatalf("wimlib-imagex %d: %v\n%s", i, err, out)
		}
	}
	dir := filepath.Join(work, "DIR")
	os.MkdirAll(dir, 0o755)
	seq := load(t, "\n[[steps]]\ntype = \"apply-os-image\"\nname = \"Apply Operating System\"\nimage = '"+esd+"'\nindex = 2\n")
	r := newRun(t)
	o := r.opts(enginetest.New(t))
	o.Offline = dir
	o.StateDir = ""
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "Windows", "edition.txt")); err != nil || string(b) != "Pro" {
		t.Errorf("image 2 of the ESD was not applied: %q %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "Windows", "System32", "ntoskrnl.exe")); err != nil || string(b) != big {
		t.Error("file data from the solid resource differs", err)
	}
}

// Live, DISM applies an .esd the same way as a .wim.
func TestApplyOSImageLiveESD(t *testing.T) {
	seq := load(t, "\n[[steps]]\ntype = \"apply-os-image\"\nname = \"Apply\"\nimage = 'D:\\sources\\install.esd'\nindex = 6\n")
	f := enginetest.New(t)
	f.ExpectVolumes().ReturnsVolumes(applyVolumes()...)
	f.ExpectStat(`D:\sources\install.esd`).ReturnsInfo(fakeFile{})
	f.ExpectReadDirNames(`C:\`).ReturnsNames()
	f.ExpectRun(`dism.exe /Apply-Image /ImageFile:D:\sources\install.esd /Index:6 /ApplyDir:C:\`).Output("The operation completed successfully.")
	f.ExpectWriteFile(`X:\Windows\Temp\refimage-syspart.txt`)
	f.ExpectRun(`diskpart.exe /s X:\Windows\Temp\refimage-syspart.txt`)
	f.ExpectRun(`C:\Windows\System32\bcdboot.exe C:\Windows /s S: /f UEFI`).Output("Boot files successfully created.")
	f.ExpectWriteFile(`X:\Windows\Temp\refimage-syspart.txt`)
	f.ExpectRun(`diskpart.exe /s X:\Windows\Temp\refimage-syspart.txt`)
	r := newRun(t)
	o := r.opts(f)
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
}
