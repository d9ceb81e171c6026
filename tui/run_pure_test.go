package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/refimage/refimage/engine"
)

// runSnapshot is the screen state of the run view.
func runSnapshot(m *RunModel) string {
	return fmt.Sprintf("%d %d %+v %+v %+v %v %v %v %q %d", m.width, m.height, m.summary, m.check, m.dbgState, m.checkSeen, m.asking, m.stopping, m.note, len(m.lines))
}

// summaryEnd is the summary's last offset: its lines past the rows
// between the title and the footer.
func summaryEnd(m *RunModel) int {
	return max(0, m.summary.TotalLineCount()-max(1, m.height-2))
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
		max := m.summary.YOffset
		if max == 0 && sz[1] > 25 {
			continue // it fits
		}
		if max == 0 || max != summaryEnd(m) {
			t.Fatalf("%dx%d: scrolled to %d of %d", sz[0], sz[1], max, summaryEnd(m))
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
		if m.summary.YOffset != summaryEnd(m) {
			t.Errorf("after a resize the scroll is %d of %d", m.summary.YOffset, summaryEnd(m))
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
	if want := len(vars) - vrows; m.dbgState.vars.YOffset != want {
		t.Fatalf("variables at %d after 50 ], want %d", m.dbgState.vars.YOffset, want)
	}
	before := runSnapshot(m)
	if a, b := m.View(), m.View(); a != b || runSnapshot(m) != before {
		t.Fatal("View changed the debugger or drew it twice differently")
	}
	// A taller window shows more variables: the offset shrinks with it,
	// and comes back to where it was on the way back.
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 40})
	if _, v40 := m.debugRows(); m.dbgState.vars.YOffset != len(vars)-v40 || !strings.Contains(m.View(), "V11 = x") {
		t.Fatalf("at 80x40 the variables are at %d of %d:\n%s", m.dbgState.vars.YOffset, len(vars)-v40, ansi.Strip(m.View()))
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	for i := 0; i < len(vars); i++ {
		keys(m, "]")
	}
	for i := 0; i < len(vars)-vrows; i++ {
		keys(m, "[")
	}
	if m.dbgState.vars.YOffset != 0 || !strings.Contains(m.View(), "V00 = x") {
		t.Errorf("variables at %d:\n%s", m.dbgState.vars.YOffset, ansi.Strip(m.View()))
	}
}

// The summary of a 60-step run scrolls in its viewport: line by line to
// its end (every step shown on the way, "(more below)" until the last
// line shows, never after; "(more above)" once it has moved), back to
// the top with pgup, end and home;
// resizing while scrolled keeps the offset within the lines and the hint
// truthful; View twice is the same and changes nothing.
func TestRunSummarySixtySteps(t *testing.T) {
	res := &engine.Result{Sequence: "Sixty", Status: engine.StatusSucceeded, Elapsed: time.Minute}
	for i := 1; i <= 60; i++ {
		res.Steps = append(res.Steps, engine.StepResult{Number: i, Name: fmt.Sprintf("Step number %02d", i), Outcome: engine.Succeeded, Duration: time.Second})
	}
	m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: newRunClock().now})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	m.Update(runDoneMsg{res: res})
	footer := func() string {
		v := ansi.Strip(m.View())
		return v[strings.LastIndex(v, "\n")+1:]
	}
	// The hint says which way there is more.
	hasBelow := func() bool {
		f := footer()
		return strings.Contains(f, m.rtx("more.below")) || strings.Contains(f, m.rtx("more.both"))
	}
	hasAbove := func() bool {
		f := footer()
		return strings.Contains(f, m.rtx("more.above")) || strings.Contains(f, m.rtx("more.both"))
	}
	pure := func(what string) {
		t.Helper()
		before := runSnapshot(m)
		a, b := m.View(), m.View()
		if a != b || runSnapshot(m) != before {
			t.Fatalf("%s: View changed the model or drew twice differently", what)
		}
	}
	top := ansi.Strip(m.View())
	if !strings.Contains(top, "Step number 01") || strings.Contains(top, "Step number 60") || !hasBelow() || hasAbove() {
		t.Fatalf("the top of the summary:\n%s", top)
	}
	pure("top")
	seen := map[int]bool{}
	downs := 0
	for ; downs < 200 && hasBelow(); downs++ {
		if hasAbove() != (downs > 0) {
			t.Fatalf("after %d downs the footer says %q", downs, footer())
		}
		v := ansi.Strip(m.View())
		for i := 1; i <= 60; i++ {
			if strings.Contains(v, fmt.Sprintf("Step number %02d", i)) {
				seen[i] = true
			}
		}
		m.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	end := ansi.Strip(m.View())
	if !strings.Contains(end, "Step number 60") || len(seen) < 59 {
		t.Fatalf("after %d downs the hint went but the end does not show (%d steps seen):\n%s", downs, len(seen), end)
	}
	if !hasAbove() || !strings.Contains(footer(), m.rtx("more.above")) {
		t.Fatalf("at the end the footer says %q", footer())
	}
	if downs != summaryEnd(m) || m.summary.YOffset != downs {
		t.Fatalf("%d downs to the end, the viewport is at %d of %d", downs, m.summary.YOffset, summaryEnd(m))
	}
	pure("end")
	m.Update(tea.KeyMsg{Type: tea.KeyDown})
	if ansi.Strip(m.View()) != end {
		t.Fatal("down at the end moved")
	}
	for i := 0; i < 10 && m.summary.YOffset > 0; i++ {
		m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	}
	if got := ansi.Strip(m.View()); got != top {
		t.Fatalf("pgup back to the top:\n%s", got)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if ansi.Strip(m.View()) != end {
		t.Fatal("end does not show the end")
	}
	for _, sz := range [][2]int{{80, 12}, {120, 40}, {200, 80}, {80, 25}} {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		off, last := m.summary.YOffset, summaryEnd(m)
		if off < 0 || off > last {
			t.Fatalf("%dx%d: offset %d outside 0..%d", sz[0], sz[1], off, last)
		}
		if hasBelow() != (off < last) || hasAbove() != (off > 0) {
			t.Fatalf("%dx%d: offset %d of %d, footer %q", sz[0], sz[1], off, last, footer())
		}
		pure(fmt.Sprintf("%dx%d", sz[0], sz[1]))
	}
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	if got := ansi.Strip(m.View()); got != top {
		t.Fatalf("home:\n%s", got)
	}
}

// docs/engine.md's table of the progress view's keys is the run
// keymap: a key bound and not documented, or documented and not bound,
// fails.
func TestRunDocsKeysMatchKeymap(t *testing.T) {
	compareKeys(t, "docs/engine.md", docKeys(t, "../docs/engine.md"), boundKeys(runKeys.all()))
}

// The running footer is drawn from the keymap and names only keys that
// act: d once the run can enter debug mode, f8 when a command prompt is
// allowed; at the stop question, its answers.
func TestRunFooterFromKeymap(t *testing.T) {
	m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: newRunClock().now})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	footer := func() string {
		v := ansi.Strip(m.View())
		return v[strings.LastIndex(v, "\n")+1:]
	}
	if f := footer(); f != " ctrl+c stop" {
		t.Fatalf("footer without debugger or console: %q", f)
	}
	m.dbgHandle, m.console = &engine.Debug{}, &engine.Console{}
	if f := footer(); f != " ctrl+c stop  d debug  f8 command prompt" {
		t.Fatalf("footer with both: %q", f)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'d'}})
	if !m.dbgState.requested {
		t.Fatal("d did not ask for debug mode")
	}
	m.dbgState.requested = false
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if f := footer(); !m.asking || f != " ctrl+c/y stop  n/esc keep running" {
		t.Fatalf("asking %v, footer %q", m.asking, f)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'d'}})
	if m.dbgState.requested || !m.asking {
		t.Fatal("d at the stop question acted")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'N'}})
	if m.asking || m.stopping {
		t.Fatal("N did not keep running")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'Y'}})
	if !m.stopping {
		t.Fatal("Y did not stop")
	}
}

