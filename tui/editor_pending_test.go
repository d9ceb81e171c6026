package tui

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/refimage/refimage/engine/sequence"
)

// seeAll waits until one stretch of output shows every string.
func (f *edFlow) seeAll(ss ...string) *edFlow {
	f.t.Helper()
	teatest.WaitFor(f.t, f.tm.Output(), func(b []byte) bool {
		for _, s := range ss {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	return f
}

// Issue 20.2: a success code or a retry count that cannot be written was
// dropped silently: no "modified", no mark in the tree, "No problems",
// and ctrl+s said "Saved" with the old value. Now, as a text property,
// the value is kept on screen, listed as a problem, marks the item and
// the title, and blocks the save until it is fixed; fixing it saves.
// Driven through a teatest program at 80x25.
func TestEditorBadCodesAreProblems(t *testing.T) {
	m, path := editorExample(t)
	before, _ := os.ReadFile(path)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 25))
	f := &edFlow{t, tm}
	f.see("Build the Reference")
	// Install Updates (row 10): Options, Success codes.
	f.typ(strings.Repeat("j", 9)).typ("o").see("Disable this step").keys(tea.KeyDown, tea.KeyDown, tea.KeyDown)
	f.typ("15x").seeAll(`"0 301015x" is not written`, "modified", "Problems: 1 error(s)")
	f.keys(tea.KeyDown, tea.KeyDown).keys(tea.KeyCtrlU).typ("9").seeAll(`"9" is not written: a number from 0 to 5`, "Problems: 2 error(s)")
	f.keys(tea.KeyCtrlS).see(`Not saved: 2 value(s) cannot be written`)
	// Into the tree and back: the text is still there.
	f.keys(tea.KeyEsc, tea.KeyUp).typ("o").see("[0 3010 ").keys(tea.KeyEsc, tea.KeyDown).typ("o").see("[0 301015x")
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("the file was written with a value that cannot be")
	}
	// Fix both: it saves.
	f.typ("o").keys(tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyBackspace, tea.KeyBackspace, tea.KeyBackspace).
		see("Problems: 1 error(s)")
	f.keys(tea.KeyDown, tea.KeyDown, tea.KeyBackspace).typ("3").see("No problems").keys(tea.KeyEsc, tea.KeyCtrlS).see("Saved")
	f.typ("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*EditorModel)
	if res := final.Result(); !res.Saved || res.Unsaved {
		t.Fatalf("result %+v", res)
	}
	seq, probs := sequence.Load(path)
	if seq == nil || len(probs) > 0 {
		t.Fatalf("the saved file does not validate: %v", probs)
	}
	it := seq.Steps[0].Steps[8] // Install Updates
	if got := it.SuccessCodes; len(got) != 2 || got[1] != 3010 || it.RetryCount != 3 {
		t.Fatalf("%s: codes %v retries %d", it.Name, got, it.RetryCount)
	}
}

// The same for every field whose text cannot be written: a property
// that is a number, an application's success codes, the time-out; a
// pending value alone makes the editor ask before quitting; undoing the
// step away forgets it.
func TestEditorPendingFields(t *testing.T) {
	m, _ := editorExample(t)
	// Format and Partition Disk (row 3): Disk number.
	press(m, "jj", tea.KeyEnter, tea.KeyTab, tea.KeyTab, "x")
	if len(m.pending) != 1 || len(m.probs.Errors()) != 1 || !strings.HasSuffix(m.probs[0].Path, ".disk") {
		t.Fatalf("disk 0x: pending %v problems %v", m.pending, m.probs)
	}
	if !m.dirty() || m.ed.Dirty() {
		t.Fatal("a pending value alone must count as a change")
	}
	press(m, tea.KeyEsc, "q")
	if m.overlay != edAskQuit {
		t.Fatal("q with a pending value did not ask")
	}
	press(m, tea.KeyEsc)
	// The text is drawn in the field and under it, also after leaving.
	press(m, "j", "k", tea.KeyEnter)
	out := edRender(m, 80, 25)
	if !strings.Contains(out, "[0x") || !strings.Contains(out, "a whole number") {
		t.Fatalf("the pending text is not shown:\n%s", out)
	}
	// Backspace fixes it.
	press(m, tea.KeyTab, tea.KeyTab, tea.KeyBackspace)
	if len(m.pending) != 0 || len(m.probs) != 0 {
		t.Fatalf("fixed: pending %v problems %v", m.pending, m.probs)
	}
	// Time-out of a step.
	press(m, tea.KeyEsc, "o", tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyDown, "1y")
	if len(m.pending) != 1 || !strings.HasSuffix(m.probs[len(m.probs)-1].Path, ".timeout") {
		t.Fatalf("time-out: %v", m.probs)
	}
	// Removing the step forgets its pending value.
	press(m, tea.KeyEsc, tea.KeyDelete, "y")
	if len(m.pending) != 0 {
		t.Fatalf("removed: pending %v", m.pending)
	}
}
