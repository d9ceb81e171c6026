package tui

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/refimage/refimage/engine/sequence"
)

// edFlow drives the editor in a teatest program at 80x25.
type edFlow struct {
	t  *testing.T
	tm *teatest.TestModel
}

func (f *edFlow) keys(ks ...tea.KeyType) *edFlow {
	for _, k := range ks {
		f.tm.Send(tea.KeyMsg{Type: k})
	}
	return f
}

func (f *edFlow) typ(s string) *edFlow { f.tm.Type(s); return f }

func (f *edFlow) see(s string) *edFlow {
	f.t.Helper()
	teatest.WaitFor(f.t, f.tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	return f
}

// TestEditorFlow opens the build-and-capture example, adds a Run Command
// Line step into the Capture group with a condition made in the builder,
// moves it above the capture step, disables Install Updates (with an undo
// and a redo on the way), saves with ctrl+s and quits. The saved file
// equals the golden file and passes validation.
func TestEditorFlow(t *testing.T) {
	m, path := editorExample(t)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 25))
	f := &edFlow{t, tm}
	f.see("Build the Reference")
	// The Capture group is the twelfth row.
	f.typ(strings.Repeat("j", 11)).see("Capture the Reference Computer")
	// Add → General → Run Command Line: it goes into the selected group.
	f.typ("a").see("Add (as in the editor's Add menu)").keys(tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyEnter)
	f.see("Added \"Run Command Line\"").keys(tea.KeyTab, tea.KeyTab).
		typ(`cmd.exe /c copy %_SMSTSLogPath%\smsts.log \\deploy01\logs$`).see(`deploy01\logs$`)
	// Options: the condition, built as a tree: a variable test.
	f.keys(tea.KeyCtrlT).see("Continue on error").keys(tea.KeyUp, tea.KeyEnter).see("Condition of \"Run Command Line\"")
	f.typ("a").see("Task sequence variable").keys(tea.KeyEnter).typ("_SMSTSInWinPE").keys(tea.KeyTab, tea.KeyTab).typ("true").
		see(`the variable _SMSTSInWinPE equals "true"`)
	f.keys(tea.KeyEsc, tea.KeyEsc).see(`_SMSTSInWinPE == "true"`)
	// Back to the tree; move the new step above the capture step.
	f.keys(tea.KeyEsc).typ("[")
	// Disable Install Updates (row 10), undo, redo.
	f.keys(tea.KeyHome).typ(strings.Repeat("j", 9)).typ("o").see("Disable this step").keys(tea.KeySpace).see("(off)")
	f.keys(tea.KeyCtrlZ).see("Undone: disable").keys(tea.KeyCtrlY).see("Redone: disable")
	f.keys(tea.KeyEsc, tea.KeyCtrlS).see("Saved")
	f.typ("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*EditorModel)
	res := final.Result()
	if res.Cancelled || !res.Saved || res.Unsaved {
		t.Fatalf("result %+v", res)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// refimage validate: no error, no warning.
	seq, probs := sequence.Load(path)
	if seq == nil || len(probs) > 0 {
		t.Fatalf("the saved file does not validate: %v", probs)
	}
	golden.RequireEqual(t, data)
}

// TestEditorQuitAsks checks that leaving with unsaved changes asks, that
// esc stays, n quits without saving, and ctrl+c cancels.
func TestEditorQuitAsks(t *testing.T) {
	m, path := editorExample(t)
	before, _ := os.ReadFile(path)
	press(m, "j", tea.KeyDelete, "y")
	if !m.ed.Dirty() {
		t.Fatal("remove did not change the sequence")
	}
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	if cmd != nil || m.overlay != edAskQuit {
		t.Fatal("q with changes did not ask")
	}
	press(m, tea.KeyEsc)
	if m.overlay != edNone {
		t.Fatal("esc did not stay")
	}
	// ctrl+c asks once when there are changes, then cancels.
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); cmd != nil {
		t.Fatal("first ctrl+c quit with unsaved changes")
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); cmd == nil || !m.Result().Cancelled {
		t.Fatal("second ctrl+c did not cancel")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("the file changed without saving")
	}
	// n quits without saving.
	m2, _ := editorExample(t)
	press(m2, "j", tea.KeyDelete, "y", "q")
	if _, cmd := m2.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")}); cmd == nil || !m2.Result().Unsaved {
		t.Fatal("n did not quit")
	}
}

