package tui

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/refimage/refimage/wizard"
)

var show = flag.Bool("show", false, "print the rendered pages")

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

type fakeImages map[string][]wizard.ImageInfo

func (f fakeImages) Images(path string) ([]wizard.ImageInfo, error) {
	if l, ok := f[path]; ok {
		return l, nil
	}
	return nil, errors.New("not a wim")
}

func testEnv() *wizard.Env {
	return &wizard.Env{
		User: "tester", Organization: "PC01",
		Images: fakeImages{`D:\sources\install.wim`: {
			{Index: 1, Name: "Windows 11 Pro", Edition: "Professional", Arch: "x64", Size: 16 << 30},
			{Index: 2, Name: "Windows 11 Enterprise", Edition: "Enterprise", Arch: "x64", Size: 17 << 30},
		}},
		Exists: func(p string) bool { _, err := os.Stat(p); return err == nil },
		Getenv: func(string) string { return "" },
	}
}

func render(m *WizardModel, w, h int) string {
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return ansi.Strip(m.View())
}

func TestShow(t *testing.T) {
	if !*show {
		t.Skip("-show prints pages")
	}
	wz := wizard.New(testEnv(), wizard.English)
	m := NewWizardModel(wz, WizardOptions{})
	for i := 0; i < 12; i++ {
		fmt.Println(render(m, 80, 25))
		fmt.Println(strings.Repeat("=", 80))
		m.w.A.Name = "Build and capture Windows 11"
		m.w.A.BootPath = `\\deploy01\boot$\x64\boot.wim`
		m.w.A.ImagePath = `D:\sources\install.wim`
		m.w.A.CaptureDest = `\\srv\captures\ref.wim`
		m.w.A.CaptureAccount = `CORP\svc`
		m.w.A.CapturePassword = "env:CAPPW"
		m.next()
	}
}

const typedSecret = "Typed-Secret-77"

// filled returns a wizard of the flow with every page answered. The
// administrator password is typed (clear) so the masking shows.
func filled(flow wizard.Flow) *wizard.Wizard { return filledIn(flow, wizard.English) }

// filledIn is filled with the wizard in a language.
func filledIn(flow wizard.Flow, lang wizard.Lang) *wizard.Wizard {
	w := wizard.New(testEnv(), lang)
	a := &w.A
	a.Flow = flow
	a.Name = "Build and capture Windows 11"
	a.Description = "Reference image for the office"
	a.BootPath = `\\deploy01\boot$\x64\boot.wim`
	a.ImagePath = `D:\sources\install.wim`
	a.ImageIndex = "2"
	a.ProductKey = "env:REFIMAGE_PRODUCT_KEY"
	a.Admin = wizard.AdminEnable
	a.AdminPassword, a.AdminConfirm = typedSecret, typedSecret
	a.TimeZone = "Korea Standard Time"
	a.ClientPackage = `\\deploy01\client$`
	a.InstallProperties = `/mp:mp01.contoso.com SMSCACHESIZE="15000"`
	a.Apps = []wizard.App{
		{Name: "7-Zip", Source: `\\deploy01\apps$\7zip`, CommandLine: "msiexec /i 7z2408-x64.msi /qn", SuccessCodes: "0 3010"},
		{Name: "Microsoft 365 Apps", CommandLine: "setup.exe /configure configuration.xml", SuccessCodes: "0 3010"},
	}
	a.ImageVersion = "2026.11"
	a.ImageDescription = "Windows 11 Enterprise reference"
	a.CaptureDest = `\\deploy01\captures$\win11.wim`
	a.CaptureAccount = `CONTOSO\svc-capture`
	a.CapturePassword = "env:REFIMAGE_CAPTURE_PASSWORD"
	a.ClientInstalled = true
	return w
}

// at returns a model showing page id, reached by Next from the start so
// the finished pages are ticked.
func at(t *testing.T, w *wizard.Wizard, id wizard.PageID) *WizardModel {
	t.Helper()
	m := NewWizardModel(w, WizardOptions{})
	for w.CurrentID() != id {
		if w.CurrentID() == wizard.PageSummary {
			t.Fatalf("did not reach %s", id)
		}
		if err := w.Next(); err != nil {
			t.Fatalf("Next on %s: %v %v", w.CurrentID(), err, w.PageErrors(w.CurrentID()))
		}
	}
	m.enterPage()
	return m
}

type viewCase struct {
	name string
	make func(t *testing.T) *WizardModel
}

func viewCases() []viewCase { return viewCasesIn(wizard.English) }

