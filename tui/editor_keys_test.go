package tui

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// docKeyNames turns the keys of a docs table cell ("↑ ↓, home", "`[`
// `]`, shift+↑") into key names as Bubble Tea says them.
func docKeyNames(cell string) []string {
	glyph := strings.NewReplacer("↑", "up", "↓", "down", "←", "left", "→", "right", "`", "", "del", "delete", "pgdn", "pgdown")
	var out []string
	for _, f := range strings.FieldsFunc(cell, func(r rune) bool { return r == ',' || r == ' ' }) {
		if f = glyph.Replace(strings.TrimSpace(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// docTable reads the key table of docs/editor.md whose header is
// "| key | HEADER |": every key name in its first column.
func docTable(t *testing.T, header string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("../docs/editor.md")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	in := false
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "| key | "+header+" |"):
			in = true
		case in && strings.HasPrefix(l, "|---"):
		case in && strings.HasPrefix(l, "| "):
			cell := strings.SplitN(l[2:], " | ", 2)[0]
			for _, k := range docKeyNames(cell) {
				keys[k] = true
			}
		case in:
			return keys
		}
	}
	if !in {
		t.Fatalf("docs/editor.md has no table headed %q", header)
	}
	return keys
}

// The key table of the tree in docs/editor.md is the keymap's: every key
// the tree binds is documented, every documented key is bound; the help
// overlay has a row per row of the keymap.
func TestEditorDocsKeysMatchKeymap(t *testing.T) {
	doc := docTable(t, "in the tree")
	bound := map[string]bool{}
	for _, b := range edKeys.all() {
		for _, k := range b.Keys() {
			bound[k] = true
		}
	}
	var missing, extra []string
	for k := range bound {
		if !doc[k] {
			missing = append(missing, k)
		}
	}
	for k := range doc {
		if !bound[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("docs/editor.md's tree keys differ from the keymap:\n bound, not documented: %v\n documented, not bound: %v", missing, extra)
	}
	if a, b := len((texts{}).helpKeyLines("", "")), len(edKeys.helpRows()); a != b {
		t.Errorf("the help has %d rows, the keymap %d", a, b)
	}
	// Each help row's label names its bindings' first keys.
	label := regexp.MustCompile(`\s+`)
	for i, row := range edKeys.helpRows() {
		l := " " + label.ReplaceAllString((texts{}).helpKeyLines("up down", "left right")[i][0], " ") + " "
		for _, b := range row {
			k := b.Keys()[0]
			k = strings.NewReplacer("delete", "del", "pgdown", "pgdn", "shift+up", "shift+up down").Replace(k)
			if !strings.Contains(l, k) && !strings.Contains(strings.ReplaceAll(l, "/", " "), " "+k+" ") {
				t.Errorf("help row %d %q does not name %q", i, l, k)
			}
		}
	}
}

// Every key of the keymap does what the tree says: each one, pressed in
// the tree, changes something or opens something (none is dead).
func TestEditorKeymapKeysAct(t *testing.T) {
	for _, b := range edKeys.all() {
		for _, k := range b.Keys() {
			if k == "ctrl+c" {
				continue
			}
			m, _ := editorExample(t)
			press(m, "jjj", "x", "k") // something to paste, not at the top
			m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
			before := m.View()
			msg := keyMsgOf(k)
			if msg.String() != k {
				t.Fatalf("key %q is sent as %q", k, msg.String())
			}
			m.Update(msg)
			// Keys that act only in some states: → and l open a folded
			// group, e and f8 open the problems when there are some.
			contextual := map[string]bool{"right": true, "l": true, "e": true, "f8": true}
			if after := m.View(); after == before && !contextual[k] {
				t.Errorf("%q in the tree does nothing", k)
			}
		}
	}
}

// keyMsgOf is the message Bubble Tea sends for a key name.
func keyMsgOf(k string) tea.KeyMsg {
	names := map[string]tea.KeyType{}
	for t := tea.KeyType(-200); t < 200; t++ {
		if s := t.String(); s != "" && !strings.HasPrefix(s, "%!") {
			names[s] = t
		}
	}
	if t, ok := names[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// The help overlay scrolls (bubbles' viewport): at 80x25 its last lines
// are below the screen; down and pgdown bring them, home goes back.
func TestEditorHelpScrolls(t *testing.T) {
	m, _ := editorExample(t)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	press(m, "?")
	last := m.edtx("help.close")
	if out := edRender(m, 80, 25); strings.Contains(out, last) {
		t.Fatalf("the help fits at 80x25 (the test needs it long):\n%s", out)
	}
	press(m, tea.KeyPgDown, tea.KeyPgDown)
	if out := edRender(m, 80, 25); !strings.Contains(out, last) || !strings.Contains(out, "100%") {
		t.Fatalf("pgdown does not reach the end:\n%s", out)
	}
	press(m, tea.KeyHome)
	if out := edRender(m, 80, 25); !strings.Contains(out, m.edtx("help.title")) {
		t.Fatalf("home does not go back:\n%s", out)
	}
	press(m, tea.KeyEsc)
	if m.overlay != edNone {
		t.Fatal("esc did not close the help")
	}
}
