package edit

import (
	"errors"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// fixture is G1(A B) C G2() D: a group with two steps, a step, an empty
// group and a step, all at the top level.
func fixture() *sequence.Sequence {
	step := func(name string) *sequence.Item {
		it := sequence.NewStep("run-command-line")
		it.Name = name
		it.Props.(*sequence.RunCommandLine).CommandLine = "cmd /c echo " + name
		return it
	}
	g1 := sequence.NewGroup("G1")
	g1.Steps = []*sequence.Item{step("A"), step("B")}
	return &sequence.Sequence{Version: 1, Name: "T", Kind: sequence.KindCustom,
		Steps: []*sequence.Item{g1, step("C"), sequence.NewGroup("G2"), step("D")}}
}

// tree renders the items compactly; the selection is marked with *.
func tree(e *Editor) string {
	var b strings.Builder
	var walk func(items []*sequence.Item, p Path)
	walk = func(items []*sequence.Item, p Path) {
		for i, it := range items {
			if i > 0 {
				b.WriteByte(' ')
			}
			if p.with(i).Equal(e.sel) {
				b.WriteByte('*')
			}
			b.WriteString(it.Name)
			if it.IsGroup() {
				b.WriteByte('(')
				walk(it.Steps, p.with(i))
				b.WriteByte(')')
			}
		}
	}
	walk(e.seq.Steps, nil)
	return b.String()
}

func TestOperations(t *testing.T) {
	tests := []struct {
		name string
		sel  Path
		op   func(e *Editor) error
		want string
		err  error
	}{
		{"add step after a step", Path{1}, func(e *Editor) error { return e.AddStep("restart-computer", After) }, "G1(A B) C *Restart Computer G2() D", nil},
		{"add step before the first", Path{0}, func(e *Editor) error { return e.AddStep("set-variable", Before) }, "*Set Task Sequence Variable G1(A B) C G2() D", nil},
		{"add step after the last", Path{3}, func(e *Editor) error { return e.AddStep("run-command-line", After) }, "G1(A B) C G2() D *Run Command Line", nil},
		{"add step under a group", Path{0}, func(e *Editor) error { return e.AddStep("restart-computer", Under) }, "G1(A B *Restart Computer) C G2() D", nil},
		{"add step under an empty group", Path{2}, func(e *Editor) error { return e.AddStep("restart-computer", Under) }, "G1(A B) C G2(*Restart Computer) D", nil},
		{"add step under a step", Path{1}, func(e *Editor) error { return e.AddStep("restart-computer", Under) }, "G1(A B) *C G2() D", ErrNotGroup},
		{"add unknown type", Path{1}, func(e *Editor) error { return e.AddStep("nope", After) }, "G1(A B) *C G2() D", ErrUnknownType},
		{"add group in a group", Path{0, 0}, func(e *Editor) error { return e.AddGroup("", After) }, "G1(A *New Group() B) C G2() D", nil},
		{"remove a step selects the next", Path{0, 0}, func(e *Editor) error { return e.Remove() }, "G1(*B) C G2() D", nil},
		{"remove the last selects the previous", Path{3}, func(e *Editor) error { return e.Remove() }, "G1(A B) C *G2()", nil},
		{"remove a group and its steps", Path{0}, func(e *Editor) error { return e.Remove() }, "*C G2() D", nil},
		{"remove the only child selects the group", Path{0, 1}, func(e *Editor) error {
			if err := e.Remove(); err != nil {
				return err
			}
			return e.Remove()
		}, "*G1() C G2() D", nil},
		{"move up", Path{1}, func(e *Editor) error { return e.MoveUp() }, "*C G1(A B) G2() D", nil},
		{"move up the first", Path{0}, func(e *Editor) error { return e.MoveUp() }, "*G1(A B) C G2() D", ErrAtTop},
		{"move up the first of a group leaves it", Path{0, 0}, func(e *Editor) error { return e.MoveUp() }, "*A G1(B) C G2() D", nil},
		{"move up inside a group", Path{0, 1}, func(e *Editor) error { return e.MoveUp() }, "G1(*B A) C G2() D", nil},
		{"move down", Path{1}, func(e *Editor) error { return e.MoveDown() }, "G1(A B) G2() *C D", nil},
		{"move down the last", Path{3}, func(e *Editor) error { return e.MoveDown() }, "G1(A B) C G2() *D", ErrAtBottom},
		{"move down the last of a group leaves it", Path{0, 1}, func(e *Editor) error { return e.MoveDown() }, "G1(A) *B C G2() D", nil},
		{"move into the group above", Path{1}, func(e *Editor) error { return e.MoveInto() }, "G1(A B *C) G2() D", nil},
		{"move into an empty group", Path{3}, func(e *Editor) error { return e.MoveInto() }, "G1(A B) C G2(*D)", nil},
		{"move into: a step above", Path{2}, func(e *Editor) error { return e.MoveInto() }, "G1(A B) C *G2() D", ErrNoGroupUp},
		{"move into: first item", Path{0}, func(e *Editor) error { return e.MoveInto() }, "*G1(A B) C G2() D", ErrNoGroupUp},
		{"move a group into a group", Path{2}, func(e *Editor) error {
			e.Select(Path{1})
			if err := e.Remove(); err != nil {
				return err
			}
			return e.MoveInto()
		}, "G1(A B *G2()) D", nil},
		{"move out of a group", Path{0, 0}, func(e *Editor) error { return e.MoveOut() }, "G1(B) *A C G2() D", nil},
		{"move out at the top level", Path{1}, func(e *Editor) error { return e.MoveOut() }, "G1(A B) *C G2() D", ErrNotInGroup},
		{"copy and paste after", Path{0, 0}, func(e *Editor) error {
			if err := e.Copy(); err != nil {
				return err
			}
			e.Select(Path{3})
			return e.Paste(After)
		}, "G1(A B) C G2() D *A", nil},
		{"copy a group, paste before", Path{0}, func(e *Editor) error {
			e.Copy()
			e.Select(Path{3})
			return e.Paste(Before)
		}, "G1(A B) C G2() *G1(A B) D", nil},
		{"paste under an empty group", Path{1}, func(e *Editor) error {
			e.Copy()
			e.Select(Path{2})
			return e.Paste(Under)
		}, "G1(A B) C G2(*C) D", nil},
		{"paste under a step", Path{1}, func(e *Editor) error {
			e.Copy()
			return e.Paste(Under)
		}, "G1(A B) *C G2() D", ErrNotGroup},
		{"paste with nothing copied", Path{1}, func(e *Editor) error { return e.Paste(After) }, "G1(A B) *C G2() D", ErrEmptyClip},
		{"cut and paste", Path{1}, func(e *Editor) error {
			if err := e.Cut(); err != nil {
				return err
			}
			e.Select(Path{1})
			return e.Paste(Under)
		}, "G1(A B) G2(*C) D", nil},
		{"rename", Path{0, 1}, func(e *Editor) error { return e.Rename("Bee") }, "G1(A *Bee) C G2() D", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(fixture())
			if !e.Select(tc.sel) {
				t.Fatalf("cannot select %v", tc.sel)
			}
			err := tc.op(e)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if got := tree(e); got != tc.want {
				t.Errorf("tree\n got %s\nwant %s", got, tc.want)
			}
			if tc.err == nil {
				// Every successful change can be undone to the start, and
				// redone.
				after := tree(e)
				for e.CanUndo() {
					if err := e.Undo(); err != nil {
						t.Fatal(err)
					}
				}
				if e.Dirty() {
					t.Error("dirty after undoing everything")
				}
				if got := tree(New(fixture())); strings.ReplaceAll(tree(e), "*", "") != strings.ReplaceAll(got, "*", "") {
					t.Errorf("after undo %s", tree(e))
				}
				for e.CanRedo() {
					if err := e.Redo(); err != nil {
						t.Fatal(err)
					}
				}
				if got := tree(e); got != after {
					t.Errorf("after redo %s, want %s", got, after)
				}
			} else if e.CanUndo() && tc.name != "move a group into a group" && tc.name != "remove the only child selects the group" && tc.name != "cut and paste" {
				t.Error("a failed operation left an undo entry")
			}
		})
	}
}

