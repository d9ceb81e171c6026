package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runTTYEnv runs the command line as if on a terminal, with environment
// variables.
func runTTYEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cmdEnv{
		stdin:      strings.NewReader(""),
		stdout:     &out,
		stderr:     &errb,
		getenv:     func(k string) string { return vars[k] },
		isTerminal: func() bool { return true },
	}
	code := runMain(env, args)
	return code, out.String(), errb.String()
}

// On a terminal, --accessible, REFIMAGE_ACCESSIBLE=1 and TERM=dumb give
// the plain line reporter (no full-screen view, no escape sequence).
func TestRunAccessibleIsPlain(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh")
	}
	dir := t.TempDir()
	f := writeSeq(t, dir, step("hello", "echo hello"))
	for _, c := range []struct {
		name string
		vars map[string]string
		args []string
	}{
		{"flag", nil, []string{"--accessible"}},
		{"env", map[string]string{"REFIMAGE_ACCESSIBLE": "1"}, nil},
		{"dumb", map[string]string{"TERM": "dumb"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"run", f, "--state", filepath.Join(dir, c.name), "--log", filepath.Join(dir, c.name+"-log")}, c.args...)
			code, _, errs := runTTYEnv(t, c.vars, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errs)
			}
			if !strings.Contains(errs, "[1/1] hello") || strings.ContainsRune(errs, '\x1b') {
				t.Fatalf("not the plain reporter:\n%q", errs)
			}
		})
	}
}

// The wizard's Run now after the accessible wizard reports in plain lines
// too (the run inherits the wizard's screen settings).
func TestRunNowInheritsAccessible(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh")
	}
	dir := t.TempDir()
	f := writeSeq(t, dir, step("hello", "echo hello"))
	var errb bytes.Buffer
	env := &cmdEnv{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &errb,
		getenv:     func(string) string { return "" },
		isTerminal: func() bool { return true }}
	fs := newFlagSet(commands["new"])
	uf := addUIFlags(fs)
	if err := fs.Parse([]string{"--accessible"}); err != nil {
		t.Fatal(err)
	}
	ui, err := resolveUI(env, uf)
	if err != nil {
		t.Fatal(err)
	}
	// runNow(env, f, ui), with the state and log in the test's folder.
	err = runWith(env, commands["run"], func(fs *flag.FlagSet) runFunc { return runFlagsUI(fs, &ui) },
		[]string{f, "--state", filepath.Join(dir, "state"), "--log", filepath.Join(dir, "log")})
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if s := errb.String(); !strings.Contains(s, "[1/1] hello") || strings.ContainsRune(s, '\x1b') {
		t.Fatalf("Run now after the accessible wizard is not plain:\n%q", s)
	}
}

// A bad --theme is a usage error; --lang takes en or ko.
func TestRunUIFlags(t *testing.T) {
	f := writeSeq(t, t.TempDir(), step("hello", "echo hello"))
	if code, _, errs := run(t, "run", f, "--theme", "no-such-theme"); code != exitUsage {
		t.Fatalf("bad theme: exit %d\n%s", code, errs)
	}
	if code, _, errs := run(t, "run", f, "--lang", "fr"); code != exitUsage {
		t.Fatalf("bad lang: exit %d\n%s", code, errs)
	}
}
