package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sysprep"
	"github.com/refimage/refimage/engine/unattend"
)

// Prepare Windows for Capture (configmgr.md §2.12, peers.md): generalizes
// the reference computer with sysprep and restarts into Windows PE for
// the capture.
//
//  1. The answer files Setup left are scrubbed (no secret is captured).
//  2. Pre-flight (engine/sysprep.Preflight) over facts gathered through
//     the platform: a PowerShell script (domain role, app packages
//     installed for a user but not provisioned, CBS and Windows Update
//     restart keys, an upgraded OS, BitLocker) and registry values
//     (PendingFileRenameOperations, a pending rename, ImageState). A
//     blocker fails the step with what to do before sysprep runs.
//     refimage's SetupComplete.cmd (Setup Windows and ConfigMgr) is taken
//     out of the image (the image's own script put back), so deployed
//     computers do not try to resume the sequence.
//  3. %SystemRoot%\System32\Sysprep\sysprep.exe /quiet /generalize /oobe
//     /quit, with /unattend: the image's own Sysprep\unattend.xml when
//     there is one (MDT's rule), else, for keep_activation, a file with
//     Microsoft-Windows-Security-SPP SkipRearm only
//     (C:\_SMSTaskSequence\sysprep-unattend.xml, not captured).
//  4. ImageState must be IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE (or, if it
//     cannot be read, CloneTag exists and the exit code is 0); otherwise
//     the errors of setupact.log / setuperr.log and their known causes
//     are shown (sysprep.Diagnose) and the step fails.
//  5. OSDTargetSystemRoot is set, and the engine restarts into Windows PE
//     (SMSTSRebootRequested=WinPE, as Restart Computer does); with
//     shutdown, the computer shuts down instead (shutdown.exe /s).
type prepareWindows struct{}

func init() { Register("prepare-windows-for-capture", prepareWindows{}) }

const sysprepAnswerFile = `Windows\System32\Sysprep\unattend.xml`

