package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/lazyre"
)

// Restart Computer (configmgr.md §2.1): asks the engine for a restart into
// the boot image (WinPE) or the installed OS (HD). The engine saves its
// state pointing at the next step and restarts through the platform;
// after the restart `refimage run --resume` continues. The message and
// its time-out travel in SMSRebootMessage and SMSRebootTimeout, the
// target in SMSRebootTarget (action variables).
//
// What the restart does on Windows is the platform's Reboot, built from
// the functions below (so every restart to a target does the same,
// whichever step asked for it, e.g. Prepare Windows for Capture):
//
//   - full OS → WinPE: stageWinPE copies the sequence's boot image to
//     %SystemDrive%\_SMSTaskSequence\WinPE\sources\boot.wim and the
//     installed Windows' boot.sdi beside it, creates the BCD ramdisk
//     entry (bootBCDCommands) and makes it the one-time boot
//     (bcdedit /bootsequence {GUID}); then shutdown.exe /r /t DELAY /c
//     MESSAGE shows the message with its countdown.
//   - WinPE → installed OS: bootOnceInstalledOS sets
//     bcdedit /bootsequence {default} (and on UEFI the firmware's
//     one-time boot to the Windows Boot Manager); then the message shows
//     for its delay and wpeutil.exe reboot restarts.
//   - WinPE → WinPE: wpeutil.exe reboot after the delay.
type restartComputer struct{}

func init() { Register("restart-computer", restartComputer{}) }

func (restartComputer) quick() {}

func restartTarget(p *sequence.RestartComputer) string {
	if p.Target == sequence.TargetInstalledOS {
		return "HD"
	}
	return "WinPE"
}

func (restartComputer) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.RestartComputer)
	target := restartTarget(p)
	if sc.Offline != "" {
		return 0, Errorf(CodeNotSupported, "Restart Computer needs a running Windows: there is nothing to restart in an offline run (--offline %s)", sc.Offline)
	}
	if target == "WinPE" && !sc.Machine.InWinPE && strings.TrimSpace(sc.BootImage) == "" {
		return 0, Errorf(CodeInvalidParam, "a restart into Windows PE from the installed OS needs the sequence's boot image ([boot_image] path)")
	}
	if !p.Notify {
		sc.Vars.SetReadOnly("SMSRebootMessage", "")
		sc.Vars.SetReadOnly("SMSRebootTimeout", "")
	}
	sc.Log("Restart requested to %s", targetWords(target))
	sc.RequestReboot(target)
	return 0, nil
}

