package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/sequence"
)

type runClockT struct{ t time.Time }

func (c *runClockT) now() time.Time      { return c.t }
func (c *runClockT) add(d time.Duration) { c.t = c.t.Add(d) }
func newRunClock() *runClockT            { return &runClockT{time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} }
func (m *RunModel) feed(evs ...engine.Event) {
	for _, e := range evs {
		m.Update(runEventMsg{e})
	}
}

type runResolver map[string]string

func (r runResolver) Getenv(n string) (string, bool) { v, ok := r[n]; return v, ok }
func (r runResolver) Prompt(string) (string, error)  { return "", fmt.Errorf("no prompt") }
func (r runResolver) Passphrase() (string, error)    { return "", fmt.Errorf("no passphrase") }

func loadExample(t *testing.T) *sequence.Sequence {
	seq, probs := sequence.Load("../docs/examples/build-and-capture.toml")
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	return seq
}

// realRun runs the example through the engine on the strict fake and
// returns its events: the partition step cannot list the disks (as on a
// machine that is not Windows), so the run fails there.
func realRun(t *testing.T) []engine.Event {
	seq := loadExample(t)
	f := enginetest.New(t)
	f.ExpectDisks().Err(&engine.Error{Code: engine.CodeNotSupported, Msg: "listing disks needs Windows"})
	var evs []engine.Event
	dir := t.TempDir()
	_, err := engine.Run(context.Background(), seq, engine.Options{
		Platform: f, NoState: true, LogDir: filepath.Join(dir, "log"),
		Resolver: runResolver{"REFIMAGE_PRODUCT_KEY": "NPPR9-FWDCX-D2C8J-H872K-2YT43", "REFIMAGE_CAPTURE_PASSWORD": "pw-secret"},
		Events: func(e engine.Event) {
			switch x := e.(type) {
			case engine.RunFinished:
				r := *x.Result
				r.LogPath = `X:\Windows\Temp\SMSTSLog\smsts.log`
				r.Elapsed = 83 * time.Second
				e = engine.RunFinished{Result: &r}
			case engine.Log:
				x.Entry.Message = strings.ReplaceAll(x.Entry.Message, dir, `X:\Windows\Temp`)
				e = x
			}
			evs = append(evs, e)
		},
		Now: newRunClock().now, Thread: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func checkFits(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%d lines for a height of %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d wide (max %d): %q", i, n, w, ansi.Strip(l))
		}
	}
}

func sizes() [][2]int { return [][2]int{{80, 25}, {120, 40}} }

func TestRunView(t *testing.T) {
	for _, sz := range sizes() {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("running_%dx%d", w, h), func(t *testing.T) {
			c := newRunClock()
			m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: c.now})
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			m.feed(engine.RunStarted{Sequence: "Build and capture Windows 11 Enterprise", Total: 14, LogPath: `X:\Windows\Temp\SMSTSLog\smsts.log`})
			for _, l := range []string{
				"Start executing an instruction. Instruction name: 'Build the Reference Computer'.  Pointer: 0. Type: ''. Disabled: 0",
				"The group (Build the Reference Computer) has been successfully started",
				"The task sequence execution engine skipped the action (Restart in Windows PE) in the group (Build the Reference Computer) because the condition was evaluated to be false",
			} {
				m.feed(engine.Log{Entry: engine.LogEntry{Type: engine.LogInfo, Message: l}})
			}
			m.feed(engine.StepFinished{Result: engine.StepResult{Number: 1, Name: "Restart in Windows PE", Outcome: engine.Skipped}},
				engine.StepFinished{Result: engine.StepResult{Number: 2, Name: "Partition Disk 0 - BIOS", Outcome: engine.Skipped}},
				engine.StepStarted{Number: 3, Total: 14, Name: "Partition Disk 0 - UEFI"},
				engine.StepFinished{Result: engine.StepResult{Number: 3, Name: "Partition Disk 0 - UEFI", Outcome: engine.Succeeded}},
				engine.StepStarted{Number: 4, Total: 14, Name: "Apply Operating System"},
				engine.Log{Entry: engine.LogEntry{Type: engine.LogWarning, Message: "The image has no description."}},
				engine.StepProgress{Done: 0, Total: 4831838208, Unit: "bytes"})
			c.add(20 * time.Second)
			m.feed(engine.StepProgress{Done: 1288490188, Total: 4831838208, Unit: "bytes"})
			c.add(5 * time.Second)
			v := m.View()
			checkFits(t, v, w, h)
			golden.RequireEqual(t, []byte(ansi.Strip(v)+"\n"))
			if !strings.Contains(v, "Running: Build and capture") || !strings.Contains(v, "Step 4 of 14: Apply Operating System") || !strings.Contains(v, "3 of 14") {
				t.Error(ansi.Strip(v))
			}
		})
		t.Run(fmt.Sprintf("asking_%dx%d", w, h), func(t *testing.T) {
			c := newRunClock()
			m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: c.now})
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			m.feed(engine.RunStarted{Sequence: "Build and capture Windows 11 Enterprise", Total: 14},
				engine.StepStarted{Number: 10, Total: 14, Name: "Install Applications"})
			c.add(75 * time.Second)
			m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
			v := m.View()
			checkFits(t, v, w, h)
			golden.RequireEqual(t, []byte(ansi.Strip(v)+"\n"))
		})
		t.Run(fmt.Sprintf("failed_%dx%d", w, h), func(t *testing.T) {
			m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: newRunClock().now})
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			evs := realRun(t)
			m.feed(evs...)
			m.Update(runDoneMsg{res: evs[len(evs)-1].(engine.RunFinished).Result})
			v := m.View()
			checkFits(t, v, w, h)
			golden.RequireEqual(t, []byte(ansi.Strip(v)+"\n"))
			if !strings.Contains(v, "Failed step: Build the Reference Computer/Partition Disk 0 - UEFI") {
				t.Error(ansi.Strip(v))
			}
			// Scrolling shows the table.
			for i := 0; i < 30; i++ {
				m.Update(tea.KeyMsg{Type: tea.KeyDown})
			}
			v = m.View()
			checkFits(t, v, w, h)
			if !strings.Contains(v, "14  Capture the Reference") {
				t.Errorf("scrolled:\n%s", ansi.Strip(v))
			}
		})
	}
}

