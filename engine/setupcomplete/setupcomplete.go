// Package setupcomplete writes Windows\Setup\Scripts\SetupComplete.cmd,
// the script Windows Setup runs as SYSTEM when setup is complete and
// before the first logon. It is how the task sequence gets back into the
// new Windows after Setup Windows and ConfigMgr (Configuration Manager's
// own SetupComplete.cmd starts TSMBootstrap.exe at the same point):
//
//  1. log to %SystemDrive%\_SMSTaskSequence\Logs\SetupComplete.log;
//  2. run the SetupComplete.cmd that was already in the image, if any
//     (renamed to SetupComplete.refimage-original.cmd, run in its own
//     cmd.exe so an `exit` in it cannot end ours);
//  3. enable or disable the built-in Administrator account, as Apply
//     Windows Settings asked (engine/unattend's Result.AdminAccount);
//  4. wait SetupCompletePause seconds, if set;
//  5. resume the engine: "%SystemDrive%\_SMSTaskSequence\refimage.exe"
//     run --resume --state "%SystemDrive%\_SMSTaskSequence" --plain,
//     output into the same log;
//  6. optionally, when the engine exits with Options.RestartExitCode,
//     schedule a restart that happens after the script has ended.
//
// Windows runs SetupComplete.cmd once, does not check its exit code, and
// skips it on editions activated with an OEM product key (except
// Enterprise and Windows Server).
//
// The file has CRLF line endings. The package only returns text.
package setupcomplete

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// File names in Windows\Setup\Scripts.
const (
	FileName     = "SetupComplete.cmd"
	OriginalName = "SetupComplete.refimage-original.cmd"
	// Dir is where the files go, relative to the OS volume.
	Dir = `Windows\Setup\Scripts`
)

// marker is the line that identifies our script (so writing it again does
// not wrap ours as if it were someone else's).
const marker = "rem refimage-setupcomplete v1"

// Defaults of Options.
const (
	DefaultStateDir = `%SystemDrive%\_SMSTaskSequence`
	DefaultExe      = DefaultStateDir + `\refimage.exe`
	DefaultLog      = DefaultStateDir + `\Logs\SetupComplete.log`
)

// Admin account actions (engine/unattend AdminEnable/AdminDisable).
const (
	AdminEnable  = "enable"
	AdminDisable = "disable"
)

// Options shape the script. Paths may use %environment% variables; cmd
// expands them when the script runs.
type Options struct {
	Exe      string // refimage.exe; default DefaultExe
	StateDir string // --state; default DefaultStateDir
	LogFile  string // default DefaultLog
	Sequence string // optional sequence file passed to run (before --resume)
	// ExtraArgs are added after the standard arguments, each quoted when
	// it has spaces.
	ExtraArgs []string
	// AdminAccount is AdminEnable, AdminDisable or "" (leave it).
	AdminAccount string
	// Pause is SetupCompletePause: seconds to wait before resuming.
	Pause int
	// Original: an earlier SetupComplete.cmd was kept as OriginalName
	// and is run first.
	Original bool
	// RestartExitCode, when not 0, is the exit code by which the resumed
	// engine asks for a restart it must not do itself: Microsoft says not
	// to restart the computer while SetupComplete.cmd runs. The script
	// then schedules the restart (shutdown /r /t 10) and ends, so Setup
	// finishes before Windows restarts; the engine resumes after the
	// restart by its own means (SetupComplete.cmd runs only once).
	RestartExitCode int
}

func (o *Options) defaults() error {
	if o.Exe == "" {
		o.Exe = DefaultExe
	}
	if o.StateDir == "" {
		o.StateDir = DefaultStateDir
	}
	if o.LogFile == "" {
		o.LogFile = DefaultLog
	}
	for _, s := range append([]string{o.Exe, o.StateDir, o.LogFile, o.Sequence}, o.ExtraArgs...) {
		if strings.ContainsAny(s, "\"\r\n\x00") {
			return fmt.Errorf("%q: a path or argument in SetupComplete.cmd cannot contain quotes or line breaks", s)
		}
	}
	switch o.AdminAccount {
	case "", AdminEnable, AdminDisable:
	default:
		return fmt.Errorf("admin account action %q: enable, disable or empty", o.AdminAccount)
	}
	if o.Pause < 0 || o.Pause > 86400 {
		return errors.New("the pause is 0 to 86400 seconds")
	}
	return nil
}

func quote(s string) string { return `"` + s + `"` }

func arg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t&|<>^()") {
		return quote(s)
	}
	return s
}

// parentDir is the folder of a Windows path (up to the last backslash).
func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '\\'); i > 0 {
		return p[:i]
	}
	return p
}

