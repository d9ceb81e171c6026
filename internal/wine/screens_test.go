//go:build !windows

package wine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// shellScript is a sh script that exports env and runs cmd, then writes
// its exit code to done and waits (so that tmux keeps the last screen).
func shellScript(t *testing.T, env []string, dir, cmd, done string) string {
	t.Helper()
	var b strings.Builder
	for _, kv := range env {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.ContainsAny(name, "()- ") && name != "" {
			fmt.Fprintf(&b, "export %s='%s'\n", name, strings.ReplaceAll(val, "'", `'\''`))
		}
	}
	fmt.Fprintf(&b, "cd '%s' || exit 1\n%s\necho $? > '%s'\nsleep 120\n", dir, cmd, done)
	script := filepath.Join(t.TempDir(), "run.sh")
	if err := os.WriteFile(script, []byte(b.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}

// screenRows is a screen's rows, trailing spaces cut.
func screenRows(screen string) []string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

// findView tells whether the rows of view (an 80x25 screen) stand, in
// order and from the first column, in 25 consecutive rows of screen, and
// where (the lowest such block). Every compared screen is a state the
// wizard was not in before, so an older frame left on the terminal cannot
// stand in for it.
func findView(screen []string, view []string) (row int, ok bool) {
	for len(view) < 25 {
		view = append(view, "")
	}
	for r := len(screen) - len(view); r >= 0; r-- {
		match := true
		for i, v := range view {
			if screen[r+i] != v {
				match = false
				break
			}
		}
		if match {
			return r, true
		}
	}
	return 0, false
}

// TestWizardScreensUnderWine compares refimage.exe's wizard screens under
// Wine with the Linux binary's, cell for cell, at 80x25: the first page,
// a page with text fields after typing (and after ctrl+u and ctrl+s in a
// text field), and the Summary.
//
// The prefix is Windows PE (the MiniNT key), where refimage caps its
// screens at 80x25 and draws with the ascii theme; the Linux binary is
// told the same (REFIMAGE_WINPE=1). Wine 8's console does not interpret
// the escape sequences a program writes with
// ENABLE_VIRTUAL_TERMINAL_PROCESSING: it passes them to the Unix terminal
// but counts their bytes as printed columns and does not follow cursor
// moves, so in a terminal of the screen's own size it wraps and scrolls
// where the program did not (docs/windows.md). Its terminal is therefore
// 400x1000: nothing refimage.exe writes reaches an edge of Wine's count,
// and the terminal shows exactly what refimage.exe drew. The rest of that
// terminal must stay blank.
func TestWizardScreensUnderWine(t *testing.T) {
	l := getLane(t)
	work := t.TempDir()
	example, err := os.ReadFile(repo("docs/examples/build-and-capture.toml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(work, "build-and-capture.toml"), example)
	const miniNT = `HKLM\SYSTEM\CurrentControlSet\Control\MiniNT`
	l.reg(t, "add", miniNT, "/f")
	t.Cleanup(func() { l.winProgram(nil, "", nil, "reg", "delete", miniNT, "/f") })

	common := []string{"TERM=xterm-256color", "REFIMAGE_PASSPHRASE=", "XDG_CONFIG_HOME=" + t.TempDir()}
	winDone := filepath.Join(t.TempDir(), "exit")
	linDone := filepath.Join(t.TempDir(), "exit")
	win := newTmuxSize(t, shellScript(t, append(append([]string{}, l.env...), common...), work,
		fmt.Sprintf("'%s' '%s' new -o wiz.toml", l.wine, l.exe), winDone), 400, 1000)
	lin := newTmux(t, shellScript(t, append(append(cleanEnv(), common...), "REFIMAGE_WINPE=1"), work,
		fmt.Sprintf("'%s' new -o wiz.toml", l.linux), linDone))

	compare := func(name string, want ...string) {
		t.Helper()
		lin.see(want...)
		linView := screenRows(lin.screen())
		deadline := time.Now().Add(60 * time.Second)
		for {
			winRows := screenRows(win.screen())
			if row, ok := findView(winRows, linView); ok {
				t.Logf("%s: equal (rows %d to %d of Wine's terminal)", name, row+1, row+25)
				return
			}
			if time.Now().After(deadline) {
				for len(winRows) > 0 && winRows[len(winRows)-1] == "" {
					winRows = winRows[:len(winRows)-1]
				}
				t.Fatalf("%s: the Linux binary drew\n%s\n--- refimage.exe under Wine drew (its terminal's rows)\n%s", name, strings.Join(linView, "\n"), strings.Join(winRows, "\n"))
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	both := func(keys ...string) {
		for _, tm := range []*tmuxTerm{win, lin} {
			tm.keys(keys...)
		}
	}
	typ := func(s string) {
		for _, tm := range []*tmuxTerm{win, lin} {
			tm.typ(s)
		}
	}

	compare("first page", "What to create", "Build and capture a reference operating", "ctrl+n next")
	both("Down", "Down")
	both("Tab")
	typ("build-and-capture.toml")
	compare("open an existing sequence", "[build-and-capture.toml")
	both("C-n")
	compare("a page with text fields", "Task sequence name", "Build and capture Windows 11")
	// ctrl+u and ctrl+s in a text field: on the Windows console the ctrl
	// key itself arrives first, as a key without a character.
	both("C-u")
	typ("Ref Build")
	compare("typed", "[Ref Build")
	both("C-s")
	compare("Summary", "Your choices", "Ref Build")
	both("Escape")
	both("y")
	for _, f := range []string{winDone, linDone} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			if b, err := os.ReadFile(f); err == nil {
				if code := strings.TrimSpace(string(b)); code != "130" {
					t.Errorf("esc, y: exit %s, want 130", code)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the wizard did not end after esc, y:\n%s", win.screen())
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "wiz.toml")); err == nil {
		t.Error("a cancelled wizard wrote its file")
	}
}