func TestEmptySequence(t *testing.T) {
	e := New(&sequence.Sequence{Name: "Empty"})
	if e.Selected() != nil || e.Selection() != nil {
		t.Fatal("selection in an empty sequence")
	}
	for name, op := range map[string]func() error{
		"remove": e.Remove, "up": e.MoveUp, "down": e.MoveDown, "into": e.MoveInto, "out": e.MoveOut, "copy": e.Copy,
	} {
		if err := op(); !errors.Is(err, ErrNoSelection) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := e.AddGroup("", After); err != nil {
		t.Fatal(err)
	}
	if err := e.AddStep("restart-computer", Under); err != nil {
		t.Fatal(err)
	}
	if got := tree(e); got != "New Group(*Restart Computer)" {
		t.Fatal(got)
	}
	e.Undo()
	e.Undo()
	if got := tree(e); got != "" || e.Selected() != nil {
		t.Fatalf("%q", got)
	}
}

func TestCopyIsDeep(t *testing.T) {
	e := New(fixture())
	e.Select(Path{1})
	e.Copy()
	e.Paste(After)
	e.Paste(After)
	e.Edit("cmd", "", func(it *sequence.Item) error {
		it.Props.(*sequence.RunCommandLine).CommandLine = "changed"
		it.SuccessCodes[0] = 7
		return nil
	})
	for _, p := range []Path{{1}, {2}} {
		it := e.Item(p)
		if it.Props.(*sequence.RunCommandLine).CommandLine == "changed" || it.SuccessCodes[0] == 7 {
			t.Errorf("%v shares state with the pasted copy", p)
		}
	}
	// Partitions (a slice of structs) are copied too.
	ps := sequence.NewStep("partition-disk")
	ps.Props.(*sequence.PartitionDisk).Partitions = []sequence.Partition{{Name: "Windows"}}
	c := CloneItem(ps)
	c.Props.(*sequence.PartitionDisk).Partitions[0].Name = "X"
	if ps.Props.(*sequence.PartitionDisk).Partitions[0].Name != "Windows" {
		t.Error("partitions shared")
	}
}

func TestUndoRedo(t *testing.T) {
	e := New(fixture())
	e.Select(Path{1})
	if e.Dirty() || e.CanUndo() {
		t.Fatal("fresh editor is dirty")
	}
	e.Rename("C1")
	e.SetDisabled(true)
	if !e.Dirty() || e.UndoLabel() != "disable" {
		t.Fatalf("label %q", e.UndoLabel())
	}
	e.Undo()
	if e.Selected().Disabled || e.Selected().Name != "C1" || e.RedoLabel() != "disable" {
		t.Fatal("undo")
	}
	e.MarkSaved()
	if e.Dirty() {
		t.Fatal("dirty after save")
	}
	e.Redo()
	if !e.Selected().Disabled || !e.Dirty() {
		t.Fatal("redo")
	}
	e.Undo()
	if e.Dirty() {
		t.Fatal("back at the saved state but dirty")
	}
	// A new edit clears redo.
	e.SetContinueOnError(true)
	if e.CanRedo() {
		t.Fatal("redo survived a new edit")
	}
	if err := e.Redo(); !errors.Is(err, ErrNoRedo) {
		t.Fatal(err)
	}
	// Undo after paste removes the pasted item and restores the selection.
	e.Copy()
	e.Select(Path{0, 0})
	e.Paste(After)
	if got := tree(e); got != "G1(A *C1 B) C1 G2() D" {
		t.Fatal(got)
	}
	e.Undo()
	if got := tree(e); got != "G1(*A B) C1 G2() D" {
		t.Fatal(got)
	}
	for e.CanUndo() {
		e.Undo()
	}
	if err := e.Undo(); !errors.Is(err, ErrNoUndo) {
		t.Fatal(err)
	}
	if got := tree(e); got != "G1(A B) *C G2() D" {
		t.Fatal(got)
	}
}

func TestUndoCoalescesTyping(t *testing.T) {
	e := New(fixture())
	e.Select(Path{1})
	for _, s := range []string{"c", "cm", "cmd"} {
		s := s
		e.Edit("command line", "cmd@1", func(it *sequence.Item) error {
			it.Props.(*sequence.RunCommandLine).CommandLine = s
			return nil
		})
	}
	e.Rename("X")
	e.Undo()
	e.Undo()
	if got := e.Selected().Props.(*sequence.RunCommandLine).CommandLine; got != "cmd /c echo C" {
		t.Fatalf("one undo should take back the whole typing, got %q", got)
	}
	// A failed edit changes nothing.
	err := e.Edit("bad", "", func(it *sequence.Item) error {
		it.Name = "half done"
		return errors.New("no")
	})
	if err == nil || e.Selected().Name != "C" || e.CanUndo() {
		t.Fatal("failed edit left traces")
	}
}

func TestUndoIsBounded(t *testing.T) {
	e := New(fixture())
	e.Select(Path{1})
	for i := 0; i < MaxUndo+50; i++ {
		e.SetDisabled(i%2 == 0)
	}
	if len(e.undo) != MaxUndo {
		t.Fatalf("%d undo entries", len(e.undo))
	}
}

func TestConditions(t *testing.T) {
	e := New(fixture())
	e.Select(Path{1})
	if err := e.CopyCondition(); !errors.Is(err, ErrNoCondition) {
		t.Fatal(err)
	}
	if err := e.SetCondition(`_SMSTSInWinPE  ==  "false"`); err != nil {
		t.Fatal(err)
	}
	if got := e.Selected().Condition; got != `_SMSTSInWinPE == "false"` {
		t.Fatalf("not canonical: %q", got)
	}
	if err := e.SetCondition(`_SMSTSInWinPE ==`); err == nil {
		t.Fatal("bad condition accepted")
	}
	e.CopyCondition()
	// Paste onto an item without a condition, then onto one with one.
	e.Select(Path{3})
	if err := e.Paste(After); err != nil {
		t.Fatal(err)
	}
	if got := e.Selected().Condition; got != `_SMSTSInWinPE == "false"` {
		t.Fatal(got)
	}
	e.Select(Path{0})
	e.SetCondition(`OSDisk exists and X == 1`)
	e.Paste(After)
	if got := e.Selected().Condition; got != `OSDisk exists and X == 1 and _SMSTSInWinPE == "false"` {
		t.Fatal(got)
	}
	e.Undo()
	if got := e.Selected().Condition; got != `OSDisk exists and X == 1` {
		t.Fatal(got)
	}
	e.SetCondition("")
	if e.Selected().Condition != "" {
		t.Fatal("condition not cleared")
	}
	// Paste of a condition does not add an item.
	if got := tree(e); got != "*G1(A B) C G2() D" {
		t.Fatal(got)
	}
}

func TestParseKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		path Path
		rest string
	}{
		{"steps[0].steps[3].product_key", Path{0, 3}, "product_key"},
		{"steps[1]", Path{1}, ""},
		{"steps[0].steps[1].partitions[2].size", Path{0, 1}, "partitions[2].size"},
		{"boot_image.path", nil, "boot_image.path"},
		{"name", nil, "name"},
	} {
		p, rest := ParseKey(tc.key)
		if !p.Equal(tc.path) || rest != tc.rest {
			t.Errorf("%s: %v %q", tc.key, p, rest)
		}
		if len(p) > 0 && !strings.HasPrefix(tc.key, p.Key()) {
			t.Errorf("Key %s", p.Key())
		}
	}
}

