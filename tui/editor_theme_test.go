package tui

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// editorIn opens the example in a theme and a language: a Korean
// sequence carries the Korean names the wizard writes.
func editorIn(t *testing.T, name string, noColor bool, lang wizard.Lang) *EditorModel {
	t.Helper()
	m, _ := editorExampleIn(t, lang)
	m.path = "build-and-capture.toml"
	m.th = screenTheme(t, name, noColor)
	if lang != wizard.English {
		m.ed.Sequence().Name = "Windows 11 Enterprise 빌드 및 캡처"
		m.ed.Sequence().Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
			it.Name = wizard.LocalName(lang, it.Name)
			return true
		})
		m.validate()
	}
	return m
}

// Every built-in theme, at 80x25 and 120x40, in English and Korean, of
// the tree with the Properties tab of Apply Windows Settings: golden
// files (escape sequences and all), every line within the width, the
// ascii theme ASCII only (apart from the Korean text), mono and ascii
// without escapes, no English label on a Korean screen.
func TestEditorThemeViews(t *testing.T) {
	for _, name := range themes.Names() {
		for _, sz := range themeSizes {
			for _, lang := range wizard.Langs() {
				t.Run(fmt.Sprintf("%s/%s-%dx%d", name, lang, sz[0], sz[1]), func(t *testing.T) {
					m := editorIn(t, name, false, lang)
					press(m, "jjjjj", tea.KeyEnter, tea.KeyTab)
					m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
					out := m.View()
					golden.RequireEqual(t, []byte(out))
					checkScreenFits(t, out, sz[0], sz[1])
					if n := len(strings.Split(out, "\n")); n != sz[1] {
						t.Errorf("%d rows, the screen has %d", n, sz[1])
					}
					th := m.th
					if th.NoColor && strings.ContainsRune(out, '\x1b') {
						t.Errorf("%s draws escape sequences", name)
					}
					if !th.NoColor && !strings.ContainsRune(out, '\x1b') {
						t.Errorf("%s draws no color", name)
					}
					if name == "ascii" {
						checkASCII(t, out, lang)
					}
					plain := ansi.Strip(out)
					if !strings.Contains(plain, m.edtx("tab.props")) || !strings.Contains(plain, stepFieldLabelsKOorEN(m, "registered_user")) {
						t.Errorf("not the Properties tab of Apply Windows Settings:\n%s", plain)
					}
					if lang == wizard.Korean {
						for _, en := range []string{"Properties", "Options", "Task Sequence Editor", "User name", "Problems", " more", "select", "save"} {
							if strings.Contains(plain, en) {
								t.Errorf("English %q on a Korean screen", en)
							}
						}
					}
				})
			}
		}
	}
}

func stepFieldLabelsKOorEN(m *EditorModel, key string) string {
	return m.localLabels(stepFieldLabels, stepFieldLabelsKO)[key]
}

// NO_COLOR / --no-color: no escape sequence on any screen of the editor
// in any theme and language, every line within 80x25, and the text
// cursor still shows (a glyph instead of reverse video).
func TestEditorNoColorNoEscapes(t *testing.T) {
	for _, name := range themes.Names() {
		for _, lang := range wizard.Langs() {
			for _, st := range editorStates() {
				m := editorIn(t, name, true, lang)
				st.do(m)
				m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
				out := m.View()
				if strings.ContainsRune(out, '\x1b') {
					t.Fatalf("%s/%s/%s with no color draws escapes:\n%q", name, lang, st.name, out)
				}
				checkScreenFits(t, out, 80, 25)
				if st.name == "capture" && !strings.Contains(out, "_") && !strings.Contains(out, "|") {
					t.Errorf("%s/%s: no text cursor", name, lang)
				}
			}
		}
	}
}

// The ascii theme draws ASCII only on every screen of the editor (the
// Korean text apart).
func TestEditorASCIIEveryScreen(t *testing.T) {
	for _, lang := range wizard.Langs() {
		for _, st := range editorStates() {
			for _, sz := range themeSizes {
				m := editorIn(t, "ascii", false, lang)
				st.do(m)
				m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				out := m.View()
				checkASCII(t, out, lang)
				checkScreenFits(t, out, sz[0], sz[1])
			}
		}
	}
}

// Korean screens fit 80x25 and 120x40 (wide characters count two cells)
// and keep no English scroll hint.
func TestEditorKoreanFits(t *testing.T) {
	for _, st := range editorStates() {
		for _, sz := range append(themeSizes, [2]int{60, 16}) {
			m := editorIn(t, "default", false, wizard.Korean)
			st.do(m)
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			out := m.View()
			checkScreenFits(t, out, sz[0], sz[1])
			if strings.Contains(ansi.Strip(out), "more") {
				t.Errorf("%s: an English scroll hint on a Korean screen", st.name)
			}
		}
	}
}

// In Windows PE the layout is capped at 80x25 whatever the console
// buffer reports.
func TestEditorMaxSize(t *testing.T) {
	m := editorIn(t, "ascii", false, wizard.English)
	m.maxW, m.maxH = 80, 25
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 9001})
	out := m.View()
	checkScreenFits(t, out, 80, 25)
	if n := len(strings.Split(out, "\n")); n != 25 {
		t.Errorf("%d rows", n)
	}
}

