package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startEditor runs refimage edit on a copy of the build-and-capture
// example in an 80x25 tmux window.
func startEditor(t *testing.T, bin string) (*term, string, string) {
	data, err := os.ReadFile("../../docs/examples/build-and-capture.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "ref.toml")
	os.WriteFile(file, data, 0o644)
	done := filepath.Join(dir, "exit")
	cmd := fmt.Sprintf("%s edit %s; echo $? > %s; sleep 60", bin, file, done)
	return newTerm(t, 80, 25, []string{"TERM=xterm-256color"}, cmd), file, done
}

// esc sends Escape and waits, so that the next key is not read as alt+key.
func (tm *term) esc() *term {
	tm.keys("Escape")
	time.Sleep(120 * time.Millisecond)
	return tm
}

// TestEditorInTmux is the flow at a real 80x25 terminal: add a Run
// Command Line step into the Capture group with a condition, disable
// Install Updates, move a step, save, leave; the file validates.
func TestEditorInTmux(t *testing.T) {
	bin := build(t)
	tm, file, done := startEditor(t, bin)
	tm.see("Task Sequence Editor", "Build the Reference", "No problems")
	tm.typ(strings.Repeat("j", 11)).see("› - Capture the Reference").typ("a").see("Add (as in the editor's Add menu)", "wizard: Restart in Windows PE")
	tm.keys("Down", "Down", "Down", "Enter").see(`Added "Run Command Line"`)
	tm.keys("Tab", "Tab").typ(`cmd.exe /c copy smsts.log \\deploy01\logs$`).see(`\\deploy01\logs$`)
	tm.keys("C-t").see("Continue on error").keys("Up", "Enter").see(`Condition of "Run Command Line"`)
	tm.typ("t").see("Condition text").typ(`_SMSTSInWinPE == `).see("col 18:").typ(`"true"`).see("Parses.")
	tm.esc().esc().see("Run Command Line ?")
	tm.typ("[")
	tm.keys("Home").typ(strings.Repeat("j", 9)).typ("o").see("Disable this step").keys("Space").see("Install Updates ? (off)")
	tm.esc().keys("C-s").see("Saved")
	tm.typ("q")
	if code := exitCode(t, done); code != "0" {
		t.Fatalf("exit %s\n%s", code, tm.screen())
	}
	validate(t, bin, file)
	data, _ := os.ReadFile(file)
	for _, want := range []string{"disabled = true", `condition = '_SMSTSInWinPE == "true"'`, `type = "run-command-line"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the saved file lacks %s", want)
		}
	}
	if i, j := strings.Index(string(data), "run-command-line"), strings.Index(string(data), "capture-os-image"); i > j {
		t.Error("the new step was not moved above the capture step")
	}
}

// TestEditorCancelInTmux: ctrl+c leaves with 130 and the file is as it
// was; q after a change asks.
func TestEditorCancelInTmux(t *testing.T) {
	bin := build(t)
	tm, file, done := startEditor(t, bin)
	before, _ := os.ReadFile(file)
	tm.see("Build the Reference").typ("j[q").see("Save the changes to ref.toml?").esc()
	tm.keys("C-c").see("ctrl+c again").keys("C-c")
	if code := exitCode(t, done); code != "130" {
		t.Fatalf("exit %s\n%s", code, tm.screen())
	}
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Fatal("the file changed")
	}
}

// TestWizardOpenInEditorInTmux: the wizard's Completion page hands the
// written file to the editor (Open in editor); a change saved there is in
// the file.
func TestWizardOpenInEditorInTmux(t *testing.T) {
	bin := build(t)
	out := filepath.Join(t.TempDir(), "custom.toml")
	tm, done := start(t, bin, out)
	tm.see("1/13").keys("Down").see("1/6").keys("C-n")
	tm.see("2/6", "Task sequence name").typ("Capture an existing computer").keys("Tab", "Tab").typ(`\\deploy01\boot$\x64\boot.wim`).keys("C-n")
	tm.see("3/6", "Capture Settings").keys("Space", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab").typ(`\\deploy01\captures$\existing.wim`).
		keys("Tab").typ(`CONTOSO\svc-capture`).keys("Tab").typ("prompt").keys("C-n")
	tm.see("4/6", "Your choices").keys("C-n")
	tm.see("5/6", "written to").keys("Enter")
	tm.see("6/6", "Open in editor").keys("Down", "Down")
	if s := tm.screen(); strings.Contains(s, "Open in editor (issue") {
		t.Fatalf("Open in editor is not available:\n%s", s)
	}
	tm.keys("Enter").see("Task Sequence Editor", "Prepare Windows for Capture").typ("g").see(`Added "New Group"`).keys("C-s").see("Saved").typ("q")
	if code := exitCode(t, done); code != "0" {
		t.Fatalf("exit %s\n%s", code, tm.screen())
	}
	validate(t, bin, out)
	if data, _ := os.ReadFile(out); !strings.Contains(string(data), `name = "New Group"`) {
		t.Errorf("the editor's change is not in the file:\n%s", data)
	}
}
