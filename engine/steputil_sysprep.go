package engine

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/engine/setupcomplete"
	"github.com/refimage/refimage/engine/sysprep"
)

// Pre-flight facts of Prepare Windows for Capture (issue #6), gathered
// through the platform: one PowerShell script for what needs WMI, the
// appx cmdlets and key tests, the platform's registry facts for values.

// sysprepFactsScript prints one fact a line, "name|value|…".
const sysprepFactsScript = `$cs = Get-CimInstance Win32_ComputerSystem; ` +
	`'domain|' + $cs.DomainRole + '|' + $cs.Domain; ` +
	`Get-AppxPackage -AllUsers | ForEach-Object { 'installed|' + $_.PackageFullName + '|' + $_.IsFramework + '|' + $_.SignatureKind + '|' + (($_.PackageUserInformation | ForEach-Object { $_.UserSecurityId.Username }) -join ',') }; ` +
	`Get-AppxProvisionedPackage -Online | ForEach-Object { 'provisioned|' + $_.PackageName }; ` +
	`'cbs|' + (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'); ` +
	`'wu|' + (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'); ` +
	`'upgrade|' + (Test-Path 'HKLM:\SYSTEM\Setup\Upgrade'); ` +
	`$bl = Get-CimInstance -Namespace 'root\cimv2\Security\MicrosoftVolumeEncryption' -ClassName Win32_EncryptableVolume -Filter ('DriveLetter=''' + $env:SystemDrive + '''') -ErrorAction SilentlyContinue; ` +
	`'bitlocker|' + $bl.ConversionStatus`

// Registry values the checks read.
const (
	regSessionManager = `HKLM\SYSTEM\CurrentControlSet\Control\Session Manager`
	regActiveName     = `HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ActiveComputerName`
	regName           = `HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName`
	regSetupState     = `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State`
	regSetup          = `HKLM\SYSTEM\Setup`
)

// parseSysprepFacts reads the script's lines into facts.
func parseSysprepFacts(lines []string) (sysprep.Facts, []sysprep.InstalledPackage, []string) {
	f := sysprep.Facts{DomainRole: -1}
	var installed []sysprep.InstalledPackage
	var provisioned []string
	for _, l := range lines {
		parts := strings.Split(strings.TrimSpace(l), "|")
		if len(parts) < 2 {
			continue
		}
		on := strings.EqualFold(parts[1], "true")
		switch parts[0] {
		case "domain":
			if n, err := strconv.Atoi(parts[1]); err == nil {
				f.DomainRole = n
			}
			if len(parts) > 2 {
				f.Domain = parts[2]
			}
		case "installed":
			p := sysprep.InstalledPackage{FullName: parts[1]}
			if len(parts) > 2 {
				p.Framework = strings.EqualFold(parts[2], "true")
			}
			if len(parts) > 3 {
				p.System = strings.EqualFold(parts[3], "System")
			}
			if len(parts) > 4 && parts[4] != "" {
				p.Users = strings.Split(parts[4], ",")
			}
			installed = append(installed, p)
		case "provisioned":
			provisioned = append(provisioned, parts[1])
		case "cbs":
			f.CBSRebootPending = on
		case "wu":
			f.WURebootRequired = on
		case "upgrade":
			f.Upgraded = on
		case "bitlocker":
			n, err := strconv.Atoi(parts[1])
			f.BitLockerOn = err == nil && n != 0
		}
	}
	return f, installed, provisioned
}

// registryFact reads a value; an unknown answer is logged and empty.
func registryFact(sc *StepContext, key, value string) condition.RegValue {
	v, err := sc.Platform.Registry(key, value)
	if err != nil {
		if !errors.Is(err, condition.ErrUnknown) {
			sc.Warn("Cannot read %s\\%s: %v", key, value, err)
		}
		return condition.RegValue{}
	}
	return v
}

