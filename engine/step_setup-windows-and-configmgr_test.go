package engine_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/setupcomplete"
)

const setupStep = `
[[steps]]
type = "setup-windows-and-configmgr"
name = "Setup Windows and ConfigMgr"
client_package = '\\deploy01\client$'
install_properties = 'SMSMP=mp01.contoso.com SMSCACHESIZE=15000'
[[steps]]
type = "run-command-line"
name = "After"
command_line = 'cmd.exe /c ver'
`

// In WinPE: the client package and refimage.exe are staged on the
// applied Windows, SetupComplete.cmd is written (the image's own kept and
// run first), and the step asks for a restart into the installed OS with
// a retry. Resumed in the full OS it runs again and installs the client
// with ccmsetup; 7 (restart required) restarts and goes on with the next
// step.
func TestSetupWindowsAndConfigMgr(t *testing.T) {
	defer engine.SetSelfExe(`X:\refimage\refimage.exe`)()
	seq := load(t, setupStep)
	f := enginetest.New(t)
	vars := []sequence.Variable{varKV("OSDTargetSystemDrive", "C:"), varKV("RefimageAdminAccount", "disable"), varKV("SetupCompletePause", "30")}
	f.ExpectRun(`robocopy.exe \\deploy01\client$ C:\_SMSTaskSequence\Client /E /R:2 /W:5 /NP`).Output("Files :        42        42").Exit(1)
	f.ExpectCopyFile(`X:\refimage\refimage.exe`, `C:\_SMSTaskSequence\refimage.exe`)
	f.ExpectReadFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`).Returns([]byte("@echo off\r\necho OEM setup\r\n"))
	f.ExpectMkdirAll(`C:\Windows\Setup\Scripts`)
	orig := f.ExpectWriteFile(`C:\Windows\Setup\Scripts\` + setupcomplete.OriginalName)
	script := f.ExpectWriteFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`)
	rb := f.ExpectReboot("HD")
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, vars...)
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusRestarting || rb.Reboot.Target != "HD" {
		t.Fatal(res.Status, res.Message, res.Failed)
	}
	golden(t, "setup-windows-and-configmgr/winpe.golden", transcript(f, orig, script))
	if !strings.Contains(string(script.Written), `"%SystemDrive%\_SMSTaskSequence\refimage.exe" run --resume`) || !strings.Contains(string(script.Written), "Disable-LocalUser") {
		t.Error("SetupComplete.cmd does not resume the engine or disable the Administrator")
	}
	inPlan(t, planOf(t, seq, engine.PlanOptions{Vars: vars}, "Setup Windows and ConfigMgr"), runLines(f))

	// After Windows setup, SetupComplete.cmd resumes the run in the full OS.
	state := filepath.Join(r.dir, "state")
	f = enginetest.New(t)
	f.MachineInfo.InWinPE = false
	f.ExpectRun(state + `\Client\ccmsetup.exe /noservice /source:` + state + `\Client SMSMP=mp01.contoso.com SMSCACHESIZE=15000`).Exit(7)
	rb = f.ExpectReboot("HD")
	o.Resume, o.Vars, o.Platform = true, nil, f
	res = r.go_(t, context.Background(), nil, o)
	if res.Status != engine.StatusRestarting {
		t.Fatal(res.Status, res.Message, res.Failed)
	}
	if !strings.Contains(r.log(t), "ccmsetup returned 7 (a restart is required)") {
		t.Error("the log does not explain ccmsetup's code")
	}
	f = enginetest.New(t)
	f.MachineInfo.InWinPE = false
	f.ExpectRun(`cmd.exe /c ver`)
	o.Platform = f
	res = r.go_(t, context.Background(), nil, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status, res.Message)
	}
}

