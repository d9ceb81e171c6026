package tui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// Issue 15: there is no language of the process. An English and a Korean
// wizard, media wizard, editor, run view, line-prompt wizard and plain
// reporter in one process work at the same time, each in its own
// language: driven in goroutines (go test -race ./tui/ -run
// TwoLanguages), each says exactly what it says alone, in its language
// (labels, a validation error, a new step's name, the screens).
func TestTwoLanguagesAtOnce(t *testing.T) {
	type prepared struct {
		editor *EditorModel
		events []engine.Event
		dirs   []string
	}
	const runs = 3 // goroutines per language
	prep := map[wizard.Lang][]prepared{}
	for _, lang := range wizard.Langs() {
		events := localEvents(realRun(t), lang) // read by every run
		for i := 0; i <= runs; i++ {
			ed, _ := editorExampleIn(t, lang)
			p := prepared{editor: ed, events: events}
			for j := 0; j < 2; j++ {
				p.dirs = append(p.dirs, t.TempDir())
			}
			prep[lang] = append(prep[lang], p)
		}
	}
	// Alone first: what each language says.
	alone := map[wizard.Lang]string{}
	for _, lang := range wizard.Langs() {
		alone[lang] = langScenario(lang, prep[lang][0].editor, prep[lang][0].events, prep[lang][0].dirs)
	}
	// Each language in its own words, never the other's.
	marks := map[wizard.Lang][]string{
		wizard.English: {"label: Task sequence name", "page: Task Sequence Information", "step: Build the Reference Computer",
			"a capture destination is a .wim file", "Task Sequence Media Wizard", "Running:", "Task Sequence Editor", "Failed step"},
		wizard.Korean: {"label: 작업 순서 이름", "page: 작업 순서 정보", "step: 참조 컴퓨터 빌드", ".wim 파일입니다",
			"작업 순서 미디어 만들기 마법사", "실행 중", "작업 순서 편집기", "실패한 단계"},
	}
	for lang, ms := range marks {
		for other, os := range marks {
			for _, m := range ms {
				if other == lang && !strings.Contains(alone[lang], m) {
					t.Errorf("%s lacks %q:\n%s", lang, m, alone[lang])
				}
			}
			if other != lang {
				for _, m := range os[:4] {
					if strings.Contains(alone[lang], m) {
						t.Errorf("%s says the %s %q", lang, other, m)
					}
				}
			}
		}
	}
	if alone[wizard.English] == alone[wizard.Korean] {
		t.Fatal("both languages say the same")
	}
	// Then all at once.
	var wg sync.WaitGroup
	got := map[wizard.Lang][]string{}
	var mu sync.Mutex
	for _, lang := range wizard.Langs() {
		for i := 1; i <= runs; i++ {
			wg.Add(1)
			go func(lang wizard.Lang, p prepared) {
				defer wg.Done()
				s := langScenario(lang, p.editor, p.events, p.dirs)
				mu.Lock()
				got[lang] = append(got[lang], s)
				mu.Unlock()
			}(lang, prep[lang][i])
		}
	}
	wg.Wait()
	for _, lang := range wizard.Langs() {
		if len(got[lang]) != runs {
			t.Fatalf("%s: %d runs", lang, len(got[lang]))
		}
		for i, s := range got[lang] {
			if s != alone[lang] {
				t.Errorf("%s, run %d at the same time as the other language, differs from alone:\n%s\n--- alone:\n%s", lang, i, s, alone[lang])
			}
		}
	}
}

// langScenario drives one of each screen in a language and returns what
// they said. It uses no *testing.T: it runs in goroutines.
func langScenario(lang wizard.Lang, ed *EditorModel, events []engine.Event, dirs []string) string {
	var b strings.Builder
	say := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	// The wizard: a label, a page title, a validation error of the
	// engine's check, the names of the steps of a new sequence.
	w := filledIn(wizard.FlowBuild, lang)
	say("label: %s", wizard.PageByID(wizard.PageInfo).Field("name").Label(w))
	say("page: %s", wizard.PageByID(wizard.PageInfo).Title(w))
	dest := wizard.PageByID(wizard.PageCapture).Field("destination")
	keep := w.A.CaptureDest
	w.A.CaptureDest = "x"
	say("error: %v", dest.Error(w))
	w.A.CaptureDest = keep
	seq, err := w.Sequence()
	if err != nil {
		say("sequence: %v", err)
	} else {
		seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
			say("step: %s", it.Name)
			return true
		})
	}

	// Its screen: the first page, then Info with the name left empty
	// and Next pressed (the page's problems).
	m := NewWizardModel(filledIn(wizard.FlowBuild, lang), WizardOptions{})
	say("%s", render(m, 80, 25))
	m.w.A.Name = ""
	for m.w.CurrentID() != wizard.PageInfo {
		_ = m.w.Next()
	}
	m.enterPage()
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlN})
	say("%s", render(m, 80, 25))

	// The media wizard's screen, on its Summary.
	mm := mediaFilledIn(lang)
	for mm.w.CurrentID() != mediawiz.PageSummary && mm.w.Next() == nil {
	}
	mm.enterPage()
	mm.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	say("%s", ansi.Strip(mm.View()))

	// The editor: a new step added, and the screen.
	ed.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	press(ed, "a", tea.KeyDown, tea.KeyEnter)
	if it := ed.ed.Selected(); it != nil {
		say("new step: %s", it.Name)
	}
	say("%s", ansi.Strip(ed.View()))

	// The run view, running and failed.
	say("%s", ansi.Strip(runningModel(nil, lang, 80, 25).View()))
	rm := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: newRunClock().now, Lang: lang})
	rm.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	rm.feed(events...)
	rm.Update(runDoneMsg{res: events[len(events)-1].(engine.RunFinished).Result})
	say("%s", ansi.Strip(rm.View()))

	// The plain reporter and the line-prompt wizard.
	var plain bytes.Buffer
	pr := &PlainReporter{W: &plain, Lang: lang}
	for _, e := range events {
		pr.Event(e)
	}
	say("%s", plain.String())
	out := filepath.Join(dirs[0], "build.toml")
	var transcript bytes.Buffer
	res, err := RunAccessible(wizard.New(testEnv(), lang), AccessibleOptions{}, strings.NewReader(strings.Join(buildAnswers(out), "\n")+"\n"), &transcript)
	say("accessible: written=%v err=%v", res.Written == out, err)
	say("%s", strings.ReplaceAll(transcript.String(), dirs[0], "DIR"))
	return b.String()
}
