package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

const (
	testGUID     = "{a1b2c3d4-1111-2222-3333-444455556666}"
	testBootWIM  = `\\deploy01\boot$\x64\boot.wim`
	stageSources = `C:\_SMSTaskSequence\WinPE\sources`
)

func expectStage(f *enginetest.Fake, uefi bool) {
	winload, sdi := `\Windows\System32\Boot\winload.exe`, `C:\Windows\Boot\DVD\PCAT\boot.sdi`
	if uefi {
		winload, sdi = `\Windows\System32\Boot\winload.efi`, `C:\Windows\Boot\DVD\EFI\boot.sdi`
	}
	dev := `ramdisk=[C:]\_SMSTaskSequence\WinPE\sources\boot.wim,{ramdiskoptions}`
	f.ExpectMkdirAll(stageSources)
	f.ExpectMkdirAll(`C:\_SMSTaskSequence\WinPE\boot`)
	f.ExpectCopyFile(testBootWIM, stageSources+`\boot.wim`)
	f.ExpectCopyFile(sdi, `C:\_SMSTaskSequence\WinPE\boot\boot.sdi`)
	f.ExpectRun(`bcdedit.exe /delete {ramdiskoptions} /f`).Output("The specified entry identifier is not valid.").Exit(1)
	f.ExpectRun(`bcdedit.exe /create {ramdiskoptions} /d "refimage Windows PE"`).Output("The entry {ramdiskoptions} was successfully created.")
	f.ExpectRun(`bcdedit.exe /set {ramdiskoptions} ramdisksdidevice partition=C:`)
	f.ExpectRun(`bcdedit.exe /set {ramdiskoptions} ramdisksdipath \_SMSTaskSequence\WinPE\boot\boot.sdi`)
	f.ExpectRun(`bcdedit.exe /create /d "refimage Windows PE" /application osloader`).Output("The entry " + testGUID + " was successfully created.")
	f.ExpectRun(`bcdedit.exe /set ` + testGUID + ` device ` + dev)
	f.ExpectRun(`bcdedit.exe /set ` + testGUID + ` osdevice ` + dev)
	f.ExpectRun(`bcdedit.exe /set ` + testGUID + ` path ` + winload)
	f.ExpectRun(`bcdedit.exe /set ` + testGUID + ` systemroot \Windows`)
	f.ExpectRun(`bcdedit.exe /set ` + testGUID + ` detecthal yes`)
	f.ExpectRun(`bcdedit.exe /set ` + testGUID + ` winpe yes`)
	f.ExpectRun(`bcdedit.exe /bootsequence ` + testGUID)
}

// From the installed OS into WinPE: the boot image and boot.sdi are
// staged on C:, the ramdisk options and a WinPE loader entry are created
// and the loader becomes the one-time boot. The plan lists the same
// commands.
func TestStageWinPE(t *testing.T) {
	for _, uefi := range []bool{true, false} {
		f := enginetest.New(t)
		expectStage(f, uefi)
		err := engine.StageWinPE(context.Background(), f, engine.StageOptions{Drive: "c:", SystemRoot: `C:\Windows`, BootImage: testBootWIM, UEFI: uefi})
		if err != nil {
			t.Fatal(err)
		}
		name := map[bool]string{true: "uefi", false: "bios"}[uefi]
		golden(t, "restart-computer/stage-winpe-"+name+".golden", transcript(f))

		seq := load(t, "[boot_image]\npath = '"+testBootWIM+"'\narch = \"x64\"\n[[steps]]\ntype = \"restart-computer\"\nname = \"Restart in Windows PE\"\n")
		plan := planOf(t, seq, engine.PlanOptions{Env: "full-os", BIOS: !uefi}, "Restart in Windows PE")
		var ran []string
		for _, l := range runLines(f) {
			ran = append(ran, strings.ReplaceAll(l, testGUID, "{GUID}"))
		}
		inPlan(t, plan, ran)
		if !strings.Contains(strings.Join(plan, "\n"), `shutdown.exe /r /t 60 /c "A new Microsoft Windows operating system is being installed.`) {
			t.Errorf("the plan lacks the restart with its message:\n%s", strings.Join(plan, "\n"))
		}
	}
}

// bcdedit not printing the new entry's GUID, or failing, stops the
// staging with its output.
func TestStageWinPEFailures(t *testing.T) {
	f := enginetest.New(t)
	f.ExpectMkdirAll(stageSources)
	f.ExpectMkdirAll(`C:\_SMSTaskSequence\WinPE\boot`)
	f.ExpectCopyFile(testBootWIM, stageSources+`\boot.wim`)
	f.ExpectCopyFile(`C:\Windows\Boot\DVD\EFI\boot.sdi`, `C:\_SMSTaskSequence\WinPE\boot\boot.sdi`)
	f.ExpectRun(`bcdedit.exe /delete {ramdiskoptions} /f`)
	f.ExpectRun(`bcdedit.exe /create {ramdiskoptions} /d "refimage Windows PE"`).Output("The boot configuration data store could not be opened.", "Access is denied.").Exit(1)
	err := engine.StageWinPE(context.Background(), f, engine.StageOptions{Drive: "C:", SystemRoot: `C:\Windows`, BootImage: testBootWIM, UEFI: true})
	if err == nil || !strings.Contains(err.Error(), "Access is denied.") {
		t.Fatal(err)
	}
	if err := engine.StageWinPE(context.Background(), enginetest.New(t), engine.StageOptions{Drive: "C:"}); err == nil || !strings.Contains(err.Error(), "boot image") {
		t.Fatal(err)
	}
}

