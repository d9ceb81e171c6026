package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
)

// edTreeKeys is the keymap of the editor's tree: the one source of its
// keys. keyTree dispatches on it, the footer and the help overlay are
// drawn from it, and a test checks docs/editor.md's table against it.
type edTreeKeys struct {
	Up, Down, Home, End, PageUp, PageDown   key.Binding
	Fold, Open, Props, Options, Seq         key.Binding
	Add, Group, Remove, MoveUp, MoveDown    key.Binding
	Into, Out, Copy, Cut, CopyCond          key.Binding
	PasteAfter, PasteBefore, PasteInto      key.Binding
	Problems, Help, Quit                    key.Binding
	SwitchTab, Undo, Redo, Save, HelpAnyway key.Binding // anywhere outside the dialogs
	Cancel                                  key.Binding // ctrl+c, anywhere
}

func bind(ks ...string) key.Binding { return key.NewBinding(key.WithKeys(ks...)) }

var edKeys = edTreeKeys{
	Up: bind("up", "k"), Down: bind("down", "j"), Home: bind("home"), End: bind("end"),
	PageUp: bind("pgup"), PageDown: bind("pgdown"),
	Fold: bind("left", "h"), Open: bind("right", "l"), Props: bind("enter", "tab"),
	Options: bind("o"), Seq: bind("s"),
	Add: bind("a", "insert"), Group: bind("g"), Remove: bind("delete", "backspace", "d"),
	MoveUp: bind("[", "shift+up", "ctrl+up", "K"), MoveDown: bind("]", "shift+down", "ctrl+down", "J"),
	Into: bind(">", "shift+right"), Out: bind("<", "shift+left"),
	Copy: bind("c"), Cut: bind("x"), CopyCond: bind("C"),
	PasteAfter: bind("v"), PasteBefore: bind("V"), PasteInto: bind("i"),
	Problems: bind("e", "f8"), Help: bind("?"), Quit: bind("q", "esc"),
	SwitchTab: bind("ctrl+t"), Undo: bind("ctrl+z"), Redo: bind("ctrl+y"), Save: bind("ctrl+s"), HelpAnyway: bind("f1"),
	Cancel: bind("ctrl+c"),
}

// all is every binding of the keymap.
func (k edTreeKeys) all() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Home, k.End, k.PageUp, k.PageDown, k.Fold, k.Open, k.Props, k.Options, k.Seq,
		k.Add, k.Group, k.Remove, k.MoveUp, k.MoveDown, k.Into, k.Out, k.Copy, k.Cut, k.CopyCond,
		k.PasteAfter, k.PasteBefore, k.PasteInto, k.Problems, k.Help, k.Quit,
		k.SwitchTab, k.Undo, k.Redo, k.Save, k.HelpAnyway, k.Cancel}
}

// helpRows are the rows of the help overlay, in the order of the
// catalogue's help.keys lines: each row's keys, its label and what it
// does come from that line.
func (k edTreeKeys) helpRows() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down}, {k.Home, k.End, k.PageUp, k.PageDown}, {k.Fold, k.Open}, {k.Props}, {k.Options}, {k.Seq},
		{k.SwitchTab}, {k.Add, k.Group}, {k.Remove}, {k.MoveUp, k.MoveDown}, {k.Into, k.Out},
		{k.Copy, k.Cut, k.CopyCond}, {k.PasteAfter, k.PasteBefore, k.PasteInto}, {k.Undo, k.Redo}, {k.Save},
		{k.Problems}, {k.Help, k.HelpAnyway}, {k.Quit}, {k.Cancel},
	}
}

// shortHelp is the footer of the tree: its bindings labelled as the
// footer says them, in order of importance (the last ones go first when
// the line is too narrow).
func (m *EditorModel) treeShortHelp() []key.Binding {
	k := edKeys
	h := func(b key.Binding, label, desc string) key.Binding {
		b.SetHelp(label, desc)
		return b
	}
	return []key.Binding{
		h(k.Props, "enter", m.edtx("key.props")), h(k.Add, "a", m.edtx("key.add")), h(k.Remove, "del", m.edtx("key.remove")),
		h(k.MoveUp, "[ ]", m.edtx("key.move")), h(k.Undo, "ctrl+z", m.edtx("key.undo")), h(k.Save, "ctrl+s", m.edtx("key.save")),
		h(k.Help, "?", m.edtx("key.help")), h(k.Quit, "q", m.edtx("key.quit")), h(k.Options, "o", m.edtx("key.options")),
		h(k.Seq, "s", m.edtx("key.seq")), h(k.Group, "g", m.edtx("key.group")), h(k.Into, "> <", m.edtx("key.indent")),
		h(k.PasteAfter, "c v", m.edtx("key.copy")+"/"+m.edtx("key.paste")), h(k.Problems, "e", m.edtx("key.problems")),
	}
}

// footerHelp draws key hints with bubbles' help, in the theme's footer
// styles; what does not fit is left out.
func (m *EditorModel) footerHelp(width int, bindings []key.Binding) string {
	st := m.th.Styles
	hm := help.New()
	hm.ShortSeparator = "  "
	hm.Ellipsis = ""
	hm.Styles.ShortKey, hm.Styles.ShortDesc = st.FooterKey, st.Footer
	hm.Styles.ShortSeparator, hm.Styles.Ellipsis = st.Footer, st.Footer
	hm.Width = width - 1
	return " " + strings.TrimRight(hm.ShortHelpView(bindings), " ")
}

// helpKeyLines are the help overlay's rows: the catalogue's help.keys
// lines (label, what it does) with the keymap's rows.
func (t texts) helpKeyLines(up, leftRight string) [][2]string {
	var out [][2]string
	for _, l := range strings.Split(fmt.Sprintf(t.edtx("help.keys"), up, leftRight), "\n") {
		k, what, _ := strings.Cut(l, "  ")
		out = append(out, [2]string{strings.TrimSpace(k), strings.TrimSpace(what)})
	}
	return out
}
