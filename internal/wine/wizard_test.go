//go:build !windows

package wine

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

// tmuxTerm is one tmux server with one 80x25 window running a script.
type tmuxTerm struct {
	t      *testing.T
	tmux   string
	socket string
}

func newTmux(t *testing.T, script string) *tmuxTerm {
	return newTmuxSize(t, script, 80, 25)
}

func newTmuxSize(t *testing.T, script string, width, height int) *tmuxTerm {
	t.Helper()
	tm := &tmuxTerm{t: t, tmux: oracle.Require(t, "tmux"), socket: fmt.Sprintf("refimage-wine-%d", time.Now().UnixNano())}
	if out, err := exec.Command(tm.tmux, "-L", tm.socket, "-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "sh "+script).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command(tm.tmux, "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmuxTerm) screen() string {
	out, _ := exec.Command(tm.tmux, "-L", tm.socket, "capture-pane", "-p", "-t", "w").Output()
	return string(out)
}

func (tm *tmuxTerm) see(want ...string) {
	tm.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q:\n%s", want, s)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func (tm *tmuxTerm) keys(k ...string) {
	exec.Command(tm.tmux, append([]string{"-L", tm.socket, "send-keys", "-t", "w"}, k...)...).Run()
	time.Sleep(500 * time.Millisecond)
}

func (tm *tmuxTerm) typ(s string) {
	exec.Command(tm.tmux, "-L", tm.socket, "send-keys", "-t", "w", "-l", s).Run()
	time.Sleep(500 * time.Millisecond)
}

// TestWizardUnderWine: refimage.exe new in a real 80x25 terminal under
// Wine (Wine's console on a Unix tty): the first page draws, keys reach
// the wizard (a page with text fields, typing), and esc then y cancels
// with exit code 130 and writes nothing. At the screen's own size Wine's
// console wraps and scrolls where refimage.exe did not (it counts escape
// sequences as printed columns, docs/windows.md), so the screens are
// compared with the Linux binary's in TestWizardScreensUnderWine.
func TestWizardUnderWine(t *testing.T) {
	l := getLane(t)
	cLin, cWin := l.cdrive(t, "wizard")
	done := filepath.Join(t.TempDir(), "exit")
	script := filepath.Join(t.TempDir(), "run.sh")
	var b strings.Builder
	for _, kv := range append(append([]string{}, l.env...), "TERM=xterm-256color", "REFIMAGE_PASSPHRASE=") {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.ContainsAny(name, "()- ") && name != "" {
			fmt.Fprintf(&b, "export %s='%s'\n", name, strings.ReplaceAll(val, "'", `'\''`))
		}
	}
	fmt.Fprintf(&b, "'%s' '%s' new -o '%s'\necho $? > '%s'\nsleep 60\n", l.wine, l.exe, cWin+`\wiz.toml`, done)
	if err := os.WriteFile(script, []byte(b.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	tm := newTmux(t, script)
	tm.see("What to create", "Build and capture a reference operating", "ctrl+n next")
	tm.keys("C-n")
	tm.see("Task sequence name")
	tm.typ("Ref Build")
	tm.see("[Ref Build")
	tm.keys("Escape")
	tm.keys("y")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(done); err == nil {
			if code := strings.TrimSpace(string(b)); code != "130" {
				t.Errorf("esc, y: exit %s, want 130\n%s", code, tm.screen())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the wizard did not end after esc, y:\n%s", tm.screen())
		}
		time.Sleep(300 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(cLin, "wiz.toml")); err == nil {
		t.Error("a cancelled wizard wrote its file")
	}
}
