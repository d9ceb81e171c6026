package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/sequence"
)

const runDebugSeq = `version = 1
name = "Debug me"
kind = "custom"

[[steps]]
type = "run-command-line"
name = "A"
command_line = "a"

[[steps]]
type = "group"
name = "G"
  [[steps.steps]]
  type = "run-command-line"
  name = "B"
  command_line = "b"
  [[steps.steps]]
  type = "run-command-line"
  name = "C"
  command_line = "c"
  condition = 'Go == "yes"'

[[steps]]
type = "run-command-line"
name = "D"
command_line = "d"
`

// pump feeds the model the engine's messages until it stops in the
// debugger (or the run ends) and returns the view.
func pump(t *testing.T, m *RunModel) string {
	t.Helper()
	for i := 0; i < 10000; i++ {
		msg := <-m.ch
		m.Update(msg)
		switch msg.(type) {
		case runDebugMsg, runDoneMsg:
			return m.View()
		}
	}
	t.Fatal("no stop")
	return ""
}

func keys(m *RunModel, ks ...string) {
	for _, k := range ks {
		var msg tea.KeyMsg
		switch k {
		case "up", "down", "enter", "esc":
			msg = tea.KeyMsg{Type: map[string]tea.KeyType{"up": tea.KeyUp, "down": tea.KeyDown, "enter": tea.KeyEnter, "esc": tea.KeyEsc}[k]}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		m.Update(msg)
	}
}

// The run view's debugger, driven by keys at 80x25 and 120x40 on the
// strict fake: a breakpoint, a variable that makes a later condition
// true, a step, a failure retried, the pointer moved back after a
// confirmation (a step runs again); goldens of each screen.
func TestRunViewDebugger(t *testing.T) {
	for _, size := range [][2]int{{80, 25}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			seq, probs := sequence.Parse("d.toml", []byte(runDebugSeq))
			if seq == nil || len(probs.Errors()) > 0 {
				t.Fatal(probs)
			}
			f := enginetest.New(t)
			f.MachineInfo = engine.Machine{InWinPE: true, UEFI: true, Name: "REF01", SecureBoot: "NA"}
			f.ExpectRun("a").Exit(0)
			f.ExpectRun("b").Exit(3)
			f.ExpectRun("b").Exit(0)
			f.ExpectRun("c").Exit(0)
			f.ExpectRun("c").Exit(0)
			f.ExpectRun("d").Exit(0)
			clock := newRunClock()
			m := NewRunModel(seq, engine.Options{Platform: f, NoState: true,
				Debug: &engine.Debug{Enabled: true}, Now: clock.now, Thread: 1}, RunViewOptions{Now: clock.now, Check: []engine.CheckLine{
				{Status: engine.CheckOK, What: "the machine: REF01, UEFI firmware, Windows PE, architecture x64"},
				{Status: engine.CheckWillFail, Step: "Apply Operating System", What: `the image \\srv\images\install.wim cannot be reached: The network path was not found.`},
				{Status: engine.CheckWarning, Step: "Drivers", What: "no driver in D:\\Drivers for USB hub"},
			}})
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			m.Init()
			shot := func(name, want string) {
				t.Helper()
				v := m.View()
				checkFits(t, v, size[0], size[1])
				if !strings.Contains(ansi.Strip(v), want) {
					t.Fatalf("%s: lacks %q:\n%s", name, want, ansi.Strip(v))
				}
				t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(ansi.Strip(v)+"\n")) })
			}
			pump(t, m)
			shot("check", "1 lines will fail")
			keys(m, "enter")
			shot("start", "Stopped before [0] A")
			keys(m, "down", "down", "down", "down", "b")
			pump(t, m)
			keys(m, "e", "G", "o", "=", "y", "e", "s")
			if !strings.Contains(ansi.Strip(m.View()), "Go=yes_") {
				t.Fatalf("the edit line:\n%s", ansi.Strip(m.View()))
			}
			keys(m, "enter")
			pump(t, m)
			shot("set", "Go = yes")
			keys(m, "s")
			pump(t, m)
			keys(m, "r")
			pump(t, m)
			shot("failure", "G/B failed")
			keys(m, "y")
			pump(t, m)
			shot("breakpoint", "Stopped before [4] D")
			keys(m, "up", "c")
			shot("confirm", "It repeats G/C")
			keys(m, "y")
			pump(t, m)
			keys(m, "r")
			pump(t, m) // D's breakpoint again
			keys(m, "r")
			pump(t, m)
			if m.res == nil || m.res.Status != engine.StatusSucceeded {
				t.Fatalf("result %+v %v", m.res, m.err)
			}
		})
	}
}

// F8 where the medium does not allow a command prompt says so and opens
// nothing.
func TestRunViewConsoleRefused(t *testing.T) {
	m := NewRunModel(nil, engine.Options{}, RunViewOptions{Start: func(ctx context.Context, seq *sequence.Sequence, o engine.Options) (*engine.Result, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}})
	m.Init()
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyF8})
	if cmd != nil {
		t.Error("F8 opened something")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "No command prompt here") {
		t.Errorf("view:\n%s", v)
	}
	m.cancel()
}
