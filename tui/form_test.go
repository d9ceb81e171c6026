package tui

import (
	"fmt"
	"io"
	"maps"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// screenState is everything of the form screen a key may change.
type screenState struct {
	focus, listScroll, helpScroll, cmdScroll int
	status, question                         string
	statusErr, asking, help                  bool
	cursors                                  map[string]int
	touched                                  map[string]bool
	shown                                    string
}

func snapshot[S formState[S, P], P ~int](sc *formScreen[S, P]) screenState {
	return screenState{sc.focus, sc.listScroll, sc.helpScroll, sc.cmdScroll, sc.status, sc.question,
		sc.statusErr, sc.asking, sc.help, maps.Clone(sc.cursors), maps.Clone(sc.touched), sc.s.Current().Key}
}

// View changes no state: every view case of both wizards, drawn at two
// sizes and twice, leaves the screen as it was; the scroll offsets that
// keys move are kept in bounds by Update instead (TestFormScrollBounds).
func TestFormViewsArePure(t *testing.T) {
	check := func(t *testing.T, view func() string, size func(w, h int), before func() screenState) {
		for _, sz := range [][2]int{{80, 25}, {120, 40}, {40, 10}} {
			size(sz[0], sz[1])
			st := before()
			first := view()
			if after := before(); !reflect.DeepEqual(st, after) {
				t.Fatalf("%dx%d: View changed the screen: %+v -> %+v", sz[0], sz[1], st, after)
			}
			if second := view(); second != first {
				t.Fatalf("%dx%d: a second View differs", sz[0], sz[1])
			}
		}
	}
	for _, c := range viewCases() {
		t.Run("wizard/"+c.name, func(t *testing.T) {
			m := c.make(t)
			check(t, m.View, func(w, h int) { m.Update(tea.WindowSizeMsg{Width: w, Height: h}) },
				func() screenState { return snapshot(&m.formScreen) })
		})
	}
	for _, c := range mediaViewCases() {
		t.Run("media/"+c.name, func(t *testing.T) {
			m := c.make(t)
			check(t, m.View, func(w, h int) { m.Update(tea.WindowSizeMsg{Width: w, Height: h}) },
				func() screenState { return snapshot(&m.formScreen) })
		})
	}
}

// The help and the Summary's list scroll in Update, within what there is:
// scrolling far down and back up one row is one row above the end, in
// both wizards, and a smaller window brings the offset back in bounds.
func TestFormScrollBounds(t *testing.T) {
	keys := func(u func(tea.Msg) (tea.Model, tea.Cmd), k tea.KeyType, n int) {
		for i := 0; i < n; i++ {
			u(tea.KeyMsg{Type: k})
		}
	}
	type screen struct {
		name   string
		update func(tea.Msg) (tea.Model, tea.Cmd)
		sc     func() (help, list int, lines, h int)
	}
	wm := at(t, filled(wizard.FlowBuild), wizard.PageSummary)
	mm := mediaAt(t, mediaFilled(), mediawiz.PageSummary)
	for _, s := range []screen{
		{"wizard", wm.Update, func() (int, int, int, int) {
			rw, h := wm.pageSize()
			return wm.helpScroll, wm.listScroll, len(wm.buildPage(rw).lines), h
		}},
		{"media", mm.Update, func() (int, int, int, int) {
			rw, h := mm.pageSize()
			return mm.helpScroll, mm.listScroll, len(mm.buildPage(rw).lines), h
		}},
	} {
		t.Run(s.name, func(t *testing.T) {
			s.update(tea.WindowSizeMsg{Width: 80, Height: 25})
			s.update(tea.KeyMsg{Type: tea.KeyF1})
			keys(s.update, tea.KeyDown, 200)
			help, _, lines, h := s.sc()
			if help != lines-h {
				t.Fatalf("help scrolled to %d, the end is %d", help, lines-h)
			}
			keys(s.update, tea.KeyUp, 1)
			if help, _, _, _ := s.sc(); help != lines-h-1 {
				t.Fatalf("one up from the end: %d, want %d", help, lines-h-1)
			}
			s.update(tea.KeyMsg{Type: tea.KeyEsc})
			s.update(tea.WindowSizeMsg{Width: 80, Height: 12})
			keys(s.update, tea.KeyPgDown, 50)
			_, list, _, _ := s.sc()
			if list <= 0 {
				t.Fatalf("pgdown did not scroll the Summary's list: %d", list)
			}
			s.update(tea.WindowSizeMsg{Width: 120, Height: 60})
			if _, l2, _, _ := s.sc(); l2 >= list {
				t.Fatalf("a taller window keeps the list scrolled at %d (was %d)", l2, list)
			}
		})
	}
}

// On the media wizard's Summary too, pgdown only scrolls: writing takes
// ctrl+n (the same screen as the task sequence wizard's), and ctrl+s on
// an invalid page goes to it with its first error focused.
func TestMediaSummaryPagingDoesNotWrite(t *testing.T) {
	m := mediaAt(t, mediaFilled(), mediawiz.PageSummary)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 12})
	for i := 0; i < 5; i++ {
		if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyPgDown}); cmd != nil || m.w.Writing || m.w.CurrentID() != mediawiz.PageSummary {
			t.Fatalf("pgdown on the Summary: writing %v, on %s", m.w.Writing, m.w.CurrentID())
		}
	}
	m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	if m.w.CurrentID() != mediawiz.PageSummary {
		t.Fatalf("pgup on the Summary left it: %s", m.w.CurrentID())
	}

	m = mediaFilled()
	m.w.A.Label = "BAD LABEL"
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlS})
	if m.w.CurrentID() != mediawiz.PageCustom || m.focused() == nil || m.focused().Key != "label" || !m.statusErr {
		t.Fatalf("ctrl+s with a bad label: on %s, focus %v, status %q", m.w.CurrentID(), m.focused(), m.status)
	}
}

