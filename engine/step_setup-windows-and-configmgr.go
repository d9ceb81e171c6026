package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/setupcomplete"
)

// Setup Windows and ConfigMgr (configmgr.md §2.7): the step starts in
// Windows PE and finishes in the installed OS.
//
// In Windows PE (W: is OSDTargetSystemDrive, set by Apply Operating
// System):
//
//  1. the client package folder is copied to W:\_SMSTaskSequence\Client
//     (robocopy.exe SRC DST /E /R:2 /W:5 /NP; exit codes below 8 are
//     success);
//  2. refimage.exe (the running program) is copied to
//     W:\_SMSTaskSequence\refimage.exe, and the state moves to
//     W:\_SMSTaskSequence if it is not there yet (partition-disk
//     normally moved it);
//  3. W:\Windows\Setup\Scripts\SetupComplete.cmd is written by
//     engine/setupcomplete (an existing script of the image is kept and
//     run first): it enables or disables the Administrator as Apply
//     Windows Settings chose (RefimageAdminAccount), waits
//     SetupCompletePause seconds, and runs
//     "%SystemDrive%\_SMSTaskSequence\refimage.exe" run --resume;
//  4. the step asks for a restart into the installed OS with
//     SMSTSRetryRequested, so that after Windows setup the resumed engine
//     runs this same step again, now in the full OS.
//
// In the full OS: the staged client is installed with
// `<state>\Client\ccmsetup.exe /noservice /source:<state>\Client
// PROPERTIES` (foreground, so its exit code is the install's). ccmsetup
// return codes: 0 success; 7 a restart is required (the engine restarts
// and continues with the next step); 6 error, 8 setup already running, 9
// prerequisite evaluation failure, 10 setup manifest hash validation
// failure fail the step with that meaning. Without a client package there
// is nothing to install and the step succeeds.
//
// Offline: the client package and SetupComplete.cmd are staged into DIR
// the same way; Windows setup and the client installation need the
// applied Windows to start, so the step then fails with
// ERROR_NOT_SUPPORTED saying so.
type setupWindows struct{}

func init() { Register("setup-windows-and-configmgr", setupWindows{}) }

// selfExe is the running refimage executable (tests replace it).
var selfExe = os.Executable

// ccmsetupCodes are ccmsetup's return codes (configmgr.md §3.8).
var ccmsetupCodes = map[int64]string{
	0:  "success",
	6:  "error",
	7:  "a restart is required",
	8:  "setup is already running",
	9:  "prerequisite evaluation failure",
	10: "setup manifest hash validation failure",
}

const clientFolder = "Client"

func setupCompleteOptions(sc *StepContext) (setupcomplete.Options, error) {
	o := setupcomplete.Options{AdminAccount: sc.Vars.Value(VarAdminAccount)}
	if v := strings.TrimSpace(sc.Vars.Value("SetupCompletePause")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return o, Errorf(CodeInvalidParam, "SetupCompletePause must be a number of seconds, not %q", v)
		}
		o.Pause = n
	}
	return o, nil
}

