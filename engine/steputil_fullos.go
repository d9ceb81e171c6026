package engine

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"strings"
	"unicode/utf16"

	"github.com/refimage/refimage/engine/unattend"
)

// Helpers of the part-B steps that run in the installed Windows (issue
// #6): Install Software Updates, Install Application, Join Domain or
// Workgroup, Prepare ConfigMgr Client and Prepare Windows for Capture.

// requireRunningWindows fails a step that needs a running Windows in an
// offline run.
func requireRunningWindows(sc *StepContext, what string) error {
	if sc.Offline != "" {
		return &Error{Code: CodeNotSupported, Msg: what + " needs the running Windows of the reference computer; an offline folder (" + sc.Offline + ") cannot do it"}
	}
	return nil
}

// offlinePlan is the plan line of such a step in an offline plan.
func offlinePlan(pc *PlanContext) []string {
	if pc.Offline == "" {
		return nil
	}
	return []string{"needs a running Windows: an offline run (" + pc.Offline + ") fails this step"}
}

// systemRoot is the Windows folder of the running OS.
func systemRoot() string {
	if d := os.Getenv("SystemRoot"); d != "" {
		return strings.TrimRight(d, `\`)
	}
	return systemDrive() + `\Windows`
}

// expandSystemRoot replaces %SystemRoot% (which CreateProcess does not
// expand) by the Windows folder.
func expandSystemRoot(s string) string {
	for _, v := range []string{"%SystemRoot%", "%SYSTEMROOT%", "%systemroot%", "%WINDIR%", "%windir%"} {
		s = strings.ReplaceAll(s, v, systemRoot())
	}
	return s
}

// scrubAnswerFiles removes the secrets (product key, passwords, join
// credentials) from the answer files Windows Setup leaves on the system
// drive (unattend.Paths), once Setup has used them. Every part-B step of
// the full OS does it first, so the first of them after Setup Windows and
// ConfigMgr leaves no secret behind, and Prepare Windows for Capture
// makes sure none is captured. A file that changes is rewritten
// atomically; one that does not parse is left alone with a warning.
func scrubAnswerFiles(sc *StepContext) {
	if sc.Offline != "" || sc.Machine.InWinPE {
		return
	}
	root := systemDrive()
	for _, rel := range unattend.Paths {
		p := root + `\` + rel
		data, err := readOptional(sc, p)
		if err != nil || len(data) == 0 {
			continue
		}
		clean, err := unattend.Scrub(data)
		if err != nil {
			sc.Warn("The answer file %s cannot be read to remove its secrets: %s", p, sc.Redact(err.Error()))
			continue
		}
		if bytes.Equal(clean, data) {
			continue
		}
		if err := sc.Platform.WriteFile(p, clean, 0o600); err != nil {
			sc.Warn("Could not remove the secrets from %s: %v", p, err)
			continue
		}
		sc.Log("Removed the secrets (product key, passwords, credentials) from %s now that Windows Setup has used them.", p)
	}
}

// psQuote quotes a string for PowerShell (single quotes).
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// powershell is the command line that runs a PowerShell script, encoded
// so no quoting of cmd or CreateProcess gets in the way.
func powershell(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + base64.StdEncoding.EncodeToString(b)
}

// runPowerShell runs a script, logging it readably (the command line holds
// it encoded), and returns its standard output lines.
func runPowerShell(sc *StepContext, ctx context.Context, script string, env []string) ([]string, int64, error) {
	sc.Log("Running PowerShell: %s", script)
	var out []string
	code, err := sc.Platform.Run(ctx, Command{Line: powershell(script), Env: env, Timeout: sc.Timeout, Output: func(line string, stderr bool) {
		sc.Output(line, stderr)
		if !stderr {
			out = append(out, line)
		}
	}})
	return out, code, err
}
