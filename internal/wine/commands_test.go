//go:build !windows

package wine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/themes"
)

// same fails unless the Windows and the Linux run agree: the same exit
// code, and the same output once each side's paths are written the same.
// paths are pairs: a Windows spelling, then the Linux one, replaced in
// that order (put quoted forms first).
func same(t *testing.T, what string, win, lin result, paths ...string) {
	t.Helper()
	norm := func(s string, windows bool) string {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		for i := 0; i+1 < len(paths); i += 2 {
			p := paths[i+1]
			if windows {
				p = paths[i]
			}
			s = strings.ReplaceAll(s, p, fmt.Sprintf("<path %d>", i/2))
		}
		return s
	}
	if win.code != lin.code {
		t.Errorf("%s: exit %d under Wine, %d on Linux\nWine: %s\nLinux: %s", what, win.code, lin.code, win, lin)
		return
	}
	if w, l := norm(win.stdout, true), norm(lin.stdout, false); w != l {
		t.Errorf("%s: stdout differs\n--- Wine\n%s\n--- Linux\n%s", what, w, l)
	}
	if w, l := norm(win.stderr, true), norm(lin.stderr, false); w != l {
		t.Errorf("%s: stderr differs\n--- Wine\n%s\n--- Linux\n%s", what, w, l)
	}
}

// TestValidateUnderWine: validate accepts the examples and reports a bad
// file at FILE:LINE:COL with exit 2, with Z:\ and C:\ paths, as on Linux.
func TestValidateUnderWine(t *testing.T) {
	l := getLane(t)
	for _, ex := range []string{"build-and-capture", "custom-capture", "offline-build"} {
		p := repo("docs/examples/" + ex + ".toml")
		same(t, "validate "+ex, l.win(t, "", nil, "validate", zpath(p)), l.lin(t, "", nil, "validate", p), zpath(p), p)
	}
	bad := []byte("version = 1\nname = \"x\"\n\n[[steps]]\ntype = \"bogus\"\nname = \"A step\"\n")
	linDir := t.TempDir()
	writeFile(t, filepath.Join(linDir, "bad.toml"), bad)
	cLin, cWin := l.cdrive(t, "validate dir")
	writeFile(t, filepath.Join(cLin, "bad.toml"), bad)
	w := l.win(t, "", nil, "validate", cWin+`\bad.toml`)
	same(t, "validate bad.toml", w, l.lin(t, "", nil, "validate", filepath.Join(linDir, "bad.toml")),
		cWin+`\bad.toml`, filepath.Join(linDir, "bad.toml"))
	if w.code != 2 || !strings.Contains(w.stdout, cWin+`\bad.toml:5:8: steps[0].type`) {
		t.Errorf("the Windows error does not name C:\\…\\bad.toml:5:8:\n%s", w)
	}
}

// TestPlanUnderWine: plan prints the same plan (text and JSON) for the
// examples, in both environments.
func TestPlanUnderWine(t *testing.T) {
	l := getLane(t)
	for _, ex := range []string{"build-and-capture", "custom-capture"} {
		p := repo("docs/examples/" + ex + ".toml")
		for _, extra := range [][]string{nil, {"--json"}, {"--env", "full-os", "--bios"}, {"--media", "full", "--var", `OSDComputerName=REF 01`}} {
			args := append([]string{"plan", p}, extra...)
			wargs := append([]string{"plan", zpath(p)}, extra...)
			same(t, strings.Join(append([]string{ex}, extra...), " "), l.win(t, "", nil, wargs...), l.lin(t, "", nil, args...), zpath(p), p)
		}
	}
}

