package tui

import (
	"bytes"
	"math/rand"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/edit"
)

// TestEditorRandomKeys presses thousands of random keys (fixed seed): the
// editor never panics, every view fits 80x25, the sequence can always be
// written, and undoing everything gives back the file as it was opened.
func TestEditorRandomKeys(t *testing.T) {
	keys := []tea.KeyMsg{
		{Type: tea.KeyUp}, {Type: tea.KeyDown}, {Type: tea.KeyLeft}, {Type: tea.KeyRight}, {Type: tea.KeyEnter},
		{Type: tea.KeyTab}, {Type: tea.KeyShiftTab}, {Type: tea.KeyEsc}, {Type: tea.KeySpace, Runes: []rune{' '}},
		{Type: tea.KeyDelete}, {Type: tea.KeyBackspace}, {Type: tea.KeyHome}, {Type: tea.KeyEnd}, {Type: tea.KeyCtrlT},
		{Type: tea.KeyCtrlZ}, {Type: tea.KeyCtrlY}, {Type: tea.KeyCtrlU}, {Type: tea.KeyShiftUp}, {Type: tea.KeyShiftDown},
	}
	for _, r := range "agdxcvVi[]<>CoestpPuyn1%\\\"=(" {
		keys = append(keys, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	for seed := int64(1); seed <= 8; seed++ {
		m, _ := editorExample(t)
		m.path = t.TempDir() + "/never-saved.toml" // ctrl+s is not pressed: keep the file
		orig, err := sequence.Marshal(m.ed.Sequence(), sequence.SaveOptions{AllowPlaintext: true})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewSource(seed))
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
		for i := 0; i < 400; i++ {
			k := keys[rng.Intn(len(keys))]
			if k.String() == "q" || k.String() == "esc" && m.overlay == edNone && m.focus == edFocusTree {
				continue // do not leave
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("seed %d, key %d %q: panic %v\n%s", seed, i, k.String(), r, edRender(m, 80, 25))
					}
				}()
				m.Update(k)
				edCheckFits(t, edRender(m, 80, 25), 80, 25)
			}()
			if t.Failed() {
				t.Fatalf("seed %d, key %d %q", seed, i, k.String())
			}
			if _, err := sequence.Marshal(m.ed.Sequence(), sequence.SaveOptions{AllowPlaintext: true}); err != nil {
				t.Fatalf("seed %d, key %d: %v", seed, i, err)
			}
		}
		undos := 0
		for m.ed.CanUndo() {
			m.ed.Undo()
			undos++
		}
		got, _ := sequence.Marshal(m.ed.Sequence(), sequence.SaveOptions{AllowPlaintext: true})
		t.Logf("seed %d: %d changes undone", seed, undos)
		if undos < edit.MaxUndo && !bytes.Equal(got, orig) {
			t.Errorf("seed %d: undoing everything does not give the original back", seed)
		}
	}
}
