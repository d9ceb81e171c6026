package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runIn(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cmdEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(string) string { return "" }, isTerminal: func() bool { return false }}
	return runMain(env, args), errb.String()
}

// refimage run --debug with line commands: list, a breakpoint, a
// variable that changes a later condition, a failure retried; a restart
// (here: quit and --resume) resumes in debug mode with the breakpoint.
func TestRunDebugLineCommands(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh")
	}
	dir := t.TempDir()
	mark := filepath.Join(dir, "once")
	f := writeSeq(t, dir, step("one", "echo one")+
		step("flaky", "if [ -f "+mark+" ]; then echo ok; else touch "+mark+"; exit 7; fi")+
		step("cond", "echo cond ran")+"condition = 'Go == \"yes\"'\n"+
		step("last", "echo last"))
	state, logs := filepath.Join(dir, "state"), filepath.Join(dir, "logs")
	script := "list\ncheck\nbreak last\nset Go=yes\nset _SMSTSType=9\nvars Go\nrun\nretry\nquit\n"
	code, errs := runIn(t, script, "run", f, "--debug", "--state", state, "--log", logs)
	if code != exitCancelled {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, s := range []string{
		"debug: stopped before [0] one (start)",
		">    0 one", "if Go == \"yes\"",
		"debug: breakpoint set on last",
		"debug: Go = yes",
		"debug: _SMSTSType is read-only: only the engine sets it",
		"  Go = yes",
		"  ok        the machine:",
		"debug: flaky failed:",
		"| cond ran",
		"debug: stopped before [3] last (breakpoint)",
	} {
		if !strings.Contains(errs, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errs)
		}
	}
	code, errs = runIn(t, "list\nrun\n", "run", "--resume", "--state", state, "--log", logs, "--plain")
	if code != 0 || !strings.Contains(errs, "debug: stopped before [3] last (resumed)") || !strings.Contains(errs, "> *  3 last") || !strings.Contains(errs, "| last") {
		t.Fatalf("resume: exit %d\n%s", code, errs)
	}
	log, _ := os.ReadFile(filepath.Join(logs, "smsts.log"))
	if !strings.Contains(string(log), `component="TSDebugger"`) {
		t.Error("the log has no TSDebugger records")
	}
}

// refimage run --check runs nothing: exit 1 when a line will fail, 0
// otherwise; no secret is asked for.
func TestRunCheck(t *testing.T) {
	dir := t.TempDir()
	f := writeSeq(t, dir, step("one", "echo one >> "+filepath.Join(dir, "ran")))
	code, errs := runIn(t, "", "run", f, "--check", "--state", filepath.Join(dir, "state"))
	if code != 0 || !strings.Contains(errs, "Pre-flight check:") || !strings.Contains(errs, "memory free") && !strings.Contains(errs, "drivers") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	capSeq := "\n[[steps]]\ntype = \"capture-os-image\"\nname = \"Capture\"\ndestination = '" + filepath.Join(dir, "nope", "ref.wim") + "'\n"
	f = writeSeq(t, dir, capSeq)
	// In Windows PE, where the capture runs (on Windows the machine is
	// otherwise the real one: the full OS, where the capture is skipped).
	code, errs = runIn(t, "", "run", f, "--check", "--state", filepath.Join(dir, "state2"), "--env", "winpe")
	if code != exitFailed || !strings.Contains(errs, "will fail the capture destination's folder") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
		t.Error("--check ran a step")
	}
}
