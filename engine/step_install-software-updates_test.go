package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

const updatesManifest = `# refimage updates manifest
mandatory windows11.0-kb5043080-x64-ssu.msu   servicing stack
optional  microsoft-windows-netfx3-ondemand-package.cab
mandatory windows11.0-kb5044284-x64.msu       cumulative update
`

var updateFiles = []string{"microsoft-windows-netfx3-ondemand-package.cab", "readme.txt", "updates.txt", "windows11.0-kb5043080-x64-ssu.msu", "windows11.0-kb5044284-x64.msu"}

const updatesSeq = `
[[steps]]
type = "install-software-updates"
name = "Install Updates"
source = '\\deploy01\updates$\win11'
`

// Mandatory updates from the manifest, in its order; the first needs a
// restart, the second fails while it is pending: after the restart the
// step runs again, skips the first and installs the second.
func TestInstallSoftwareUpdatesRestartAndRetry(t *testing.T) {
	src := `\\deploy01\updates$\win11`
	expectList := func(f *enginetest.Fake) {
		f.ExpectReadDirNames(src).ReturnsNames(updateFiles...)
		f.ExpectReadFile(src + `\updates.txt`).Returns([]byte(updatesManifest))
	}
	f := fullOS(t)
	expectScrub(f, nil)
	expectList(f)
	ssu := f.ExpectRun(`wusa.exe \\deploy01\updates$\win11\windows11.0-kb5043080-x64-ssu.msu /quiet /norestart`).Exit(3010)
	f.ExpectRun(`wusa.exe \\deploy01\updates$\win11\windows11.0-kb5044284-x64.msu /quiet /norestart`).Exit(0x800f0823)
	f.ExpectReboot("HD")
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, updatesSeq), r.opts(f))
	if res.Status != engine.StatusRestarting {
		t.Fatal(res.Status, res.Message)
	}

	f = fullOS(t)
	expectScrub(f, nil)
	expectList(f)
	cu := f.ExpectRun(`wusa.exe \\deploy01\updates$\win11\windows11.0-kb5044284-x64.msu /quiet /norestart`).Exit(0)
	o := r.opts(f)
	o.Resume = true
	res = r.go_(t, context.Background(), nil, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status, res.Message)
	}
	log := r.log(t)
	for _, want := range []string{"The manifest updates.txt lists 3 updates.", "tried again after the restart", "windows11.0-kb5043080-x64-ssu.msu was installed before the restart: skipped."} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	golden(t, "install-software-updates/full-os.txt", ssu.Got.Line+"\n"+cu.Got.Line+"\n")
}

// All updates: the .cab with DISM online; already installed and not
// applicable count as done; another code fails the step.
func TestInstallSoftwareUpdatesAll(t *testing.T) {
	src := `\\deploy01\updates$\win11`
	f := fullOS(t)
	expectScrub(f, nil)
	f.ExpectReadDirNames(src).ReturnsNames(updateFiles...)
	f.ExpectReadFile(src + `\updates.txt`).Returns([]byte(updatesManifest))
	f.ExpectRun(`wusa.exe \\deploy01\updates$\win11\windows11.0-kb5043080-x64-ssu.msu /quiet /norestart`).Exit(0x240006)
	cab := f.ExpectRun(`dism.exe /Online /Add-Package /PackagePath:\\deploy01\updates$\win11\microsoft-windows-netfx3-ondemand-package.cab /Quiet /NoRestart`).Exit(0x800f081e)
	f.ExpectRun(`wusa.exe \\deploy01\updates$\win11\windows11.0-kb5044284-x64.msu /quiet /norestart`).Exit(1603)
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, updatesSeq+`target = "all"`), r.opts(f))
	if res.Status != engine.StatusFailed || res.Steps[0].ExitCode != 1603 {
		t.Fatal(res.Status, res.Message)
	}
	golden(t, "install-software-updates/full-os-cab.txt", cab.Got.Line+"\n")
}
