package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/tui"
)

// runNewEnv runs the command line with an environment.
func runNewEnv(t *testing.T, envVars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cmdEnv{
		stdin:      strings.NewReader(""),
		stdout:     &out,
		stderr:     &errb,
		getenv:     func(k string) string { return envVars[k] },
		isTerminal: func() bool { return false },
	}
	code := runMain(env, args)
	return code, out.String(), errb.String()
}

// goldenFile compares got with testdata/new/name; REFIMAGE_UPDATE_GOLDEN=1
// rewrites it.
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "new", name)
	if os.Getenv("REFIMAGE_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (REFIMAGE_UPDATE_GOLDEN=1 writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func writeAnswers(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "answers.toml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNewAnswersBothFlows(t *testing.T) {
	for _, flow := range []string{"build", "custom"} {
		t.Run(flow, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "seq.toml")
			answers := filepath.Join("..", "..", "docs", "answers", flow+".toml")
			code, stdout, stderr := runNewEnv(t, nil, "new", "--answers", answers, "-o", out)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if strings.TrimSpace(stdout) != out {
				t.Errorf("stdout %q, want the path", stdout)
			}
			if !strings.Contains(stderr, "refimage run "+out) {
				t.Errorf("no command line to repeat:\n%s", stderr)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			goldenFile(t, flow+".toml", data)
			if _, probs := sequence.Load(out); len(probs.Errors()) > 0 {
				t.Fatalf("written sequence is invalid: %v", probs)
			}
			code, vout, _ := runNewEnv(t, nil, "validate", out)
			if code != 0 {
				t.Errorf("refimage validate: exit %d\n%s", code, vout)
			}
		})
	}
}

func TestNewAnswersDefaultOutputAndOverwrite(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	answers, _ := filepath.Abs(filepath.Join("..", "..", "docs", "answers", "custom.toml"))
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	code, stdout, stderr := runNewEnv(t, nil, "new", "--answers", answers)
	if code != 0 || strings.TrimSpace(stdout) != "capture-an-existing-reference-computer.toml" {
		t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	code, _, stderr = runNewEnv(t, nil, "new", "--answers", answers)
	if code != exitUsage || !strings.Contains(stderr, "exists: give --force") {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runNewEnv(t, nil, "new", "--answers", answers, "--force")
	if code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, stderr)
	}
}

