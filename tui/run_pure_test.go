package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/refimage/refimage/engine"
)

// runSnapshot is the screen state of the run view.
func runSnapshot(m *RunModel) string {
	return fmt.Sprintf("%d %d %d %+v %v %v %q %d", m.width, m.height, m.scroll, m.dbgState, m.asking, m.stopping, m.note, len(m.lines))
}

// View changes no state: drawing the run view while it runs, asks and
// shows the summary scrolled past its end leaves the model as it was,
// and the way back up is as long as the way down.
func TestRunViewIsPure(t *testing.T) {
	for _, sz := range sizes() {
		m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: newRunClock().now})
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		check := func(state string) {
			t.Helper()
			before := runSnapshot(m)
			a := m.View()
			if after := runSnapshot(m); after != before {
				t.Errorf("%s %dx%d: View changed the model: %s -> %s", state, sz[0], sz[1], before, after)
			}
			if b := m.View(); a != b {
				t.Errorf("%s %dx%d: two Views differ", state, sz[0], sz[1])
			}
		}
		evs := realRun(t)
		m.feed(evs[:len(evs)/2]...)
		check("running")
		m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
		check("asking")
		m.Update(tea.KeyMsg{Type: tea.KeyEsc})
		m.feed(evs[len(evs)/2:]...)
		m.Update(runDoneMsg{res: evs[len(evs)-1].(engine.RunFinished).Result})
		check("summary")
		top := ansi.Strip(m.View())
		for i := 0; i < 200; i++ {
			m.Update(tea.KeyMsg{Type: tea.KeyDown})
		}
		check("summary scrolled")
		max := m.scroll
		if max == 0 && sz[1] > 25 {
			continue // it fits
		}
		if max == 0 || max != m.summaryMaxScroll() {
			t.Fatalf("%dx%d: scrolled to %d of %d", sz[0], sz[1], max, m.summaryMaxScroll())
		}
		for i := 0; i < max; i++ {
			m.Update(tea.KeyMsg{Type: tea.KeyUp})
		}
		if got := ansi.Strip(m.View()); got != top {
			t.Errorf("%dx%d: %d ups after scrolling past the end do not come back to the top:\n%s", sz[0], sz[1], max, got)
		}
		// A larger window shows more: the scroll shrinks with it.
		for i := 0; i < 200; i++ {
			m.Update(tea.KeyMsg{Type: tea.KeyDown})
		}
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1] + 20})
		if m.scroll != m.summaryMaxScroll() {
			t.Errorf("after a resize the scroll is %d of %d", m.scroll, m.summaryMaxScroll())
		}
		check("summary resized")
		if !strings.Contains(ansi.Strip(m.View()), "Capture the Reference") {
			t.Errorf("resized summary:\n%s", ansi.Strip(m.View()))
		}
	}
}

// The debugger's variables scroll within what there is: ] past the end
// and the same number of [ come back to the first.
func TestRunDebugVarsScrollBounded(t *testing.T) {
	m := NewRunModel(nil, engine.Options{}, RunViewOptions{})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	vars := []engine.DebugVar{}
	for i := 0; i < 12; i++ {
		vars = append(vars, engine.DebugVar{Name: fmt.Sprintf("V%02d", i), Value: "x"})
	}
	reply := make(chan engine.DebugAction, 1)
	m.Update(runDebugMsg{stop: engine.DebugStop{Items: []engine.DebugItem{{Name: "A"}}, Vars: vars}, reply: reply})
	_, vrows := m.debugRows()
	for i := 0; i < 50; i++ {
		keys(m, "]")
	}
	if want := len(vars) - vrows; m.dbgState.varTop != want {
		t.Fatalf("varTop %d after 50 ], want %d", m.dbgState.varTop, want)
	}
	for i := 0; i < len(vars)-vrows; i++ {
		keys(m, "[")
	}
	if m.dbgState.varTop != 0 || !strings.Contains(m.View(), "V00 = x") {
		t.Errorf("varTop %d:\n%s", m.dbgState.varTop, ansi.Strip(m.View()))
	}
}
