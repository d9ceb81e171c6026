//go:build !windows

package wine

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

// offlineInputs writes the offline example's inputs into dir: IN.wim
// (made by wimlib-imagex from a small Windows-like tree), the driver
// folder and the device list.
func offlineInputs(t *testing.T, wimlib, dir string) {
	t.Helper()
	tree := filepath.Join(dir, "tree")
	pe := make([]byte, 0x100)
	copy(pe, "MZ")
	binary.LittleEndian.PutUint32(pe[0x3c:], 0x80)
	copy(pe[0x80:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(pe[0x84:], 0x8664)
	for name, data := range map[string][]byte{
		"Windows/System32/smss.exe":       pe,
		"Windows/System32/config/SYSTEM":  []byte("regf hive"),
		"Program Files/App/app.txt":       []byte("hello from the reference image\n"),
		"Users/Public/Documents/note.txt": []byte(strings.Repeat("note ", 1000)),
	} {
		writeFile(t, filepath.Join(tree, filepath.FromSlash(name)), data)
	}
	if out, err := exec.Command(wimlib, "capture", tree, filepath.Join(dir, "IN.wim"), "Windows 11 Enterprise").CombinedOutput(); err != nil {
		t.Fatalf("wimlib-imagex capture: %v\n%s", err, out)
	}
	inf := "[Version]\r\nSignature = \"$WINDOWS NT$\"\r\nClass = Net\r\nClassGUID = {4d36e972-e325-11ce-bfc1-08002be10318}\r\n" +
		"Provider = \"Example\"\r\nCatalogFile = e1d.cat\r\nDriverVer = 05/01/2023,1.0.0.0\r\n\r\n" +
		"[Manufacturer]\r\n\"Example\" = Ex, NTamd64\r\n\r\n[Ex.NTamd64]\r\n\"Device\" = Inst, PCI\\VEN_8086&DEV_15BB\r\n"
	writeFile(t, filepath.Join(dir, "drivers", "nic", "e1d.inf"), []byte(inf))
	writeFile(t, filepath.Join(dir, "drivers", "nic", "e1d.cat"), []byte("catalog"))
	writeFile(t, filepath.Join(dir, "drivers", "nic", "e1d.sys"), []byte("nic driver"))
	writeFile(t, filepath.Join(dir, "devices.txt"), []byte(`PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028,PCI\VEN_8086&DEV_15BB|PCI\CC_0200|Ethernet`+"\n"))
	if err := os.Mkdir(filepath.Join(dir, "target"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestOfflineBuildUnderWine: refimage.exe run docs/examples/offline-build.toml
// --offline C:\…\target on a Windows workstation (not Windows PE) runs
// the whole example, as the Linux binary does; wimlib-imagex verifies both
// captures and lists the same files with the same answer file. Before
// the fix the Windows run failed at Apply Operating System with
// 0x80070032 "runs only in Windows PE".
func TestOfflineBuildUnderWine(t *testing.T) {
	l := getLane(t)
	wimlib := oracle.Require(t, "wimlib-imagex")
	example := repo("docs/examples/offline-build.toml")

	cLin, cWin := l.cdrive(t, "offline build")
	offlineInputs(t, wimlib, cLin)
	w := l.win(t, "", []string{"NO_COLOR=1"}, "run", zpath(example), "--offline", cWin+`\target`,
		"--var", `SourceImage=`+cWin+`\IN.wim`, "--var", `CaptureDestination=`+cWin+`\OUT.wim`,
		"--var", "OSDComputerName=REF01", "--var", `DriverSource=`+cWin+`\drivers`,
		"--var", `DeviceList=`+cWin+`\devices.txt`, "--plain")
	if w.code != 0 || !strings.Contains(w.stdout+w.stderr, "completed successfully") {
		t.Fatalf("refimage.exe run --offline under Wine:\n%s", w)
	}

	lin := t.TempDir()
	offlineInputs(t, wimlib, lin)
	li := l.lin(t, "", []string{"NO_COLOR=1"}, "run", example, "--offline", filepath.Join(lin, "target"),
		"--var", "SourceImage="+filepath.Join(lin, "IN.wim"), "--var", "CaptureDestination="+filepath.Join(lin, "OUT.wim"),
		"--var", "OSDComputerName=REF01", "--var", "DriverSource="+filepath.Join(lin, "drivers"),
		"--var", "DeviceList="+filepath.Join(lin, "devices.txt"), "--plain")
	if li.code != 0 {
		t.Fatalf("refimage run --offline on Linux:\n%s", li)
	}

	wimlibDir := func(path string) string {
		if out, err := exec.Command(wimlib, "verify", path).CombinedOutput(); err != nil {
			t.Fatalf("wimlib-imagex verify %s: %v\n%s", path, err, out)
		}
		out, err := exec.Command(wimlib, "dir", path, "1").CombinedOutput()
		if err != nil {
			t.Fatalf("wimlib-imagex dir %s: %v\n%s", path, err, out)
		}
		return string(out)
	}
	wl, ll := wimlibDir(filepath.Join(cLin, "OUT.wim")), wimlibDir(filepath.Join(lin, "OUT.wim"))
	if wl != ll {
		t.Errorf("the captures differ\n--- Wine\n%s\n--- Linux\n%s", wl, ll)
	}
	for _, want := range []string{"/Windows/Panther/unattend.xml", "/Program Files/App/app.txt", "e1d.sys"} {
		if !strings.Contains(wl, want) {
			t.Errorf("the Windows capture lacks %s:\n%s", want, wl)
		}
	}
	extract := func(wimPath, path string) string {
		out, err := exec.Command(wimlib, "extract", wimPath, "1", path, "--to-stdout").Output()
		if err != nil {
			t.Fatalf("wimlib-imagex extract %s %s: %v", wimPath, path, err)
		}
		return string(out)
	}
	wx, lx := extract(filepath.Join(cLin, "OUT.wim"), "/Windows/Panther/unattend.xml"), extract(filepath.Join(lin, "OUT.wim"), "/Windows/Panther/unattend.xml")
	// The Administrator password is made up for each run (none is set).
	pw := regexp.MustCompile(`<Value>[A-Za-z0-9+/=]+</Value>`)
	if pw.ReplaceAllString(wx, "<Value>…</Value>") != pw.ReplaceAllString(lx, "<Value>…</Value>") {
		t.Errorf("unattend.xml differs\n--- Wine\n%s\n--- Linux\n%s", wx, lx)
	}
	if !strings.Contains(wx, "<ComputerName>REF01</ComputerName>") {
		t.Errorf("the Windows unattend.xml has no computer name:\n%s", wx)
	}
}