// TestEditorCommentsWarn: the first ctrl+s on a file with comments says
// they will be dropped; the second saves.
func TestEditorCommentsWarn(t *testing.T) {
	m, path := editorExample(t)
	data, _ := os.ReadFile(path)
	os.WriteFile(path, append([]byte("# a comment\n"), data...), 0o644)
	m = NewEditor(m.ed.Sequence(), path, EditorOptions{})
	press(m, tea.KeyCtrlS)
	if !strings.Contains(edRender(m, 80, 25), "drops them") {
		t.Fatal("no warning about comments")
	}
	if got, _ := os.ReadFile(path); !bytes.HasPrefix(got, []byte("# a comment")) {
		t.Fatal("saved on the first ctrl+s")
	}
	press(m, tea.KeyCtrlS)
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatalf("second ctrl+s: %s", got)
	}
}

// TestEditorProblemJump: selecting a problem selects its step and the
// field it is about.
func TestEditorProblemJump(t *testing.T) {
	m, _ := editorExample(t)
	// Clear the capture destination, go back to the top, then jump.
	press(m, tea.KeyEnd, tea.KeyEnter, tea.KeyTab, tea.KeyTab, tea.KeyCtrlU, tea.KeyEsc, tea.KeyHome)
	if len(m.probs.Errors()) != 1 {
		t.Fatalf("problems %v", m.probs)
	}
	press(m, "e", tea.KeyEnter)
	if got := m.ed.Selected().Name; got != "Capture the Reference Computer" {
		t.Fatalf("selected %q", got)
	}
	if fs := m.fields(); m.focus != edFocusPane || fs[m.field].key != "destination" {
		t.Fatalf("focus %v field %d", m.focus, m.field)
	}
	// Typing a path fixes it.
	press(m, `\\srv\caps\ref.wim`)
	if len(m.probs) != 0 {
		t.Fatalf("problems %v", m.probs)
	}
}

// TestEditorConditionText: the text mode shows a parse error at its
// column, and a valid text replaces the condition.
func TestEditorConditionText(t *testing.T) {
	m, _ := editorExample(t)
	press(m, "j", "o", tea.KeyUp, tea.KeyEnter, "t", tea.KeyCtrlU, `_SMSTSInWinPE == `)
	if m.cb.perr == nil || m.cb.perr.Col != 18 {
		t.Fatalf("parse error %+v", m.cb.perr)
	}
	out := edRender(m, 80, 25)
	if !strings.Contains(out, "col 18:") {
		t.Fatal(out)
	}
	press(m, tea.KeyEsc)
	if m.overlay != edBuilder {
		t.Fatal("closed with a parse error")
	}
	press(m, `"false" or X exists`, tea.KeyEsc)
	if m.overlay != edNone {
		t.Fatal("did not close")
	}
	if got := m.ed.Selected().Condition; got != `_SMSTSInWinPE == "false" or X exists` {
		t.Fatal(got)
	}
	// Copy the condition, paste it onto another step from the tree.
	press(m, tea.KeyEsc, "C", "j", "v")
	if got := m.ed.Selected().Condition; !strings.HasSuffix(got, `and (_SMSTSInWinPE == "false" or X exists)`) {
		t.Fatal(got)
	}
}

// TestEditorWarnings: disabling Prepare Windows for Capture warns on the
// capture step (the editor's own rule), and the tree marks it.
func TestEditorWarnings(t *testing.T) {
	m, _ := editorExample(t)
	press(m, tea.KeyEnd, "k", "o", tea.KeySpace, tea.KeyEsc)
	if len(m.probs) != 1 || !m.probs[0].Warning || m.probs[0].Path != "steps[1].steps[3]" {
		t.Fatalf("problems %v", m.probs)
	}
	out := edRender(m, 80, 25)
	if !strings.Contains(out, "Problems: 0 error(s), 1 warning(s)") || !strings.Contains(out, "!    Capture the Reference Co") {
		t.Fatal(out)
	}
}

