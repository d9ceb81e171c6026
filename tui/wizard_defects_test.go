package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

func wkeys(m *WizardModel, keys ...any) {
	for _, k := range keys {
		switch k := k.(type) {
		case tea.KeyType:
			m.Update(tea.KeyMsg{Type: k})
		case string:
			for _, r := range k {
				m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
		}
	}
}

// Issue 15: PgDn on the Summary with the choices list focused wrote the
// file at once. Paging only scrolls (and back again); ctrl+p still goes
// back; writing takes ctrl+n.
func TestWizardSummaryPagingDoesNotWrite(t *testing.T) {
	m := at(t, filled(wizard.FlowBuild), wizard.PageSummary)
	render(m, 80, 25)
	m.focus = len(m.fields())
	for i := 0; i < 10; i++ {
		wkeys(m, tea.KeyPgDown)
	}
	if m.writing || m.w.CurrentID() != wizard.PageSummary {
		t.Fatalf("pgdown wrote: page %s writing %v", m.w.CurrentID(), m.writing)
	}
	if m.listView.YOffset == 0 {
		t.Fatal("pgdown did not scroll the choices")
	}
	bottom := render(m, 80, 25)
	if !strings.Contains(bottom, "Capture") {
		t.Errorf("paging to the end does not show the last choices:\n%s", bottom)
	}
	// As many pgup as it took pgdn come back to the top: the scroll
	// stops at the end.
	wkeys(m, tea.KeyPgUp, tea.KeyPgUp, tea.KeyPgUp, tea.KeyPgUp, tea.KeyPgUp)
	if m.listView.YOffset != 0 {
		t.Errorf("pgup ×5 leaves the list scrolled by %d", m.listView.YOffset)
	}
	wkeys(m, tea.KeyCtrlP)
	if m.w.CurrentID() == wizard.PageSummary {
		t.Fatal("ctrl+p did not go back from the Summary")
	}
}

// thirtyApps is the build flow at Install Applications with 30
// applications.
func thirtyApps(t *testing.T) *WizardModel {
	w := filled(wizard.FlowBuild)
	w.A.Apps = nil
	for i := 1; i <= 30; i++ {
		w.A.Apps = append(w.A.Apps, wizard.App{Name: fmt.Sprintf("App %02d", i), CommandLine: "setup.exe /q", SuccessCodes: "0 3010"})
	}
	m := at(t, w, wizard.PageApps)
	render(m, 80, 25)
	m.focusField(m.appsField())
	return m
}

// Issue 15: with 30 applications the selection scrolled out of view and
// d deleted the invisible entry without asking. The selected entry shows
// at every step down and up, and d asks, naming it; n keeps it, y
// removes it.
func TestWizardThirtyApplications(t *testing.T) {
	m := thirtyApps(t)
	for i := 0; i < 29; i++ {
		out := render(m, 80, 25)
		want := fmt.Sprintf("%d. App %02d", m.w.AppCursor+1, m.w.AppCursor+1)
		if !strings.Contains(out, "› "+want) {
			t.Fatalf("down %d: %q is not shown as selected:\n%s", i, want, out)
		}
		wkeys(m, tea.KeyDown)
	}
	for i := 0; i < 29; i++ {
		wkeys(m, tea.KeyUp)
		out := render(m, 80, 25)
		if want := fmt.Sprintf("› %d. App %02d", m.w.AppCursor+1, m.w.AppCursor+1); !strings.Contains(out, want) {
			t.Fatalf("up %d: %q is not shown:\n%s", i, want, out)
		}
	}
	wkeys(m, tea.KeyDown, tea.KeyDown, "d") // App 03
	out := render(m, 80, 25)
	if len(m.w.A.Apps) != 30 || !strings.Contains(out, "Remove application 3 (App 03)?") {
		t.Fatalf("d removed without asking (%d apps):\n%s", len(m.w.A.Apps), out)
	}
	wkeys(m, "n")
	if len(m.w.A.Apps) != 30 {
		t.Fatal("n removed the application")
	}
	wkeys(m, "d", "y")
	if len(m.w.A.Apps) != 29 || m.w.A.Apps[2].Name != "App 04" {
		t.Fatalf("y did not remove App 03: %d apps, third %q", len(m.w.A.Apps), m.w.A.Apps[2].Name)
	}
}

// Issue 15: a half-added application could not be abandoned (esc
// offered to cancel the whole wizard). esc abandons a new one (removed)
// or an edit (the entry as it was), and the wizard goes on.
func TestWizardAbandonApplication(t *testing.T) {
	m := at(t, filled(wizard.FlowBuild), wizard.PageApps)
	render(m, 80, 25)
	m.focusField(m.appsField())
	wkeys(m, "a", "Half")
	if len(m.w.A.Apps) != 3 || m.w.EditingApp != 2 {
		t.Fatalf("a did not add: %d apps, editing %d", len(m.w.A.Apps), m.w.EditingApp)
	}
	wkeys(m, tea.KeyEsc)
	if m.asking || len(m.w.A.Apps) != 2 || m.w.EditingApp != -1 {
		t.Fatalf("esc: asking %v, %d apps, editing %d", m.asking, len(m.w.A.Apps), m.w.EditingApp)
	}
	if f := m.focused(); f == nil || f.Kind != wizard.KindApps {
		t.Fatal("esc did not return to the list")
	}
	// Edit the first, change its name, abandon: the name is back.
	wkeys(m, tea.KeyHome)
	m.w.AppCursor = 0
	wkeys(m, "e", tea.KeyCtrlU, "Other", tea.KeyEsc)
	if got := m.w.A.Apps[0].Name; got != "7-Zip" {
		t.Fatalf("abandoned edit left %q", got)
	}
	// Out of an application, esc asks about the wizard as before.
	wkeys(m, tea.KeyEsc)
	if !m.asking {
		t.Fatal("esc on the list did not ask to cancel the wizard")
	}
}

// Issue 15: the help showed "↓ more" but could not scroll, and its key
// list omitted the Install Applications keys.
func TestWizardHelpScrolls(t *testing.T) {
	m := at(t, filled(wizard.FlowBuild), wizard.PageApps)
	render(m, 80, 25)
	wkeys(m, tea.KeyF1)
	out := render(m, 80, 25)
	if !strings.Contains(out, "↓ more") {
		t.Fatalf("the help fits (the test needs it long):\n%s", out)
	}
	seen := out
	for i := 0; i < 40 && strings.Contains(render(m, 80, 25), "↓ more"); i++ {
		wkeys(m, tea.KeyDown)
		seen += render(m, 80, 25)
	}
	out = render(m, 80, 25)
	if strings.Contains(out, "↓ more") {
		t.Fatalf("the help does not scroll to its end:\n%s", out)
	}
	if !strings.Contains(strings.Join(strings.Fields(seen), " "), "Applications: a add") {
		t.Errorf("the help lacks the application keys")
	}
	wkeys(m, tea.KeyPgUp, tea.KeyPgUp, tea.KeyPgUp)
	if m.helpView.YOffset != 0 {
		t.Errorf("pgup does not come back to the top: %d", m.helpView.YOffset)
	}
	wkeys(m, tea.KeyEsc)
	if m.help {
		t.Fatal("esc did not close the help")
	}
}

// Issue 15: footers promised keys that do nothing: "? help" in a text
// field (? is typed there), "ctrl+p back" while the file is written.
func TestWizardFooterKeysWork(t *testing.T) {
	m := at(t, filled(wizard.FlowBuild), wizard.PageInfo)
	out := render(m, 80, 25)
	footer := out[strings.LastIndex(out, "\n"):]
	if strings.Contains(footer, "? help") || !strings.Contains(footer, "f1 help") {
		t.Errorf("text field footer: %q", footer)
	}
	wkeys(m, "?")
	if m.help || !strings.HasSuffix(m.w.A.Name, "?") {
		t.Error("? in a text field did not type")
	}
	m = at(t, filled(wizard.FlowBuild), wizard.PageSummary)
	m.w.Goto(wizard.PageProgress)
	m.enterPage()
	m.writing = true
	out = render(m, 80, 25)
	if footer := out[strings.LastIndex(out, "\n"):]; strings.Contains(footer, "ctrl+p") {
		t.Errorf("while writing the footer offers %q", footer)
	}
}

// Issue 15: ctrl+s with an invalid page not yet visited said so but did
// not go there. It goes to the first invalid page, its error focused.
func TestWizardCtrlSGoesToInvalidPage(t *testing.T) {
	w := filled(wizard.FlowBuild)
	w.A.CaptureDest = ""
	m := at(t, w, wizard.PageInfo)
	render(m, 80, 25)
	wkeys(m, tea.KeyCtrlS)
	if m.w.CurrentID() != wizard.PageCapture {
		t.Fatalf("ctrl+s stays on %s", m.w.CurrentID())
	}
	if f := m.focused(); f == nil || f.Key != "destination" {
		t.Fatalf("focus on %v", f)
	}
	if out := render(m, 80, 25); !strings.Contains(out, "capture destination is required") {
		t.Errorf("the error is not shown:\n%s", out)
	}
}

// Issue 15: alt+letter typed the letter in text fields; alt+b and alt+f
// move by words, other alt+letters type nothing. The media wizard's
// password field keeps its cursor where typing goes.
func TestTextAltKeys(t *testing.T) {
	alt := func(r rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: true} }
	v, pos, _ := lineEdit("one two three", 13, alt('b'))
	if v != "one two three" || pos != 8 {
		t.Errorf("alt+b: %q %d", v, pos)
	}
	v, pos, _ = lineEdit(v, 0, alt('f'))
	if pos != 3 {
		t.Errorf("alt+f: %d", pos)
	}
	if v, _, _ = lineEdit(v, 3, alt('x')); v != "one two three" {
		t.Errorf("alt+x typed: %q", v)
	}
	v, pos, _ = lineEdit("one two", 7, tea.KeyMsg{Type: tea.KeyBackspace, Alt: true})
	if v != "one " || pos != 4 {
		t.Errorf("alt+backspace: %q %d", v, pos)
	}
}

