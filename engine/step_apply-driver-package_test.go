package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

// Offline: the package is copied whole into DIR\Drivers\NN-name, numbered
// after the paths already in the answer file, which keeps everything else
// (here: Apply Windows Settings' part).
func TestApplyDriverPackageOffline(t *testing.T) {
	dir := t.TempDir()
	src := driverSource(t)
	existing, err := os.ReadFile(filepath.Join("testdata", "auto-apply-drivers", "offline-unattend.xml"))
	if err != nil {
		t.Fatal(err)
	}
	user, err := os.ReadFile(filepath.Join("testdata", "apply-windows-settings", "user-answer.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// The answer file holds the user's settings and two driver paths.
	merged := strings.Replace(string(user), "</unattend>", strings.SplitN(strings.SplitN(string(existing), "<settings", 2)[1], "</unattend>", 2)[0], 1)
	merged = strings.Replace(merged, `pass="offlineServicing">`, `<settings pass="offlineServicing">`, 1) + "</unattend>\n"
	panther := filepath.Join(dir, "Windows", "Panther")
	f := enginetest.New(t)
	f.ExpectReadFile(filepath.Join(dir, "Windows", "System32", "smss.exe")).Returns(peHeader(0x8664))
	f.ExpectReadFile(filepath.Join(panther, "unattend.xml")).Returns([]byte(merged))
	d := filepath.Join(dir, "Drivers", "03-storage")
	f.ExpectMkdirAll(d)
	f.ExpectCopyFile(filepath.Join(src, "storage", "iastor.cat"), filepath.Join(d, "iastor.cat"))
	f.ExpectCopyFile(filepath.Join(src, "storage", "iastor.inf"), filepath.Join(d, "iastor.inf"))
	f.ExpectMkdirAll(panther)
	w := f.ExpectWriteFile(filepath.Join(panther, "unattend.xml"))
	r := newRun(t)
	o := r.opts(f)
	o.Offline = dir
	o.Vars = append(o.Vars, varKV("Pkg", filepath.Join(src, "storage")))
	res := r.go_(t, context.Background(), load(t, `
[[steps]]
type = "apply-driver-package"
name = "Storage drivers"
package = "%Pkg%"
`), o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, outcomes(res))
	}
	golden(t, "apply-driver-package/offline-merged.xml", maskAnswer(t, w.Written))
}

// Windows PE: dism with /Recurse, /ForceUnsigned and the additional
// options; a folder without INF files is refused before dism runs.
func TestApplyDriverPackageWinPE(t *testing.T) {
	src := driverSource(t)
	f := enginetest.New(t)
	c := f.ExpectRun(`dism.exe /Image:C:\ /Add-Driver /Driver:` + filepath.Join(src, "nic") + ` /Recurse /ForceUnsigned /LogLevel:4`)
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("OSDTargetSystemDrive", "C:"), varKV("Pkg", filepath.Join(src, "nic")))
	seq := `
[[steps]]
type = "apply-driver-package"
name = "NIC drivers"
package = "%Pkg%"
allow_unsigned = true
additional_options = "/LogLevel:4"
`
	if res := r.go_(t, context.Background(), load(t, seq), o); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message)
	}
	golden(t, "apply-driver-package/winpe-command.txt", strings.ReplaceAll(c.Got.Line, filepath.Join(src, "nic"), `\\deploy01\drivers$\nic`)+"\n")

	empty := t.TempDir()
	f = enginetest.New(t)
	r = newRun(t)
	o = r.opts(f)
	o.Vars = append(o.Vars, varKV("OSDTargetSystemDrive", "C:"), varKV("Pkg", empty))
	res := r.go_(t, context.Background(), load(t, seq), o)
	if res.Status != engine.StatusFailed || !strings.Contains(res.Steps[0].Message, "holds no INF file") {
		t.Fatalf("%s %s", res.Status, res.Steps[0].Message)
	}
}