// TestEditorLists edits the partitions of a Format and Partition Disk
// step: add, edit, move, remove, undo; a problem in an entry jumps to it.
func TestEditorLists(t *testing.T) {
	m, _ := editorExample(t)
	parts := func() []sequence.Partition { return m.ed.Selected().Props.(*sequence.PartitionDisk).Partitions }
	press(m, "jj", tea.KeyEnter, tea.KeyUp, tea.KeyEnter) // BIOS: System Reserved, Windows
	if m.overlay != edListView || len(parts()) != 2 {
		t.Fatalf("overlay %v", m.overlay)
	}
	// Add after the first: a new NTFS partition named Windows; rename it.
	press(m, "a", tea.KeyCtrlU, "Data", tea.KeyTab, tea.KeyTab, tea.KeyCtrlU, "20", tea.KeyTab, tea.KeyRight)
	if p := parts(); len(p) != 3 || p[1].Name != "Data" || p[1].Size != 20 || p[1].SizeUnit != "gb" {
		t.Fatalf("%+v", p)
	}
	// Only the last partition may take the rest: a size of 0 is an error
	// on the new one.
	press(m, tea.KeyShiftTab, tea.KeyCtrlU, "0", tea.KeyEsc)
	if len(m.probs.Errors()) != 1 || !strings.HasSuffix(m.probs[0].Path, "partitions[1].size") {
		t.Fatalf("problems %v", m.probs)
	}
	// Move it last, which fixes it, then remove it; undo brings it back.
	press(m, "]")
	if p := parts(); p[2].Name != "Data" || len(m.probs) != 0 {
		t.Fatalf("%+v %v", p, m.probs)
	}
	press(m, tea.KeyDelete)
	if p := parts(); len(p) != 2 || p[1].Name != "Windows" {
		t.Fatalf("%+v", p)
	}
	press(m, tea.KeyCtrlZ)
	if p := parts(); len(p) != 3 || p[2].Name != "Data" {
		t.Fatalf("undo %+v", p)
	}
	press(m, "j", "[")
	if len(m.probs.Errors()) != 1 {
		t.Fatalf("problems %v", m.probs)
	}
	// Jump from the problem to the entry's field.
	press(m, tea.KeyEsc, tea.KeyEsc, tea.KeyEsc, tea.KeyHome)
	m.jump(m.probs[0])
	if m.overlay != edListView || !m.list.form {
		t.Fatalf("jump: overlay %v", m.overlay)
	}
	if fs := m.listFields(); !strings.HasSuffix(m.probs[0].Path, fs[m.list.field].key) {
		t.Fatalf("jump: field %s for %s", fs[m.list.field].key, m.probs[0].Path)
	}
}

// TestEditorSequenceProperties: s opens the sequence's own properties; a
// problem about them jumps there.
func TestEditorSequenceProperties(t *testing.T) {
	m, _ := editorExample(t)
	press(m, "s", tea.KeyTab, tea.KeyTab, tea.KeyTab, tea.KeyCtrlU, tea.KeyEsc)
	if m.ed.Sequence().BootImage.Path != "" || len(m.probs.Errors()) != 1 || m.probs[0].Path != "boot_image.path" {
		t.Fatalf("problems %v", m.probs)
	}
	press(m, "e", tea.KeyEnter)
	if m.overlay != edSeq || m.seqFields()[m.seqField].key != "boot_image.path" {
		t.Fatalf("jump: overlay %v field %d", m.overlay, m.seqField)
	}
	if out := edRender(m, 80, 25); !strings.Contains(out, "needs a boot image") {
		t.Fatal(out)
	}
	press(m, `\\srv\boot\boot.wim`, tea.KeyEsc, tea.KeyCtrlZ)
	if m.ed.Sequence().BootImage.Path != "" {
		t.Fatal("undo")
	}
}