func TestEditSequence(t *testing.T) {
	e := New(fixture())
	e.EditSequence("rename sequence", "", func(s *sequence.Sequence) error { s.Name = "New"; return nil })
	e.Undo()
	if e.Sequence().Name != "T" {
		t.Fatal(e.Sequence().Name)
	}
}

func TestHasComments(t *testing.T) {
	for in, want := range map[string]bool{
		"a = 1\n":                        false,
		"# top\na = 1\n":                 true,
		"a = 1 # trailing\n":             true,
		"a = \"x # not\"\n":              false,
		"a = 'C:\\x # no'\n":             false,
		"a = \"\"\"\n# inside\n\"\"\"\n": false,
		"a = \"q\\\" # in\"\nb = 2\n":    false,
		"a = '''\n#x\n''' # after\n":     true,
	} {
		if got := HasComments([]byte(in)); got != want {
			t.Errorf("%q: %v", in, got)
		}
	}
}

func TestWarnings(t *testing.T) {
	capture := func() *sequence.Item {
		it := sequence.NewStep("capture-os-image")
		it.Props.(*sequence.CaptureOSImage).Destination = `D:\caps\ref.wim`
		return it
	}
	g := sequence.NewGroup("Capture")
	g.Steps = []*sequence.Item{sequence.NewStep("prepare-windows-for-capture"), capture()}
	s := &sequence.Sequence{Name: "T", Kind: sequence.KindCustom, Steps: []*sequence.Item{g}}
	if ws := Warnings(s); len(ws) != 0 {
		t.Fatal(ws)
	}
	g.Steps[0].Disabled = true
	ws := Warnings(s)
	if len(ws) != 1 || ws[0].Path != "steps[0].steps[1]" || !ws[0].Warning {
		t.Fatal(ws)
	}
	// Capture first, prepare after: still a warning.
	g.Steps[0].Disabled = false
	g.Steps[0], g.Steps[1] = g.Steps[1], g.Steps[0]
	if ws := Warnings(s); len(ws) != 1 || ws[0].Path != "steps[0].steps[0]" {
		t.Fatal(ws)
	}
}

