package tui

import (
	"github.com/refimage/refimage/wizard"

	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/refimage/refimage/engine/sequence"
)

// editorExample copies docs/examples/build-and-capture.toml to a
// temporary folder and opens it in the editor.
func editorExample(t *testing.T) (*EditorModel, string) {
	t.Helper()
	return editorExampleIn(t, wizard.English)
}

// editorExampleIn is editorExample with the editor in a language.
func editorExampleIn(t *testing.T, lang wizard.Lang) (*EditorModel, string) {
	t.Helper()
	data, err := os.ReadFile("../docs/examples/build-and-capture.toml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "build-and-capture.toml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	seq, probs := sequence.Load(path)
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	return NewEditor(seq, path, EditorOptions{Lang: lang}), path
}

// press sends keys: a tea.KeyType, or a string typed rune by rune (a
// string in brackets, e.g. "[ctrl+s]", is not used: send KeyTypes).
func press(m *EditorModel, keys ...any) {
	for _, k := range keys {
		switch k := k.(type) {
		case tea.KeyType:
			m.Update(tea.KeyMsg{Type: k})
		case string:
			for _, r := range k {
				if r == ' ' {
					m.Update(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
					continue
				}
				m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
		}
	}
}

func edRender(m *EditorModel, w, h int) string {
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return ansi.Strip(m.View())
}

func TestEditorShow(t *testing.T) {
	if !*show {
		t.Skip("-show prints the screens")
	}
	for _, st := range editorStates() {
		m, _ := editorExample(t)
		st.do(m)
		fmt.Println(st.name)
		fmt.Println(edRender(m, 80, 25))
		fmt.Println(strings.Repeat("=", 80))
	}
}

type editorState struct {
	name string
	do   func(m *EditorModel)
}

func editorStates() []editorState {
	return []editorState{
		{"tree", func(m *EditorModel) { press(m, tea.KeyDown, tea.KeyDown) }},
		{"properties", func(m *EditorModel) { press(m, "jjjjjj", tea.KeyEnter, tea.KeyTab, tea.KeyTab) }},
		{"options", func(m *EditorModel) { press(m, "jjjjjjjjj", "o", tea.KeyDown, tea.KeyDown) }},
		{"capture", func(m *EditorModel) {
			press(m, tea.KeyEnd, tea.KeyEnter, tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyCtrlU, `svc capture`)
		}},
		{"group", func(m *EditorModel) { press(m, "jjjjjjjjjjj", "o") }},
		{"add", func(m *EditorModel) { press(m, "a", tea.KeyDown, tea.KeyDown) }},
		{"builder", func(m *EditorModel) { press(m, "jj", "o", tea.KeyUp, tea.KeyEnter, tea.KeyDown) }},
		{"builder-form", func(m *EditorModel) {
			press(m, "j", "o", tea.KeyUp, tea.KeyEnter, "a", tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyEnter, tea.KeyTab, "Ref")
		}},
		{"builder-text", func(m *EditorModel) {
			press(m, "jj", "o", tea.KeyUp, tea.KeyEnter, "t", ` and (X == "1" or`)
		}},
		{"problems", func(m *EditorModel) {
			press(m, tea.KeyEnd, tea.KeyEnter, tea.KeyTab, tea.KeyTab, tea.KeyCtrlU, tea.KeyEsc, "e", tea.KeyDown)
		}},
		{"remove", func(m *EditorModel) { press(m, tea.KeyDelete) }},
		{"quit", func(m *EditorModel) { press(m, "x", "q") }},
		{"help", func(m *EditorModel) { press(m, "?") }},
		{"sequence", func(m *EditorModel) { press(m, "s", tea.KeyDown, tea.KeyDown, tea.KeyDown) }},
		{"variables", func(m *EditorModel) {
			press(m, "s", tea.KeyUp, tea.KeyEnter, "a", tea.KeyCtrlU, "OSDComputerName", tea.KeyTab, "REF01", tea.KeyEsc, "a", tea.KeyCtrlU, "_Bad")
		}},
		{"partitions", func(m *EditorModel) {
			press(m, "jjj", tea.KeyEnter, tea.KeyUp, tea.KeyEnter, tea.KeyDown, tea.KeyDown, tea.KeyEnter, tea.KeyTab, tea.KeyTab, tea.KeyCtrlU, "98")
		}},
		{"applications", func(m *EditorModel) {
			press(m, "jjjjjjjjjj", tea.KeyEnter, tea.KeyUp, tea.KeyUp, tea.KeyUp, tea.KeyEnter, "a", tea.KeyCtrlU, "Notepad++", tea.KeyTab, tea.KeyTab)
		}},
	}
}

// TestEditorViews compares every screen with its golden file at 80x25 and
// 120x40, and checks that no line is wider and no view taller than the
// terminal, at those sizes and smaller ones.
func TestEditorViews(t *testing.T) {
	for _, st := range editorStates() {
		for _, size := range [][2]int{{80, 25}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", st.name, size[0], size[1]), func(t *testing.T) {
				m, _ := editorExample(t)
				m.path = "build-and-capture.toml"
				st.do(m)
				out := edRender(m, size[0], size[1])
				edCheckFits(t, out, size[0], size[1])
				golden.RequireEqual(t, []byte(out))
			})
		}
	}
}

func edCheckFits(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("%dx%d: line %d is %d cells wide: %q", w, h, i+1, lw, l)
		}
	}
}

func TestEditorFitsSmall(t *testing.T) {
	for _, st := range editorStates() {
		for _, size := range [][2]int{{60, 16}, {40, 12}, {100, 30}} {
			m, _ := editorExample(t)
			st.do(m)
			edCheckFits(t, edRender(m, size[0], size[1]), size[0], size[1])
		}
	}
}
