package tui

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/refimage/refimage/engine/sequence"
)

// longSequence is a valid custom sequence of 10 groups of 20 steps
// (Group 1 … Group 10, Step 1.1 … Step 10.20): 210 rows in the tree.
func longSequence() *sequence.Sequence {
	s := &sequence.Sequence{Version: 1, Name: "Long", Kind: sequence.KindCustom}
	for g := 1; g <= 10; g++ {
		grp := sequence.NewGroup(fmt.Sprintf("Group %d", g))
		for i := 1; i <= 20; i++ {
			st := sequence.NewStep("run-command-line")
			st.Name = fmt.Sprintf("Step %d.%d", g, i)
			st.Props.(*sequence.RunCommandLine).CommandLine = "cmd.exe /c exit 0"
			grp.Steps = append(grp.Steps, st)
		}
		s.Steps = append(s.Steps, grp)
	}
	return s
}

func longEditor(t *testing.T, w, h int) *EditorModel {
	t.Helper()
	seq := longSequence()
	if probs := sequence.Validate(seq); len(probs) > 0 {
		t.Fatalf("the long sequence has problems: %v", probs)
	}
	m := NewEditor(seq, filepath.Join(t.TempDir(), "long.toml"), EditorOptions{})
	m.path = "long.toml"
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// treeCursorRow is the tree row (the left pane) that carries the cursor,
// and the number of rows that do.
func treeCursorRow(m *EditorModel, out string) (string, int) {
	treeW := m.treeWidth(m.width)
	var row string
	n := 0
	for _, l := range strings.Split(out, "\n")[1:] {
		left := ansi.Truncate(l, treeW, "")
		if strings.Contains(left, m.th.Symbols.Cursor) {
			row, n = left, n+1
		}
	}
	return row, n
}

// checkSelectionShown fails unless exactly one tree row has the cursor
// and it names the selected item, as the right pane does.
func checkSelectionShown(t *testing.T, m *EditorModel, step string) {
	t.Helper()
	out := ansi.Strip(m.View())
	name := m.ed.Selected().Name
	row, n := treeCursorRow(m, out)
	if n != 1 || !strings.Contains(row, name+" ") && !strings.HasSuffix(strings.TrimRight(row, " "), name) {
		t.Fatalf("%s: selected %q, the tree shows the cursor on %d row(s) (%q):\n%s", step, name, n, row, out)
	}
}

// Issue 20.1: in a 200-step tree the selected row was hidden under the
// "more" hints going down, going up from End, and paging. Every key of
// the walk keeps exactly one cursor row, on the selected item, at 80x25
// and 120x40.
func TestEditorLongTreeShowsSelection(t *testing.T) {
	for _, sz := range themeSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := longEditor(t, sz[0], sz[1])
			for i := 1; i <= 60; i++ {
				press(m, tea.KeyDown)
				checkSelectionShown(t, m, fmt.Sprintf("down %d", i))
			}
			if got := m.ed.Selected().Name; got != "Step 3.18" {
				t.Fatalf("60 × down selects %q", got)
			}
			press(m, tea.KeyEnd)
			checkSelectionShown(t, m, "end")
			for i := 1; i <= 60; i++ {
				press(m, tea.KeyUp)
				checkSelectionShown(t, m, fmt.Sprintf("up %d", i))
			}
			for i := 1; i <= 12; i++ {
				press(m, tea.KeyPgUp)
				checkSelectionShown(t, m, fmt.Sprintf("pgup %d", i))
			}
			if got := m.ed.Selected().Name; got != "Group 1" {
				t.Fatalf("paging up to the top selects %q", got)
			}
			for i := 1; i <= 12; i++ {
				press(m, tea.KeyPgDown)
				checkSelectionShown(t, m, fmt.Sprintf("pgdown %d", i))
			}
			if got := m.ed.Selected().Name; got != "Step 10.20" {
				t.Fatalf("paging down to the end selects %q", got)
			}
			press(m, tea.KeyHome)
			checkSelectionShown(t, m, "home")
		})
	}
}