// Generate returns the script.
func Generate(opt Options) ([]byte, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	var b strings.Builder
	l := func(s string) { b.WriteString(s + "\r\n") }
	log := `>>"%REFIMAGE_LOG%" echo [%DATE% %TIME%] `
	l("@echo off")
	l(marker)
	l("rem Written by refimage. Windows Setup runs this file as SYSTEM when setup is")
	l("rem complete, before the first logon; it resumes the task sequence.")
	l("setlocal EnableExtensions DisableDelayedExpansion")
	l(`set "REFIMAGE_LOG=` + opt.LogFile + `"`)
	l(`if not exist "` + parentDir(opt.LogFile) + `\" mkdir "` + parentDir(opt.LogFile) + `"`)
	l(log + "SetupComplete.cmd started")
	if opt.Original {
		l("")
		l("rem The SetupComplete.cmd that was in the image runs first, in its own cmd.exe.")
		l(`if not exist "%~dp0` + OriginalName + `" goto :account`)
		l(log + "running the original SetupComplete.cmd")
		l(`"%SystemRoot%\System32\cmd.exe" /d /c ""%~dp0` + OriginalName + `"" >>"%REFIMAGE_LOG%" 2>&1`)
		l(log + "the original SetupComplete.cmd exited with code %ERRORLEVEL%")
	}
	l("")
	if opt.Original {
		l(":account")
	}
	switch opt.AdminAccount {
	case AdminEnable, AdminDisable:
		verb, cmdlet, active := "enabling", "Enable-LocalUser", "yes"
		if opt.AdminAccount == AdminDisable {
			verb, cmdlet, active = "disabling", "Disable-LocalUser", "no"
		}
		l("rem The built-in Administrator is the local account whose SID ends in -500,")
		l("rem whatever its (localised) name; net user is the fallback.")
		l(log + verb + " the built-in Administrator account")
		l(`"%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "Get-LocalUser | Where-Object { $_.SID.Value -like 'S-1-5-21-*-500' } | ` + cmdlet + `" >>"%REFIMAGE_LOG%" 2>&1`)
		l(`if errorlevel 1 "%SystemRoot%\System32\net.exe" user Administrator /active:` + active + ` >>"%REFIMAGE_LOG%" 2>&1`)
	default:
		l("rem The built-in Administrator account is left as Windows Setup made it.")
	}
	if opt.Pause > 0 {
		l("")
		l(fmt.Sprintf("rem SetupCompletePause: wait %d seconds (ping works without a console; timeout.exe does not).", opt.Pause))
		l(log + fmt.Sprintf("waiting %d seconds", opt.Pause))
		l(fmt.Sprintf(`"%%SystemRoot%%\System32\PING.EXE" -n %d 127.0.0.1 >nul`, opt.Pause+1))
	}
	args := []string{quote(opt.Exe), "run"}
	if opt.Sequence != "" {
		args = append(args, quote(opt.Sequence))
	}
	args = append(args, "--resume", "--state", quote(opt.StateDir), "--plain")
	for _, a := range opt.ExtraArgs {
		args = append(args, arg(a))
	}
	command := strings.Join(args, " ")
	l("")
	l("rem Resume the task sequence.")
	l(`if not exist "` + opt.Exe + `" goto :missing`)
	l(log + "resuming the task sequence")
	l(command + ` >>"%REFIMAGE_LOG%" 2>&1`)
	if opt.RestartExitCode != 0 {
		l(`set "REFIMAGE_EXIT=%ERRORLEVEL%"`)
		l(log + "refimage exited with code %REFIMAGE_EXIT%")
		l(fmt.Sprintf(`if not "%%REFIMAGE_EXIT%%"=="%d" goto :end`, opt.RestartExitCode))
		l("rem refimage asked for a restart: schedule it so this script and Setup finish first.")
		l(log + "restarting in 10 seconds, as refimage asked")
		l(`"%SystemRoot%\System32\shutdown.exe" /r /t 10 /d p:4:1 /c "refimage: restarting to continue the task sequence" >>"%REFIMAGE_LOG%" 2>&1`)
	} else {
		l(log + "refimage exited with code %ERRORLEVEL%")
	}
	l("goto :end")
	l("")
	l(":missing")
	l(log + "refimage.exe is missing; the task sequence cannot resume")
	l("")
	l(":end")
	l("endlocal")
	l("exit /b 0")
	return []byte(b.String()), nil
}

// IsOurs reports whether a SetupComplete.cmd was written by this package.
func IsOurs(script []byte) bool {
	return bytes.Contains(script, []byte(marker))
}

// Files returns what to write into Windows\Setup\Scripts (file name →
// content), given the SetupComplete.cmd already there (nil when there is
// none). A foreign script is kept as OriginalName and run first; our own
// script is simply rewritten, keeping its call of the original.
func Files(current []byte, opt Options) (map[string][]byte, error) {
	out := map[string][]byte{}
	switch {
	case current == nil:
		opt.Original = false
	case IsOurs(current):
		opt.Original = bytes.Contains(current, []byte(OriginalName))
	default:
		opt.Original = true
		out[OriginalName] = current
	}
	s, err := Generate(opt)
	if err != nil {
		return nil, err
	}
	out[FileName] = s
	return out, nil
}