// Text fields are edited by bubbles' textinput, in both wizards, with
// the wizard state the source of truth: word moves (alt+b/f, alt+←/→),
// alt+letter never typed, word deletes, a paste kept on one line, the
// character limit (a longer value from an answers file is kept, not cut),
// and the cursor drawn where typing goes.
func TestFormTextInput(t *testing.T) {
	keys := func(u func(tea.Msg) (tea.Model, tea.Cmd), ks ...any) {
		for _, k := range ks {
			switch k := k.(type) {
			case string:
				for _, r := range k {
					u(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				}
			case tea.KeyType:
				u(tea.KeyMsg{Type: k})
			case tea.KeyMsg:
				u(k)
			}
		}
	}
	alt := func(r rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: true} }

	w := filled(wizard.FlowBuild)
	m := at(t, w, wizard.PageInfo)
	m.th = screenTheme(t, "mono", false)
	if f := m.focused(); f == nil || f.Key != "name" {
		t.Fatalf("focus on %v", f)
	}
	w.A.Name = ""
	keys(m.Update, "one two three")
	pos := func() int { return m.cursors["info.name"] }
	keys(m.Update, alt('b'))
	if w.A.Name != "one two three" || pos() != 8 {
		t.Fatalf("alt+b: %q at %d", w.A.Name, pos())
	}
	keys(m.Update, alt('x'), alt('é'))
	if w.A.Name != "one two three" || pos() != 8 {
		t.Fatalf("alt+letter typed: %q at %d", w.A.Name, pos())
	}
	keys(m.Update, tea.KeyMsg{Type: tea.KeyLeft, Alt: true})
	if pos() != 4 {
		t.Fatalf("alt+left: %d", pos())
	}
	keys(m.Update, alt('f'), tea.KeyMsg{Type: tea.KeyRight, Alt: true})
	if pos() != 13 {
		t.Fatalf("alt+f, alt+right: %d", pos())
	}
	keys(m.Update, tea.KeyMsg{Type: tea.KeyBackspace, Alt: true})
	if w.A.Name != "one two " || pos() != 8 {
		t.Fatalf("alt+backspace: %q at %d", w.A.Name, pos())
	}
	keys(m.Update, tea.KeyHome, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a\r\nb\tc "), Paste: true})
	if !strings.HasPrefix(w.A.Name, "a b") || strings.ContainsAny(w.A.Name, "\r\n\t") {
		t.Fatalf("paste: %q", w.A.Name)
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	if out := m.View(); !strings.Contains(out, "|") {
		t.Errorf("no cursor drawn in the mono theme:\n%s", out)
	}
	// The limit: typing stops there; a longer value is not cut.
	f := m.focused()
	w.A.Name = strings.Repeat("n", f.Max)
	delete(m.cursors, "info.name")
	keys(m.Update, "xyz")
	if w.A.Name != strings.Repeat("n", f.Max) {
		t.Fatalf("typed past the limit of %d: %d characters", f.Max, len(w.A.Name))
	}
	w.A.Name = strings.Repeat("n", f.Max+5)
	keys(m.Update, tea.KeyLeft, tea.KeyBackspace)
	if len(w.A.Name) != f.Max+4 {
		t.Fatalf("a long value was cut: %d characters", len(w.A.Name))
	}

	// The media wizard's variables are edited the same way.
	mm := mediaAt(t, mediaFilled(), mediawiz.PageCustom)
	mm.w.A.Vars = nil
	keys(mm.Update, "OSDComputerName=REF 01", alt('b'), alt('q'), "X")
	if got := mm.w.A.Vars; len(got) != 1 || got[0] != "OSDComputerName=REF X01" {
		t.Fatalf("variables: %q", got)
	}
}

// screenFits draws a screen at a size: no more rows than the height, no
// row wider than the width (checkFits).
func screenFits(t *testing.T, name string, m tea.Model, w, h int) {
	t.Helper()
	t.Run(fmt.Sprintf("%dx%d/%s", w, h, name), func(t *testing.T) {
		m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		checkFits(t, m.View(), w, h)
	})
}

// themedView draws a screen in a built-in theme built for a true-color
// terminal with a dark background, escape sequences and all, in a
// language; make builds the screen with the theme.
func themedView(t *testing.T, name string, noColor bool, lang wizard.Lang, w, h int, make func(th *themes.Theme) tea.Model) string {
	t.Helper()
	old := wizard.CurrentLang()
	wizard.SetLang(lang)
	defer wizard.SetLang(old)
	th, ok := themes.Get(name)
	if !ok {
		t.Fatalf("no theme %s", name)
	}
	if noColor {
		th = th.WithoutColor()
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	m := make(th.For(r))
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m.View()
}

// ctrl+v asks for the clipboard (textinput's Paste command, not run
// here: it reads the machine's clipboard) in a text field and in a media
// variable line; any other key asks for nothing (no cursor blink ticks).
func TestFormPasteAsksForTheClipboard(t *testing.T) {
	w := filled(wizard.FlowBuild)
	m := at(t, w, wizard.PageInfo)
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlV}); cmd == nil {
		t.Error("ctrl+v in the name asked for nothing")
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyLeft}); cmd != nil {
		t.Error("← asked for something (a blink tick?)")
	}
	mm := mediaAt(t, mediaFilled(), mediawiz.PageCustom)
	if _, cmd := mm.Update(tea.KeyMsg{Type: tea.KeyCtrlV}); cmd == nil {
		t.Error("ctrl+v in the variables asked for nothing")
	}
}