// Issue 20.3: PgDn and PgUp move the selection by a page of the tree
// (its rows less the two "more" hints) and stop at the ends.
func TestEditorTreePaging(t *testing.T) {
	m := longEditor(t, 80, 25)
	page := m.treeHeight() - 2
	press(m, tea.KeyPgDown)
	rows := m.rows()
	if got, want := m.ed.Selected().Name, rows[page].item.Name; got != want {
		t.Fatalf("pgdown selects %q, want %q (a page of %d rows)", got, want, page)
	}
	press(m, tea.KeyPgDown, tea.KeyPgUp)
	if got, want := m.ed.Selected().Name, rows[page].item.Name; got != want {
		t.Fatalf("pgdown pgup selects %q, want %q", got, want)
	}
	press(m, tea.KeyPgUp, tea.KeyPgUp)
	if got := m.ed.Selected().Name; got != "Group 1" {
		t.Fatalf("pgup past the top selects %q", got)
	}
	// Folded groups are one row each: a page skips them whole.
	press(m, tea.KeyLeft) // fold Group 1
	press(m, tea.KeyPgDown)
	if got, want := m.ed.Selected().Name, m.rows()[page].item.Name; got != want {
		t.Fatalf("pgdown over a folded group selects %q, want %q", got, want)
	}
}

// Goldens of the 200-step tree with the selection in the middle and at
// the end, at 80x25 and 120x40.
func TestEditorLongTreeViews(t *testing.T) {
	for _, st := range []struct {
		name string
		keys []any
	}{
		{"middle", []any{strings.Repeat("j", 105)}},
		{"end", []any{tea.KeyEnd}},
		{"end-up", []any{tea.KeyEnd, strings.Repeat("k", 20)}},
	} {
		for _, sz := range themeSizes {
			t.Run(fmt.Sprintf("%s_%dx%d", st.name, sz[0], sz[1]), func(t *testing.T) {
				m := longEditor(t, sz[0], sz[1])
				press(m, st.keys...)
				checkSelectionShown(t, m, st.name)
				out := ansi.Strip(m.View())
				edCheckFits(t, out, sz[0], sz[1])
				golden.RequireEqual(t, []byte(out))
			})
		}
	}
}

// View changes no state: drawing every screen of the editor leaves the
// model as it was, and drawing it twice gives the same screen.
func TestEditorViewIsPure(t *testing.T) {
	for _, st := range editorStates() {
		for _, sz := range themeSizes {
			m, _ := editorExample(t)
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			st.do(m)
			before := snapshotEditor(m)
			a := m.View()
			if after := snapshotEditor(m); !reflect.DeepEqual(before, after) {
				t.Errorf("%s %dx%d: View changed the model:\nbefore %+v\nafter  %+v", st.name, sz[0], sz[1], before, after)
			}
			if b := m.View(); a != b {
				t.Errorf("%s %dx%d: two Views differ", st.name, sz[0], sz[1])
			}
		}
	}
	m := longEditor(t, 80, 25)
	press(m, strings.Repeat("j", 40))
	before := snapshotEditor(m)
	m.View()
	if after := snapshotEditor(m); !reflect.DeepEqual(before, after) {
		t.Errorf("long tree: View changed the model:\nbefore %+v\nafter  %+v", before, after)
	}
}

// snapshotEditor copies the screen state of the model (not the editor
// it drives, which View only reads).
func snapshotEditor(m *EditorModel) map[string]any {
	out := map[string]any{
		"treeTop": m.treeTop, "paneTop": m.paneTop, "field": m.field, "focus": m.focus, "tab": m.tab,
		"overlay": m.overlay, "collapsed": fmt.Sprint(m.collapsed), "status": m.status,
		"sel": m.ed.Selection().Key(), "width": m.width, "height": m.height,
	}
	if m.cb != nil {
		out["cb"] = fmt.Sprintf("%d %v %v %d", m.cb.sel, m.cb.form, m.cb.adding, m.cb.formField)
	}
	if m.list != nil {
		out["list"] = *m.list
	}
	return out
}

var _ = lipgloss.Width
