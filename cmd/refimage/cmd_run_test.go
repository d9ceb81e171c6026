package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeSeq(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "seq.toml")
	if err := os.WriteFile(p, []byte("version = 1\nname = \"CLI run\"\nkind = \"custom\"\n"+body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func step(name, line string, extra ...string) string {
	return "\n[[steps]]\ntype = \"run-command-line\"\nname = \"" + name + "\"\ncommand_line = '" + line + "'\n" + strings.Join(extra, "\n") + "\n"
}

func TestRunPlainSucceedsAndFails(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh")
	}
	dir := t.TempDir()
	f := writeSeq(t, dir, step("hello", "echo hello %Who%")+step("bye", "echo bye"))
	state, logs := filepath.Join(dir, "state"), filepath.Join(dir, "logs")
	code, out, errs := run(t, "run", f, "--state", state, "--log", logs, "--var", "Who=world", "--log-format", "json")
	if code != 0 || out != "" {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, s := range []string{"Running: CLI run (2 steps", "[1/2] hello", "| hello world", "completed successfully"} {
		if !strings.Contains(errs, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(logs, "smsts.jsonl")); err != nil {
		t.Error(err)
	}
	// A failure exits 1 with the summary.
	f = writeSeq(t, dir, step("bad", "exit 5")+step("never", "true"))
	code, _, errs = run(t, "run", f, "--state", state, "--log", logs)
	if code != exitFailed || !strings.Contains(errs, "Failed step: bad (run-command-line) with 5") || !strings.Contains(errs, "never") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

func TestRunRestartNeededThenResume(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh")
	}
	dir := t.TempDir()
	marker := filepath.Join(dir, "after")
	// Unix exit codes have 8 bits (no 3010): the step asks with the variable.
	f := writeSeq(t, dir, "\n[[steps]]\ntype = \"set-variable\"\nname = \"needs restart\"\nvariable = \"SMSTSRebootRequested\"\nvalue = \"HD\"\n"+step("after", "touch "+marker))
	state := filepath.Join(dir, "state")
	code, _, errs := run(t, "run", f, "--state", state, "--plain")
	if code != exitFailed || !strings.Contains(errs, "restart the computer, then run refimage run --resume") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	// Starting again without --resume is refused: the run is unfinished.
	code, _, errs = run(t, "run", f, "--state", state)
	if code != exitUsage || !strings.Contains(errs, "continue it with --resume, or start over with --fresh") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "run", "--resume", "--state", state)
	if code != 0 {
		t.Fatalf("resume: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Error("the step after the restart did not run")
	}
	code, _, errs = run(t, "run", "--resume", "--state", state)
	if code != exitUsage || !strings.Contains(errs, "nothing to resume") {
		t.Fatalf("second resume: exit %d\n%s", code, errs)
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{"run"},
		{"run", "a.toml", "b.toml"},
		{"run", example, "--log-format", "xml"},
		{"run", example, "--var", "_SMSTSInWinPE=true"},
		{"run", example, "--resume", "--fresh"},
		{"run", example, "--offline", "/does/not/exist"},
		{"run", "--resume", "--state", "/does/not/exist/state"},
	} {
		if code, _, errs := run(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, errs)
		}
	}
}

// Canary secrets given to a run never reach stderr, the logs or the
// state folder.
func TestRunNeverLeaksSecrets(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh")
	}
	const canary = "CANARY-run-4b1f"
	const key = "CANRY-KEY11-AAAAA-BBBBB-QQQQQ"
	dir := t.TempDir()
	f := writeSeq(t, dir, step("use", "echo joining with %OSDJoinPassword% and %OSDProductKey%"))
	state, logs := filepath.Join(dir, "state"), filepath.Join(dir, "logs")
	code, out, errs := run(t, "run", f, "--state", state, "--log", logs, "--log-format", "json",
		"--var", "OSDJoinPassword="+canary, "--var", "OSDProductKey="+key)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "joining with ******** and *****-*****-*****-*****-QQQQQ") {
		t.Errorf("masked output missing:\n%s", errs)
	}
	texts := []string{out, errs}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && p != f {
			b, _ := os.ReadFile(p)
			texts = append(texts, string(b))
		}
		return nil
	})
	for _, s := range texts {
		if strings.Contains(s, canary) || strings.Contains(s, "CANRY-KEY11") {
			t.Errorf("a secret leaked: %.300s", s)
		}
	}
}

// An offline run simulates the machine on Windows too: detecting made a
// Windows workstation (not Windows PE) refuse the offline example's
// Apply Operating System (0x80070032, "runs only in Windows PE"), while
// the same command worked on Linux. The Wine lane runs the example under
// Windows (internal/wine TestOfflineBuildUnderWine).
func TestSimulatedMachine(t *testing.T) {
	for _, c := range []struct {
		goos    string
		offline bool
		set     []string
		want    bool
	}{
		{"linux", false, nil, true},
		{"darwin", true, nil, true},
		{"windows", false, nil, false},
		{"windows", true, nil, true},
		{"windows", false, []string{"env"}, true},
		{"windows", false, []string{"uefi"}, true},
		{"windows", false, []string{"bios"}, true},
		{"windows", false, []string{"var", "state"}, false},
	} {
		set := map[string]bool{}
		for _, s := range c.set {
			set[s] = true
		}
		if got := simulatedMachine(c.goos, c.offline, set); got != c.want {
			t.Errorf("simulatedMachine(%s, offline=%v, %v) = %v, want %v", c.goos, c.offline, c.set, got, c.want)
		}
	}
}
