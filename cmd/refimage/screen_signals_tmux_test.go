package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

// Every full-screen view is started by one runner (tui.runProgram) and
// meets SIGTERM and SIGHUP the same way: the view is told to stop, cleans
// up, quits without writing anything unsaved, the terminal is restored
// (cooked mode with echo, the normal screen back) and the command exits
// 128+N. Proven here on the real binary in a real terminal for the
// wizard, the editor with unsaved changes and the media wizard (the run
// view: TestRunViewSIGTERMInTmux).
func TestScreensStopOnSignalInTmux(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh, stty and tmux")
	}
	oracle.Require(t, "tmux")
	bin := refimageBinary(t)
	example, err := os.ReadFile("../../docs/examples/build-and-capture.toml")
	if err != nil {
		t.Fatal(err)
	}
	type screen struct {
		name  string
		args  string   // after the binary, run in the test's folder
		shows []string // what the screen shows once it is up
		keys  [][]string
	}
	screens := []screen{
		{name: "new", args: "new", shows: []string{"Create Task Sequence Wizard", "What to create"},
			// Build and capture, then a name typed on Sequence Information.
			keys: [][]string{{"C-n"}, {"-l", "Half typed"}}},
		{name: "edit", args: "edit ref.toml", shows: []string{"Build the Reference"},
			// Add a step: unsaved changes.
			keys: [][]string{{"a"}, {"Enter"}}},
		{name: "media", args: "media ref.toml", shows: []string{"Task Sequence Media Wizard", "Media type"},
			keys: [][]string{{"C-n"}}},
	}
	for _, sc := range screens {
		for _, sig := range []struct {
			name string
			code int
		}{{"TERM", 143}, {"HUP", 129}} {
			t.Run(sc.name+"/SIG"+sig.name, func(t *testing.T) {
				dir := t.TempDir()
				ref := filepath.Join(dir, "ref.toml")
				if err := os.WriteFile(ref, example, 0o644); err != nil {
					t.Fatal(err)
				}
				// After the command: RAW if the terminal was left in raw
				// mode or without echo.
				cmd := fmt.Sprintf("cd %s && %s %s; s=$?; stty -a | grep -qE -- '(^| )-(icanon|echo)( |;|$)' && echo RAW; (exit $s)", dir, bin, sc.args)
				see, send := tmuxScreen(t, 80, 25, cmd)
				see(sc.shows...)
				for _, k := range sc.keys {
					send(k...)
					time.Sleep(150 * time.Millisecond)
				}
				if sc.name == "edit" {
					see("modified") // the title marks unsaved changes
				}
				out, err := exec.Command("pgrep", "-f", "^"+bin+" "+sc.args).Output()
				if err != nil {
					t.Fatalf("pgrep: %v", err)
				}
				pid := strings.Fields(string(out))[0]
				if err := exec.Command("kill", "-"+sig.name, pid).Run(); err != nil {
					t.Fatal(err)
				}
				s := see(fmt.Sprintf("EXIT=%d", sig.code))
				if strings.Contains(s, "RAW") {
					t.Errorf("the terminal was left in raw mode:\n%s", s)
				}
				for _, w := range sc.shows {
					if strings.Contains(s, w) {
						t.Errorf("the screen was not left (%q still shows):\n%s", w, s)
					}
				}
				if !strings.Contains(s, "stopped by") {
					t.Errorf("no word of the signal:\n%s", s)
				}
				// Nothing written, nothing half written; the file opened is
				// as it was.
				if got := listDir(t, dir); len(got) != 1 || got[0] != "ref.toml" {
					t.Errorf("the folder holds %q, want only ref.toml", got)
				}
				if b, err := os.ReadFile(ref); err != nil || !bytes.Equal(b, example) {
					t.Errorf("ref.toml changed (%v)", err)
				}
			})
		}
	}
}
