package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/wizard"
)

// flow drives a wizard in a teatest program at 80x25.
type flow struct {
	t  *testing.T
	tm *teatest.TestModel
}

func newFlow(t *testing.T) *flow {
	m := NewWizardModel(wizard.New(testEnv(), wizard.English), WizardOptions{})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 25))
	return &flow{t, tm}
}

func (f *flow) keys(ks ...tea.KeyType) *flow {
	for _, k := range ks {
		f.tm.Send(tea.KeyMsg{Type: k})
	}
	return f
}

func (f *flow) typ(s string) *flow { f.tm.Type(s); return f }

// see waits until the screen shows s.
func (f *flow) see(s string) *flow {
	f.t.Helper()
	teatest.WaitFor(f.t, f.tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	return f
}

func (f *flow) done() *WizardModel {
	f.t.Helper()
	return f.tm.FinalModel(f.t, teatest.WithFinalTimeout(10*time.Second)).(*WizardModel)
}

var sealedRe = regexp.MustCompile(`enc:v1:[A-Za-z0-9_-]+`)

// checkWritten checks the written sequence: valid, no clear secret, and
// as the golden file says (encrypted values vary: they are replaced).
func checkWritten(t *testing.T, m *WizardModel, out string) {
	t.Helper()
	res := m.Result()
	if res.Cancelled || res.Written == "" || res.Action != ActionQuit {
		t.Fatalf("result %+v", res)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(typedSecret)) {
		t.Fatal("a typed secret was written in clear text")
	}
	if _, probs := sequence.Load(out); len(probs.Errors()) > 0 {
		t.Fatalf("invalid sequence: %v", probs)
	}
	golden.RequireEqual(t, sealedRe.ReplaceAll(data, []byte("enc:v1:SEALED")))
}

// TestWizardFlowBuild walks every page of build and capture with the keys,
// goes back to change the network answer, and writes the sequence.
func TestWizardFlowBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ref.toml")
	f := newFlow(t)
	f.see("Build and capture a reference").keys(tea.KeyCtrlN)
	f.see("Task sequence name").typ("Build and capture Windows 11").keys(tea.KeyTab).typ("Reference image").keys(tea.KeyTab).
		typ(`\\deploy01\boot$\x64\boot.wim`).keys(tea.KeyCtrlN)
	// Install Windows: the index is a list read from the .wim.
	f.see("Image package").typ(`D:\sources\install.wim`).keys(tea.KeyTab).see("Windows 11 Enterprise").keys(tea.KeyDown, tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyDown, tea.KeyTab).
		typ(typedSecret).keys(tea.KeyTab).typ(typedSecret).keys(tea.KeyCtrlN)
	// Configure Network: a domain first…
	f.see("Configure Network").keys(tea.KeyDown).see("Prepare Windows for Capture fails").keys(tea.KeyTab).typ("corp.example.com").keys(tea.KeyTab, tea.KeyTab).
		typ(`CORP\join`).keys(tea.KeyTab).typ("env:JOINPW").keys(tea.KeyCtrlN)
	// …then back, and a workgroup after all.
	f.see("Client package").keys(tea.KeyCtrlP).see("Join a domain").keys(tea.KeyUp, tea.KeyTab, tea.KeyCtrlU).typ("REFLAB").keys(tea.KeyCtrlN)
	f.see("Client package").typ(`\\deploy01\client$`).keys(tea.KeyCtrlN)
	f.see("Software updates").keys(tea.KeyDown, tea.KeyDown).keys(tea.KeyCtrlN)
	f.see("No applications").typ("a").see("Application name").typ("7-Zip").keys(tea.KeyTab).typ(`\\deploy01\apps$\7zip`).keys(tea.KeyTab).
		typ("msiexec /i 7z.msi /qn").keys(tea.KeyTab, tea.KeyEnter).see("1. 7-Zip").keys(tea.KeyCtrlN)
	f.see("Sysprep package").keys(tea.KeyCtrlN)
	f.see("Created by").keys(tea.KeyTab).typ("1.0").keys(tea.KeyCtrlN)
	f.see("Path *").typ(`D:\captures\ref.wim`).keys(tea.KeyCtrlN)
	f.see("Your choices").keys(tea.KeyCtrlU).typ(out).keys(tea.KeyTab).typ("pass phrase").keys(tea.KeyTab).typ("pass phrase").keys(tea.KeyCtrlN)
	f.see("written to").keys(tea.KeyEnter)
	f.see("Next time you can run").typ("q")
	m := f.done()
	checkWritten(t, m, out)
	data, _ := os.ReadFile(out)
	for _, want := range []string{`workgroup = "REFLAB"`, `index = 2`, `admin_password = "enc:v1:`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("written file lacks %s", want)
		}
	}
	if strings.Contains(string(data), "corp.example.com") || strings.Contains(string(data), "Install Updates") {
		t.Error("the changed answers did not take")
	}
}

