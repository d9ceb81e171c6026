package tui

import (
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence"
)

// A sequence imported from ConfigMgr opens in the editor with its foreign
// steps shown as such and flagged by validation.
func TestEditorShowsForeignSteps(t *testing.T) {
	src := `version = 1
name = "Imported"
kind = "custom"

[[steps]]
type = "foreign"
name = "Enable BitLocker"
class = "SMS_TaskSequence_EnableBitLockerAction"
xml = '<step type="SMS_TaskSequence_EnableBitLockerAction" name="Enable BitLocker"><action>osdbitlocker.exe /enable</action></step>'
`
	seq, probs := sequence.Parse("imported.toml", []byte(src))
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	m := NewEditor(seq, filepath.Join(t.TempDir(), "imported.toml"), EditorOptions{})
	m.Update(tea.KeyMsg{Type: tea.KeyDown})
	out := edRender(m, 80, 25)
	for _, want := range []string{"Foreign step (not run by refimage)", "SMS_TaskSequence_EnableBitLock", "kept, not run by refimage"} {
		if !strings.Contains(out, want) {
			t.Errorf("the editor does not show %q:\n%s", want, out)
		}
	}
}