// viewCasesIn are the view cases with the wizard in a language.
func viewCasesIn(lang wizard.Lang) []viewCase {
	filled := func(flow wizard.Flow) *wizard.Wizard { return filledIn(flow, lang) }
	page := func(flow wizard.Flow, id wizard.PageID) func(t *testing.T) *WizardModel {
		return func(t *testing.T) *WizardModel { return at(t, filled(flow), id) }
	}
	b, c := wizard.FlowBuild, wizard.FlowCustom
	written := func(t *testing.T, flow wizard.Flow, completion bool) *WizardModel {
		m := at(t, filled(flow), wizard.PageSummary)
		m.w.A.Passphrase, m.w.A.PassphraseConfirm = "pass phrase", "pass phrase"
		m.w.Written = "/work/build-and-capture-windows-11.toml"
		m.w.Goto(wizard.PageProgress)
		m.enterPage()
		m.Update(writtenMsg{path: "/work/build-and-capture-windows-11.toml", steps: 14, groups: 2, sealed: true})
		if completion {
			m.next()
		}
		return m
	}
	return []viewCase{
		{"build/01-start", page(b, wizard.PageStart)},
		{"build/02-info", page(b, wizard.PageInfo)},
		{"build/02-info-korean", func(t *testing.T) *WizardModel {
			w := filled(b)
			w.A.Name = "참조 컴퓨터 빌드 및 캡처"
			w.A.Description = strings.Repeat("참조 컴퓨터를 빌드하고 캡처합니다. ", 6)
			m := at(t, w, wizard.PageInfo)
			m.focus = 1 // the long description scrolls sideways
			return m
		}},
		{"build/03-install-windows", page(b, wizard.PageWindows)},
		{"build/03-install-windows-admin", func(t *testing.T) *WizardModel {
			m := at(t, filled(b), wizard.PageWindows)
			m.focusField(wizard.PageByID(wizard.PageWindows).Field("admin_password"))
			return m
		}},
		{"build/04-network", page(b, wizard.PageNetwork)},
		{"build/04-network-domain", func(t *testing.T) *WizardModel {
			w := filled(b)
			w.A.Join = "domain"
			w.A.Domain = "corp.example.com"
			m := at(t, w, wizard.PageNetwork)
			m.showAll[wizard.PageNetwork] = true
			return m
		}},
		{"build/05-client", page(b, wizard.PageClient)},
		{"build/06-updates", page(b, wizard.PageUpdates)},
		{"build/07-applications", page(b, wizard.PageApps)},
		{"build/07-applications-editing", func(t *testing.T) *WizardModel {
			m := at(t, filled(b), wizard.PageApps)
			m.appsKey(keyRunes("a"))
			return m
		}},
		{"build/08-sysprep", page(b, wizard.PageSysprep)},
		{"build/09-image", page(b, wizard.PageImage)},
		{"build/10-capture", page(b, wizard.PageCapture)},
		{"build/11-summary", func(t *testing.T) *WizardModel {
			m := at(t, filled(b), wizard.PageSummary)
			return m
		}},
		{"build/11-summary-warnings", func(t *testing.T) *WizardModel {
			w := filled(b)
			w.A.Join, w.A.Domain, w.A.JoinAccount, w.A.JoinPassword = "domain", "corp.example.com", `CORP\join`, "env:JOINPW"
			w.A.Shutdown = true
			m := at(t, w, wizard.PageSummary)
			m.focus = len(m.fields())
			return m
		}},
		{"build/11-summary-scrolled", func(t *testing.T) *WizardModel {
			m := at(t, filled(b), wizard.PageSummary)
			m.focus = len(m.fields())
			m.listView.YOffset = 12 // Update keeps it within the list (syncScroll)
			return m
		}},
		{"build/12-progress", func(t *testing.T) *WizardModel { return written(t, b, false) }},
		{"build/12-progress-failed", func(t *testing.T) *WizardModel {
			m := at(t, filled(b), wizard.PageSummary)
			m.w.Goto(wizard.PageProgress)
			m.Update(writtenMsg{err: errors.New("open /work/ref.toml: permission denied")})
			return m
		}},
		{"build/13-completion", func(t *testing.T) *WizardModel { return written(t, b, true) }},
		{"build/invalid-next", func(t *testing.T) *WizardModel {
			w := filled(b)
			m := at(t, w, wizard.PageInfo)
			w.A.Name = strings.Repeat("n", 55)
			m.next()
			return m
		}},
		{"build/help", func(t *testing.T) *WizardModel {
			m := at(t, filled(b), wizard.PageInfo)
			m.key(tea.KeyMsg{Type: tea.KeyF1})
			return m
		}},
		{"build/cancel-asks", func(t *testing.T) *WizardModel {
			m := at(t, filled(b), wizard.PageInfo)
			m.key(tea.KeyMsg{Type: tea.KeyEsc})
			return m
		}},
		{"open/01-start", func(t *testing.T) *WizardModel {
			w := wizard.New(testEnv(), wizard.English)
			w.A.Flow = wizard.FlowOpen
			w.A.OpenPath = "ref.toml"
			m := NewWizardModel(w, WizardOptions{})
			m.focus = 1
			return m
		}},
		{"custom/01-start", func(t *testing.T) *WizardModel {
			m := at(t, filled(c), wizard.PageStart)
			return m
		}},
		{"custom/02-info", page(c, wizard.PageInfo)},
		{"custom/03-capture-settings", page(c, wizard.PageCaptureSettings)},
		{"custom/03-capture-settings-end", func(t *testing.T) *WizardModel {
			m := at(t, filled(c), wizard.PageCaptureSettings)
			m.focus = len(m.fields()) - 1
			return m
		}},
		{"custom/04-summary", page(c, wizard.PageSummary)},
		{"custom/05-progress", func(t *testing.T) *WizardModel { return written(t, c, false) }},
		{"custom/06-completion", func(t *testing.T) *WizardModel { return written(t, c, true) }},
	}
}