func TestEndTyping(t *testing.T) {
	e := New(fixture())
	e.Select(Path{1})
	set := func(s string) {
		e.Edit("command line", "k", func(it *sequence.Item) error {
			it.Props.(*sequence.RunCommandLine).CommandLine = s
			return nil
		})
	}
	set("a")
	e.EndTyping()
	set("b")
	e.Undo()
	if got := e.Selected().Props.(*sequence.RunCommandLine).CommandLine; got != "a" {
		t.Fatal(got)
	}
}

func TestWarningsDomainJoin(t *testing.T) {
	join := func(domain bool) *sequence.Item {
		it := sequence.NewStep("join-domain-or-workgroup")
		if domain {
			p := it.Props.(*sequence.JoinDomainOrWorkgroup)
			p.Join, p.Domain = sequence.JoinDomain, "corp.example.com"
		}
		return it
	}
	capture := sequence.NewStep("capture-os-image")
	prepare := sequence.NewStep("prepare-windows-for-capture")
	for _, tc := range []struct {
		name  string
		steps []*sequence.Item
		want  int
	}{
		{"prepare then capture", []*sequence.Item{prepare, capture}, 0},
		{"domain, prepare, capture: Validate warns at prepare", []*sequence.Item{join(true), prepare, capture}, 0},
		{"prepare, domain, capture", []*sequence.Item{prepare, join(true), capture}, 1},
		{"prepare, domain, workgroup, capture", []*sequence.Item{prepare, join(true), join(false), capture}, 0},
		{"domain, capture", []*sequence.Item{join(true), capture}, 2},
	} {
		s := &sequence.Sequence{Name: "T", Kind: sequence.KindCustom, Steps: tc.steps}
		if ws := Warnings(s); len(ws) != tc.want {
			t.Errorf("%s: %v", tc.name, ws)
		}
	}
}
