package tui

import (
	"fmt"
	"io"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// screenState is everything of the form screen a key may change.
type screenState struct {
	focus, listTop, cmdScroll int
	helpView, listView        viewport.Model
	status, question          string
	statusErr, asking, help   bool
	cursors                   map[string]int
	touched                   map[string]bool
	shown                     string
}

func snapshot[S formState[S, P], P ~int](sc *formScreen[S, P]) screenState {
	return screenState{sc.focus, sc.listTop, sc.cmdScroll, sc.helpView, sc.listView, sc.status, sc.question,
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
			return wm.helpView.YOffset, wm.listView.YOffset, len(wm.buildPage(rw).lines), h
		}},
		{"media", mm.Update, func() (int, int, int, int) {
			rw, h := mm.pageSize()
			return mm.helpView.YOffset, mm.listView.YOffset, len(mm.buildPage(rw).lines), h
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

// helpRows is the page pane as drawn (ANSI stripped, trimmed), the
// lines of the help it scrolls through and the pane's height.
func helpRows[S formState[S, P], P ~int](sc *formScreen[S, P]) (rows, help []string) {
	rw, h := sc.pageSize()
	for _, l := range sc.pageLines(rw, h) {
		rows = append(rows, strings.TrimRight(ansi.Strip(l), " "))
	}
	for _, l := range sc.helpPage(rw).lines {
		help = append(help, strings.TrimRight(ansi.Strip(l), " "))
	}
	return rows, help
}

// checkHelpScrolls opens the help at 80x25 and scrolls it: going down a
// line at a time until "↓ more" goes shows every line of the help (the
// hint never claims the end early), end shows the last line under "↑
// more" and no "↓ more", home the first without "↑ more"; resizing while
// scrolled keeps the offset within the help, and a second View is the
// same and changes nothing.
func checkHelpScrolls[S formState[S, P], P ~int](t *testing.T, sc *formScreen[S, P], update func(tea.Msg) (tea.Model, tea.Cmd), view func() string) {
	t.Helper()
	up, down := sc.localMore(sc.th.Symbols.MoreUp), sc.localMore(sc.th.Symbols.MoreDown)
	update(tea.WindowSizeMsg{Width: 80, Height: 25})
	update(tea.KeyMsg{Type: tea.KeyF1})
	rows, help := helpRows(sc)
	if rows[len(rows)-1] != down || rows[0] == up {
		t.Fatalf("the help at its top: first %q, last %q (the test needs a help longer than the pane)", rows[0], rows[len(rows)-1])
	}
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		rows, _ = helpRows(sc)
		for _, r := range rows {
			seen[r] = true
		}
		if rows[len(rows)-1] != down {
			break
		}
		update(tea.KeyMsg{Type: tea.KeyDown})
	}
	for _, l := range help {
		if !seen[l] {
			t.Errorf("scrolling to the end never showed %q", l)
		}
	}
	update(tea.KeyMsg{Type: tea.KeyHome})
	update(tea.KeyMsg{Type: tea.KeyEnd})
	rows, _ = helpRows(sc)
	if rows[0] != up || rows[len(rows)-1] != help[len(help)-1] {
		t.Fatalf("end: first row %q, last %q; the help ends with %q", rows[0], rows[len(rows)-1], help[len(help)-1])
	}
	for _, r := range rows {
		if r == down {
			t.Fatalf("end still says %q", down)
		}
	}
	// Resizing while scrolled keeps the offset within the help, and the
	// hints tell the truth at every size; a taller pane that holds what
	// was below shows the end.
	for _, sz := range [][2]int{{120, 40}, {80, 12}, {80, 25}} {
		update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		rows, help = helpRows(sc)
		off := sc.helpView.YOffset
		checkHints(t, fmt.Sprintf("%dx%d help", sz[0], sz[1]), rows, help, off, up, down)
		if sz[0] == 120 && off != max(0, len(help)-len(rows)) {
			t.Fatalf("120x40: the help is not at its end: %d of %d lines in %d rows", off, len(help), len(rows))
		}
	}
	update(tea.KeyMsg{Type: tea.KeyEnd})
	before := snapshot(sc)
	if first, second := view(), view(); first != second || !reflect.DeepEqual(before, snapshot(sc)) {
		t.Fatal("View changed the screen or drew it twice differently")
	}
	update(tea.KeyMsg{Type: tea.KeyHome})
	rows, _ = helpRows(sc)
	if rows[0] == up || rows[0] != help[0] || rows[len(rows)-1] != down {
		t.Fatalf("home: first row %q, last %q", rows[0], rows[len(rows)-1])
	}
}

// checkHints checks the rows of a pane scrolled to off over lines: the
// offset is within them, "↑ more" shows exactly when lines are above and
// "↓ more" when lines are below, and the other rows are the lines.
func checkHints(t *testing.T, what string, rows, lines []string, off int, up, down string) {
	t.Helper()
	h := len(rows)
	if end := max(0, len(lines)-h); off < 0 || off > end {
		t.Fatalf("%s: offset %d outside 0..%d", what, off, end)
	}
	above, below := off > 0, off+h < len(lines)
	if (rows[0] == up) != above || (rows[h-1] == down) != below {
		t.Fatalf("%s: offset %d of %d lines in %d rows: first row %q, last %q", what, off, len(lines), h, rows[0], rows[h-1])
	}
	for i := 1; i < h-1; i++ {
		want := ""
		if off+i < len(lines) {
			want = lines[off+i]
		}
		if rows[i] != want {
			t.Fatalf("%s: row %d is %q, want %q", what, i, rows[i], want)
		}
	}
}

func TestFormHelpScrollsToItsEnd(t *testing.T) {
	for _, theme := range []string{"default", "ascii"} {
		t.Run("wizard/"+theme, func(t *testing.T) {
			m := at(t, filled(wizard.FlowBuild), wizard.PageApps)
			m.th = screenTheme(t, theme, false)
			checkHelpScrolls(t, &m.formScreen, m.Update, m.View)
		})
		t.Run("media/"+theme, func(t *testing.T) {
			m := mediaAt(t, mediaFilled(), mediawiz.PageBoot)
			m.th = screenTheme(t, theme, false)
			checkHelpScrolls(t, &m.formScreen, m.Update, m.View)
		})
	}
}

// The Summary's list scrolls in its viewport: resizing while scrolled to
// its end keeps the offset within the list and its last line in view;
// the "more" hints say what is above and below.
func TestFormSummaryListResize(t *testing.T) {
	m := at(t, filled(wizard.FlowBuild), wizard.PageSummary)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	for i := 0; i < 20; i++ {
		m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	}
	up, down := m.localMore(m.th.Symbols.MoreUp), m.localMore(m.th.Symbols.MoreDown)
	for _, sz := range [][2]int{{80, 25}, {80, 10}, {120, 40}, {200, 60}, {80, 25}} {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		rw, h := m.pageSize()
		var rows, page []string
		for _, l := range m.pageLines(rw, h) {
			rows = append(rows, strings.TrimRight(ansi.Strip(l), " "))
		}
		for _, l := range m.formPage(rw).lines {
			page = append(page, strings.TrimRight(ansi.Strip(l), " "))
		}
		checkHints(t, fmt.Sprintf("%dx%d list", sz[0], sz[1]), rows, page, m.listTop+m.listView.YOffset, up, down)
	}
	// Scrolled to the end, a larger window still shows the end.
	for i := 0; i < 20; i++ {
		m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if !m.listView.AtBottom() {
		t.Fatalf("120x40: the list scrolled to its end is not at its end: %d", m.listView.YOffset)
	}
}

// On the Summary, with the list of choices focused, home and end go to
// the list's start and end (and write nothing).
func TestFormSummaryListHomeEnd(t *testing.T) {
	m := at(t, filled(wizard.FlowBuild), wizard.PageSummary)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	m.Update(tea.KeyMsg{Type: tea.KeyPgDown}) // focuses the list and scrolls it
	if m.listView.AtBottom() {
		t.Skip("the list fits at 80x25: nothing to scroll")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if !m.listView.AtBottom() {
		t.Fatalf("end: the list is at %d, not at its end", m.listView.YOffset)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	if !m.listView.AtTop() {
		t.Fatalf("home: the list is at %d, not at its start", m.listView.YOffset)
	}
	if m.s.CurrentID() != wizard.PageSummary || m.s.Written != "" {
		t.Fatalf("home/end left the Summary or wrote the file (page %v, written %q)", m.s.CurrentID(), m.s.Written)
	}
}
