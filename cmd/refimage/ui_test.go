package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/wizard"
)

func runWithInput(t *testing.T, envVars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cmdEnv{
		stdin:      strings.NewReader(stdin),
		stdout:     &out,
		stderr:     &errb,
		getenv:     func(k string) string { return envVars[k] },
		isTerminal: func() bool { return false },
	}
	code := runMain(env, args)
	return code, out.String(), errb.String()
}

// customAnswers walks the custom flow of the accessible wizard.
func customAnswers(out string) string {
	return strings.Join([]string{
		"2", "Capture the reference computer", "", "", "",
		"y", "", "", "", "", "", `\\srv\captures\ref.wim`, `CORP\svc`, "prompt",
		out, "y", "",
	}, "\n") + "\n"
}

func TestNewAccessiblePiped(t *testing.T) {
	for _, how := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", nil, []string{"--accessible"}},
		{"env", map[string]string{"REFIMAGE_ACCESSIBLE": "1"}, nil},
		{"dumb", map[string]string{"TERM": "dumb"}, nil},
	} {
		t.Run(how.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "custom.toml")
			code, stdout, stderr := runWithInput(t, how.env, customAnswers(out), append([]string{"new"}, how.args...)...)
			if code != 0 || strings.TrimSpace(stdout) != out {
				t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
			}
			if _, probs := sequence.Load(out); len(probs.Errors()) > 0 {
				t.Error(probs)
			}
		})
	}
}

func TestNewAccessibleEarlyEnd(t *testing.T) {
	code, stdout, stderr := runWithInput(t, nil, "1\nMy sequence\n", "new", "--accessible")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "info.boot_image") {
		t.Errorf("exit %d stdout %q\n%s", code, stdout, stderr)
	}
	// Korean: the message too.
	code, _, stderr = runWithInput(t, nil, "", "new", "--accessible", "--lang", "ko")
	if code != exitUsage || !strings.Contains(stderr, "start.flow") && !strings.Contains(stderr, "info.name") || !strings.Contains(stderr, "응답이 끝났습니다") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

func TestNewAccessibleKoreanNames(t *testing.T) {
	out := filepath.Join(t.TempDir(), "custom.toml")
	code, _, stderr := runWithInput(t, map[string]string{"LANG": "ko_KR.UTF-8"}, customAnswers(out), "new", "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	seq, _ := sequence.Load(out)
	if seq == nil || seq.FindStep("운영 체제 이미지 캡처") == nil || seq.FindStep("Windows 캡처 준비") == nil {
		t.Errorf("no Korean names:\n%s", stderr)
	}
	if !strings.Contains(stderr, "캡처 설정") {
		t.Error("questions not in Korean")
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestThemesCommand(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"), "APPDATA": filepath.Join(home, "cfg")}
	dir := configDir(func(k string) string { return env[k] })
	writeFile(t, filepath.Join(dir, "themes", "corp.toml"), "description = \"green\"\n[colors]\nprimary = \"#107C10\"\n")
	writeFile(t, filepath.Join(dir, "themes", "typo.toml"), "[colors]\nacent = \"#107C10\"\n")

	code, out, _ := runWithInput(t, env, "", "themes")
	for _, want := range []string{"ascii", "high-contrast", "mono", "corp           green", "typo           broken: ", ":2: colors.acent: unknown key (did you mean accent?)"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("themes list: exit %d, no %q in\n%s", code, want, out)
		}
	}

	code, out, _ = runWithInput(t, env, "", "themes", "show", "ascii")
	if code != 0 || !strings.Contains(out, "> Install Windows") || strings.ContainsRune(out, '\x1b') {
		t.Errorf("show ascii: exit %d\n%s", code, out)
	}
	for _, r := range out {
		if r > 0x7e && r != '\n' {
			t.Errorf("show ascii: non-ASCII %q", r)
			break
		}
	}
	code, out, _ = runWithInput(t, env, "", "themes", "show", "corp", "--lang", "ko")
	if code != 0 || !strings.Contains(out, "Windows 설치") {
		t.Errorf("show corp: exit %d\n%s", code, out)
	}
	// A typo'd user theme: the documented message, and the default theme.
	code, out, errs := runWithInput(t, env, "", "themes", "show", "typo")
	if code != 0 || !strings.Contains(errs, "typo.toml:2: colors.acent: unknown key (did you mean accent?)") ||
		!strings.Contains(errs, "using the default theme") || !strings.Contains(out, "Install Windows") {
		t.Errorf("show typo: exit %d\n%s\n%s", code, errs, out)
	}
	code, _, errs = runWithInput(t, env, "", "themes", "show", "neon")
	if code != exitUsage || !strings.Contains(errs, `unknown theme "neon"`) {
		t.Errorf("show neon: exit %d %s", code, errs)
	}
}

func TestResolveUI(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"XDG_CONFIG_HOME": home, "APPDATA": home, "HOME": home}
	getenv := func(k string) string { return vars[k] }
	env := &cmdEnv{getenv: getenv}
	flags := func(theme, lang string, noColor bool) *uiFlags {
		e, f := "", false
		return &uiFlags{theme: &theme, themeFile: &e, lang: &lang, noColor: &noColor, accessible: &f}
	}
	check := func(name string, f *uiFlags, theme string, lang wizard.Lang, noColor bool) {
		t.Helper()
		s, err := resolveUI(env, f)
		if err != nil || s.theme.Name != theme || s.lang != lang || s.noColor != noColor || s.theme.NoColor != (noColor || theme == "ascii" || theme == "mono") {
			t.Errorf("%s: %v %s %s %v %v", name, err, s.theme.Name, s.lang, s.noColor, s.warnings)
		}
	}
	check("defaults", flags("", "", false), "default", wizard.English, false)
	vars["LANG"] = "ko_KR.UTF-8"
	check("LANG", flags("", "", false), "default", wizard.Korean, false)
	check("--lang wins", flags("", "en", false), "default", wizard.English, false)
	vars["REFIMAGE_WINPE"] = "1"
	check("WinPE", flags("", "", false), "ascii", wizard.Korean, false)
	writeFile(t, filepath.Join(home, "refimage", "config.toml"), "theme = \"light\"\nlang = \"en\"\n")
	check("config", flags("", "", false), "light", wizard.English, false)
	vars["REFIMAGE_THEME"] = "dark"
	check("env over config", flags("", "", false), "dark", wizard.English, false)
	check("flag over env", flags("high-contrast", "", false), "high-contrast", wizard.English, false)
	vars["NO_COLOR"] = "1"
	check("NO_COLOR", flags("", "", false), "dark", wizard.English, true)
	delete(vars, "NO_COLOR")
	check("--no-color", flags("", "", true), "dark", wizard.English, true)
	writeFile(t, filepath.Join(home, "refimage", "config.toml"), "theem = \"light\"\n")
	s, _ := resolveUI(env, flags("", "", false))
	if len(s.warnings) != 1 || !strings.Contains(s.warnings[0], "unknown key theem") {
		t.Errorf("config typo: %v", s.warnings)
	}
}
