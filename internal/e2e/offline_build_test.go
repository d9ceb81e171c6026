package e2e

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

// The offline build: refimage run docs/examples/offline-build.toml
// --offline DIR applies IN.wim (made by wimlib-imagex from a small
// Windows-like tree) into DIR, writes the answer file with the computer
// name, stages the driver packages that match the device list, and
// captures DIR into OUT.wim, which wimlib-imagex verifies and lists.
func TestOfflineBuildExample(t *testing.T) {
	wimlib := oracle.Require(t, "wimlib-imagex")
	if runtime.GOOS == "windows" {
		t.Skip("the offline example test runs on Linux and macOS")
	}
	bin := buildRefimage(t)
	work := t.TempDir()
	tree := filepath.Join(work, "tree")
	files := map[string][]byte{
		"Windows/System32/smss.exe":       peHeader(0x8664),
		"Windows/System32/ntoskrnl.exe":   []byte("kernel"),
		"Windows/System32/config/SYSTEM":  []byte("regf hive"),
		"Windows/Setup/Scripts/.keep":     nil,
		"Program Files/App/app.txt":       []byte("hello from the reference image\n"),
		"Users/Public/Documents/note.txt": []byte(strings.Repeat("note ", 1000)),
	}
	for name, data := range files {
		writeFile(t, filepath.Join(tree, name), data)
	}
	in := filepath.Join(work, "IN.wim")
	if out, err := exec.Command(wimlib, "capture", tree, in, "Windows 11 Enterprise").CombinedOutput(); err != nil {
		t.Fatalf("wimlib-imagex capture: %v\n%s", err, out)
	}
	drivers := filepath.Join(work, "DRIVERS")
	writeFile(t, filepath.Join(drivers, "nic", "e1d.inf"), []byte(sampleINF("Net", "{4d36e972-e325-11ce-bfc1-08002be10318}", "e1d.cat", `PCI\VEN_8086&DEV_15BB`)))
	writeFile(t, filepath.Join(drivers, "nic", "e1d.cat"), []byte("catalog"))
	writeFile(t, filepath.Join(drivers, "nic", "e1d.sys"), []byte("nic driver"))
	writeFile(t, filepath.Join(drivers, "gpu", "gpu.inf"), []byte(sampleINF("Display", "{4d36e968-e325-11ce-bfc1-08002be10318}", "gpu.cat", `PCI\VEN_1234&DEV_5678`)))
	writeFile(t, filepath.Join(drivers, "gpu", "gpu.cat"), []byte("catalog"))
	writeFile(t, filepath.Join(drivers, "stor", "stor.inf"), []byte(sampleINF("SCSIAdapter", "{4D36E97B-E325-11CE-BFC1-08002BE10318}", "stor.cat", `PCI\VEN_8086&DEV_A0D3&CC_0106`)))
	writeFile(t, filepath.Join(drivers, "stor", "stor.cat"), []byte("catalog"))
	devices := filepath.Join(work, "DEVICES.txt")
	writeFile(t, devices, []byte("# HardwareIDs | CompatibleIDs | Description\n"+
		`PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028,PCI\VEN_8086&DEV_15BB|PCI\CC_0200|Ethernet`+"\n"+
		`PCI\VEN_8086&DEV_A0D3&CC_0106|PCI\CC_0106|SATA controller`+"\n"))

	dir := filepath.Join(work, "DIR")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	outWIM := filepath.Join(work, "OUT.wim")
	example, _ := filepath.Abs(filepath.Join("..", "..", "docs", "examples", "offline-build.toml"))
	cmd := exec.Command(bin, "run", example, "--offline", dir,
		"--var", "SourceImage="+in, "--var", "CaptureDestination="+outWIM, "--var", "OSDComputerName=REF01",
		"--var", "DriverSource="+drivers, "--var", "DeviceList="+devices, "--plain")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("refimage run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "completed successfully") {
		t.Fatalf("the run did not complete:\n%s", out)
	}
	if _, err := os.Stat(outWIM); err != nil {
		t.Fatalf("OUT.wim: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(work, "*partial*"))
	if len(matches) > 0 {
		t.Errorf("a partial capture was left: %v", matches)
	}

	if o, err := exec.Command(wimlib, "verify", outWIM).CombinedOutput(); err != nil {
		t.Fatalf("wimlib-imagex verify OUT.wim: %v\n%s", err, o)
	}
	listing, err := exec.Command(wimlib, "dir", outWIM, "1").CombinedOutput()
	if err != nil {
		t.Fatalf("wimlib-imagex dir: %v\n%s", err, listing)
	}
	list := string(listing)
	for name := range files {
		if !strings.Contains(list, "/"+name+"\n") {
			t.Errorf("OUT.wim lacks the original file /%s", name)
		}
	}
	if !strings.Contains(list, "/Windows/Panther/unattend.xml\n") {
		t.Error("OUT.wim lacks /Windows/Panther/unattend.xml")
	}
	if strings.Contains(list, "_SMSTaskSequence") {
		t.Error("the engine's state folder was captured")
	}
	for _, want := range []string{"e1d.inf", "e1d.sys", "stor.inf"} {
		if !strings.Contains(list, "/"+want+"\n") {
			t.Errorf("the matched driver file %s is not in OUT.wim:\n%s", want, list)
		}
	}
	if strings.Contains(list, "gpu.inf") {
		t.Errorf("the unmatched GPU driver was staged:\n%s", list)
	}
	xml := extract(t, wimlib, outWIM, "/Windows/Panther/unattend.xml")
	if !strings.Contains(xml, "<ComputerName>REF01</ComputerName>") {
		t.Errorf("unattend.xml has no computer name REF01:\n%s", xml)
	}
	if app := extract(t, wimlib, outWIM, "/Program Files/App/app.txt"); app != "hello from the reference image\n" {
		t.Errorf("app.txt = %q", app)
	}
	info, _ := exec.Command(wimlib, "info", outWIM, "1", "--xml").CombinedOutput()
	infoText := decodeMaybeUTF16(info)
	for _, want := range []string{"IT Department", "Reference image built offline"} {
		if !strings.Contains(infoText, want) {
			t.Errorf("OUT.wim's XML lacks %q", want)
		}
	}
}

func extract(t *testing.T, wimlib, wimPath, path string) string {
	t.Helper()
	out, err := exec.Command(wimlib, "extract", wimPath, "1", path, "--to-stdout").Output()
	if err != nil {
		t.Fatalf("wimlib-imagex extract %s: %v", path, err)
	}
	return string(out)
}

func decodeMaybeUTF16(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
		b = b[2:]
		u := make([]rune, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			u = append(u, rune(binary.LittleEndian.Uint16(b[i:])))
		}
		return string(u)
	}
	return string(b)
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// peHeader is the start of a PE file for the machine type (the image's
// architecture is read from smss.exe).
func peHeader(machine uint16) []byte {
	b := make([]byte, 0x100)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x80)
	copy(b[0x80:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[0x84:], machine)
	return b
}

func sampleINF(class, guid, cat, id string) string {
	return "[Version]\r\nSignature = \"$WINDOWS NT$\"\r\nClass = " + class + "\r\nClassGUID = " + guid +
		"\r\nProvider = \"Example\"\r\nCatalogFile = " + cat + "\r\nDriverVer = 05/01/2023,1.0.0.0\r\n\r\n" +
		"[Manufacturer]\r\n\"Example\" = Ex, NTamd64\r\n\r\n[Ex.NTamd64]\r\n\"Device\" = Inst, " + id + "\r\n"
}

// buildRefimage compiles refimage once per test binary run (without the
// tmux requirement of build).
func buildRefimage(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "refimage")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/refimage/refimage/cmd/refimage").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
