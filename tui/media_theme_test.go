package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// mediaThemed renders a media wizard page in a theme built for a
// true-color terminal with a dark background, escape sequences and all.
func mediaThemed(t *testing.T, name string, noColor bool, lang wizard.Lang, make func(t *testing.T) *MediaModel, w, h int) string {
	t.Helper()
	return themedView(t, name, noColor, lang, w, h, func(th *themes.Theme) tea.Model {
		m := make(t)
		m.th = th
		return m
	})
}

func mediaPage(id mediawiz.PageID, lang wizard.Lang) func(t *testing.T) *MediaModel {
	return func(t *testing.T) *MediaModel { return mediaAt(t, mediaFilledIn(lang), id) }
}

// Every built-in theme, at 80x25 and 120x40, in English and Korean, on
// the first page and the Summary: golden files (escape sequences kept),
// each line within the width, the ascii theme ASCII only (Hangul apart),
// mono and ascii without escapes (go test ./tui/ -run MediaThemeViews
// -update).
func TestMediaThemeViews(t *testing.T) {
	for _, name := range themes.Names() {
		for _, sz := range themeSizes {
			for _, lang := range wizard.Langs() {
				for _, pg := range []struct {
					name string
					id   mediawiz.PageID
				}{{"type", mediawiz.PageType}, {"summary", mediawiz.PageSummary}} {
					t.Run(fmt.Sprintf("%s/%s-%dx%d-%s", name, lang, sz[0], sz[1], pg.name), func(t *testing.T) {
						out := mediaThemed(t, name, false, lang, mediaPage(pg.id, lang), sz[0], sz[1])
						if *show {
							fmt.Println(out)
						}
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
						if lang == wizard.Korean && strings.Contains(ansi.Strip(out), "Media") {
							t.Errorf("English on a Korean screen:\n%s", ansi.Strip(out))
						}
					})
				}
			}
		}
	}
}

// NO_COLOR (--no-color) turns every built-in theme into one without any
// escape sequence, on every page of the media wizard.
func TestMediaNoColorNoEscapes(t *testing.T) {
	for _, name := range themes.Names() {
		for _, lang := range wizard.Langs() {
			for _, vc := range mediaViewCasesIn(lang) {
				out := mediaThemed(t, name, true, lang, vc.make, 80, 25)
				if strings.ContainsRune(out, '\x1b') {
					t.Errorf("%s/%s/%s with no color draws escapes: %q", name, lang, vc.name, out)
				}
			}
		}
	}
}

// The ascii theme draws every page in ASCII (Korean adds only Hangul).
func TestMediaASCIIEveryPage(t *testing.T) {
	for _, lang := range wizard.Langs() {
		for _, vc := range mediaViewCasesIn(lang) {
			for _, sz := range themeSizes {
				out := mediaThemed(t, "ascii", false, lang, vc.make, sz[0], sz[1])
				t.Run(fmt.Sprintf("%s/%s/%dx%d", lang, vc.name, sz[0], sz[1]), func(t *testing.T) { checkASCII(t, out, lang) })
			}
		}
	}
}

// The media wizard's Korean screens keep every page within 80x25 (and
// 120x40), with no English scroll hint.
func TestMediaKoreanFits(t *testing.T) {
	for _, vc := range mediaViewCasesIn(wizard.Korean) {
		for _, sz := range [][2]int{{80, 25}, {120, 40}, {60, 20}} {
			m := vc.make(t)
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			out := m.View()
			checkScreenFits(t, out, sz[0], sz[1])
			if n := len(strings.Split(out, "\n")); n != sz[1] {
				t.Errorf("%s %dx%d: %d rows", vc.name, sz[0], sz[1], n)
			}
			plain := ansi.Strip(out)
			for _, en := range []string{"more", "Media Type", "Your choices", "Press ", "next  "} {
				if strings.Contains(plain, en) {
					t.Errorf("%s %dx%d: English %q on a Korean screen:\n%s", vc.name, sz[0], sz[1], en, plain)
				}
			}
		}
	}
}

// In Windows PE the layout is capped at 80x25 whatever the console
// buffer reports.
func TestMediaMaxSize(t *testing.T) {
	m := NewMediaWizard(mediaSeq(), "/work/capture.toml", MediaOptions{Env: fakeMediaEnv(), MaxWidth: 80, MaxHeight: 25})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 9001})
	out := m.View()
	checkScreenFits(t, out, 80, 25)
	if n := len(strings.Split(out, "\n")); n != 25 {
		t.Errorf("%d rows", n)
	}
}

var mediaVerbRE = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*([a-zA-Z%])`)

func mediaVerbs(s string) map[int]string {
	out := map[int]string{}
	n := 0
	for _, m := range mediaVerbRE.FindAllStringSubmatch(s, -1) {
		if m[3] == "%" {
			continue
		}
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		} else {
			n++
		}
		out[n] = m[3]
	}
	return out
}

// Every key of the media wizard's screen texts is in both languages,
// with the same format verbs for the same arguments.
func TestMediaTextParity(t *testing.T) {
	for _, l := range wizard.Langs() {
		for _, o := range wizard.Langs() {
			for k, v := range mediaText[l] {
				w, ok := mediaText[o][k]
				if !ok {
					t.Errorf("%s: key %q is missing (it is in %s)", o, k, l)
					continue
				}
				if fmt.Sprint(mediaVerbs(v)) != fmt.Sprint(mediaVerbs(w)) {
					t.Errorf("%q: %s has verbs %v, %s has %v", k, l, mediaVerbs(v), o, mediaVerbs(w))
				}
			}
		}
	}
	// The keys the media wizard takes from the wizard's texts exist in
	// both languages too.
	for _, k := range []string{"title.page", "key.next", "key.prev", "key.field", "key.summary", "key.help", "key.cancel", "key.choose", "key.toggle", "key.scroll", "key.quit", "help.title", "help.text", "more",
		"answers.plain", "answers.page", "answers.choose", "answers.bool", "answers.error", "answers.warning", "answers.eof", "answers.secret", "answers.required", "answers.current"} {
		for _, l := range wizard.Langs() {
			if _, ok := wizardText[l][k]; !ok {
				if _, mine := mediaText[l][k]; !mine {
					t.Errorf("%s: shared key %q is missing", l, k)
				}
			}
		}
	}
}
