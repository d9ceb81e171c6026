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
	keys := []key.Binding{hk(k.Stop, "ctrl+c", rtx("key.stop"))}
	if m.dbgHandle != nil {
		keys = append(keys, hk(k.Debug, "d", rtx("key.debug")))
	}
	if m.console != nil {
		keys = append(keys, hk(k.Console, "f8", rtx("key.console")))
	}
	return keys
}
