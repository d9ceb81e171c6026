package tui

import (
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/wizard"
)

// Issue 20.5: status messages at 80x25 wrap (at the gaps between key
// hints) instead of being cut: the quit prompt shows "esc: stay", the
// comments warning "ctrl+s again saves", in English and Korean, and the
// screen keeps its 25 rows.
func TestEditorStatusNotCut(t *testing.T) {
	for _, lang := range wizard.Langs() {
		m, _ := editorExampleIn(t, lang)
		press(m, "j", tea.KeyDelete, "y", "q")
		out := edRender(m, 80, 25)
		edCheckFits(t, out, 80, 25)
		for _, hint := range []string{"y: ", "n: ", "esc: "} {
			if !strings.Contains(out, hint+edtxAfter(m, "ask.quit", hint)) {
				t.Errorf("%s: the quit prompt lacks %q…:\n%s", lang, hint, out)
			}
		}
		if strings.Contains(out, "…\n") {
			t.Errorf("%s: a status row is cut:\n%s", lang, out)
		}
		// The comments warning.
		m, path := editorExampleIn(t, lang)
		data, _ := os.ReadFile(path)
		os.WriteFile(path, append([]byte("# a comment\n"), data...), 0o644)
		m = NewEditor(m.ed.Sequence(), path, EditorOptions{Lang: lang})
		press(m, tea.KeyCtrlS)
		out = edRender(m, 80, 25)
		edCheckFits(t, out, 80, 25)
		if want := "ctrl+s"; !strings.Contains(out[strings.LastIndex(out, m.edtx("problems.none")):], want) {
			t.Errorf("%s: the comments warning lost %q:\n%s", lang, want, out)
		}
	}
}

// edtxAfter is the text that follows hint in a catalogue message, up to
// the next gap.
func edtxAfter(m *EditorModel, key, hint string) string {
	s := m.edtx(key)
	i := strings.Index(s, hint)
	if i < 0 {
		return ""
	}
	rest := s[i+len(hint):]
	if j := strings.Index(rest, "  "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// The Add list cuts a long wizard name with an ellipsis, not at the edge.
func TestEditorAddListEllipsis(t *testing.T) {
	m, _ := editorExample(t)
	press(m, "a")
	out := edRender(m, 80, 25)
	found := false
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Capture Operating System Image") {
			found = true
			if !strings.HasSuffix(strings.TrimRight(l, " "), "…") && !strings.HasSuffix(strings.TrimRight(l, " "), "Computer") {
				t.Errorf("cut without an ellipsis: %q", l)
			}
		}
	}
	if !found {
		t.Fatalf("no Capture Operating System Image in the Add list:\n%s", out)
	}
}

// The Options tab keeps its tab bar when it scrolls to its last field.
func TestEditorOptionsKeepTabBar(t *testing.T) {
	m, _ := editorExample(t)
	press(m, "jj", "o", tea.KeyUp) // a long condition, at the bottom
	out := edRender(m, 80, 25)
	rows := strings.Split(out, "\n")
	if !strings.Contains(rows[1], m.edtx("tab.props")) || !strings.Contains(rows[1], m.edtx("tab.options")) {
		t.Errorf("the tab bar scrolled away:\n%s", out)
	}
	if !strings.Contains(out, "↑ "+m.edtx("more")) {
		t.Errorf("the Options tab did not scroll (the test needs it to):\n%s", out)
	}
}

// Pasting reports like copy, cut, add and remove do.
func TestEditorPasteReports(t *testing.T) {
	m, _ := editorExample(t)
	press(m, "jj", "c", "v")
	if out := edRender(m, 80, 25); !strings.Contains(out, `Pasted "Partition Disk 0 - BIOS".`) {
		t.Errorf("v pasted silently:\n%s", out)
	}
	press(m, "C", "j", "v")
	if out := edRender(m, 80, 25); !strings.Contains(out, "Pasted the condition") {
		t.Errorf("v of a condition pasted silently:\n%s", out)
	}
}

// A variable named twice shows the problem under its Name field while
// it is being edited.
func TestEditorDuplicateVariableUnderName(t *testing.T) {
	m, _ := editorExample(t)
	press(m, "s", tea.KeyUp, tea.KeyEnter, "a", tea.KeyCtrlU, "Dup", tea.KeyEsc, "a", tea.KeyCtrlU, "Dup")
	out := edRender(m, 80, 25)
	i := strings.Index(out, "[Dup")
	if i < 0 || !strings.Contains(out[i:], "Dup is set twice") {
		t.Errorf("the duplicate is not shown under the Name field:\n%s", out)
	}
}

// The condition builder's operator choices wrap under the first choice,
// not to column 1.
func TestEditorOperatorChoicesIndent(t *testing.T) {
	m, _ := editorExample(t)
	// A variable test: its operator has ten choices.
	press(m, "j", "o", tea.KeyUp, tea.KeyEnter, "a", tea.KeyEnter, tea.KeyTab)
	out := edRender(m, 80, 25)
	rows := strings.Split(out, "\n")
	for i, r := range rows {
		if strings.Contains(r, m.edtx("cbf.operator")+": ") {
			next := rows[i+1]
			col := lipgloss.Width(r[:strings.Index(r, "(")])
			if strings.TrimSpace(next) == "" || !strings.HasPrefix(strings.TrimSpace(next), "(") {
				t.Fatalf("the choices fit on one row (the test needs them to wrap):\n%s", out)
			}
			if got := lipgloss.Width(next[:strings.Index(next, "(")]); got != col {
				t.Errorf("choices wrap to column %d, the first is at %d:\n%s", got, col, out)
			}
			return
		}
	}
	t.Fatalf("no Operator field:\n%s", out)
}
