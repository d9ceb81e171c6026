package tui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// themed renders a page in a theme built for a true-color terminal with a
// dark background, escape sequences and all.
func themed(t *testing.T, name string, noColor bool, lang wizard.Lang, page wizard.PageID, w, h int) string {
	t.Helper()
	return themedView(t, name, noColor, lang, w, h, func(th *themes.Theme) tea.Model {
		m := at(t, filledIn(wizard.FlowBuild, lang), page)
		m.th, m.opt.Theme = th, th
		return m
	})
}

var themeSizes = [][2]int{{80, 25}, {120, 40}}

// Every built-in theme, at 80x25 and 120x40, in English and Korean, on
// the first page and the Summary: golden files, each line within the
// width, the ascii theme ASCII only, mono and ascii without escapes.
func TestThemeViews(t *testing.T) {
	for _, name := range themes.Names() {
		for _, sz := range themeSizes {
			for _, lang := range wizard.Langs() {
				for _, pg := range []struct {
					name string
					id   wizard.PageID
				}{{"start", wizard.PageStart}, {"summary", wizard.PageSummary}} {
					t.Run(fmt.Sprintf("%s/%s-%dx%d-%s", name, lang, sz[0], sz[1], pg.name), func(t *testing.T) {
						out := themed(t, name, false, lang, pg.id, sz[0], sz[1])
						golden.RequireEqual(t, []byte(out))
						checkScreenFits(t, out, sz[0], sz[1])
						th, _ := themes.Get(name)
						if th.NoColor && strings.ContainsRune(out, '\x1b') {
							t.Errorf("%s draws escape sequences", name)
						}
						if !th.NoColor && !strings.ContainsRune(out, '\x1b') {
							t.Errorf("%s draws no color", name)
						}
						if name == "ascii" {
							checkASCII(t, out, lang)
						}
					})
				}
			}
		}
	}
}

// checkScreenFits fails on a line wider than the screen or too many lines.
func checkScreenFits(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, the screen has %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide (screen %d): %q", i+1, n, w, ansi.Strip(l))
		}
	}
}

// checkASCII: English screens in the ascii theme are ASCII bytes; Korean
// ones add only Hangul (the language), never a symbol or box glyph.
func checkASCII(t *testing.T, out string, lang wizard.Lang) {
	t.Helper()
	for i, r := range out {
		if r < 0x80 {
			continue
		}
		if lang == wizard.Korean && unicode.Is(unicode.Hangul, r) {
			continue
		}
		t.Errorf("non-ASCII %q (U+%04X) at byte %d: %q", r, r, i, out[max(0, i-20):min(len(out), i+20)])
		return
	}
}

// NO_COLOR (--no-color) turns every built-in theme into one without any
// escape sequence, and the text cursor is still shown.
func TestNoColorNoEscapes(t *testing.T) {
	for _, name := range themes.Names() {
		for _, lang := range wizard.Langs() {
			out := themed(t, name, true, lang, wizard.PageInfo, 80, 25)
			if strings.ContainsRune(out, '\x1b') {
				t.Errorf("%s/%s with no color draws escapes: %q", name, lang, out)
			}
			if !strings.Contains(out, "_") && !strings.Contains(out, "|") {
				t.Errorf("%s/%s: no text cursor", name, lang)
			}
		}
	}
}

// The wizard's Korean screens keep every page within 80x25.
func TestKoreanPagesFit(t *testing.T) {
	for _, c := range viewCasesIn(wizard.Korean) {
		for _, sz := range themeSizes {
			m := c.make(t)
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			out := m.View()
			checkScreenFits(t, out, sz[0], sz[1])
			if bytes.Contains([]byte(ansi.Strip(out)), []byte("more")) {
				t.Errorf("%s: an English scroll hint on a Korean screen", c.name)
			}
		}
	}
}

// In Windows PE the layout is capped at 80x25 whatever the console
// buffer reports.
func TestMaxSize(t *testing.T) {
	m := NewWizardModel(filled(wizard.FlowBuild), WizardOptions{MaxWidth: 80, MaxHeight: 25})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 9001})
	out := m.View()
	checkScreenFits(t, out, 80, 25)
	if n := len(strings.Split(out, "\n")); n != 25 {
		t.Errorf("%d rows", n)
	}
}