// Issue 15: accessible mode printed screen-only hints ("Up and down
// choose.") and offered a refused value back as the default.
func TestAccessibleNoScreenHintsNoRefusedDefault(t *testing.T) {
	// The flow (1: build), then a name that is too long, then a good one.
	long := strings.Repeat("x", 60)
	_, out, _ := runPlain(t, []string{"1", long, "Good name"})
	if strings.Contains(out, wizard.MsgIn(wizard.English, "start.flow.help")) {
		t.Errorf("a screen-only hint is printed:\n%s", out)
	}
	if strings.Contains(out, "["+long+"]") {
		t.Errorf("the refused value is offered as the default:\n%s", out)
	}
	if !strings.Contains(out, "at most 50 characters") {
		t.Fatalf("the long name was not refused (the test needs it):\n%s", out)
	}
}

// Issue 15: the command lines on the Completion page wrapped (inside a
// path: "build-and-capture-windows-" / "11.toml"), so copying broke
// them. Each is one row; → scrolls them sideways to their ends.
func TestCompletionCommandsNeverWrap(t *testing.T) {
	var m *WizardModel
	for _, c := range viewCases() {
		if c.name == "build/13-completion" {
			m = c.make(t)
		}
	}
	if m == nil {
		t.Fatal("no completion case")
	}
	out := render(m, 80, 25)
	rows := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "│   refimage ") {
			rows++
		}
	}
	if rows != 3 || strings.Contains(out, "\n                        │   11.toml") {
		t.Fatalf("%d command rows:\n%s", rows, out)
	}
	for i := 0; i < 20; i++ {
		wkeys(m, tea.KeyRight)
	}
	if out := render(m, 80, 25); !strings.Contains(out, "--iso OUT.iso") {
		t.Fatalf("→ does not bring the end of the media command:\n%s", out)
	}
	wkeys(m, tea.KeyHome)
	if m.cmdScroll != 0 {
		t.Fatal("home does not scroll back")
	}
}

// Issue 15: in the media wizard the password field drew its cursor at
// the end while typing went elsewhere, and with the no-color themes
// (mono, ascii: the WinPE default) the cursor was invisible. The cursor
// cell follows ← and shows as a glyph without color.
func TestMediaPasswordCursor(t *testing.T) {
	m := mediaAt(t, mediaFilled(), mediawiz.PageSecurity)
	m.th = screenTheme(t, "mono", false)
	m.focus = 1 // the password
	m.w.A.Password = ""
	for _, k := range []any{"abcd", tea.KeyLeft, tea.KeyLeft} {
		switch k := k.(type) {
		case string:
			for _, r := range k {
				m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
		case tea.KeyType:
			m.Update(tea.KeyMsg{Type: k})
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	out := m.View()
	if m.w.A.Password != "abcd" {
		t.Fatalf("typed %q", m.w.A.Password)
	}
	// Two cells from the end: **|**, not ****_ .
	if !strings.Contains(out, "[**|**") || strings.Contains(out, "[****_") {
		t.Errorf("the cursor is not where typing goes:\n%s", out)
	}
}
