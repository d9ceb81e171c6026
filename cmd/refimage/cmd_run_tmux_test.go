package main

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

// TestRunProgressViewInTmux builds refimage and runs a sequence in a real
// 80x25 terminal: the progress view shows, the first ctrl+c asks, the
// second stops the running step (exit 130), and --resume goes on.
func TestRunProgressViewInTmux(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh and tmux")
	}
	tmux := oracle.Require(t, "tmux")
	dir := t.TempDir()
	bin := filepath.Join(dir, "refimage")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	marker, after := filepath.Join(dir, "resume"), filepath.Join(dir, "after")
	f := writeSeq(t, dir, step("Long step", "echo started; if [ -f "+marker+" ]; then echo resumed; else sleep 30 & wait; fi")+
		step("After", "touch "+after))
	state := filepath.Join(dir, "state")
	socket := fmt.Sprintf("refimage-run-%d-%d", os.Getpid(), time.Now().UnixNano())
	tm := func(args ...string) string {
		out, err := exec.Command(tmux, append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	t.Cleanup(func() { exec.Command(tmux, "-L", socket, "kill-server").Run() })
	tm("new-session", "-d", "-s", "run", "-x", "80", "-y", "25", "-e", "TERM=xterm-256color",
		fmt.Sprintf("%s run %s --state %s; echo EXIT=$?; sleep 60", bin, f, state))
	see := func(want ...string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := tm("capture-pane", "-p", "-t", "run")
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(s, w)
			}
			if ok {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("never saw %q on:\n%s", want, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	s := see("Running: CLI run", "Step 1 of 2: Long step", "started", "ctrl+c stop")
	for _, l := range strings.Split(s, "\n") {
		if len([]rune(l)) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
	tm("send-keys", "-t", "run", "C-c")
	see("Stop the task sequence?")
	tm("send-keys", "-t", "run", "C-c")
	see("CLI run: stopped", "cancelled", "q close")
	tm("send-keys", "-t", "run", "q")
	see("EXIT=130")

	os.WriteFile(marker, nil, 0o644)
	code, _, errs := run(t, "run", "--resume", "--state", state)
	if code != 0 || !strings.Contains(errs, "| resumed") {
		t.Fatalf("resume: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(after); err != nil {
		t.Error("the step after the stopped one did not run")
	}
}
