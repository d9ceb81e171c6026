package engine_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/sequence/condition"
)

const sysprepFactsScript = `$cs = Get-CimInstance Win32_ComputerSystem; 'domain|' + $cs.DomainRole + '|' + $cs.Domain; Get-AppxPackage -AllUsers | ForEach-Object { 'installed|' + $_.PackageFullName + '|' + $_.IsFramework + '|' + $_.SignatureKind + '|' + (($_.PackageUserInformation | ForEach-Object { $_.UserSecurityId.Username }) -join ',') }; Get-AppxProvisionedPackage -Online | ForEach-Object { 'provisioned|' + $_.PackageName }; 'cbs|' + (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'); 'wu|' + (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'); 'upgrade|' + (Test-Path 'HKLM:\SYSTEM\Setup\Upgrade'); $bl = Get-CimInstance -Namespace 'root\cimv2\Security\MicrosoftVolumeEncryption' -ClassName Win32_EncryptableVolume -Filter ('DriveLetter=''' + $env:SystemDrive + '''') -ErrorAction SilentlyContinue; 'bitlocker|' + $bl.ConversionStatus`

// A clean reference computer's facts.
var cleanFacts = []string{
	"domain|0|WORKGROUP",
	"installed|Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe|False|Store|REF01\\Administrator",
	"installed|Microsoft.VCLibs.140.00_14.0.33519.0_x64__8wekyb3d8bbwe|True|Store|REF01\\Administrator",
	"provisioned|Microsoft.WindowsTerminal_1.18.3181.0_neutral_~_8wekyb3d8bbwe",
	"cbs|False", "wu|False", "upgrade|False", "bitlocker|0",
}

// prepFake is a full-OS fake with the registry of a machine before
// sysprep.
func prepFake(t *testing.T, imageState string) *enginetest.Fake {
	f := fullOS(t)
	f.Facts = &condition.SimEnv{}
	f.Facts.SetRegistry(`HKLM\SYSTEM\CurrentControlSet\Control\Session Manager`, "PendingFileRenameOperations", condition.RegValue{})
	f.Facts.SetRegistry(`HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ActiveComputerName`, "ComputerName", condition.RegValue{Exists: true, Type: "REG_SZ", Data: "REF01"})
	f.Facts.SetRegistry(`HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName`, "ComputerName", condition.RegValue{Exists: true, Type: "REG_SZ", Data: "REF01"})
	f.Facts.SetRegistry(`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State`, "ImageState", condition.RegValue{Exists: true, Type: "REG_SZ", Data: imageState})
	f.Facts.SetRegistry(`HKLM\SYSTEM\Setup`, "CloneTag", condition.RegValue{})
	return f
}

const prepSeq = `
[[steps]]
type = "prepare-windows-for-capture"
name = "Prepare OS"
`

// Pre-flight passes, sysprep runs with the SkipRearm answer file
// (keep_activation), the image state is generalized, the engine restarts
// into Windows PE.
func TestPrepareWindowsForCapture(t *testing.T) {
	f := prepFake(t, "IMAGE_STATE_COMPLETE")
	expectScrub(f, nil)
	ps := f.ExpectRun(psLine(sysprepFactsScript)).Output(cleanFacts...).Exit(0)
	f.ExpectReadFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`).Returns([]byte("@echo off\r\nrem refimage-setupcomplete v1\r\n"))
	f.ExpectReadFile(`C:\Windows\Setup\Scripts\SetupComplete.refimage-original.cmd`).Returns([]byte("@echo off\r\necho OEM\r\n"))
	restored := f.ExpectWriteFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`)
	f.ExpectRemoveAll(`C:\Windows\Setup\Scripts\SetupComplete.refimage-original.cmd`)
	f.ExpectReadFile(`C:\Windows\System32\Sysprep\unattend.xml`).Err(fs.ErrNotExist)
	f.ExpectMkdirAll(`C:\_SMSTaskSequence`)
	ans := f.ExpectWriteFile(`C:\_SMSTaskSequence\sysprep-unattend.xml`)
	sp := f.ExpectRun(`C:\Windows\System32\Sysprep\sysprep.exe /quiet /generalize /oobe /quit /unattend:C:\_SMSTaskSequence\sysprep-unattend.xml`).
		Do(func(ctx context.Context, c engine.Command) (int64, error) {
			f.Facts.SetRegistry(`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State`, "ImageState", condition.RegValue{Exists: true, Type: "REG_SZ", Data: "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"})
			return 0, nil
		})
	rb := f.ExpectReboot("WinPE")
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, prepSeq+"keep_activation = true\n"), r.opts(f))
	if res.Status != engine.StatusRestarting {
		t.Fatal(res.Status, res.Message)
	}
	golden(t, "prepare-windows-for-capture/commands.txt", decodePS(t, ps.Got.Line)+"\n"+sp.Got.Line+"\n")
	golden(t, "prepare-windows-for-capture/sysprep-unattend.xml", maskAnswer(t, ans.Written))
	if string(restored.Written) != "@echo off\r\necho OEM\r\n" {
		t.Errorf("restored %q", restored.Written)
	}
	if rb.Reboot.Target != "WinPE" {
		t.Error(rb.Reboot)
	}
	if v, _ := engineVar(r, "OSDTargetSystemRoot"); v != `C:\Windows` {
		t.Errorf("OSDTargetSystemRoot %q", v)
	}
}