func (prepareWindows) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.PrepareWindowsForCapture)
	if err := requireRunningWindows(sc, "Prepare Windows for Capture (sysprep)"); err != nil {
		return 0, err
	}
	scrubAnswerFiles(sc)

	// 2. Pre-flight.
	facts, err := gatherSysprepFacts(ctx, sc)
	if err != nil {
		return 0, err
	}
	problems := sysprep.Preflight(facts)
	var blockers []string
	for _, pr := range problems {
		if pr.Severity == sysprep.Blocker {
			sc.Error("Pre-flight check %s: %s", pr.Check, pr.String())
			blockers = append(blockers, pr.Message+" "+pr.Fix)
		} else {
			sc.Warn("Pre-flight check %s: %s", pr.Check, pr.String())
		}
	}
	if len(blockers) > 0 {
		return 0, &Error{Code: CodeFail, Msg: "sysprep would fail, so it was not run: " + strings.Join(blockers, " ")}
	}
	sc.Log("Pre-flight checks passed: not in a domain, no app package for one user only, no restart pending.")
	if err := restoreSetupComplete(sc); err != nil {
		return 0, err
	}

	// 3. sysprep.
	answer := ""
	own := systemDrive() + `\` + sysprepAnswerFile
	if b, err := readOptional(sc, own); err == nil && len(b) > 0 {
		answer = expandSystemRoot(`%SystemRoot%\System32\Sysprep\unattend.xml`)
		sc.Log("Using the image's sysprep answer file %s.", answer)
		if p.KeepActivation && !strings.Contains(string(b), "SkipRearm") {
			sc.Warn("keep_activation: the image's own sysprep answer file has no SkipRearm; activation is reset.")
		}
	} else if p.KeepActivation {
		arch, err := unattend.Arch(firstSet(sc.Machine.Arch, "amd64"))
		if err != nil {
			arch = "amd64"
		}
		dir := systemDrive() + `\_SMSTaskSequence`
		answer = dir + `\sysprep-unattend.xml`
		if err := sc.Platform.MkdirAll(dir); err != nil {
			return 0, &Error{Code: CodeOf(err), Msg: "cannot make " + dir, Err: err}
		}
		if err := sc.Platform.WriteFile(answer, []byte(skipRearmAnswerFile(arch)), 0o644); err != nil {
			return 0, &Error{Code: CodeOf(err), Msg: "cannot write " + answer, Err: err}
		}
		sc.Log("keep_activation: wrote %s (SkipRearm).", answer)
	}
	line, err := sysprep.FromStep(p, answer).CommandLine()
	if err != nil {
		return 0, &Error{Code: CodeInvalidParam, Msg: err.Error()}
	}
	line = expandSystemRoot(line)
	sc.Log("Executing command line: %s", line)
	code, err := sc.Run(ctx, Command{Line: line})
	if err != nil {
		return 0, err
	}
	sc.Log("Process completed with exit code %d", uint32(code))

	// 4. The outcome.
	if err := sysprep.CheckOutcome(sysprepOutcome(sc, code)); err != nil {
		logs := map[string][]byte{}
		for _, l := range sysprep.Logs {
			pth := expandSystemRoot(l)
			if b, rerr := readOptional(sc, pth); rerr == nil && len(b) > 0 {
				logs[pth] = b
			}
		}
		rep := sysprep.Diagnose(logs, 20)
		for _, l := range strings.Split(strings.TrimSpace(rep.Text()), "\n") {
			if l = strings.TrimRight(l, "\r "); l != "" {
				sc.Error("%s", l)
			}
		}
		fail := code
		if fail == 0 {
			fail = CodeFail
		}
		// CheckOutcome's messages say what sysprep did on their own.
		msg := err.Error()
		if len(rep.Hints) > 0 {
			msg += fmt.Sprintf(" (%d known cause(s) in the log)", len(rep.Hints))
		}
		return 0, &Error{Code: fail, Msg: msg}
	}
	sc.Log("Windows is generalized (%s).", sysprep.ImageStateGeneralized)
	sc.Vars.Set("OSDTargetSystemRoot", systemRoot())

	// 5. Restart into Windows PE, or shut down.
	if p.Shutdown {
		const off = `shutdown.exe /s /t 30 /c "Windows is prepared for capture; the computer shuts down."`
		sc.Log("shutdown: the computer shuts down; the sequence does not go on by itself. Executing command line: %s", off)
		if _, err := sc.Run(ctx, Command{Line: off}); err != nil {
			return 0, err
		}
		return 0, nil
	}
	sc.Log("The computer restarts into Windows PE (the sequence's boot image) for the capture.")
	sc.RequestReboot("WinPE")
	return 0, nil
}

func (prepareWindows) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.PrepareWindowsForCapture)
	out := append(offlinePlan(pc),
		"remove the secrets from the answer files Windows Setup left",
		`take refimage's Windows\Setup\Scripts\SetupComplete.cmd out of the image (the image's own one back)`,
		"check (PowerShell and the registry): not joined to a domain, no app installed for one user only, no restart pending, not an upgraded OS, BitLocker off",
	)
	unattendArg := " (+ /unattend:%SystemRoot%\\System32\\Sysprep\\unattend.xml if the image has one)"
	if p.KeepActivation {
		unattendArg = " /unattend:<the image's Sysprep\\unattend.xml, else C:\\_SMSTaskSequence\\sysprep-unattend.xml with SkipRearm>"
	}
	out = append(out, sysprep.Exe+" /quiet /generalize /oobe /quit"+unattendArg,
		"check the image state is "+sysprep.ImageStateGeneralized+"; on failure show the errors of setupact.log / setuperr.log")
	if !p.KeepActivation {
		out = append(out, "reset activation")
	}
	if p.Shutdown {
		return append(out, "shut down (shutdown.exe /s)")
	}
	return append(out, "restart into Windows PE (the sequence's boot image) and continue")
}