// gatherSysprepFacts asks the machine.
func gatherSysprepFacts(ctx context.Context, sc *StepContext) (sysprep.Facts, error) {
	lines, code, err := runPowerShell(sc, ctx, sysprepFactsScript, nil)
	if err != nil {
		return sysprep.Facts{}, err
	}
	f, installed, provisioned := parseSysprepFacts(lines)
	if code != 0 {
		sc.Warn("The pre-flight script ended with exit code %s; the checks use what it printed.", Decimal(code))
	}
	f.UserOnlyPackages = sysprep.UserOnly(installed, provisioned)
	if v := registryFact(sc, regSessionManager, "PendingFileRenameOperations"); v.Exists {
		f.PendingFileRenames = v.Multi
		if len(f.PendingFileRenames) == 0 && v.Data != "" {
			f.PendingFileRenames = strings.Split(v.Data, "\n")
		}
	}
	active, name := registryFact(sc, regActiveName, "ComputerName"), registryFact(sc, regName, "ComputerName")
	f.PendingComputerRename = active.Exists && name.Exists && !strings.EqualFold(active.Data, name.Data)
	f.ImageState = registryFact(sc, regSetupState, "ImageState").Data
	return f, nil
}

// sysprepOutcome reads the image state and the clone tag after sysprep.
func sysprepOutcome(sc *StepContext, code int64) sysprep.Outcome {
	return sysprep.Outcome{
		ExitCode:   int(code),
		ImageState: registryFact(sc, regSetupState, "ImageState").Data,
		CloneTag:   registryFact(sc, regSetup, "CloneTag").Exists,
	}
}

// skipRearmAnswerFile is the sysprep answer file for "do not reset
// activation": the generalize pass's SkipRearm alone, so that nothing
// else of it reaches the deployed computers.
func skipRearmAnswerFile(arch string) string {
	return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" +
		"<unattend xmlns=\"urn:schemas-microsoft-com:unattend\" xmlns:wcm=\"http://schemas.microsoft.com/WMIConfig/2002/State\">\r\n" +
		"  <settings pass=\"generalize\">\r\n" +
		"    <component name=\"Microsoft-Windows-Security-SPP\" processorArchitecture=\"" + arch + "\" publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\" versionScope=\"nonSxS\">\r\n" +
		"      <SkipRearm>1</SkipRearm>\r\n" +
		"    </component>\r\n" +
		"  </settings>\r\n" +
		"</unattend>\r\n"
}

// restoreSetupComplete takes refimage's SetupComplete.cmd (written by
// Setup Windows and ConfigMgr to resume the engine) out of the Windows
// about to be captured, so computers deployed from the image do not run
// it: the image's own script, kept beside it, goes back in its place.
func restoreSetupComplete(sc *StepContext) error {
	dir := systemDrive() + `\` + setupcomplete.Dir
	cur := dir + `\` + setupcomplete.FileName
	data, err := readOptional(sc, cur)
	if err != nil || len(data) == 0 || !setupcomplete.IsOurs(data) {
		return nil
	}
	orig := dir + `\` + setupcomplete.OriginalName
	prev, err := readOptional(sc, orig)
	if err != nil {
		return &Error{Code: CodeOf(err), Msg: "cannot read " + orig, Err: err}
	}
	if len(prev) > 0 {
		if err := sc.Platform.WriteFile(cur, prev, 0o644); err != nil {
			return &Error{Code: CodeOf(err), Msg: "cannot restore " + cur, Err: err}
		}
		if err := sc.Platform.RemoveAll(orig); err != nil {
			return &Error{Code: CodeOf(err), Msg: "cannot delete " + orig, Err: err}
		}
		sc.Log("Put the image's own %s back in place of refimage's (it resumed the task sequence; deployed computers must not run it).", cur)
		return nil
	}
	if err := sc.Platform.RemoveAll(cur); err != nil {
		return &Error{Code: CodeOf(err), Msg: "cannot delete " + cur, Err: err}
	}
	sc.Log("Deleted refimage's %s (it resumed the task sequence; deployed computers must not run it).", cur)
	return nil
}