func keyRunes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// TestWizardViews renders every page of both flows at 80x25 and 120x40
// against golden files (go test ./tui/ -update rewrites them).
func TestWizardViews(t *testing.T) {
	for _, size := range [][2]int{{80, 25}, {120, 40}} {
		for _, vc := range viewCases() {
			t.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], vc.name), func(t *testing.T) {
				m := vc.make(t)
				out := render(m, size[0], size[1])
				if strings.Contains(out, typedSecret) {
					t.Fatal("a typed secret is on the screen")
				}
				golden.RequireEqual(t, []byte(out+"\n"))
			})
		}
	}
}

// TestWizardFits checks that no line is wider than the terminal and no
// page taller, at 80x25 and a few other sizes.
func TestWizardFits(t *testing.T) {
	for _, size := range [][2]int{{80, 25}, {100, 30}, {120, 40}, {200, 60}, {60, 20}, {40, 12}} {
		for _, vc := range viewCases() {
			screenFits(t, vc.name, vc.make(t), size[0], size[1])
		}
	}
}

// TestWizardRandomKeys presses random keys: the wizard never panics and
// every screen fits 80x25.
func TestWizardRandomKeys(t *testing.T) {
	keys := []tea.KeyMsg{
		{Type: tea.KeyTab}, {Type: tea.KeyShiftTab}, {Type: tea.KeyUp}, {Type: tea.KeyDown}, {Type: tea.KeyEnter},
		{Type: tea.KeySpace}, {Type: tea.KeyBackspace}, {Type: tea.KeyCtrlN}, {Type: tea.KeyCtrlP}, {Type: tea.KeyCtrlS},
		{Type: tea.KeyPgDown}, {Type: tea.KeyPgUp}, {Type: tea.KeyLeft}, {Type: tea.KeyRight}, {Type: tea.KeyCtrlU},
		{Type: tea.KeyEsc}, {Type: tea.KeyF1}, keyRunes("n"), keyRunes("a"), keyRunes("e"), keyRunes("d"), keyRunes("["),
		keyRunes("]"), keyRunes("?"), keyRunes("x"), keyRunes("7"), keyRunes(`\`), keyRunes("참"), keyRunes(".wim"),
	}
	seed := uint64(1)
	next := func() int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed >> 33)
	}
	for run := 0; run < 8; run++ {
		m := NewWizardModel(filled(wizard.FlowBuild), WizardOptions{})
		if run%2 == 1 {
			m.w.A.Flow = wizard.FlowCustom
		}
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
		for i := 0; i < 600; i++ {
			k := keys[next()%len(keys)]
			m.Update(k)
			if m.result.Cancelled {
				break
			}
			lines := strings.Split(m.View(), "\n")
			if len(lines) > 25 {
				t.Fatalf("run %d key %d (%s): %d rows", run, i, k, len(lines))
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > 80 {
					t.Fatalf("run %d key %d (%s): a row of %d cells: %q", run, i, k, ansi.StringWidth(l), ansi.Strip(l))
				}
			}
		}
	}
}