func TestRunViewEnd(t *testing.T) {
	steps := []engine.StepResult{
		{Number: 1, Name: "Restart in Windows PE", Outcome: engine.Skipped},
		{Number: 2, Name: "Install Applications", Outcome: engine.Succeeded, ExitCode: 3010, Duration: 95 * time.Second},
		{Number: 3, Name: "Capture the Reference Computer", Outcome: engine.NotRun},
	}
	for _, sz := range sizes() {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("restarting_%dx%d", w, h), func(t *testing.T) {
			c := newRunClock()
			m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: c.now})
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			m.feed(engine.RunStarted{Sequence: "Build and capture", Total: 3},
				engine.StepStarted{Number: 2, Total: 3, Name: "Install Applications"},
				engine.Restarting{Target: "", Message: "A new Microsoft Windows operating system is being installed. The computer must restart to continue.", Step: "Install Applications"})
			v := m.View()
			checkFits(t, v, w, h)
			golden.RequireEqual(t, []byte(ansi.Strip(v)+"\n"))
		})
		t.Run(fmt.Sprintf("succeeded_%dx%d", w, h), func(t *testing.T) {
			m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: newRunClock().now})
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			res := &engine.Result{Sequence: "Build and capture", Status: engine.StatusRestarting, Steps: steps, Elapsed: 100 * time.Second,
				Message: "restarting; the run continues after the restart", LogPath: `C:\_SMSTaskSequence\Logs\Smstslog\smsts.log`}
			m.Update(runDoneMsg{res: res})
			v := m.View()
			checkFits(t, v, w, h)
			golden.RequireEqual(t, []byte(ansi.Strip(v)+"\n"))
			if !strings.Contains(v, "3010 (0x00000BC2) ERROR_SUCCESS_REBOOT_REQUIRED") {
				t.Error(ansi.Strip(v))
			}
		})
	}
}

// Two ctrl+c stop the run; the first only asks.
func TestRunModelCtrlCAsksThenStops(t *testing.T) {
	stopped := make(chan struct{})
	m := NewRunModel(&sequence.Sequence{Name: "S"}, engine.Options{}, RunViewOptions{Start: func(ctx context.Context, seq *sequence.Sequence, o engine.Options) (*engine.Result, error) {
		o.Events(engine.RunStarted{Sequence: "S", Total: 1})
		<-ctx.Done()
		close(stopped)
		return &engine.Result{Sequence: "S", Status: engine.StatusCancelled}, nil
	}})
	m.Init()
	msg := m.wait()()
	m.Update(msg)
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	select {
	case <-stopped:
		t.Fatal("the first ctrl+c stopped the run")
	case <-time.After(50 * time.Millisecond):
	}
	if !m.asking {
		t.Fatal("not asking")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	<-stopped
	m.Update(m.wait()())
	if m.Result() == nil || m.Result().Status != engine.StatusCancelled {
		t.Fatalf("result %+v", m.Result())
	}
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	if cmd == nil {
		t.Fatal("q does not quit")
	}
}
