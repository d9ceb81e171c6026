package engine_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/unattend"
)

// fullOS returns a strict fake of a running Windows (not WinPE) on C:.
func fullOS(t *testing.T) *enginetest.Fake {
	t.Setenv("SystemDrive", "C:")
	t.Setenv("SystemRoot", `C:\Windows`)
	f := enginetest.New(t)
	f.MachineInfo.InWinPE = false
	return f
}

// expectScrub expects the look for answer files left by Setup (the scrub
// every part-B step of the full OS does first); found maps a path to the
// content there, and a changed file is expected to be rewritten.
func expectScrub(f *enginetest.Fake, found map[string][]byte) map[string]*enginetest.Call {
	writes := map[string]*enginetest.Call{}
	for _, rel := range unattend.Paths {
		p := `C:\` + rel
		if b, ok := found[p]; ok {
			f.ExpectReadFile(p).Returns(b)
			writes[p] = f.ExpectWriteFile(p)
			continue
		}
		f.ExpectReadFile(p).Err(fs.ErrNotExist)
	}
	return writes
}

const appsSeq = `
[[steps]]
type = "install-applications"
name = "Install Applications"
%s
[[steps.applications]]
name = "7-Zip"
source = 'C:\_SMSTaskSequence\Packages\7zip'
command_line = 'msiexec.exe /i 7z.msi /qn'
[[steps.applications]]
name = "Office"
source = 'C:\_SMSTaskSequence\Packages\office'
command_line = 'setup.exe /configure config.xml'
success_codes = [0, 3010, 17002]
[[steps.applications]]
name = "Reader"
source = 'C:\_SMSTaskSequence\Packages\reader'
command_line = 'reader.exe /sAll'
`

// 3010 from the second application: restart, then the step runs again
// from the third (not the first). The Setup answer file is scrubbed first.
func TestInstallApplicationsRestartContinuesWithNext(t *testing.T) {
	seq := load(t, fmt.Sprintf(appsSeq, ""))
	secretFile := []byte(`<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend"><settings pass="specialize"><component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS"><ComputerName>REF01</ComputerName><ProductKey>` + bKeyCanary + `</ProductKey></component></settings></unattend>`)
	f := fullOS(t)
	w := expectScrub(f, map[string][]byte{`C:\Windows\Panther\unattend.xml`: secretFile})
	f.ExpectRun(`msiexec.exe /i 7z.msi /qn`).InDir(`C:\_SMSTaskSequence\Packages\7zip`).Output("installing").Exit(0)
	f.ExpectRun(`setup.exe /configure config.xml`).InDir(`C:\_SMSTaskSequence\Packages\office`).Exit(3010)
	rb := f.ExpectReboot("HD")
	r := newRun(t)
	o := r.opts(f)
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusRestarting {
		t.Fatal(res.Status, res.Message)
	}
	scrubbed := string(w[`C:\Windows\Panther\unattend.xml`].Written)
	if strings.Contains(scrubbed, bKeyCanary) || !strings.Contains(scrubbed, "REF01") {
		t.Errorf("scrub:\n%s", scrubbed)
	}
	_ = rb

	f = fullOS(t)
	expectScrub(f, nil)
	f.ExpectRun(`reader.exe /sAll`).InDir(`C:\_SMSTaskSequence\Packages\reader`).Exit(0)
	o = r.opts(f)
	o.Resume = true
	res = r.go_(t, context.Background(), nil, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status, res.Message)
	}
	log := r.log(t)
	for _, want := range []string{"Continuing after the restart with application 3 of 3.", "installing", "needs a restart (3010): the computer restarts and the step continues with Reader"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if _, ok := engineVar(r, "RefimageInstallAppsNext"); ok {
		t.Error("the progress variable stays after the step")
	}
}

// A failure stops the step with the application's code; with
// continue_on_failure the others run and the step succeeds with a
// warning, or fails with TSErrorOnWarning=True.
func TestInstallApplicationsFailures(t *testing.T) {
	f := fullOS(t)
	expectScrub(f, nil)
	f.ExpectRun(`msiexec.exe /i 7z.msi /qn`).Exit(1603)
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, fmt.Sprintf(appsSeq, "")), r.opts(f))
	if res.Status != engine.StatusFailed || res.Steps[0].ExitCode != 1603 || !strings.Contains(res.Steps[0].Message, "7-Zip failed with exit code 1603") {
		t.Fatalf("%s %d %s", res.Status, res.Steps[0].ExitCode, res.Steps[0].Message)
	}

	for _, errOnWarning := range []bool{false, true} {
		f = fullOS(t)
		expectScrub(f, nil)
		f.ExpectRun(`msiexec.exe /i 7z.msi /qn`).Exit(1603)
		f.ExpectRun(`setup.exe /configure config.xml`).Exit(17002)
		f.ExpectRun(`reader.exe /sAll`).Exit(0)
		r = newRun(t)
		o := r.opts(f)
		if errOnWarning {
			o.Vars = append(o.Vars, varKV("TSErrorOnWarning", "True"))
		}
		res = r.go_(t, context.Background(), load(t, fmt.Sprintf(appsSeq, "continue_on_failure = true")), o)
		want := engine.StatusSucceeded
		if errOnWarning {
			want = engine.StatusFailed
		}
		if res.Status != want || !strings.Contains(r.log(t), "1 application(s) failed: 7-Zip") {
			t.Errorf("TSErrorOnWarning=%v: %s %s", errOnWarning, res.Status, res.Message)
		}
	}

	// Offline: a clear failure.
	f = enginetest.New(t)
	f.MachineInfo.InWinPE = false
	r = newRun(t)
	o := r.opts(f)
	o.Offline = t.TempDir()
	res = r.go_(t, context.Background(), load(t, fmt.Sprintf(appsSeq, "")), o)
	if res.Status != engine.StatusFailed || !strings.Contains(res.Steps[0].Message, "needs the running Windows") {
		t.Fatalf("%s %s", res.Status, res.Steps[0].Message)
	}
}
