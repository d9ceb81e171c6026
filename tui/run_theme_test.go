package tui

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// screenTheme is a built-in theme built for a true-color terminal with a
// dark background (escape sequences and all), as ThemeFor builds it for
// the screen; noColor as --no-color / NO_COLOR.
func screenTheme(t *testing.T, name string, noColor bool) *themes.Theme {
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
	return th.For(r)
}

// localEvents renames the template's groups and steps in events as a
// Korean sequence names them.
func localEvents(evs []engine.Event, l wizard.Lang) []engine.Event {
	if l == wizard.English {
		return evs
	}
	path := func(p string) string {
		parts := strings.Split(p, "/")
		for i, s := range parts {
			parts[i] = wizard.LocalName(l, s)
		}
		return strings.Join(parts, "/")
	}
	out := make([]engine.Event, len(evs))
	for i, e := range evs {
		switch x := e.(type) {
		case engine.RunStarted:
			x.Sequence = "Windows 11 Enterprise 빌드 및 캡처"
			e = x
		case engine.StepStarted:
			x.Name, x.Path = wizard.LocalName(l, x.Name), path(x.Path)
			e = x
		case engine.GroupStarted:
			x.Name, x.Path = wizard.LocalName(l, x.Name), path(x.Path)
			e = x
		case engine.StepFinished:
			x.Result.Name, x.Result.Path = wizard.LocalName(l, x.Result.Name), path(x.Result.Path)
			e = x
		case engine.RunFinished:
			r := *x.Result
			r.Sequence = "Windows 11 Enterprise 빌드 및 캡처"
			r.Steps = append([]engine.StepResult(nil), r.Steps...)
			for j := range r.Steps {
				r.Steps[j].Name, r.Steps[j].Path = wizard.LocalName(l, r.Steps[j].Name), path(r.Steps[j].Path)
			}
			if r.Failed != nil {
				f := *r.Failed
				f.Name, f.Path = wizard.LocalName(l, f.Name), path(f.Path)
				r.Failed = &f
			}
			e = engine.RunFinished{Result: &r}
		}
		out[i] = e
	}
	return out
}

// runningModel is the view in the middle of applying the image.
func runningModel(th *themes.Theme, l wizard.Lang, w, h int) *RunModel {
	c := newRunClock()
	m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: c.now, Theme: th, Lang: l})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	evs := []engine.Event{engine.RunStarted{Sequence: "Build and capture Windows 11 Enterprise", Total: 14}}
	for _, s := range []string{
		"The group (Build the Reference Computer) has been successfully started",
		"The task sequence execution engine skipped the action (Restart in Windows PE) in the group (Build the Reference Computer) because the condition was evaluated to be false",
	} {
		evs = append(evs, engine.Log{Entry: engine.LogEntry{Type: engine.LogInfo, Message: s}})
	}
	evs = append(evs,
		engine.StepFinished{Result: engine.StepResult{Number: 1, Name: "Restart in Windows PE", Outcome: engine.Skipped}},
		engine.StepFinished{Result: engine.StepResult{Number: 2, Name: "Partition Disk 0 - BIOS", Outcome: engine.Skipped}},
		engine.StepStarted{Number: 3, Total: 14, Name: "Partition Disk 0 - UEFI"},
		engine.StepFinished{Result: engine.StepResult{Number: 3, Name: "Partition Disk 0 - UEFI", Outcome: engine.Succeeded}},
		engine.StepStarted{Number: 4, Total: 14, Name: "Apply Operating System", Attempt: 2},
		engine.Log{Entry: engine.LogEntry{Type: engine.LogWarning, Message: "The image has no description."}},
		engine.Log{Entry: engine.LogEntry{Type: engine.LogError, Message: "Failed to read the image header; retrying."}},
		engine.StepProgress{Done: 0, Total: 4831838208, Unit: "bytes"})
	m.feed(localEvents(evs, l)...)
	c.add(20 * time.Second)
	m.feed(engine.StepProgress{Done: 1288490188, Total: 4831838208, Unit: "bytes"})
	c.add(5 * time.Second)
	return m
}

// failedModel is the summary of the example run that fails at the
// partition step (realRun).
func failedModel(t *testing.T, th *themes.Theme, l wizard.Lang, w, h int) *RunModel {
	m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: newRunClock().now, Theme: th, Lang: l})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	evs := localEvents(realRun(t), l)
	m.feed(evs...)
	m.Update(runDoneMsg{res: evs[len(evs)-1].(engine.RunFinished).Result})
	return m
}