// ccmsetup's failure codes fail the step with their meaning.
func TestSetupWindowsCCMSetupFails(t *testing.T) {
	defer engine.SetSelfExe(`X:\refimage.exe`)()
	for code, meaning := range map[int64]string{6: "error", 8: "setup is already running", 9: "prerequisite evaluation failure", 10: "setup manifest hash validation failure"} {
		f := enginetest.New(t)
		f.ExpectRun(`robocopy.exe \\deploy01\client$ C:\_SMSTaskSequence\Client /E /R:2 /W:5 /NP`)
		f.ExpectCopyFile(`X:\refimage.exe`, `C:\_SMSTaskSequence\refimage.exe`)
		f.ExpectReadFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`).Err(fs.ErrNotExist)
		f.ExpectMkdirAll(`C:\Windows\Setup\Scripts`)
		f.ExpectWriteFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`)
		f.ExpectReboot("HD")
		r := newRun(t)
		o := r.opts(f)
		o.Vars = append(o.Vars, varKV("OSDTargetSystemDrive", "C:"))
		r.go_(t, context.Background(), load(t, setupStep), o)

		f = enginetest.New(t)
		f.MachineInfo.InWinPE = false
		state := filepath.Join(r.dir, "state")
		f.ExpectRun(state + `\Client\ccmsetup.exe /noservice /source:` + state + `\Client SMSMP=mp01.contoso.com SMSCACHESIZE=15000`).Exit(code)
		o.Resume, o.Vars, o.Platform = true, nil, f
		res := r.go_(t, context.Background(), nil, o)
		if res.Status != engine.StatusFailed || res.Code != code || !strings.Contains(res.Failed.Message, meaning) {
			t.Errorf("%d: %s %+v", code, res.Status, res.Failed)
		}
	}
}

// Without Apply Operating System before it the step says so.
func TestSetupWindowsNeedsTheAppliedImage(t *testing.T) {
	f := enginetest.New(t)
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, setupStep), r.opts(f))
	if res.Status != engine.StatusFailed || !strings.Contains(res.Failed.Message, "Apply Operating System must run before") {
		t.Fatal(res.Failed)
	}
}

// Offline: the client package and SetupComplete.cmd are staged into the
// folder, then the step fails clearly: the rest needs Windows to start.
func TestSetupWindowsOffline(t *testing.T) {
	work := t.TempDir()
	client := filepath.Join(work, "client")
	os.MkdirAll(filepath.Join(client, "x64"), 0o755)
	os.WriteFile(filepath.Join(client, "ccmsetup.exe"), []byte("MZ"), 0o644)
	os.WriteFile(filepath.Join(client, "x64", "client.msi"), []byte("msi"), 0o644)
	dir := filepath.Join(work, "DIR")
	os.MkdirAll(filepath.Join(dir, "Windows"), 0o755)
	seq := load(t, "\n[[steps]]\ntype = \"setup-windows-and-configmgr\"\nname = \"Setup\"\nclient_package = '"+client+"'\n")
	r := newRun(t)
	o := r.opts(enginetest.New(t))
	o.Offline, o.StateDir = dir, ""
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, engine.CodeNotSupported) || !strings.Contains(res.Failed.Message, "need the applied Windows to start") {
		t.Fatal(res.Status, res.Failed)
	}
	for _, p := range []string{"_SMSTaskSequence/Client/ccmsetup.exe", "_SMSTaskSequence/Client/x64/client.msi", "Windows/Setup/Scripts/SetupComplete.cmd"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "Windows", "Setup", "Scripts", setupcomplete.OriginalName)); !os.IsNotExist(err) {
		t.Error("no original script to keep", err)
	}
}

// Back in WinPE after the restart (the boot medium came first again),
// the step fails clearly instead of staging and restarting forever.
func TestSetupWindowsRestartLoop(t *testing.T) {
	defer engine.SetSelfExe(`X:\refimage.exe`)()
	f := enginetest.New(t)
	f.ExpectRun(`robocopy.exe \\deploy01\client$ C:\_SMSTaskSequence\Client /E /R:2 /W:5 /NP`)
	f.ExpectCopyFile(`X:\refimage.exe`, `C:\_SMSTaskSequence\refimage.exe`)
	f.ExpectReadFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`).Err(fs.ErrNotExist)
	f.ExpectMkdirAll(`C:\Windows\Setup\Scripts`)
	f.ExpectWriteFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`)
	f.ExpectReboot("HD")
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("OSDTargetSystemDrive", "C:"))
	r.go_(t, context.Background(), load(t, setupStep), o)
	f = enginetest.New(t) // still Windows PE
	o.Resume, o.Vars, o.Platform = true, nil, f
	res := r.go_(t, context.Background(), nil, o)
	if res.Status != engine.StatusFailed || !strings.Contains(res.Failed.Message, "started Windows PE again") {
		t.Fatal(res.Status, res.Failed)
	}
}