// docs/debugger.md's table of the debugger's keys is its keymap.
func TestDebugDocsKeysMatchKeymap(t *testing.T) {
	compareKeys(t, "docs/debugger.md", docKeys(t, "../docs/debugger.md"), boundKeys(debugKeys.all()))
}

// A pre-flight check longer than the screen scrolls (it was cut under a
// "(more below)" nothing could show): the scroll keys move it, its end
// shows the verdict with no hint left, any other key goes on to the
// debugger; View changes nothing.
func TestRunCheckScrolls(t *testing.T) {
	var check []engine.CheckLine
	for i := 0; i < 40; i++ {
		check = append(check, engine.CheckLine{Status: engine.CheckWarning, What: fmt.Sprintf("warning number %02d", i)})
	}
	m := NewRunModel(nil, engine.Options{}, RunViewOptions{Check: check})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	reply := make(chan engine.DebugAction, 1)
	m.Update(runDebugMsg{stop: engine.DebugStop{Items: []engine.DebugItem{{Name: "A"}}}, reply: reply})
	more := m.rtx("more.below")
	view := func() string {
		before := runSnapshot(m)
		a, b := m.View(), m.View()
		if a != b || runSnapshot(m) != before {
			t.Fatal("View changed the model or drew twice differently")
		}
		return ansi.Strip(a)
	}
	if v := view(); !strings.Contains(v, "warning number 00") || !strings.Contains(v, more) || strings.Contains(v, "warning number 39") {
		t.Fatalf("the check's top:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyDown})
	if v := view(); strings.Contains(v, "warning number 00") || !m.checkShown() {
		t.Fatalf("down did not scroll the check:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if v := view(); !strings.Contains(v, "warning number 39") || !strings.Contains(v, m.rtx("check.allok")) || strings.Contains(v, more) {
		t.Fatalf("the check's end:\n%s", v)
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 60})
	if v := view(); !strings.Contains(v, "warning number 00") || strings.Contains(v, more) || !strings.Contains(v, m.rtx("check.key")) {
		t.Fatalf("at 80x60 the whole check fits:\n%s", v)
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'x'}})
	if m.checkShown() || !strings.Contains(view(), m.rtx("dbg.key.step")) {
		t.Fatalf("x did not go on to the debugger:\n%s", view())
	}
}