// WinPEStage is where a boot image is staged for a restart into WinPE,
// relative to the system drive.
const WinPEStage = `\` + stateFolder + `\WinPE`

// bootBCDCommands are the bcdedit commands of the one-time ramdisk boot
// of the staged boot image on drive ("C:"); id is the new loader entry.
func bootBCDCommands(drive, id string, uefi bool) (ramdisk []string, loader []string) {
	// Windows PE 10 and later keep their loader in System32\Boot (the
	// path the ADK's own media BCD uses).
	winload := `\Windows\System32\Boot\winload.exe`
	if uefi {
		winload = `\Windows\System32\Boot\winload.efi`
	}
	dev := fmt.Sprintf(`ramdisk=[%s]%s\sources\boot.wim,{ramdiskoptions}`, drive, WinPEStage)
	ramdisk = []string{
		`bcdedit.exe /create {ramdiskoptions} /d "refimage Windows PE"`,
		`bcdedit.exe /set {ramdiskoptions} ramdisksdidevice partition=` + drive,
		`bcdedit.exe /set {ramdiskoptions} ramdisksdipath ` + WinPEStage + `\boot\boot.sdi`,
	}
	loader = []string{
		`bcdedit.exe /set ` + id + ` device ` + dev,
		`bcdedit.exe /set ` + id + ` osdevice ` + dev,
		`bcdedit.exe /set ` + id + ` path ` + winload,
		`bcdedit.exe /set ` + id + ` systemroot \Windows`,
		`bcdedit.exe /set ` + id + ` detecthal yes`,
		`bcdedit.exe /set ` + id + ` winpe yes`,
		`bcdedit.exe /bootsequence ` + id,
	}
	return ramdisk, loader
}

// createLoader is the command that makes the loader entry; bcdedit
// prints its new {GUID}.
const createLoader = `bcdedit.exe /create /d "refimage Windows PE" /application osloader`

var bcdGUID = lazyre.New(`\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}`)

// StageOptions say where a boot image is staged from and to.
type StageOptions struct {
	Drive      string // the system drive, "C:"
	SystemRoot string // the installed Windows, C:\Windows (boot.sdi comes from it)
	BootImage  string // the sequence's boot image
	UEFI       bool
	// Output receives the commands' output.
	Output func(line string, stderr bool)
}

func runChecked(ctx context.Context, p Platform, line string, out func(string, bool)) (string, error) {
	var got strings.Builder
	code, err := p.Run(ctx, Command{Line: line, Output: func(l string, stderr bool) {
		got.WriteString(l + "\n")
		if out != nil {
			out(l, stderr)
		}
	}})
	if err != nil {
		return "", err
	}
	if code != 0 {
		return "", &Error{Code: code, Msg: fmt.Sprintf("%s failed with exit code %s: %s", line, Decimal(code), strings.TrimSpace(got.String()))}
	}
	return got.String(), nil
}

// stageWinPE stages the boot image and makes it the one-time boot.
func stageWinPE(ctx context.Context, p Platform, o StageOptions) error {
	if strings.TrimSpace(o.BootImage) == "" {
		return Errorf(CodeInvalidParam, "a restart into Windows PE needs the sequence's boot image ([boot_image] path)")
	}
	drive := normLetter(o.Drive)
	stage := drive + WinPEStage
	sdi := o.SystemRoot + `\Boot\DVD\PCAT\boot.sdi`
	if o.UEFI {
		sdi = o.SystemRoot + `\Boot\DVD\EFI\boot.sdi`
	}
	for _, d := range []string{stage + `\sources`, stage + `\boot`} {
		if err := p.MkdirAll(d); err != nil {
			return err
		}
	}
	if err := p.CopyFile(o.BootImage, stage+`\sources\boot.wim`); err != nil {
		return &Error{Code: CodeFileNotFound, Msg: "copy the boot image " + o.BootImage + " to " + stage, Err: err}
	}
	if err := p.CopyFile(sdi, stage+`\boot\boot.sdi`); err != nil {
		return &Error{Code: CodeFileNotFound, Msg: "copy " + sdi, Err: err}
	}
	// A {ramdiskoptions} left by an earlier restart is replaced.
	p.Run(ctx, Command{Line: `bcdedit.exe /delete {ramdiskoptions} /f`, Output: o.Output})
	ramdisk, _ := bootBCDCommands(drive, "", o.UEFI)
	for _, line := range ramdisk {
		if _, err := runChecked(ctx, p, line, o.Output); err != nil {
			return err
		}
	}
	out, err := runChecked(ctx, p, createLoader, o.Output)
	if err != nil {
		return err
	}
	id := bcdGUID.FindString(out)
	if id == "" {
		return Errorf(CodeFail, "bcdedit did not print the new entry's {GUID}: %s", strings.TrimSpace(out))
	}
	_, loader := bootBCDCommands(drive, id, o.UEFI)
	for _, line := range loader {
		if _, err := runChecked(ctx, p, line, o.Output); err != nil {
			return err
		}
	}
	return nil
}

// bootOnceCommands make the installed OS the next boot from WinPE.
func bootOnceCommands(uefi bool) []string {
	out := []string{`bcdedit.exe /bootsequence {default}`}
	if uefi {
		out = append(out, `bcdedit.exe /set {fwbootmgr} bootsequence {bootmgr}`)
	}
	return out
}

// bootOnceInstalledOS makes the installed OS the one-time boot. The
// commands are best effort (without them the default boot entry, the
// installed OS, boots once the media is removed): the first error is
// returned for the log, not to stop the restart.
func bootOnceInstalledOS(ctx context.Context, p Platform, uefi bool, out func(string, bool)) error {
	var first error
	for _, line := range bootOnceCommands(uefi) {
		if _, err := runChecked(ctx, p, line, out); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// restartCommand is the command that restarts: wpeutil in WinPE (after
// the delay, which the caller waits), shutdown.exe with its own countdown
// and message in the full OS.
func restartCommand(inWinPE bool, r Reboot) string {
	if inWinPE {
		return `wpeutil.exe reboot`
	}
	line := fmt.Sprintf(`shutdown.exe /r /t %d`, int(r.Delay/time.Second))
	if r.Message != "" {
		// shutdown.exe takes the message as one quoted argument. Quotes
		// inside become ' (shutdown has no escape the user would want to
		// see), and backslashes at the end are doubled: `"C:\"` would
		// otherwise reach shutdown as C:" and swallow the rest of the line.
		msg := strings.ReplaceAll(r.Message, `"`, `'`)
		trail := len(msg) - len(strings.TrimRight(msg, `\`))
		line += ` /c "` + msg + strings.Repeat(`\`, trail) + `"`
	}
	return line
}

func (restartComputer) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.RestartComputer)
	var out []string
	if pc.Offline != "" {
		return []string{"needs a running Windows: fails in an offline run"}
	}
	delay := 0
	msg := ""
	if p.Notify {
		delay, msg = p.MessageTimeout, p.Message
		out = append(out, fmt.Sprintf("show %s for %d seconds first", quote(p.Message), p.MessageTimeout))
	}
	r := Reboot{Delay: time.Duration(delay) * time.Second, Message: msg}
	switch {
	case restartTarget(p) == "WinPE" && pc.Machine.InWinPE:
		out = append(out, "restart into Windows PE again: "+restartCommand(true, r))
	case restartTarget(p) == "WinPE":
		img := pc.BootImage
		if img == "" {
			img = "(no boot image set: the step fails)"
		}
		sdi := `%SystemRoot%\Boot\DVD\PCAT\boot.sdi`
		if pc.Machine.UEFI {
			sdi = `%SystemRoot%\Boot\DVD\EFI\boot.sdi`
		}
		out = append(out,
			"copy the boot image "+img+` to C:`+WinPEStage+`\sources\boot.wim`,
			"copy "+sdi+` to C:`+WinPEStage+`\boot\boot.sdi`,
			`bcdedit.exe /delete {ramdiskoptions} /f`)
		ramdisk, loader := bootBCDCommands("C:", "{GUID}", pc.Machine.UEFI)
		out = append(out, ramdisk...)
		out = append(out, createLoader+"   (prints the new {GUID})")
		out = append(out, loader...)
		out = append(out, restartCommand(false, r))
	case pc.Machine.InWinPE:
		out = append(out, bootOnceCommands(pc.Machine.UEFI)...)
		out = append(out, restartCommand(true, r))
	default:
		out = append(out, "restart into the installed operating system: "+restartCommand(false, r))
	}
	out = append(out, "save the state, restart, then continue with the next step (refimage run --resume)")
	return out
}
