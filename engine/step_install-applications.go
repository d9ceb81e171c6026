package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Install Application (configmgr.md §2.9): runs each application's
// command line in its source folder, in order, through the platform (its
// output into smsts.log), and checks the exit code against the
// application's success codes (default 0 3010).
//
//   - 3010 (and 1641, the installer started a restart): the application
//     counts as installed; the step asks for a restart into the installed
//     OS and to run again after it (SMSTSRetryRequested), and the index
//     of the next application is kept in RefimageInstallAppsNext, so the
//     run continues with the next application, not the first.
//   - A failure ends the step with the application's exit code, unless
//     continue_on_failure: then the others are installed, the step
//     succeeds with _TSAppInstallStatus=Warning (an error with
//     TSErrorOnWarning=True).
//   - _TSAppInstallStatus is Success, Warning or Error at the end.
//
// An unexpected restart while an application installs runs the step
// again from that application (the engine's retry_count).
type installApplications struct{}

func init() { Register("install-applications", installApplications{}) }

// Variables that carry the step's progress across its restarts; the
// value is prefixed by the step's path, so another install-applications
// step starts from its first application.
const (
	varAppsNext   = "RefimageInstallAppsNext"
	varAppsFailed = "RefimageInstallAppsFailed"
)

// progress reads a progress variable of this step.
func stepProgress(sc *StepContext, name string) (string, bool) {
	v := sc.Vars.Value(name)
	path, val, ok := strings.Cut(v, "|")
	if !ok || path != sc.Path {
		return "", false
	}
	return val, true
}

func setStepProgress(sc *StepContext, name, val string) {
	if val == "" {
		sc.Vars.Delete(name)
		return
	}
	sc.Vars.Set(name, sc.Path+"|"+val)
}

func (installApplications) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.InstallApplications)
	if err := requireRunningWindows(sc, "Install Application"); err != nil {
		return 0, err
	}
	scrubAnswerFiles(sc)
	status := func(s string) { sc.Vars.SetReadOnly("_TSAppInstallStatus", s) }
	start := 0
	if v, ok := stepProgress(sc, varAppsNext); ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= len(p.Applications) {
			start = n
			sc.Log("Continuing after the restart with application %d of %d.", n+1, len(p.Applications))
		}
	}
	var failed []string
	if v, ok := stepProgress(sc, varAppsFailed); ok && v != "" {
		failed = strings.Split(v, "\x1f")
	}
	done := func() {
		setStepProgress(sc, varAppsNext, "")
		setStepProgress(sc, varAppsFailed, "")
	}
	for i := start; i < len(p.Applications); i++ {
		a := p.Applications[i]
		codes := a.SuccessCodes
		if len(codes) == 0 {
			codes = sequence.DefaultSuccessCodes
		}
		sc.Log("Installing application %d of %d: %s", i+1, len(p.Applications), a.Name)
		sc.Progress(int64(i), int64(len(p.Applications)), "", a.Name)
		if strings.TrimSpace(a.CommandLine) == "" {
			done()
			status("Error")
			return 0, &Error{Code: CodeInvalidParam, Msg: "the application " + a.Name + " has no command line"}
		}
		sc.Log("Executing command line: %s", a.CommandLine)
		if a.Source != "" {
			sc.Log("Working directory %s", a.Source)
		}
		code, err := sc.Run(ctx, Command{Line: a.CommandLine, Dir: a.Source})
		if err != nil {
			if ctx.Err() != nil {
				return code, err
			}
			code = CodeOf(err)
			sc.Error("The application %s could not run: %v", a.Name, err)
		} else {
			sc.Log("Process completed with exit code %d", uint32(code))
		}
		ok := err == nil && containsCode(codes, code)
		if !ok {
			msg := fmt.Sprintf("the application %s failed with exit code %s (success codes %s)", a.Name, Decimal(code), joinInts(codes))
			if !p.ContinueOnFailure {
				done()
				status("Error")
				if err != nil {
					return 0, &Error{Code: code, Msg: msg, Err: err}
				}
				return 0, &Error{Code: code, Msg: msg}
			}
			sc.Warn("%s; continue_on_failure: the other applications are installed.", msg)
			failed = append(failed, a.Name)
			continue
		}
		sc.Log("The application %s was installed.", a.Name)
		if SameCode(code, CodeRebootRequired) || code == 1641 {
			if i+1 < len(p.Applications) {
				setStepProgress(sc, varAppsNext, strconv.Itoa(i+1))
				setStepProgress(sc, varAppsFailed, strings.Join(failed, "\x1f"))
				sc.Log("The application %s needs a restart (%d): the computer restarts and the step continues with %s.", a.Name, code, p.Applications[i+1].Name)
				sc.Vars.Set("SMSTSRetryRequested", "true")
				sc.RequestReboot("HD")
				status("Success")
				return 0, nil
			}
			sc.Log("The application %s needs a restart (%d): the computer restarts after the step.", a.Name, code)
			sc.RequestReboot("HD")
			done()
			status(appStatus(failed))
			return appResult(sc, failed)
		}
	}
	sc.Progress(int64(len(p.Applications)), int64(len(p.Applications)), "", "")
	done()
	status(appStatus(failed))
	return appResult(sc, failed)
}

func containsCode(codes []int, c int64) bool {
	for _, k := range codes {
		if SameCode(int64(k), c) {
			return true
		}
	}
	return false
}

func appStatus(failed []string) string {
	if len(failed) > 0 {
		return "Warning"
	}
	return "Success"
}

// appResult ends the step: a warning (some applications failed with
// continue_on_failure) is an error only with TSErrorOnWarning=True.
func appResult(sc *StepContext, failed []string) (int64, error) {
	if len(failed) == 0 {
		return 0, nil
	}
	msg := fmt.Sprintf("%d application(s) failed: %s", len(failed), strings.Join(failed, ", "))
	if strings.EqualFold(sc.Vars.Value("TSErrorOnWarning"), "true") {
		sc.Vars.SetReadOnly("_TSAppInstallStatus", "Error")
		return 0, &Error{Code: CodeFail, Msg: msg + " (TSErrorOnWarning=True)"}
	}
	sc.Warn("%s; the step succeeds with _TSAppInstallStatus=Warning.", msg)
	return 0, nil
}

func (installApplications) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.InstallApplications)
	if len(p.Applications) == 0 {
		return []string{"no applications listed"}
	}
	out := offlinePlan(pc)
	for _, a := range p.Applications {
		codes := a.SuccessCodes
		if len(codes) == 0 {
			codes = sequence.DefaultSuccessCodes
		}
		out = append(out, fmt.Sprintf("%s: run %s in %s (success codes %s)", a.Name, a.CommandLine, a.Source, joinInts(codes)))
	}
	if p.ContinueOnFailure {
		out = append(out, "if one fails, go on with the others (_TSAppInstallStatus=Warning)")
	}
	return append(out, "3010 from an application: restart and continue with the next application")
}