func TestNewAnswersMissingFolder(t *testing.T) {
	answers := filepath.Join("..", "..", "docs", "answers", "custom.toml")
	code, _, stderr := runNewEnv(t, nil, "new", "--answers", answers, "-o", filepath.Join(t.TempDir(), "no", "such", "x.toml"))
	if code != exitUsage || !strings.Contains(stderr, "does not exist") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

func TestNewNoTerminal(t *testing.T) {
	for _, args := range [][]string{{}, {"new"}, {"new", "-o", "x.toml"}} {
		code, _, stderr := runNewEnv(t, nil, args...)
		if code != exitUsage || !strings.Contains(stderr, "no terminal") || !strings.Contains(stderr, "--answers") {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
}

const goodBuild = `[start]
flow = "build-and-capture"
[info]
name = "Ref"
boot_image = 'D:\boot.wim'
[windows]
image = 'D:\install.wim'
[capture]
destination = 'D:\captures\ref.wim'
`

func TestNewAnswersSecrets(t *testing.T) {
	src := strings.Replace(goodBuild, "[windows]\n", "[windows]\nadmin = \"enable\"\nadmin_password = \"Typed-Secret-1\"\n", 1)
	answers := writeAnswers(t, src)
	out := filepath.Join(t.TempDir(), "seq.toml")
	// Clear text and no passphrase: refused, nothing written.
	code, _, stderr := runNewEnv(t, nil, "new", "--answers", answers, "-o", out)
	if code != exitUsage || !strings.Contains(stderr, "REFIMAGE_PASSPHRASE") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("written without a passphrase")
	}
	// With a passphrase: encrypted.
	code, _, stderr = runNewEnv(t, map[string]string{"REFIMAGE_PASSPHRASE": "correct horse"}, "new", "--answers", answers, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(out)
	if strings.Contains(string(data), "Typed-Secret-1") || !strings.Contains(string(data), `admin_password = "enc:v1:`) {
		t.Errorf("secret not encrypted:\n%s", data)
	}
	// --plaintext: clear, with a warning.
	code, _, stderr = runNewEnv(t, nil, "new", "--answers", answers, "-o", out, "--force", "--plaintext")
	data, _ = os.ReadFile(out)
	if code != 0 || !strings.Contains(stderr, "warning") || !strings.Contains(string(data), `admin_password = "plain:Typed-Secret-1"`) {
		t.Errorf("--plaintext: exit %d\n%s\n%s", code, stderr, data)
	}
}

func TestNewAnswersInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string // substrings of stderr
	}{
		{"syntax", "[info\nname = 1", []string{"answers.toml:2:6: TOML syntax: expected"}},
		{"unknown table", goodBuild + "[netwrok]\njoin = \"workgroup\"\n", []string{`netwrok: unknown table (did you mean "network"?)`}},
		{"unknown key", strings.Replace(goodBuild, "[windows]\n", "[windows]\nproduct_kye = \"x\"\n", 1), []string{`windows.product_kye: unknown key (did you mean "product_key"?)`}},
		{"wrong type", strings.Replace(goodBuild, "[windows]\n", "[windows]\nindex = \"three\"\n", 1), []string{"windows.index: is a number, not a string"}},
		{"number as a string", strings.Replace(goodBuild, "[windows]\n", "[windows]\nindex = \"3\"\n", 1), []string{"windows.index: is a number, not a string"}},
		{"wrong type bool", strings.Replace(goodBuild, "[info]\n", "[info]\n", 1) + "[sysprep]\nkeep_activation = \"yes\"\n", []string{"sysprep.keep_activation: is true or false"}},
		{"missing required", strings.Replace(goodBuild, "name = \"Ref\"\n", "", 1), []string{"info.name: task sequence name is required"}},
		{"too long", strings.Replace(goodBuild, `name = "Ref"`, `name = "`+strings.Repeat("n", 51)+`"`, 1), []string{"info.name: at most 50 characters: this has 51"}},
		{"bad choice", strings.Replace(goodBuild, "[windows]\n", "[windows]\nlicense = \"per-user\"\n", 1), []string{`windows.license: choose one of "none", "per-seat", "per-server" (not "per-user")`}},
		{"product key", strings.Replace(goodBuild, "[windows]\n", "[windows]\nproduct_key = \"ABCDE-12345\"\n", 1), []string{"windows.product_key: a product key is five groups"}},
		{"per server needs connections", strings.Replace(goodBuild, "[windows]\n", "[windows]\nlicense = \"per-server\"\nmax_connections = 3\n", 1), []string{"windows.max_connections: per-server licensing needs 5 to 9999 connections"}},
		{"connections without per server", strings.Replace(goodBuild, "[windows]\n", "[windows]\nmax_connections = 10\n", 1), []string{"windows.max_connections: is not used with the other answers"}},
		{"domain needs account and password", goodBuild + "[network]\njoin = \"domain\"\ndomain = \"corp.example.com\"\n", []string{"network.account: joining a domain needs an account", "network.password: joining a domain needs the account's password"}},
		{"bad OU", goodBuild + "[network]\njoin = \"domain\"\ndomain = \"corp.example.com\"\ndomain_ou = \"OU=Ref\"\naccount = 'CORP\\j'\npassword = \"env:P\"\n", []string{"network.domain_ou: an OU is an LDAP path"}},
		{"password confirmation", strings.Replace(goodBuild, "[windows]\n", "[windows]\nadmin = \"enable\"\nadmin_password = \"a\"\nadmin_password_confirm = \"b\"\n", 1), []string{"windows.admin_password_confirm: does not match"}},
		{"bad secret reference", strings.Replace(goodBuild, "[windows]\n", "[windows]\nadmin = \"enable\"\nadmin_password = \"env:1BAD\"\n", 1), []string{"windows.admin_password: env:1BAD"}},
		{"capture path", strings.Replace(goodBuild, `destination = 'D:\captures\ref.wim'`, `destination = 'D:\captures\ref.iso'`, 1), []string{"capture.destination: a capture destination is a .wim file"}},
		{"network capture needs account", strings.Replace(goodBuild, `destination = 'D:\captures\ref.wim'`, `destination = '\\srv\c\ref.wim'`, 1), []string{"capture.account: a network destination needs an account"}},
		{"application", goodBuild + "[[applications.app]]\nname = \"A\"\nsuccess_codes = [0, \"x\"]\n", []string{"applications.app[0].command_line: an application needs the command line", "applications.app[0].success_codes: is a list of numbers"}},
		{"application key", goodBuild + "[[applications.app]]\nname = \"A\"\ncommand = \"a.exe\"\n", []string{`applications.app[0].command: unknown key (did you mean "command_line"?)`}},
		{"page of the other flow", strings.Replace(goodBuild, `flow = "build-and-capture"`, `flow = "custom"`, 1), []string{`windows: the page "Install Windows" is not part of the custom flow`}},
		{"bad flow", strings.Replace(goodBuild, `flow = "build-and-capture"`, `flow = "upgrade"`, 1), []string{`start.flow: choose one of`}},
		{"open missing file", "[start]\nflow = \"open\"\nopen = \"nope.toml\"\n", []string{"start.open: nope.toml"}},
		{"SMSSITECODE", goodBuild + "[client]\nproperties = \"SMSSITECODE=ABC\"\n", []string{"client.properties: leave SMSSITECODE out"}},
		{"summary is not an answer", goodBuild + "[summary]\noutput = \"x.toml\"\n", []string{"summary: unknown table"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answers := writeAnswers(t, tc.src)
			out := filepath.Join(t.TempDir(), "seq.toml")
			code, stdout, stderr := runNewEnv(t, nil, "new", "--answers", answers, "-o", out)
			if code != exitUsage {
				t.Fatalf("exit %d, want 2\n%s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a file was written")
			}
		})
	}
}

func TestNewAnswersOpen(t *testing.T) {
	src := "[start]\nflow = \"open\"\nopen = '" + filepath.Join("..", "..", "docs", "examples", "build-and-capture.toml") + "'\n[info]\nname = \"Renamed\"\n[updates]\ninstall = \"none\"\n"
	answers := writeAnswers(t, src)
	out := filepath.Join(t.TempDir(), "seq.toml")
	code, _, stderr := runNewEnv(t, nil, "new", "--answers", answers, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(out)
	s := string(data)
	if !strings.Contains(s, `name = "Renamed"`) || !strings.Contains(s, `source = '\\deploy01\drivers$'`) || strings.Contains(s, "Install Updates") {
		t.Errorf("open and change:\n%s", s)
	}
}

func TestNewFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"new", "--lang", "fr"}, "--lang is en or ko"},
		{[]string{"new", "--theme", "neon"}, `unknown theme "neon"`},
		{[]string{"new", "extra"}, "unexpected argument"},
	} {
		code, _, stderr := runNewEnv(t, nil, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d\n%s", tc.args, code, stderr)
		}
	}
	code, _, stderr := runNewEnv(t, nil, "new", "--help")
	if code != 0 || !strings.Contains(stderr, "--answers") {
		t.Errorf("--help: exit %d\n%s", code, stderr)
	}
}