// TestThemesUnderWine: themes list and show print the same, built-in
// themes and a user theme from the user's config folder (%APPDATA% on
// Windows, $XDG_CONFIG_HOME on Linux), and --theme-file with a C:\ path.
func TestThemesUnderWine(t *testing.T) {
	l := getLane(t)
	// Wine sets %APPDATA% from the prefix's profile whatever the Unix
	// environment says: the user theme goes there.
	appdata := filepath.Join(l.prefix, "drive_c", "users", os.Getenv("USER"), "AppData", "Roaming")
	if fi, err := os.Stat(appdata); err != nil || !fi.IsDir() {
		m, _ := filepath.Glob(filepath.Join(l.prefix, "drive_c", "users", "*", "AppData", "Roaming"))
		if len(m) != 1 {
			t.Fatalf("no single AppData\\Roaming in the prefix: %v", m)
		}
		appdata = m[0]
	}
	user := filepath.Base(filepath.Dir(filepath.Dir(appdata)))
	winUserDir := `C:\users\` + user + `\AppData\Roaming\refimage\themes`
	userDir := filepath.Join(appdata, "refimage", "themes")
	corp := []byte("name = \"corp\"\ndescription = \"green, for the lab\"\nbase = \"default\"\n\n[colors]\nprimary = \"#107C10\"\n\n[symbols]\ntick = \"v\"\n")
	writeFile(t, filepath.Join(userDir, "corp.toml"), corp)
	t.Cleanup(func() { os.RemoveAll(filepath.Join(appdata, "refimage")) })
	cLin, cWin := l.cdrive(t, "themes dir")
	writeFile(t, filepath.Join(cLin, "mine.toml"), corp)
	winEnv := []string{"NO_COLOR=1"}
	linEnv := []string{"XDG_CONFIG_HOME=" + appdata, "NO_COLOR=1"}
	list := l.win(t, "", winEnv, "themes", "list")
	same(t, "themes list", list, l.lin(t, "", linEnv, "themes", "list"), winUserDir, userDir)
	if !strings.Contains(list.stdout, "corp") || !strings.Contains(list.stdout, winUserDir) {
		t.Errorf("the user theme in %%APPDATA%% is not listed:\n%s", list)
	}
	for _, name := range append(themes.Names(), "corp") {
		same(t, "themes show "+name, l.win(t, "", winEnv, "themes", "show", name), l.lin(t, "", linEnv, "themes", "show", name))
	}
	same(t, "themes show --theme-file", l.win(t, "", winEnv, "themes", "show", "--theme-file", cWin+`\mine.toml`),
		l.lin(t, "", linEnv, "themes", "show", "--theme-file", filepath.Join(cLin, "mine.toml")), cWin+`\mine.toml`, filepath.Join(cLin, "mine.toml"))
	same(t, "themes show unknown", l.win(t, "", winEnv, "themes", "show", "nosuch"), l.lin(t, "", linEnv, "themes", "show", "nosuch"), winUserDir, userDir)
}

// TestNewAnswersUnderWine: new --answers writes the same TOML from the
// same answers, to a C:\ path with a space; the command lines printed
// after it quote that path for cmd.exe (double quotes) on Windows.
func TestNewAnswersUnderWine(t *testing.T) {
	l := getLane(t)
	for _, name := range []string{"build", "custom"} {
		ans := repo("docs/answers/" + name + ".toml")
		cLin, cWin := l.cdrive(t, "new answers "+name)
		linOut := filepath.Join(t.TempDir(), "new answers", "seq.toml")
		os.MkdirAll(filepath.Dir(linOut), 0o755)
		w := l.win(t, "", nil, "new", "--answers", zpath(ans), "-o", cWin+`\seq.toml`)
		li := l.lin(t, "", nil, "new", "--answers", ans, "-o", linOut)
		same(t, "new --answers "+name, w, li, `"`+cWin+`\seq.toml"`, `'`+linOut+`'`, cWin+`\seq.toml`, linOut, zpath(ans), ans)
		if w.code != 0 {
			continue
		}
		if want := `refimage run "` + cWin + `\seq.toml"`; !strings.Contains(w.stderr, want) {
			t.Errorf("the Windows command line is not quoted for cmd.exe: want %s in\n%s", want, w)
		}
		wb, err := os.ReadFile(filepath.Join(cLin, "seq.toml"))
		if err != nil {
			t.Fatal(err)
		}
		lb, err := os.ReadFile(linOut)
		if err != nil {
			t.Fatal(err)
		}
		if string(wb) != string(lb) {
			t.Errorf("new --answers %s: the TOML differs\n--- Wine\n%s\n--- Linux\n%s", name, wb, lb)
		}
	}
}