func (setupWindows) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.SetupWindowsAndConfigMgr)
	if sc.Offline != "" {
		return 0, setupOffline(sc, p)
	}
	if !sc.Machine.InWinPE {
		return installClient(ctx, sc, p)
	}
	if strings.EqualFold(sc.Vars.Value(varSetupStaged), "true") {
		sc.Vars.Set(varSetupStaged, "")
		return 0, Errorf(CodeFail, "the computer started Windows PE again instead of the applied Windows after Setup Windows and ConfigMgr: make the disk boot first (remove the boot medium or change the boot order) and run the sequence again")
	}
	w := strings.TrimRight(sc.Vars.Value("OSDTargetSystemDrive"), `\`)
	if w == "" {
		return 0, Errorf(CodePathNotFound, "OSDTargetSystemDrive is not set: Apply Operating System must run before Setup Windows and ConfigMgr")
	}
	state := w + `\` + stateFolder
	if p.ClientPackage != "" {
		line := fmt.Sprintf(`robocopy.exe %s %s /E /R:2 /W:5 /NP`, argQuote(p.ClientPackage), argQuote(state+`\`+clientFolder))
		sc.Log("Staging the client package: %s", line)
		code, err := sc.Run(ctx, Command{Line: line})
		if err != nil {
			return code, err
		}
		if code >= 8 {
			return 0, Errorf(CodeFileNotFound, "robocopy could not copy the client package %s (exit code %d)", p.ClientPackage, code)
		}
	} else {
		sc.Log("No client package: no ConfigMgr client is installed")
	}
	exe, err := selfExe()
	if err != nil {
		return 0, err
	}
	if err := sc.Platform.CopyFile(exe, state+`\refimage.exe`); err != nil {
		return 0, &Error{Code: CodeFileNotFound, Msg: "copy refimage.exe to " + state, Err: err}
	}
	sc.Log("Copied %s to %s", exe, state+`\refimage.exe`)
	if cur := sc.Vars.Value("_SMSTSMDataPath"); !strings.EqualFold(cur, state) {
		if err := sc.MoveState(state); err != nil {
			return 0, err
		}
	}
	scripts := w + `\` + setupcomplete.Dir
	current, err := sc.Platform.ReadFile(scripts + `\` + setupcomplete.FileName)
	if errors.Is(err, fs.ErrNotExist) {
		current, err = nil, nil
	}
	if err != nil {
		return 0, err
	}
	opt, err := setupCompleteOptions(sc)
	if err != nil {
		return 0, err
	}
	files, err := setupcomplete.Files(current, opt)
	if err != nil {
		return 0, &Error{Code: CodeInvalidParam, Msg: "SetupComplete.cmd: " + err.Error()}
	}
	if err := sc.Platform.MkdirAll(scripts); err != nil {
		return 0, err
	}
	for _, name := range []string{setupcomplete.OriginalName, setupcomplete.FileName} {
		if data, ok := files[name]; ok {
			if err := sc.Platform.WriteFile(scripts+`\`+name, data, 0o644); err != nil {
				return 0, err
			}
			sc.Log("Wrote %s", scripts+`\`+name)
		}
	}
	sc.Log("Windows setup runs after the restart; SetupComplete.cmd resumes the task sequence, which runs this step again in the full OS")
	sc.Vars.Set(varSetupStaged, "true")
	sc.Vars.Set("SMSTSRetryRequested", "true")
	sc.RequestReboot("HD")
	return 0, nil
}

// varSetupStaged marks that the WinPE part is done and the step waits
// for the installed OS: the same step back in WinPE means the restart
// went to the boot medium again (a loop otherwise).
const varSetupStaged = "RefimageSetupWindowsStaged"

// ccmsetupLine is the client installation command.
func ccmsetupLine(state, props string) string {
	src := state + `\` + clientFolder
	line := argQuote(src+`\ccmsetup.exe`) + " /noservice /source:" + argQuote(src)
	if strings.TrimSpace(props) != "" {
		line += " " + strings.TrimSpace(props)
	}
	return line
}

func installClient(ctx context.Context, sc *StepContext, p *sequence.SetupWindowsAndConfigMgr) (int64, error) {
	sc.Vars.Set(varSetupStaged, "")
	if p.ClientPackage == "" {
		sc.Log("Windows setup is complete; no client package, nothing to install")
		return 0, nil
	}
	state := sc.Vars.Value("_SMSTSMDataPath")
	if state == "" {
		state = `C:\` + stateFolder
	}
	line := ccmsetupLine(state, p.InstallProperties)
	sc.Log("Installing the ConfigMgr client: %s", sc.Redact(line))
	code, err := sc.Run(ctx, Command{Line: line})
	if err != nil {
		return code, err
	}
	meaning, known := ccmsetupCodes[code]
	if !known {
		meaning = "unknown ccmsetup return code"
	}
	sc.Log("ccmsetup returned %d (%s); its log is %%WINDIR%%\\ccmsetup\\Logs\\ccmsetup.log", code, meaning)
	switch code {
	case 0:
		return 0, nil
	case 7:
		sc.RequestReboot("HD")
		return 0, nil
	}
	return 0, &Error{Code: code, Msg: fmt.Sprintf("ccmsetup failed with return code %d: %s (see %%WINDIR%%\\ccmsetup\\Logs\\ccmsetup.log)", code, meaning)}
}

// setupOffline stages the client package and SetupComplete.cmd into the
// folder, then fails: the rest needs the applied Windows to start.
func setupOffline(sc *StepContext, p *sequence.SetupWindowsAndConfigMgr) error {
	dir := sc.Offline
	state := filepath.Join(dir, stateFolder)
	if p.ClientPackage != "" {
		n, err := copyTree(p.ClientPackage, filepath.Join(state, clientFolder))
		if err != nil {
			return &Error{Code: CodeFileNotFound, Msg: "copy the client package " + p.ClientPackage, Err: err}
		}
		sc.Log("Staged the client package %s (%d files) in %s", p.ClientPackage, n, filepath.Join(state, clientFolder))
	}
	scripts := filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(setupcomplete.Dir, `\`, "/")))
	current, err := os.ReadFile(filepath.Join(scripts, setupcomplete.FileName))
	if errors.Is(err, fs.ErrNotExist) {
		current, err = nil, nil
	}
	if err != nil {
		return err
	}
	opt, err := setupCompleteOptions(sc)
	if err != nil {
		return err
	}
	files, err := setupcomplete.Files(current, opt)
	if err != nil {
		return &Error{Code: CodeInvalidParam, Msg: "SetupComplete.cmd: " + err.Error()}
	}
	if err := os.MkdirAll(scripts, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := sequence.WriteFileAtomic(filepath.Join(scripts, name), data, 0o644); err != nil {
			return err
		}
		sc.Log("Wrote %s", filepath.Join(scripts, name))
	}
	return Errorf(CodeNotSupported, "staged SetupComplete.cmd and the client package in %s; Windows setup and installing the client (ccmsetup) need the applied Windows to start, which an offline run cannot do", dir)
}

// copyTree copies the files of folder src into dst.
func copyTree(src, dst string) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		n++
		return out.Close()
	})
	return n, err
}

func (setupWindows) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.SetupWindowsAndConfigMgr)
	if pc.Offline != "" {
		out := []string{}
		if p.ClientPackage != "" {
			out = append(out, "copy the client package "+p.ClientPackage+" to "+pc.Offline+"/"+stateFolder+"/"+clientFolder)
		}
		return append(out,
			"write "+pc.Offline+"/Windows/Setup/Scripts/SetupComplete.cmd (resumes refimage after Windows setup)",
			"then fails: Windows setup and the client installation need the applied Windows to start (not possible offline)")
	}
	w := strings.TrimRight(pc.Vars.Value("OSDTargetSystemDrive"), `\`)
	if w == "" {
		w = "W:"
	}
	state := w + `\` + stateFolder
	var out []string
	if p.ClientPackage != "" {
		out = append(out, fmt.Sprintf(`robocopy.exe %s %s /E /R:2 /W:5 /NP`, argQuote(p.ClientPackage), argQuote(state+`\`+clientFolder)))
	}
	out = append(out,
		"copy refimage.exe to "+state+`\refimage.exe; the state stays in `+state,
		`write `+w+`\Windows\Setup\Scripts\SetupComplete.cmd: Administrator as Apply Windows Settings chose, then "%SystemDrive%\_SMSTaskSequence\refimage.exe" run --resume --state "%SystemDrive%\_SMSTaskSequence" --plain`,
		"restart into the applied Windows (bcdedit.exe /bootsequence {default}); setup runs with Windows\\Panther\\unattend.xml; this step runs again after the resume")
	if p.ClientPackage != "" {
		out = append(out, "in the full OS: "+ccmsetupLine(`C:\`+stateFolder, p.InstallProperties)+"  (0 success, 7 restart and continue, 6/8/9/10 fail)")
	}
	return append(out, "the sequence continues in the full operating system")
}
