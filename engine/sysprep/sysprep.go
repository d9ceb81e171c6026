// Package sysprep holds the pure parts of Prepare Windows for Capture: the
// sysprep command line, the pre-flight checks over facts the caller
// gathers from the machine, the check that sysprep really generalized
// Windows, and the reading of sysprep's setupact.log / setuperr.log for
// the lines worth showing.
//
// It runs nothing. On Windows the engine gathers Facts (registry, WMI,
// Get-AppxPackage), runs Command, reads ImageState, and shows Diagnose's
// report when sysprep fails.
package sysprep

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Exe is sysprep.exe, with the variable cmd and CreateProcess callers
// expand.
const Exe = `%SystemRoot%\System32\Sysprep\sysprep.exe`

// Logs sysprep writes (Panther under the Sysprep folder).
var Logs = []string{
	`%SystemRoot%\System32\Sysprep\Panther\setupact.log`,
	`%SystemRoot%\System32\Sysprep\Panther\setuperr.log`,
}

// ImageStateGeneralized is HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\
// Setup\State ImageState after a successful sysprep /generalize /oobe.
const ImageStateGeneralized = "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"

// Options are sysprep's switches.
type Options struct {
	Generalize bool
	OOBE       bool   // /oobe; false = /audit
	Shutdown   bool   // /shutdown instead of /quit
	Reboot     bool   // /reboot instead of /quit
	VMMode     bool   // /mode:vm (only with /generalize /oobe, VMs)
	Unattend   string // /unattend:FILE
}

// FromStep returns what Prepare Windows for Capture runs: /generalize
// /oobe and /quit, so the engine (not sysprep) restarts into Windows PE
// or shuts the machine down (the step's Shutdown option) once it has
// checked the result. unattend is the sysprep answer file, if any (for
// example one with Microsoft-Windows-Security-SPP SkipRearm when
// KeepActivation is set; see engine/unattend).
func FromStep(p *sequence.PrepareWindowsForCapture, unattend string) Options {
	return Options{Generalize: true, OOBE: true, Unattend: unattend}
}

// Args returns sysprep's arguments.
func (o Options) Args() ([]string, error) {
	if o.Shutdown && o.Reboot {
		return nil, errors.New("sysprep either shuts down or restarts, not both")
	}
	if o.VMMode && !(o.Generalize && o.OOBE) {
		return nil, errors.New("sysprep /mode:vm needs /generalize and /oobe")
	}
	if strings.ContainsAny(o.Unattend, "\"\r\n") {
		return nil, errors.New("the answer file path cannot contain quotes or line breaks")
	}
	args := []string{"/quiet"}
	if o.Generalize {
		args = append(args, "/generalize")
	}
	if o.OOBE {
		args = append(args, "/oobe")
	} else {
		args = append(args, "/audit")
	}
	switch {
	case o.Shutdown:
		args = append(args, "/shutdown")
	case o.Reboot:
		args = append(args, "/reboot")
	default:
		args = append(args, "/quit")
	}
	if o.VMMode {
		args = append(args, "/mode:vm")
	}
	if o.Unattend != "" {
		u := o.Unattend
		if strings.ContainsAny(u, " \t") {
			u = `"` + u + `"`
		}
		args = append(args, "/unattend:"+u)
	}
	return args, nil
}

// CommandLine is the whole command, as the plan shows it.
func (o Options) CommandLine() (string, error) {
	args, err := o.Args()
	if err != nil {
		return "", err
	}
	return Exe + " " + strings.Join(args, " "), nil
}

// Severity of a pre-flight problem.
type Severity int

const (
	Warning Severity = iota // sysprep may work; the image may not be what you want
	Blocker                 // sysprep will fail, or the capture would be wrong
)

func (s Severity) String() string {
	if s == Blocker {
		return "error"
	}
	return "warning"
}

// Problem is one failed pre-flight check.
type Problem struct {
	Check    string // short id: domain, appx, reboot, upgrade, state, bitlocker
	Severity Severity
	Message  string // what is wrong
	Fix      string // what to do
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s %s", p.Severity, p.Message, p.Fix)
}

// AppxPackage is a Store app package on the reference computer.
type AppxPackage struct {
	FullName string // PackageFullName
	User     string // a user it is installed for
}

// Domain roles (Win32_ComputerSystem.DomainRole).
const (
	RoleStandaloneWorkstation = 0
	RoleMemberWorkstation     = 1
	RoleStandaloneServer      = 2
	RoleMemberServer          = 3
	RoleBackupDC              = 4
	RolePrimaryDC             = 5
)

// Facts are what the caller found on the reference computer.
type Facts struct {
	// DomainRole is Win32_ComputerSystem.DomainRole; -1 = unknown.
	DomainRole int
	Domain     string // the domain name, for the message
	// UserOnlyPackages are appx packages installed for a user but not
	// provisioned for all users (Get-AppxPackage -AllUsers minus
	// Get-AppxProvisionedPackage -Online).
	UserOnlyPackages []AppxPackage
	// Pending restart indicators.
	CBSRebootPending      bool     // HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending
	WURebootRequired      bool     // HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired
	PendingFileRenames    []string // HKLM\SYSTEM\CurrentControlSet\Control\Session Manager PendingFileRenameOperations (the raw multi-string: source, destination pairs)
	PendingComputerRename bool     // ActiveComputerName differs from ComputerName
	// Upgraded: HKLM\SYSTEM\Setup\Upgrade exists (sysprep refuses an
	// in-place upgraded Windows).
	Upgraded bool
	// ImageState is the current ImageState ("" = unknown).
	ImageState string
	// BitLockerOn: the OS volume is encrypted or encrypting (sysprep
	// /generalize fails on Windows 11 with device encryption on).
	BitLockerOn bool
}