// Every scroll key of the summary's keymap moves it the way the docs say
// (from the middle: up keys up, down keys down; home to the top, end to
// the end), and every close key closes.
func TestRunSummaryKeysAct(t *testing.T) {
	res := &engine.Result{Sequence: "Sixty", Status: engine.StatusSucceeded}
	for i := 1; i <= 60; i++ {
		res.Steps = append(res.Steps, engine.StepResult{Number: i, Name: fmt.Sprintf("S%02d", i), Outcome: engine.Succeeded})
	}
	rk := runKeys
	for _, c := range []struct {
		b    key.Binding
		want func(before, after, end int) bool
	}{
		{rk.Up, func(b, a, _ int) bool { return a == b-1 }},
		{rk.Down, func(b, a, _ int) bool { return a == b+1 }},
		{rk.PageUp, func(b, a, _ int) bool { return a < b-1 }},
		{rk.PageDown, func(b, a, _ int) bool { return a > b+1 }},
		{rk.Home, func(_, a, _ int) bool { return a == 0 }},
		{rk.End, func(_, a, end int) bool { return a == end }},
	} {
		for _, k := range c.b.Keys() {
			m := NewRunModel(nil, engine.Options{}, RunViewOptions{})
			m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
			m.Update(runDoneMsg{res: res})
			m.summary.SetYOffset(summaryEnd(m) / 2)
			before := m.summary.YOffset
			msg := keyMsgOf(k)
			if msg.String() != k {
				t.Fatalf("key %q is sent as %q", k, msg.String())
			}
			if _, cmd := m.Update(msg); cmd != nil || !c.want(before, m.summary.YOffset, summaryEnd(m)) {
				t.Errorf("%q: offset %d -> %d (end %d)", k, before, m.summary.YOffset, summaryEnd(m))
			}
		}
	}
	for _, k := range rk.Close.Keys() {
		m := NewRunModel(nil, engine.Options{}, RunViewOptions{})
		m.Update(runDoneMsg{res: res})
		if _, cmd := m.Update(keyMsgOf(k)); cmd == nil {
			t.Errorf("%q does not close the summary", k)
		}
	}
}