// A domain member with an app for one user only is refused with what to
// do, before sysprep runs.
func TestPrepareWindowsForCapturePreflightBlocks(t *testing.T) {
	f := prepFake(t, "IMAGE_STATE_COMPLETE")
	expectScrub(f, nil)
	f.ExpectRun(psLine(sysprepFactsScript)).Output("domain|1|corp.example.test",
		"installed|Notepad++.ShellExtension_1.0.0.0_x64__abc123|False|Developer|REF01\\builder",
		"cbs|True", "wu|False", "upgrade|False", "bitlocker|0")
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, prepSeq), r.opts(f))
	if res.Status != engine.StatusFailed {
		t.Fatal(res.Status)
	}
	msg := res.Steps[0].Message
	for _, want := range []string{"sysprep would fail", "corp.example.test", "Notepad++.ShellExtension_1.0.0.0_x64__abc123", "restart"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q: %s", want, msg)
		}
	}
}

const setuperr = "2024-01-31 12:00:02, Error                 SYSPRP Package Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image.\r\n" +
	"2024-01-31 12:00:02, Error      [0x0f0082] SYSPRP ActionPlatform::LaunchModule: Failure occurred while executing 'SysprepGeneralizeValidate' from C:\\Windows\\System32\\AppxSysprep.dll; dwRet = 0x3cf2\r\n"

// sysprep fails: the image state is not generalized; the errors of its
// logs and their cause are in smsts.log, and the step fails with sysprep's
// code.
func TestPrepareWindowsForCaptureSysprepFails(t *testing.T) {
	f := prepFake(t, "IMAGE_STATE_COMPLETE")
	expectScrub(f, nil)
	f.ExpectRun(psLine(sysprepFactsScript)).Output(cleanFacts...)
	f.ExpectReadFile(`C:\Windows\Setup\Scripts\SetupComplete.cmd`).Returns([]byte("rem refimage-setupcomplete v1\r\n"))
	f.ExpectReadFile(`C:\Windows\Setup\Scripts\SetupComplete.refimage-original.cmd`).Err(fs.ErrNotExist)
	f.ExpectRemoveAll(`C:\Windows\Setup\Scripts\SetupComplete.cmd`)
	f.ExpectReadFile(`C:\Windows\System32\Sysprep\unattend.xml`).Err(fs.ErrNotExist)
	f.ExpectRun(`C:\Windows\System32\Sysprep\sysprep.exe /quiet /generalize /oobe /quit`).Exit(1)
	f.ExpectReadFile(`C:\Windows\System32\Sysprep\Panther\setupact.log`).Returns([]byte(setuperr))
	f.ExpectReadFile(`C:\Windows\System32\Sysprep\Panther\setuperr.log`).Returns([]byte(setuperr))
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, prepSeq), r.opts(f))
	if res.Status != engine.StatusFailed || res.Steps[0].ExitCode != 1 {
		t.Fatal(res.Status, res.Message)
	}
	// Said once (it read "sysprep did not generalize Windows: sysprep did
	// not generalize Windows: …" under Wine).
	if m := res.Steps[0].Message; strings.Count(m, "did not generalize") != 1 || !strings.Contains(m, "ImageState is IMAGE_STATE_COMPLETE") {
		t.Errorf("the step's message: %s", m)
	}
	log := r.log(t)
	for _, want := range []string{"not provisioned for all users", "Remove-AppxPackage", "AppxSysprep.dll"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
}

// Every part-B step of the full OS says in an offline plan that it needs
// a running Windows, and fails an offline run clearly without touching
// anything.
func TestFullOSStepsOffline(t *testing.T) {
	for _, step := range []string{
		"type = \"install-software-updates\"\nsource = 'D:\\Updates'",
		"type = \"install-applications\"\n[[steps.applications]]\nname = \"A\"\ncommand_line = \"a.exe\"",
		"type = \"join-domain-or-workgroup\"",
		"type = \"prepare-configmgr-client\"",
		"type = \"prepare-windows-for-capture\"",
	} {
		seq := load(t, "[[steps]]\nname = \"S\"\n"+step+"\n")
		dir := t.TempDir()
		plan, err := engine.Plan(seq, engine.PlanOptions{Env: "full-os", Offline: dir})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan) != 1 || len(plan[0].Actions) == 0 || !strings.Contains(plan[0].Actions[0], "needs a running Windows") {
			t.Errorf("%s: plan %+v", seq.Steps[0].Type, plan)
		}
		f := fullOS(t)
		r := newRun(t)
		o := r.opts(f)
		o.Offline = dir
		res := r.go_(t, context.Background(), seq, o)
		if res.Status != engine.StatusFailed || !engine.SameCode(res.Steps[0].ExitCode, engine.CodeNotSupported) || !strings.Contains(res.Steps[0].Message, "needs the running Windows") {
			t.Errorf("%s: %s %x %s", seq.Steps[0].Type, res.Status, res.Steps[0].ExitCode, res.Steps[0].Message)
		}
	}
}