// A step added to a Korean sequence is named in Korean (the editor's
// name of its type, from the seed document's table), as one undoable
// change; a new group is 새 그룹.
func TestEditorKoreanAdd(t *testing.T) {
	m := editorIn(t, "default", false, wizard.Korean)
	es := addEntries()
	sel := -1
	for i, e := range es {
		if e.info != nil && e.info.Type == "partition-disk" {
			sel = i
		}
	}
	press(m, "a")
	for i := 0; i < sel; i++ {
		press(m, tea.KeyDown)
	}
	n := countItems(m.ed.Sequence())
	press(m, tea.KeyEnter)
	it := m.ed.Selected()
	if it == nil || it.Type != "partition-disk" || it.Name != "디스크 포맷 및 파티션 만들기" {
		t.Fatalf("added %+v", it)
	}
	if countItems(m.ed.Sequence()) != n+1 {
		t.Fatal("not one more item")
	}
	press(m, tea.KeyEsc, tea.KeyCtrlZ)
	if countItems(m.ed.Sequence()) != n {
		t.Fatal("one undo does not take the step back")
	}
	press(m, tea.KeyCtrlY)
	if it := m.ed.Selected(); it == nil || it.Name != "디스크 포맷 및 파티션 만들기" {
		t.Fatalf("redo: %+v", it)
	}
	press(m, "g")
	if it := m.ed.Selected(); it == nil || !it.IsGroup() || it.Name != "새 그룹" {
		t.Fatalf("group %+v", it)
	}
	// Into a group: enter on a group adds under it.
	press(m, "a", tea.KeyDown, tea.KeyEnter)
	if it := m.ed.Selected(); it == nil || it.Name != stepNamesKO[es[1].info.Type] || len(m.ed.Selection()) < 2 {
		t.Fatalf("under the group: %+v at %v", it, m.ed.Selection())
	}
	// The catalogue shows the Korean editor and wizard names.
	press(m, tea.KeyEsc, "a")
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 60})
	out := ansi.Strip(m.View())
	for _, s := range []string{"디스크 포맷 및 파티션 만들기", "드라이버 자동 적용", "소프트웨어 업데이트 설치", "도메인 또는 작업 그룹 가입", "운영 체제 이미지 캡처", "마법사: 디스크 0 파티션", "마법사: 장치 드라이버 적용", "마법사: 참조 컴퓨터 캡처", "일반", "이미지"} {
		if !strings.Contains(out, s) {
			t.Errorf("the Add catalogue lacks %q:\n%s", s, out)
		}
	}
	// In English a new step keeps the editor's English name.
	e, _ := editorExample(t)
	press(e, "a", tea.KeyDown, tea.KeyEnter)
	if it := e.ed.Selected(); it == nil || it.Name != es[1].info.EditorName {
		t.Fatalf("English: %+v", it)
	}
}

func countItems(s *sequence.Sequence) int {
	n := 0
	s.Walk(func(*sequence.Item, []*sequence.Item) bool { n++; return true })
	return n
}

// Every editor text is in every language with the same format verbs;
// every step property, list field, step type and Add category has its
// Korean words.
func TestEditorTextComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d+\])?[sdqv%]`)
	norm := func(s string) string {
		v := verbs.FindAllString(s, -1)
		for i, x := range v {
			v[i] = x[len(x)-1:]
		}
		sort.Strings(v)
		return strings.Join(v, "")
	}
	pairs := []struct {
		name   string
		en, ko map[string]string
	}{
		{"editorText", editorTextEN, editorTextKO},
		{"stepFieldLabels", stepFieldLabels, stepFieldLabelsKO},
		{"listLabels", listLabels, listLabelsKO},
	}
	for _, p := range pairs {
		for k, v := range p.en {
			w, ok := p.ko[k]
			if !ok {
				t.Errorf("%s: ko lacks %q", p.name, k)
				continue
			}
			if norm(v) != norm(w) {
				t.Errorf("%s %q: verbs differ (%q, %q)", p.name, k, v, w)
			}
		}
		for k := range p.ko {
			if _, ok := p.en[k]; !ok {
				t.Errorf("%s: en lacks %q", p.name, k)
			}
		}
	}
	for _, si := range sequence.StepTypes() {
		if stepNamesKO[si.Type] == "" {
			t.Errorf("step type %s has no Korean name", si.Type)
		}
		if _, ok := editorTextKO["cat."+si.Category]; !ok {
			t.Errorf("category %s has no Korean name", si.Category)
		}
		if n := (texts{wizard.Korean}).stepWizardName(si); n == si.WizardName {
			t.Errorf("the wizard name %q of %s has no Korean name", si.WizardName, si.Type)
		}
		// Every property has a label in both languages.
		it := sequence.NewStep(si.Type)
		if it.Props == nil {
			continue
		}
		pt := reflect.TypeOf(it.Props).Elem()
		for i := 0; i < pt.NumField(); i++ {
			k := pt.Field(i).Tag.Get("toml")
			if k == "" || k == "-" {
				continue
			}
			if _, ok := stepFieldLabels[k]; !ok {
				t.Errorf("%s.%s has no label", si.Type, k)
			}
		}
	}
}

// Undo and redo say what they take back in the screen's language; in
// English the labels are edit.Editor's own.
func TestEditorUndoText(t *testing.T) {
	for _, l := range []string{"add group", "add Run Command Line", "remove X", "move X up", "move X down", "move X into G",
		"move X out of its group", "paste X", "paste condition", "rename", "add to partitions", "remove from applications", "move in variables", "Disk number"} {
		if got := (texts{wizard.English}).undoText(l); got != l {
			t.Errorf("en %q: %q", l, got)
		}
		if got := (texts{wizard.Korean}).undoText(l); l != "Disk number" && got == l {
			t.Errorf("ko %q: not translated", l)
		}
	}
	if got := (texts{wizard.Korean}).undoText("move 운영 체제 적용 into 참조 컴퓨터 빌드"); got != "운영 체제 적용을(를) 참조 컴퓨터 빌드(으)로 이동" {
		t.Errorf("%q", got)
	}
}