// From WinPE into the installed OS: the default entry, and on UEFI the
// Windows Boot Manager in the firmware, become the one-time boot; a
// failure of the first does not stop the second.
func TestBootOnceInstalledOS(t *testing.T) {
	f := enginetest.New(t)
	f.ExpectRun(`bcdedit.exe /bootsequence {default}`).Exit(1)
	f.ExpectRun(`bcdedit.exe /set {fwbootmgr} bootsequence {bootmgr}`)
	if err := engine.BootOnceInstalledOS(context.Background(), f, true, nil); err == nil {
		t.Error("the first failure is reported")
	}
	f = enginetest.New(t)
	f.ExpectRun(`bcdedit.exe /bootsequence {default}`)
	if err := engine.BootOnceInstalledOS(context.Background(), f, false, nil); err != nil {
		t.Error(err)
	}
	seq := load(t, "\n[[steps]]\ntype = \"restart-computer\"\nname = \"Restart\"\ntarget = \"installed-os\"\n")
	inPlan(t, planOf(t, seq, engine.PlanOptions{}, "Restart"), []string{`bcdedit.exe /bootsequence {default}`, `bcdedit.exe /set {fwbootmgr} bootsequence {bootmgr}`, `wpeutil.exe reboot`})
}

func TestRestartCommand(t *testing.T) {
	if got := engine.RestartCommand(false, engine.Reboot{Delay: 60 * time.Second, Message: `Say "hi"`}); got != `shutdown.exe /r /t 60 /c "Say 'hi'"` {
		t.Error(got)
	}
	if got := engine.RestartCommand(true, engine.Reboot{Delay: time.Minute}); got != `wpeutil.exe reboot` {
		t.Error(got)
	}
}

// The step: into WinPE from the installed OS the platform gets the boot
// image, the message and its countdown; without a boot image it fails
// before asking; offline it fails clearly.
func TestRestartComputerStep(t *testing.T) {
	body := "\n[[steps]]\ntype = \"restart-computer\"\nname = \"Restart in Windows PE\"\nmessage = \"Going to WinPE\"\nmessage_timeout = 30\n"
	f := enginetest.New(t)
	f.MachineInfo.InWinPE = false
	rb := f.ExpectReboot("WinPE")
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, "[boot_image]\npath = '"+testBootWIM+"'\narch = \"x64\"\n"+body), r.opts(f))
	if res.Status != engine.StatusRestarting || rb.Reboot.BootImage != testBootWIM || rb.Reboot.Message != "Going to WinPE" || rb.Reboot.Delay != 30*time.Second {
		t.Fatalf("%s %+v", res.Status, rb.Reboot)
	}

	f = enginetest.New(t)
	f.MachineInfo.InWinPE = false
	r = newRun(t)
	res = r.go_(t, context.Background(), load(t, body), r.opts(f))
	if res.Status != engine.StatusFailed || !strings.Contains(res.Failed.Message, "boot image") {
		t.Fatal(res.Status, res.Failed)
	}

	f = enginetest.New(t)
	r = newRun(t)
	o := r.opts(f)
	o.Offline = t.TempDir()
	res = r.go_(t, context.Background(), load(t, body), o)
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, engine.CodeNotSupported) || !strings.Contains(res.Failed.Message, "offline") {
		t.Fatal(res.Status, res.Failed)
	}
}

// Run from refimage media, a restart into WinPE stages the medium's own
// boot image.
func TestRestartComputerFromMedia(t *testing.T) {
	f := enginetest.New(t)
	f.MachineInfo.InWinPE = false
	rb := f.ExpectReboot("WinPE")
	r := newRun(t)
	o := r.opts(f)
	o.ReadOnlyVars = append(o.ReadOnlyVars, varKV("_RefimageMediaRoot", `E:\`))
	res := r.go_(t, context.Background(), load(t, "[boot_image]\npath = '"+testBootWIM+"'\narch = \"x64\"\n\n[[steps]]\ntype = \"restart-computer\"\nname = \"Restart\"\n"), o)
	if res.Status != engine.StatusRestarting || rb.Reboot.BootImage != `E:\sources\boot.wim` {
		t.Fatalf("%s %+v", res.Status, rb.Reboot)
	}
}
