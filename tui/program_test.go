package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/media"
	"github.com/refimage/refimage/wizard"
)

func TestFitSize(t *testing.T) {
	for _, c := range []struct{ w, h, maxW, maxH, ww, wh int }{
		{120, 40, 0, 0, 120, 40},
		{120, 40, 80, 25, 80, 25},
		{70, 20, 80, 25, 70, 20},
		{120, 20, 80, 25, 80, 20},
	} {
		if w, h := fitSize(c.w, c.h, c.maxW, c.maxH); w != c.ww || h != c.wh {
			t.Errorf("fitSize(%d, %d, %d, %d) = %d, %d; want %d, %d", c.w, c.h, c.maxW, c.maxH, w, h, c.ww, c.wh)
		}
	}
}

// Every screen caps its layout the same way.
func TestScreensCapTheirSize(t *testing.T) {
	seq, p := loadMediaExample(t)
	ed, _ := editorExample(t)
	ed.maxW, ed.maxH = 80, 25
	run := NewRunModel(seq, engine.Options{}, RunViewOptions{MaxWidth: 80, MaxHeight: 25})
	wz := NewWizardModel(wizard.New(testEnv(), wizard.English), WizardOptions{MaxWidth: 80, MaxHeight: 25})
	md := NewMediaWizard(seq, p, MediaOptions{MaxWidth: 80, MaxHeight: 25})
	for name, m := range map[string]tea.Model{"editor": ed, "run": run, "wizard": wz, "media": md} {
		m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
		var w, h int
		switch m := m.(type) {
		case *EditorModel:
			w, h = m.width, m.height
		case *RunModel:
			w, h = m.width, m.height
		case *WizardModel:
			w, h = m.width, m.height
		case *MediaModel:
			w, h = m.width, m.height
		}
		if w != 80 || h != 25 {
			t.Errorf("%s: %dx%d in a 200x60 window, want 80x25", name, w, h)
		}
	}
}

// SIGTERM in the editor with unsaved changes: it quits at once without
// saving and without asking; the file is untouched.
func TestEditorStopSignalLeavesFile(t *testing.T) {
	m, path := editorExample(t)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 25))
	f := &edFlow{t, tm}
	f.see("Build the Reference").typ("a").see("Add (as in the editor's Add menu)").keys(tea.KeyEnter).see("modified")
	tm.Send(StopMsg{Signal: syscall.SIGTERM})
	em := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*EditorModel)
	if res := em.Result(); !res.Cancelled || !res.Unsaved || res.Saved {
		t.Errorf("result %+v", res)
	}
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the file changed (%v)", err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("left in the folder: %v", ents)
	}
}

// SIGTERM to the wizard while it writes: the write (atomic) finishes,
// then the wizard quits, cancelled; before it, a stop quits at once.
func TestWizardStopSignal(t *testing.T) {
	m := NewWizardModel(wizard.New(testEnv(), wizard.English), WizardOptions{})
	if _, cmd := m.Update(StopMsg{Signal: syscall.SIGHUP}); cmd == nil {
		t.Fatal("no quit on a stop signal")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("no quit on a stop signal")
	}
	if !m.Result().Cancelled {
		t.Error("not cancelled")
	}

	m = NewWizardModel(wizard.New(testEnv(), wizard.English), WizardOptions{})
	m.writing = true
	if _, cmd := m.Update(StopMsg{Signal: syscall.SIGTERM}); cmd != nil {
		t.Fatal("quit while the file was being written")
	}
	_, cmd := m.Update(writtenMsg{path: "out.toml"})
	if cmd == nil {
		t.Fatal("no quit once written")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("no quit once written")
	}
	if res := m.Result(); !res.Cancelled || res.Written != "out.toml" {
		t.Errorf("result %+v", res)
	}
}

// SIGTERM while the media wizard writes an ISO: the writer is stopped,
// the wizard exits cancelled, and nothing is left in the output folder.
func TestMediaStopSignalWhileWriting(t *testing.T) {
	src, exe := fakeCopype(t)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "capture.iso")
	var once sync.Once
	writing := make(chan struct{})
	build := func(ctx context.Context, opt media.Options) (*media.Result, error) {
		inner := opt.Progress
		opt.Progress = func(p media.Progress) {
			inner(p)
			if p.Phase == "write" && p.Done < p.Total {
				once.Do(func() { close(writing) })
				<-ctx.Done()
			}
		}
		return media.Build(ctx, opt)
	}
	f := newMediaFlow(t, MediaOptions{Hooks: MediaHooks{Build: build}})
	f.see("Bootable media: the boot image").keys(tea.KeyCtrlN)
	f.see("USB image file (copy").keys(tea.KeyTab, tea.KeyCtrlU).typ(out).keys(tea.KeyCtrlN)
	f.see("Protect media with a password").typ(" ").keys(tea.KeyCtrlN)
	f.see("Windows PE source *").typ(src).keys(tea.KeyTab, tea.KeyTab).typ(exe).keys(tea.KeyCtrlS)
	f.see("Your choices").keys(tea.KeyCtrlN)
	select {
	case <-writing:
	case <-time.After(20 * time.Second):
		t.Fatal("the medium was never written")
	}
	f.tm.Send(StopMsg{Signal: syscall.SIGTERM})
	m := mediaDone(f)
	if !m.Result().Cancelled || m.Result().Written != "" {
		t.Fatalf("result %+v", m.Result())
	}
	if ents, _ := os.ReadDir(outDir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

// TestDropControlRunes: a modifier pressed alone on the Windows console
// (Bubble Tea: the rune NUL, with Alt for alt) never reaches a screen as
// text; keys and real text pass unchanged.
func TestDropControlRunes(t *testing.T) {
	for _, c := range []struct {
		msg  tea.Msg
		drop bool
	}{
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{0}}, true},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{0}, Alt: true}, true},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{0x13}}, true},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'\u009b'}}, true},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'a'}}, false},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'한'}}, false},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a\tb"), Paste: true}, false},
		{tea.KeyMsg{Type: tea.KeyCtrlS}, false},
		{tea.KeyMsg{Type: tea.KeyCtrlAt}, false},
		{tea.WindowSizeMsg{Width: 80, Height: 25}, false},
	} {
		got := dropControlRunes(nil, c.msg)
		if c.drop && got != nil || !c.drop && !reflect.DeepEqual(got, c.msg) {
			t.Errorf("%#v: got %#v", c.msg, got)
		}
	}
}
