package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const debugSeq = `
[[steps]]
type = "run-command-line"
name = "A"
command_line = "mark A"

[[steps]]
type = "group"
name = "G"
  [[steps.steps]]
  type = "run-command-line"
  name = "B"
  command_line = "mark B 3 once"
  [[steps.steps]]
  type = "run-command-line"
  name = "C"
  command_line = "mark C"
  condition = 'Go == "yes"'

[[steps]]
type = "run-command-line"
name = "D"
command_line = "mark D"
`

// script answers the debugger's stops in order and checks each.
type script struct {
	t     *testing.T
	steps []scripted
	seen  []string
}

type scripted struct {
	reason  string
	pointer int
	do      DebugAction
}

func (s *script) pause(ctx context.Context, st DebugStop) DebugAction {
	s.seen = append(s.seen, st.Reason)
	if len(s.steps) == 0 {
		s.t.Fatalf("an unexpected stop: %s at %d (%s)", st.Reason, st.Pointer, st.Message)
	}
	n := s.steps[0]
	s.steps = s.steps[1:]
	if n.reason != "" && (st.Reason != n.reason || st.Pointer != n.pointer) {
		s.t.Fatalf("stop %s at %d, want %s at %d (message %q)", st.Reason, st.Pointer, n.reason, n.pointer, st.Message)
	}
	for _, v := range st.Vars {
		if strings.HasPrefix(v.Name, "_") != v.ReadOnly {
			s.t.Errorf("%s read-only=%v", v.Name, v.ReadOnly)
		}
	}
	return n.do
}

// The debugger of the issue: step, set a breakpoint, set a variable that
// changes a later condition, break on a failure and retry it, move the
// pointer back (a step runs again); a restart in the middle keeps debug
// mode and the breakpoints; everything is in the log as TSDebugger.
func TestDebuggerSession(t *testing.T) {
	seq := loadSeq(t, debugSeq)
	dir := t.TempDir()
	plat := &crashPlat{tick: func() {}}
	// Instructions: 0 A, 1 G, 2 B, 3 C, 4 D.
	sc := &script{t: t, steps: []scripted{
		{"start", 0, DebugAction{Op: DebugBreak, Index: 4}},                  // breakpoint on D
		{"start", 0, DebugAction{Op: DebugSetVar, Name: "Go", Value: "yes"}}, // C will run
		{"start", 0, DebugAction{Op: DebugSetVar, Name: "_SMSTSType", Value: "x"}},
		{"start", 0, DebugAction{Op: DebugStep}},                      // A runs
		{"step", 1, DebugAction{Op: DebugRun}},                        // G, B fails
		{"failure", 2, DebugAction{Op: DebugRetry}},                   // B again, succeeds
		{"breakpoint", 4, DebugAction{Op: DebugSetCurrent, Index: 3}}, // C again
		{"moved", 3, DebugAction{Op: DebugQuit}},                      // stop here
	}}
	opts := Options{Platform: plat, StateDir: filepath.Join(dir, "state"), LogDir: filepath.Join(dir, "log"),
		Debug: &Debug{Enabled: true, Pause: sc.pause}}
	res, err := Run(context.Background(), seq, opts)
	if err != nil || res.Status != StatusCancelled {
		t.Fatalf("%v %+v", err, res)
	}
	if got := strings.Join(dones(plat.rec), ","); got != "done A,done B,done B,done C" {
		t.Errorf("ran %s", got)
	}
	st, _ := LoadState(filepath.Join(dir, "state"))
	if st.Debug == nil || !st.Debug.Enabled || len(st.Debug.Breakpoints) != 1 || st.Debug.Breakpoints[0] != 4 || st.Pointer != 3 {
		t.Fatalf("debug state %+v pointer %d", st.Debug, st.Pointer)
	}
	// The resumed run is in debug mode with the breakpoint: it stops at
	// once, C runs again, then D's breakpoint stops it.
	sc2 := &script{t: t, steps: []scripted{
		{"resumed", 3, DebugAction{Op: DebugRun}},
		{"breakpoint", 4, DebugAction{Op: DebugBreak, Index: 4}},
		{"breakpoint", 4, DebugAction{Op: DebugRun}},
	}}
	opts.Resume, opts.Debug = true, &Debug{Pause: sc2.pause}
	res, err = Run(context.Background(), nil, opts)
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("resume: %v %+v", err, res)
	}
	if got := strings.Join(dones(plat.rec), ","); got != "done A,done B,done B,done C,done C,done D" {
		t.Errorf("ran %s", got)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log", LogName))
	for _, want := range []string{
		`component="TSDebugger"`,
		"The operator set a breakpoint on 'D' (pointer 4).",
		"The operator set the task sequence variable Go = yes",
		"The step 'G/B' failed; the operator runs it again.",
		"The operator moved the pointer from 4 to 3: repeats G/C",
		"The run resumes in debug mode at pointer 3 with 1 breakpoints.",
		"The operator removed a breakpoint on 'D' (pointer 4).",
	} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if strings.Contains(string(log), "_SMSTSType = x") {
		t.Error("a read-only variable was set")
	}
}

// Request enters debug mode at the next step boundary of a running
// sequence; ignore skips a failed step and the run goes on.
func TestDebuggerRequestAndIgnore(t *testing.T) {
	seq := loadSeq(t, debugSeq)
	dir := t.TempDir()
	plat := &crashPlat{}
	d := &Debug{}
	plat.tick = func() {
		if len(plat.rec) == 1 { // while A runs
			d.Request()
		}
	}
	sc := &script{t: t, steps: []scripted{
		{"requested", 1, DebugAction{Op: DebugRun}},
		{"failure", 2, DebugAction{Op: DebugIgnore}},
	}}
	d.Pause = sc.pause
	res, err := Run(context.Background(), seq, Options{Platform: plat, StateDir: filepath.Join(dir, "state"), LogDir: filepath.Join(dir, "log"), Debug: d})
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("%v %+v", err, res)
	}
	if got := strings.Join(dones(plat.rec), ","); got != "done A,done B,done D" {
		t.Errorf("ran %s (C's condition needs Go)", got)
	}
	if res.Steps[1].Outcome != Skipped || !strings.Contains(res.Steps[1].Message, "skipped by the operator") {
		t.Errorf("B: %+v", res.Steps[1])
	}
}
