package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// formKeyMap is the keymap of the form screen, the one source of its
// keys: the screen dispatches on it, the footer, the status hints and the
// help overlay are drawn from it, and a test checks the key tables of
// docs/wizard.md and docs/media.md against it (TestFormDocsKeysMatchKeymap).
// Text fields also take textinput's keys (textKeys).
type formKeyMap struct {
	Field, PrevField, Up, Down, Left, Right, Toggle, Enter key.Binding
	Next, Prev, Summary, Help, HelpAnyway, Cancel, Quit    key.Binding
	Yes, No                                                key.Binding // a question on the status line
	// The help overlay scrolls with Up, Down and these; Close closes it.
	PageUp, PageDown, Home, End, Close key.Binding
	// On the Summary, paging scrolls the choices (it does not write).
	ScrollUp, ScrollDown key.Binding
}

var formKeys = formKeyMap{
	Field: bind("tab"), PrevField: bind("shift+tab"),
	Up: bind("up", "k"), Down: bind("down", "j"), Left: bind("left", "h"), Right: bind("right", "l"),
	Toggle: bind(" ", "x"), Enter: bind("enter"),
	Next: bind("ctrl+n", "pgdown"), Prev: bind("ctrl+p", "pgup"), Summary: bind("ctrl+s"),
	Help: bind("?"), HelpAnyway: bind("f1"), Cancel: bind("esc"), Quit: bind("ctrl+c"),
	Yes: bind("y", "Y"), No: bind("n", "N", "esc"),
	PageUp: bind("pgup"), PageDown: bind("pgdown", " "), Home: bind("home"), End: bind("end"),
	Close:    bind("esc", "?", "f1", "q", "enter"),
	ScrollUp: bind("pgup"), ScrollDown: bind("pgdown"),
}

// helpRows are the rows of the help overlay, in the order of the
// catalogue's help.keys lines (label, what it does); extra are the
// screen's own rows (the media wizard's r).
func (k formKeyMap) helpRows(extra ...[]key.Binding) [][]key.Binding {
	rows := [][]key.Binding{{k.Field, k.PrevField}, {k.Enter}, {k.Next}, {k.Prev}, {k.Summary}, {k.Up, k.Down}, {k.Toggle}}
	rows = append(rows, extra...)
	return append(rows, []key.Binding{k.Help, k.HelpAnyway}, []key.Binding{k.Cancel}, []key.Binding{k.Quit})
}

// all is every key binding of the screen, for the docs check.
func (k formKeyMap) all() []key.Binding {
	return []key.Binding{k.Field, k.PrevField, k.Up, k.Down, k.Left, k.Right, k.Toggle, k.Enter, k.Next, k.Prev, k.Summary,
		k.Help, k.HelpAnyway, k.Cancel, k.Quit, k.Yes, k.No, k.PageUp, k.PageDown, k.Home, k.End, k.Close, k.ScrollUp, k.ScrollDown}
}

// textKeys are the keys a text field takes from bubbles' textinput (its
// suggestion keys are the screen's: tab, ↑ ↓, ctrl+n, ctrl+p).
func textKeys() []key.Binding {
	t := textinput.DefaultKeyMap
	return []key.Binding{t.CharacterForward, t.CharacterBackward, t.WordForward, t.WordBackward, t.DeleteWordBackward,
		t.DeleteWordForward, t.DeleteAfterCursor, t.DeleteBeforeCursor, t.DeleteCharacterBackward, t.DeleteCharacterForward,
		t.LineStart, t.LineEnd, t.Paste}
}

// hk is a binding labelled for the footer or a hint.
func hk(b key.Binding, label, desc string) key.Binding {
	b.SetHelp(label, desc)
	return b
}

// keyHelp draws key hints with bubbles' help in the theme's footer
// styles, from the left margin; what does not fit is left out.
func (sc *formScreen[S, P]) keyHelp(width int, bindings ...key.Binding) string {
	st := sc.th.Styles
	hm := help.New()
	hm.ShortSeparator = "  "
	hm.Ellipsis = ""
	hm.Styles.ShortKey, hm.Styles.ShortDesc = st.FooterKey, st.Footer
	hm.Styles.ShortSeparator, hm.Styles.Ellipsis = lipgloss.NewStyle(), lipgloss.NewStyle()
	hm.Width = width - 1
	return " " + strings.TrimRight(hm.ShortHelpView(bindings), " ")
}

// helpKeyRows are the help overlay's rows: the label and what it does
// from the catalogue's help.keys line of each keymap row.
func (sc *formScreen[S, P]) helpKeyRows() [][2]string {
	var out [][2]string
	for _, l := range strings.Split(fmt.Sprintf(sc.host.text("help.keys"), sc.th.Symbols.UpDown), "\n") {
		label, what, _ := strings.Cut(l, "  ")
		out = append(out, [2]string{label, strings.TrimSpace(what)})
	}
	return out
}

func matches(msg tea.KeyMsg, b ...key.Binding) bool { return key.Matches(msg, b...) }