// Every built-in theme, at 80x25 and 120x40, in English and Korean, of a
// running step and of the failed summary: golden files (escape sequences
// and all), every line within the width, the ascii theme ASCII only
// (apart from the Korean text), mono and ascii without escapes.
func TestRunThemeViews(t *testing.T) {
	for _, name := range themes.Names() {
		for _, sz := range themeSizes {
			for _, lang := range wizard.Langs() {
				for _, state := range []string{"running", "failed"} {
					t.Run(fmt.Sprintf("%s/%s-%dx%d-%s", name, lang, sz[0], sz[1], state), func(t *testing.T) {
						th := screenTheme(t, name, false)
						var m *RunModel
						if state == "running" {
							m = runningModel(th, lang, sz[0], sz[1])
						} else {
							m = failedModel(t, th, lang, sz[0], sz[1])
						}
						out := m.View()
						golden.RequireEqual(t, []byte(out))
						checkScreenFits(t, out, sz[0], sz[1])
						if n := len(strings.Split(out, "\n")); n != sz[1] {
							t.Errorf("%d rows, the screen has %d", n, sz[1])
						}
						if th.NoColor && strings.ContainsRune(out, '\x1b') {
							t.Errorf("%s draws escape sequences", name)
						}
						if !th.NoColor && !strings.ContainsRune(out, '\x1b') {
							t.Errorf("%s draws no color", name)
						}
						if name == "ascii" {
							checkASCII(t, out, lang)
						}
						if lang == wizard.Korean {
							plain := ansi.Strip(out)
							for _, en := range []string{"Running:", "Step ", "Overall", "elapsed", "Failed step", "What the codes", "Exit code", "close"} {
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
}

// NO_COLOR / --no-color: no escape sequence in any theme, running, asking
// or at the end; scrolling the summary keeps every line within the width.
func TestRunNoColorNoEscapes(t *testing.T) {
	for _, name := range themes.Names() {
		for _, lang := range wizard.Langs() {
			th := screenTheme(t, name, true)
			m := runningModel(th, lang, 80, 25)
			views := []string{m.View()}
			m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
			views = append(views, m.View())
			f := failedModel(t, th, lang, 80, 25)
			views = append(views, f.View())
			for i := 0; i < 40; i++ {
				f.Update(tea.KeyMsg{Type: tea.KeyDown})
				views = append(views, f.View())
			}
			for _, v := range views {
				if strings.ContainsRune(v, '\x1b') {
					t.Fatalf("%s/%s with no color draws escapes: %q", name, lang, v)
				}
				checkScreenFits(t, v, 80, 25)
			}
		}
	}
}

// In Windows PE the layout is capped at 80x25 whatever the console
// buffer reports.
func TestRunMaxSize(t *testing.T) {
	c := newRunClock()
	m := NewRunModel(nil, engine.Options{}, RunViewOptions{Now: c.now, MaxWidth: 80, MaxHeight: 25, Theme: themes.ASCII()})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 9001})
	m.feed(engine.RunStarted{Sequence: "S", Total: 2}, engine.StepStarted{Number: 1, Total: 2, Name: "A"})
	out := m.View()
	checkScreenFits(t, out, 80, 25)
	if n := len(strings.Split(out, "\n")); n != 25 {
		t.Errorf("%d rows", n)
	}
}

// Every run-view text is in every language, with the same format verbs;
// every outcome and status has its words; every known code is explained
// in Korean.
func TestRunTextComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d+\])?[sdqv]`)
	norm := func(s string) string {
		v := verbs.FindAllString(s, -1)
		for i, x := range v {
			v[i] = x[len(x)-1:]
		}
		sort.Strings(v)
		return strings.Join(v, "")
	}
	for _, a := range wizard.Langs() {
		for _, b := range wizard.Langs() {
			for k, v := range runText[a] {
				w, ok := runText[b][k]
				if !ok {
					t.Errorf("%s: key %q is missing (it is in %s)", b, k, a)
					continue
				}
				if norm(v) != norm(w) {
					t.Errorf("%s %q: verbs differ from %s", b, k, a)
				}
			}
		}
	}
	for _, o := range []engine.Outcome{engine.Succeeded, engine.Failed, engine.FailedCont, engine.Skipped, engine.Disabled, engine.NotRun, engine.Cancelled, engine.Interrupted} {
		if _, ok := outcomeKeys[o]; !ok {
			t.Errorf("outcome %q has no words", o)
		}
	}
	for _, s := range []engine.Status{engine.StatusSucceeded, engine.StatusFailed, engine.StatusCancelled, engine.StatusRestarting, engine.StatusRestartNeeded} {
		if _, ok := statusKeys[s]; !ok {
			t.Errorf("status %q has no words", s)
		}
	}
	for _, ci := range engine.KnownCodes {
		if _, ok := codeMeaningKO[uint32(ci.Code)]; !ok {
			t.Errorf("code %s (%s) has no Korean meaning", engine.FormatCode(ci.Code), ci.Name)
		}
	}
}

// The plain reporter is engine.LineReporter in English, and in Korean
// the same lines with the catalog's words, ASCII apart from the Korean.
func TestRunPlainReporter(t *testing.T) {
	evs := realRun(t)
	var en, ko strings.Builder
	pr := &PlainReporter{W: &en, Lang: wizard.English}
	lr := &engine.LineReporter{W: &strings.Builder{}}
	var want strings.Builder
	lr.W = &want
	for _, e := range evs {
		pr.Event(e)
		lr.Event(e)
	}
	if en.String() != want.String() {
		t.Errorf("English plain lines differ from engine.LineReporter:\n%s\n---\n%s", en.String(), want.String())
	}
	kr := &PlainReporter{W: &ko, Lang: wizard.Korean}
	for _, e := range localEvents(evs, wizard.Korean) {
		if x, ok := e.(engine.RunStarted); ok {
			x.LogPath = `X:\Windows\Temp\SMSTSLog\smsts.log`
			e = x
		}
		kr.Event(e)
	}
	kr.Note(RunText(wizard.Korean, "plain.ctrlc"))
	out := ko.String()
	golden.RequireEqual(t, []byte(out))
	checkASCII(t, out, wizard.Korean)
	for _, s := range []string{"실행 중: ", "[3/14] 참조 컴퓨터 빌드/디스크 0 파티션 - UEFI: 실패", "실패한 단계: ", "코드의 의미:", "종료 코드"} {
		if !strings.Contains(out, s) {
			t.Errorf("lacks %q:\n%s", s, out)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if lipgloss.Width(l) > 80 && !strings.HasPrefix(l, "[") && !strings.HasPrefix(l, "==") && !strings.HasPrefix(l, "    |") && !strings.HasPrefix(l, "ctrl+c") {
			t.Errorf("summary line wider than 80: %q", l)
		}
	}
}
