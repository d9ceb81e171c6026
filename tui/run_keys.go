package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	"github.com/charmbracelet/lipgloss"
)

// runKeyMap is the keymap of the run screen (the progress view and its
// summary), the one source of its keys: key dispatches on it, the footers
// are drawn from it, and a test checks docs/engine.md's table against it
// (TestRunDocsKeysMatchKeymap). The debugger's keys are run_debug.go's.
type runKeyMap struct {
	// While the run goes on: ctrl+c asks, d enters debug mode at the next
	// step, f8 opens a command prompt (when allowed).
	Stop, Debug, Console key.Binding
	// The stop question: yes stops, no keeps running.
	Yes, No key.Binding
	// The summary: it scrolls; Close closes the view.
	Up, Down, PageUp, PageDown, Home, End, Close key.Binding
}

var runKeys = runKeyMap{
	Stop: bind("ctrl+c"), Debug: bind("d"), Console: bind("f8"),
	Yes: bind("y", "Y", "ctrl+c"), No: bind("n", "N", "esc"),
	Up: bind("up", "k"), Down: bind("down", "j"), PageUp: bind("pgup"), PageDown: bind("pgdown", " "),
	Home: bind("home"), End: bind("end"), Close: bind("q", "enter", "esc", "ctrl+c"),
}

// all is every binding of the keymap, for the docs check.
func (k runKeyMap) all() []key.Binding {
	return []key.Binding{k.Stop, k.Debug, k.Console, k.Yes, k.No, k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Close}
}

// summaryKeyMap is the viewport's keys for the summary: the run keymap's
// (its half pages and sideways moves are not bound).
func (k runKeyMap) summaryKeyMap() viewport.KeyMap {
	return viewport.KeyMap{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown}
}

// runHelp draws key hints with bubbles' help in the theme's footer
// styles, from the left margin, cut to width cells.
func (m *RunModel) runHelp(width int, bindings ...key.Binding) string {
	hm := help.New()
	hm.ShortSeparator = "  "
	hm.Ellipsis = ""
	hm.Styles.ShortKey, hm.Styles.ShortDesc = m.st.key, m.st.footer
	hm.Styles.ShortSeparator, hm.Styles.Ellipsis = lipgloss.NewStyle(), lipgloss.NewStyle()
	hm.Width = width - 1
	return " " + strings.TrimRight(hm.ShortHelpView(bindings), " ")
}

// runningKeys are the footer's keys while the run goes on: d and f8 only
// where they act.
func (m *RunModel) runningKeys() []key.Binding {
	k := runKeys
	keys := []key.Binding{hk(k.Stop, "ctrl+c", m.rtx("key.stop"))}
	if m.dbgHandle != nil {
		keys = append(keys, hk(k.Debug, "d", m.rtx("key.debug")))
	}
	if m.console != nil {
		keys = append(keys, hk(k.Console, "f8", m.rtx("key.console")))
	}
	return keys
}

// debugKeyMap is the keymap of the debugger (debug mode of the run
// screen): debugKey dispatches on it, its footer is drawn from it, and a
// test checks docs/debugger.md's table against it
// (TestDebugDocsKeysMatchKeymap).
type debugKeyMap struct {
	// The selection in the instruction list.
	Up, Down, PageUp, PageDown, Home, End key.Binding
	// The variables scroll.
	VarsUp, VarsDown                                        key.Binding
	Step, Run, RunTo, Break, Move, Skip, Edit, Filter, Quit key.Binding
	// After a failure.
	Retry, Ignore, Fail key.Binding
	// The move question: Yes moves, any other key keeps the place.
	Yes key.Binding
	// Typing a variable or a filter: Done sets it (ends the filter),
	// Cancel drops it (ends the filter), Erase deletes a character.
	Done, Cancel, Erase key.Binding
}

var debugKeys = debugKeyMap{
	Up: bind("up", "k"), Down: bind("down", "j"), PageUp: bind("pgup"), PageDown: bind("pgdown"), Home: bind("home"), End: bind("end"),
	VarsUp: bind("["), VarsDown: bind("]"),
	Step: bind("s", "enter"), Run: bind("r"), RunTo: bind("t"), Break: bind("b"), Move: bind("c"), Skip: bind("x"),
	Edit: bind("e"), Filter: bind("/"), Quit: bind("q", "ctrl+c"),
	Retry: bind("y"), Ignore: bind("i"), Fail: bind("f"),
	Yes:  bind("y", "Y", "enter"),
	Done: bind("enter"), Cancel: bind("esc"), Erase: bind("backspace"),
}

// all is every binding of the keymap, for the docs check.
func (k debugKeyMap) all() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.VarsUp, k.VarsDown,
		k.Step, k.Run, k.RunTo, k.Break, k.Move, k.Skip, k.Edit, k.Filter, k.Quit, k.Retry, k.Ignore, k.Fail,
		k.Yes, k.Done, k.Cancel, k.Erase}
}

// debugFooter is the debugger's keys as its footer says them, after a
// failure its answers first.
func (m *RunModel) debugFooter(failure bool) []key.Binding {
	k := debugKeys
	tail := []key.Binding{hk(k.Break, "b", m.rtx("dbg.key.break")), hk(k.Edit, "e", m.rtx("dbg.key.set")),
		hk(k.Filter, "/", m.rtx("dbg.key.filter")), hk(k.Quit, "q", m.rtx("dbg.key.quit"))}
	if failure {
		return append([]key.Binding{hk(k.Retry, "y", m.rtx("dbg.key.retry")), hk(k.Ignore, "i", m.rtx("dbg.key.ignore")),
			hk(k.Fail, "f", m.rtx("dbg.key.fail"))}, tail...)
	}
	return []key.Binding{hk(k.Step, "s", m.rtx("dbg.key.step")), hk(k.Run, "r", m.rtx("dbg.key.run")),
		hk(k.RunTo, "t", m.rtx("dbg.key.runto")), tail[0], hk(k.Move, "c", m.rtx("dbg.key.move")),
		hk(k.Skip, "x", m.rtx("dbg.key.skip")), tail[1], tail[2], tail[3]}
}