// TestEditorBuilderTree builds "a and any(b, c)" as a tree, copies a
// test and pastes it before, after and into an if statement, removes one,
// switches all/any/none, and stores the result.
func TestEditorBuilderTree(t *testing.T) {
	m, _ := editorExample(t)
	press(m, tea.KeyEnd, "o", tea.KeyUp, tea.KeyEnter) // the capture step: no condition
	cb := m.cb
	if len(cb.root.Items) != 0 {
		t.Fatal("not empty")
	}
	press(m, "a", tea.KeyEnter, "A", tea.KeyTab, tea.KeyRight, tea.KeyTab, "1", tea.KeyEsc) // A != 1
	if got := cb.result(); got != `A != 1` {
		t.Fatal(got)
	}
	press(m, "g", tea.KeyEnter)                                      // an if statement after A, switched to any
	press(m, "a", tea.KeyDown, tea.KeyEnter, `C:\x.txt`, tea.KeyEsc) // a file test into it
	if got := cb.result(); got != `A != 1 and any(file("C:\x.txt") exists)` {
		t.Fatal(got)
	}
	press(m, "c", tea.KeyUp, "u")       // copy the file test, paste it into the if statement
	press(m, tea.KeyUp, tea.KeyUp, "P") // and before the if statement
	want := `A != 1 and file("C:\x.txt") exists and any(file("C:\x.txt") exists, file("C:\x.txt") exists)`
	if got := cb.result(); got != want {
		t.Fatalf("%s\nwant %s", got, want)
	}
	press(m, tea.KeyDelete)
	press(m, tea.KeyDown, " ") // any → none
	if got := cb.result(); got != `A != 1 and none(file("C:\x.txt") exists, file("C:\x.txt") exists)` {
		t.Fatal(got)
	}
	press(m, tea.KeyEsc)
	if m.overlay != edNone || m.ed.Selected().Condition != `A != 1 and none(file("C:\x.txt") exists, file("C:\x.txt") exists)` {
		t.Fatalf("stored %q", m.ed.Selected().Condition)
	}
	// An empty if statement is refused until it has a test.
	press(m, tea.KeyEnter, "g")
	press(m, tea.KeyEsc)
	if m.overlay != edBuilder || !strings.Contains(m.cb.msg, "needs at least one condition") {
		t.Fatalf("msg %q", m.cb.msg)
	}
}

// TestEditorKeyBurst: keys typed in one burst act one by one; q leaves.
func TestEditorKeyBurst(t *testing.T) {
	m, _ := editorExample(t)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	if got := m.ed.Selected().Name; got != "Partition Disk 0 - UEFI" {
		t.Fatalf("burst: selected %q", got)
	}
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	if cmd == nil {
		t.Fatal("q did nothing")
	}
	if msg, ok := cmd().(tea.QuitMsg); !ok || m.Result().Cancelled {
		t.Fatalf("got %#v, result %+v", msg, m.Result())
	}
}

// TestEditorAddByLetter: in the Add catalogue a letter goes to the next
// entry that starts with it.
func TestEditorAddByLetter(t *testing.T) {
	m, _ := editorExample(t)
	press(m, "a", "r", "r", tea.KeyEnter) // Restart Computer, then Run Command Line
	if it := m.ed.Selected(); it.Type != "run-command-line" || it.Name != "Run Command Line" {
		t.Fatalf("added %s %q", it.Type, it.Name)
	}
	if m.focus != edFocusPane || m.tab != 0 {
		t.Fatal("the new step's properties are not open")
	}
}

// TestEditorVariables adds a sequence variable from the sequence's
// properties; a read-only name is a problem; undo takes it back.
func TestEditorVariables(t *testing.T) {
	m, path := editorExample(t)
	press(m, "s", tea.KeyUp, tea.KeyEnter)
	if m.overlay != edListView || !m.list.vars {
		t.Fatalf("overlay %v", m.overlay)
	}
	press(m, "a", tea.KeyCtrlU, "OSDComputerName", tea.KeyTab, "REF01", tea.KeyEsc)
	vars := func() []sequence.Variable { return m.ed.Sequence().Variables }
	if v := vars(); len(v) != 1 || v[0] != (sequence.Variable{Name: "OSDComputerName", Value: "REF01"}) {
		t.Fatalf("%+v", v)
	}
	press(m, "a", tea.KeyCtrlU, "_SMSTSInWinPE", tea.KeyEsc)
	if len(m.probs.Errors()) != 1 || !strings.HasPrefix(m.probs[0].Path, "variables.") {
		t.Fatalf("problems %v", m.probs)
	}
	if out := edRender(m, 80, 25); !strings.Contains(out, "read-only") {
		t.Fatal(out)
	}
	press(m, tea.KeyDelete, tea.KeyEsc)
	if m.overlay != edSeq || len(vars()) != 1 {
		t.Fatalf("overlay %v vars %+v", m.overlay, vars())
	}
	press(m, tea.KeyEsc, tea.KeyCtrlS)
	seq, probs := sequence.Load(path)
	if seq == nil || len(probs) > 0 || len(seq.Variables) != 1 || seq.Variables[0].Value != "REF01" {
		t.Fatalf("saved: %v %+v", probs, seq)
	}
	press(m, tea.KeyCtrlZ, tea.KeyCtrlZ, tea.KeyCtrlZ)
	if len(vars()) != 1 {
		t.Fatalf("three undos: %+v", vars())
	}
}