func TestNewCompletionActions(t *testing.T) {
	avail, notes := completionActions()
	if !avail[tui.ActionRun] || !avail[tui.ActionEdit] {
		t.Error("run and edit are built but Run now or Open in editor is not offered")
	}
	if !avail[tui.ActionMedia] {
		t.Errorf("media is built but Write bootable media is not offered (note %q)", notes[tui.ActionMedia])
	}
}

// TestNewSaveAnswers: the saved answers repeat the same sequence.
func TestNewSaveAnswers(t *testing.T) {
	dir := t.TempDir()
	first, second, saved := filepath.Join(dir, "a.toml"), filepath.Join(dir, "b.toml"), filepath.Join(dir, "saved.answers.toml")
	answers := filepath.Join("..", "..", "docs", "answers", "build.toml")
	code, _, stderr := runNewEnv(t, nil, "new", "--answers", answers, "-o", first, "--save-answers", saved)
	if code != 0 || !strings.Contains(stderr, "refimage new --answers "+saved+" -o "+first) {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	code, _, stderr = runNewEnv(t, nil, "new", "--answers", saved, "-o", second)
	if code != 0 {
		t.Fatalf("the saved answers: exit %d\n%s", code, stderr)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if !bytes.Equal(a, b) {
		t.Errorf("the saved answers give another sequence:\n%s\n---\n%s", a, b)
	}
	code, _, stderr = runNewEnv(t, nil, "new", "--answers", answers, "-o", filepath.Join(dir, "c.toml"), "--save-answers", saved)
	if code != exitUsage || !strings.Contains(stderr, "exists") {
		t.Errorf("overwrote the saved answers: exit %d\n%s", code, stderr)
	}
}

func TestNewRunNowGetsThePassphrase(t *testing.T) {
	env := &cmdEnv{getenv: func(k string) string { return "other-" + k }}
	e := withPassphrase(env, "typed pass")
	if e.getenv("REFIMAGE_PASSPHRASE") != "typed pass" || e.getenv("X") != "other-X" {
		t.Error("passphrase not handed on")
	}
	if withPassphrase(env, "") != env {
		t.Error("an empty passphrase replaced the environment")
	}
}
