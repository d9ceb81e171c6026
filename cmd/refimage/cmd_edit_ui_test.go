package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/refimage/refimage/tui"
)

// In accessible mode the editor says it needs a full-screen terminal and
// points to the TOML file and refimage validate; exit 2, in either
// language.
func TestEditAccessible(t *testing.T) {
	f := copyExample(t)
	for _, c := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{nil, []string{"--accessible"}, "needs a full-screen terminal"},
		{map[string]string{"REFIMAGE_ACCESSIBLE": "1"}, nil, "needs a full-screen terminal"},
		{map[string]string{"TERM": "dumb"}, nil, "needs a full-screen terminal"},
		{nil, []string{"--accessible", "--lang", "ko"}, "전체 화면 터미널"},
	} {
		code, out, errs := runTTYEnv(t, c.vars, append([]string{"edit", f}, c.args...)...)
		if code != exitUsage || out != "" || !strings.Contains(errs, c.want) || !strings.Contains(errs, "refimage validate "+f) {
			t.Errorf("%v %v: exit %d\n%s", c.vars, c.args, code, errs)
		}
	}
}

// The editor takes the screen settings of every command: a bad --theme
// or --lang is a usage error; a user theme file is accepted.
func TestEditUIFlags(t *testing.T) {
	f := copyExample(t)
	if code, _, errs := runTTY(t, "q", "edit", f, "--theme", "no-such-theme"); code != exitUsage {
		t.Fatalf("bad theme: exit %d\n%s", code, errs)
	}
	if code, _, errs := runTTY(t, "q", "edit", f, "--lang", "fr"); code != exitUsage {
		t.Fatalf("bad lang: exit %d\n%s", code, errs)
	}
	for _, args := range [][]string{{"--theme", "ascii"}, {"--no-color"}, {"--lang", "ko"}} {
		code, _, errs := runTTY(t, "q", append([]string{"edit", f}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, errs)
		}
	}
}

// Open in editor after the accessible wizard keeps accessible mode and
// the language (handed over, not remembered by the process); a fresh
// refimage edit does not inherit them.
func TestEditInheritsWizardUI(t *testing.T) {
	f := copyExample(t)
	var errb bytes.Buffer
	env := &cmdEnv{stdin: strings.NewReader("q"), stdout: &bytes.Buffer{}, stderr: &errb,
		getenv: func(string) string { return "" }, isTerminal: func() bool { return true }}
	fs := newFlagSet(commands["new"])
	uf := addUIFlags(fs)
	if err := fs.Parse([]string{"--accessible", "--lang", "ko"}); err != nil {
		t.Fatal(err)
	}
	ui, err := resolveUI(env, uf)
	if err != nil {
		t.Fatal(err)
	}
	err = runAction(env, tui.WizardResult{Written: f, Action: tui.ActionEdit}, ui)
	var re reportedError
	if !errors.As(err, &re) || re.code != exitUsage || !strings.Contains(errb.String(), "전체 화면 터미널") {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	// Another screen (a fresh run of refimage edit) opens the editor.
	if code, _, errs := runTTY(t, "q", "edit", f); code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}