// Preflight checks the facts and returns the problems, blockers first.
func Preflight(f Facts) []Problem {
	var out []Problem
	switch f.DomainRole {
	case RoleMemberWorkstation, RoleMemberServer:
		dom := f.Domain
		if dom == "" {
			dom = "a domain"
		}
		out = append(out, Problem{"domain", Blocker,
			fmt.Sprintf("the reference computer is joined to %s; Prepare Windows for Capture fails on a domain member.", dom),
			"Join a workgroup first (the Join Workgroup step before it does), then run the capture again."})
	case RoleBackupDC, RolePrimaryDC:
		out = append(out, Problem{"domain", Blocker,
			"the reference computer is a domain controller; sysprep cannot generalize a domain controller.",
			"Build the reference image on a computer that is not a domain controller."})
	}
	if n := len(f.UserOnlyPackages); n > 0 {
		names := make([]string, 0, n)
		seen := map[string]bool{}
		for _, p := range f.UserOnlyPackages {
			s := p.FullName
			if p.User != "" {
				s += " (for " + p.User + ")"
			}
			if !seen[s] {
				seen[s] = true
				names = append(names, s)
			}
		}
		sort.Strings(names)
		out = append(out, Problem{"appx", Blocker,
			fmt.Sprintf("%d app package(s) are installed for a user but not provisioned for all users, and sysprep stops on them: %s.", len(names), strings.Join(names, ", ")),
			"Remove them for those users (Remove-AppxPackage -Package NAME -AllUsers), or provision them for all users, then run the capture again."})
	}
	var pending []string
	if f.CBSRebootPending {
		pending = append(pending, "servicing (Component Based Servicing RebootPending)")
	}
	if f.WURebootRequired {
		pending = append(pending, "Windows Update (RebootRequired)")
	}
	if len(f.PendingFileRenames) > 0 {
		// the value is pairs: source, destination ("" = delete)
		pending = append(pending, fmt.Sprintf("%d file operation(s) waiting for a restart (PendingFileRenameOperations)", (len(f.PendingFileRenames)+1)/2))
	}
	if f.PendingComputerRename {
		pending = append(pending, "a computer name change")
	}
	if len(pending) > 0 {
		out = append(out, Problem{"reboot", Blocker,
			"a restart is pending: " + strings.Join(pending, "; ") + ".",
			"Restart the computer (add a Restart Computer step before Prepare Windows for Capture) so the pending work completes."})
	}
	if f.Upgraded {
		out = append(out, Problem{"upgrade", Blocker,
			"this Windows was upgraded in place, and sysprep does not run on an upgraded Windows.",
			"Build the reference computer from a clean installation (Apply Operating System)."})
	}
	if f.BitLockerOn {
		out = append(out, Problem{"bitlocker", Blocker,
			"BitLocker (or device encryption) is on for the Windows volume; sysprep /generalize fails with it on.",
			"Turn it off and wait for decryption to finish (manage-bde -off C:), then run the capture again."})
	}
	if f.ImageState == ImageStateGeneralized {
		out = append(out, Problem{"state", Warning,
			"Windows is already generalized (ImageState " + ImageStateGeneralized + ").",
			"It can be captured as it is; running sysprep again uses up one of its limited runs."})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity > out[j].Severity })
	return out
}

// Blocked reports whether any problem is a blocker.
func Blocked(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Blocker {
			return true
		}
	}
	return false
}

// Outcome is what the caller read after sysprep returned.
type Outcome struct {
	ExitCode   int
	ImageState string // "" = could not be read
	// CloneTag: HKLM\SYSTEM\Setup\CloneTag exists (MDT's check).
	CloneTag bool
}

// CheckOutcome says whether sysprep generalized Windows. ImageState is
// authoritative when known (the Packer pattern); otherwise the CloneTag
// value MDT's LTISysprep checks is used.
func CheckOutcome(o Outcome) error {
	switch {
	case o.ImageState == ImageStateGeneralized:
		return nil
	case o.ImageState != "":
		return fmt.Errorf("sysprep did not generalize Windows: ImageState is %s, not %s (sysprep exit code %d); see setupact.log and setuperr.log",
			o.ImageState, ImageStateGeneralized, o.ExitCode)
	case o.CloneTag && o.ExitCode == 0:
		return nil
	case o.ExitCode != 0:
		return fmt.Errorf("sysprep failed with exit code %d; see setupact.log and setuperr.log", o.ExitCode)
	}
	return errors.New("sysprep did not generalize Windows: HKLM\\SYSTEM\\Setup\\CloneTag is missing; see setupact.log and setuperr.log")
}