// TestWizardFlowCustom walks the custom flow and jumps to the Summary
// with ctrl+s.
func TestWizardFlowCustom(t *testing.T) {
	out := filepath.Join(t.TempDir(), "custom.toml")
	f := newFlow(t)
	f.see("Build and capture a reference").keys(tea.KeyDown).keys(tea.KeyCtrlN)
	f.see("Task sequence name").typ("Capture an existing computer").keys(tea.KeyTab, tea.KeyTab).typ(`\\deploy01\boot$\x64\boot.wim`).keys(tea.KeyCtrlN)
	f.see("Capture Settings").typ(" ").keys(tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyTab).
		typ(`\\deploy01\captures$\existing.wim`).keys(tea.KeyTab).typ(`CONTOSO\svc-capture`).keys(tea.KeyTab).typ("prompt").keys(tea.KeyCtrlS)
	f.see("Your choices").keys(tea.KeyCtrlU).typ(out).keys(tea.KeyCtrlN)
	f.see("written to").keys(tea.KeyEnter)
	f.see("Next time you can run").keys(tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyEnter)
	checkWritten(t, f.done(), out)
}

func TestWizardRefusesNextAndCancels(t *testing.T) {
	f := newFlow(t)
	f.see("Build and capture a reference").keys(tea.KeyCtrlN)
	f.see("Task sequence name").keys(tea.KeyCtrlN).see("task sequence name is required")
	f.keys(tea.KeyCtrlS) // stays on the first invalid page: this one
	f.keys(tea.KeyEsc).see("Cancel the wizard?").typ("n")
	f.keys(tea.KeyCtrlC)
	m := f.done()
	if !m.Result().Cancelled || m.Result().Written != "" || m.Wizard().CurrentID() != wizard.PageInfo {
		t.Errorf("result %+v on %s", m.Result(), m.Wizard().CurrentID())
	}
}

func TestWizardEscAsksThenCancels(t *testing.T) {
	f := newFlow(t)
	f.see("Build and capture a reference").keys(tea.KeyEsc).see("Cancel the wizard?").typ("y")
	if !f.done().Result().Cancelled {
		t.Error("not cancelled")
	}
}

func TestWizardUnavailableAction(t *testing.T) {
	m := at(t, filled(wizard.FlowBuild), wizard.PageSummary)
	m.w.Goto(wizard.PageCompletion)
	m.result.Written = "ref.toml"
	_, cmd := m.completionKey(tea.KeyMsg{Type: tea.KeyEnter}) // Run now
	if cmd != nil || !strings.Contains(m.status, "issue #5") || !strings.Contains(m.status, "refimage run ref.toml") {
		t.Errorf("status %q", m.status)
	}
	m.opt.Notes = map[Action]string{ActionMedia: "needs the WinPE folder"}
	m.menu = 1
	if _, cmd := m.completionKey(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil || m.status != "needs the WinPE folder" {
		t.Errorf("media: %q", m.status)
	}
	if v := render(m, 80, 25); !strings.Contains(v, "Write bootable media (from the command line)") {
		t.Errorf("media entry:\n%s", v)
	}
	m.menu = 0
	m.opt.Available = map[Action]bool{ActionRun: true}
	if _, cmd := m.completionKey(tea.KeyMsg{Type: tea.KeyEnter}); cmd == nil || m.Result().Action != ActionRun {
		t.Errorf("run now: %+v", m.Result())
	}
}

// TestWizardFlowOpen opens an existing sequence, changes its name and
// writes it: what the wizard does not show is kept.
func TestWizardFlowOpen(t *testing.T) {
	out := filepath.Join(t.TempDir(), "opened.toml")
	example, _ := filepath.Abs(filepath.Join("..", "docs", "examples", "build-and-capture.toml"))
	f := newFlow(t)
	f.see("Build and capture a reference").keys(tea.KeyDown, tea.KeyDown).see("Sequence file").keys(tea.KeyTab).typ("missing.toml").keys(tea.KeyCtrlN).
		see("missing.toml: open missing.toml:").keys(tea.KeyCtrlU).typ(example).keys(tea.KeyCtrlN)
	f.see("Build and capture Windows 11 Enterprise").keys(tea.KeyCtrlU).typ("Opened and renamed").keys(tea.KeyCtrlS)
	f.see("Your choices").keys(tea.KeyCtrlU).typ(out).keys(tea.KeyCtrlN)
	f.see("written to").keys(tea.KeyEnter)
	f.see("Next time you can run").typ("q")
	m := f.done()
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{`name = "Opened and renamed"`, `source = '\\deploy01\drivers$'`, `name = "Microsoft 365 Apps"`, `product_key = "env:REFIMAGE_PRODUCT_KEY"`} {
		if !strings.Contains(s, want) {
			t.Errorf("lost %s", want)
		}
	}
	if m.Result().Written == "" {
		t.Error("no result")
	}
}
