package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs the command line in process and returns exit code, stdout, stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cmdEnv{
		stdin:      strings.NewReader(""),
		stdout:     &out,
		stderr:     &errb,
		getenv:     func(string) string { return "" },
		isTerminal: func() bool { return false },
	}
	code := runMain(env, args)
	return code, out.String(), errb.String()
}

func TestValidateExamples(t *testing.T) {
	files, _ := filepath.Glob("../../docs/examples/*.toml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	code, out, errs := run(t, append([]string{"validate"}, files...)...)
	if code != 0 || out != "" {
		t.Fatalf("validate examples: exit %d\n%s%s", code, out, errs)
	}
}

func TestValidateInvalid(t *testing.T) {
	code, out, errs := run(t, "validate", "../../engine/sequence/testdata/invalid/per-server-3.toml", "../../engine/sequence/testdata/invalid/long-name.toml")
	if code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	want := "../../engine/sequence/testdata/invalid/per-server-3.toml:11:19: steps[0].max_connections: per-server licensing needs 5 to 9999 connections, not 3\n" +
		"../../engine/sequence/testdata/invalid/long-name.toml:2:8: name: the task sequence name has at most 50 characters (this has 51)\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errs, "2 of 2 file(s) have errors") {
		t.Errorf("stderr: %s", errs)
	}
}

func TestValidateMissingFile(t *testing.T) {
	code, out, _ := run(t, "validate", "does-not-exist.toml")
	if code != exitUsage || !strings.Contains(out, "does-not-exist.toml: ") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestValidateNeverPrintsSecrets(t *testing.T) {
	const canary = "CANARY-cli-91be"
	src := `version = 1
name = "Canary"
kind = "custom"

[[steps]]
type = "apply-windows-settings"
name = "Apply Windows Settings"
registered_user = "IT"
registered_organization = "Contoso"
product_key = "plain:` + canary + `"
random_admin_password = false
admin_password = "plain:` + canary + `"
`
	f := filepath.Join(t.TempDir(), "canary.toml")
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "validate", f)
	if code != exitUsage || !strings.Contains(out, "product_key: a product key is five groups") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if strings.Contains(out+errs, canary) {
		t.Fatalf("the canary secret was printed:\n%s%s", out, errs)
	}
	if !strings.Contains(out, "admin_password: warning: the secret is stored in clear text") {
		t.Errorf("no plaintext warning:\n%s", out)
	}
}

func TestUsageAndExitCodes(t *testing.T) {
	if code, _, errs := run(t, "--help"); code != 0 || !strings.Contains(errs, "refimage validate FILE...") {
		t.Errorf("--help: %d %s", code, errs)
	}
	if code, _, errs := run(t, "frobnicate"); code != exitUsage || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %s", code, errs)
	}
	if code, _, errs := run(t, "validate"); code != exitUsage || !strings.Contains(errs, "no file given") || !strings.Contains(errs, "usage: refimage validate") {
		t.Errorf("validate without files: %d %s", code, errs)
	}
	if code, _, errs := run(t, "validate", "--bogus", "x"); code != exitUsage || !strings.Contains(errs, "flag provided but not defined: -bogus") {
		t.Errorf("bad flag: %d %s", code, errs)
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "refimage ") || !strings.Contains(out, "commit ") {
		t.Errorf("version: %d %q", code, out)
	}
	for _, name := range order {
		c, ok := commands[name]
		if !ok {
			t.Errorf("the command %s of the command-line contract is not registered", name)
			continue
		}
		code, _, errs := run(t, name, "--help")
		if code != 0 || !strings.Contains(errs, "usage: "+c.usage) {
			t.Errorf("%s --help: exit %d\n%s", name, code, errs)
		}
	}
}

func TestParseFlagsInterspersed(t *testing.T) {
	c := &command{name: "x", usage: "x"}
	fs := newFlagSet(c)
	j := fs.Bool("json", false, "")
	var vars multiFlag
	fs.Var(&vars, "var", "")
	pos, err := parseFlags(c, fs, &bytes.Buffer{}, []string{"FILE", "--json", "--var", "A=1", "MORE", "--var=B=2", "--", "--not-a-flag"})
	if err != nil {
		t.Fatal(err)
	}
	if !*j || strings.Join(vars, ",") != "A=1,B=2" || strings.Join(pos, " ") != "FILE MORE --not-a-flag" {
		t.Errorf("json=%v vars=%v pos=%v", *j, vars, pos)
	}
	vs, err := parseVars(vars)
	m := varMap(vs)
	if err != nil || m["A"] != "1" || m["B"] != "2" || len(vs) != 2 || vs[0].Name != "A" {
		t.Errorf("parseVars: %v %v", m, err)
	}
	if _, err := parseVars([]string{"novalue"}); err == nil {
		t.Error("parseVars accepted NAME without =")
	}
}
