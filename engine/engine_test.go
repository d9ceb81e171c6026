package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/sequence"
)

func load(t testing.TB, body string) *sequence.Sequence {
	t.Helper()
	src := "version = 1\nname = \"Test sequence\"\nkind = \"custom\"\n" + body
	seq, probs := sequence.Parse("test.toml", []byte(src))
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatalf("sequence: %v", probs)
	}
	return seq
}

// clock is a fixed clock that moves 1 ms per reading, at UTC+2.
func clock() func() time.Time {
	t0 := time.Date(2026, 11, 26, 14, 31, 39, 566e6, time.FixedZone("CEST", 2*3600))
	n := 0
	return func() time.Time { n++; return t0.Add(time.Duration(n) * time.Millisecond) }
}

type run struct {
	dir    string
	events []engine.Event
	res    *engine.Result
}

func (r *run) opts(f *enginetest.Fake) engine.Options {
	return engine.Options{Platform: f, StateDir: filepath.Join(r.dir, "state"), LogDir: filepath.Join(r.dir, "log"), NoSync: true,
		Now: clock(), Thread: 1208, JSONLog: true, Events: func(e engine.Event) { r.events = append(r.events, e) }}
}

func newRun(t testing.TB) *run { return &run{dir: t.TempDir()} }

func (r *run) go_(t testing.TB, ctx context.Context, seq *sequence.Sequence, o engine.Options) *engine.Result {
	t.Helper()
	res, err := engine.Run(ctx, seq, o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	r.res = res
	return res
}

func (r *run) log(t testing.TB) string {
	b, err := os.ReadFile(filepath.Join(r.dir, "log", engine.LogName))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func outcomes(res *engine.Result) string {
	var b []string
	for _, s := range res.Steps {
		b = append(b, s.Name+"="+string(s.Outcome))
	}
	return strings.Join(b, " ")
}

func cmd(name, line string, extra ...string) string {
	return "\n[[steps]]\ntype = \"run-command-line\"\nname = \"" + name + "\"\ncommand_line = '" + line + "'\n" + strings.Join(extra, "\n") + "\n"
}

// The worked example of configmgr.md §3.2: Group1(COE) {S1(COE), S2, S3};
// Group2 {S4, S5, S6}. S1 fails → S2 runs. S2 fails → S3 is skipped and
// Group2 runs. S4 fails → the sequence fails.
func TestContinueOnErrorWorkedExample(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "group"
name = "Group1"
continue_on_error = true
  [[steps.steps]]
  type = "run-command-line"
  name = "S1"
  command_line = "s1"
  continue_on_error = true
  [[steps.steps]]
  type = "run-command-line"
  name = "S2"
  command_line = "s2"
  [[steps.steps]]
  type = "run-command-line"
  name = "S3"
  command_line = "s3"
[[steps]]
type = "group"
name = "Group2"
  [[steps.steps]]
  type = "run-command-line"
  name = "S4"
  command_line = "s4"
  [[steps.steps]]
  type = "run-command-line"
  name = "S5"
  command_line = "s5"
  [[steps.steps]]
  type = "run-command-line"
  name = "S6"
  command_line = "s6"
`)
	f := enginetest.New(t)
	f.ExpectRun("s1").Exit(1)
	f.ExpectRun("s2").Exit(0x80070002)
	f.ExpectRun("s4").Exit(5)
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, 5) || res.Failed == nil || res.Failed.Path != "Group2/S4" {
		t.Fatalf("result %+v", res)
	}
	want := "S1=failed (continued) S2=failed S3=skipped S4=failed S5=not run S6=not run"
	if got := outcomes(res); got != want {
		t.Errorf("outcomes\n got %s\nwant %s", got, want)
	}
	log := r.log(t)
	for _, s := range []string{
		"Let the parent group (Group1) decide whether to continue execution",
		"The execution of the group (Group2) has failed and the execution has been aborted. An action failed.",
		"Let the parent group (Group2) decide whether to continue execution",
		"Failed to run the action: S2.\r\nexit code -2147024894: file not found: missing content, script or program (Error: 80070002; Source: Windows)",
		"The task sequence execution engine failed executing the action (S4) in the group (Group2) with the error code 5",
		"Task Sequence Engine failed! Code: enExecutionFail",
	} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q", s)
		}
	}
	if strings.Contains(log, "The execution of the group (Group1) has failed") {
		t.Error("Group1 continues on error; it must not abort")
	}
}

func TestDisabledConditionRunInAndCounting(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "run-command-line"
name = "first"
command_line = "one"
[[steps]]
type = "run-command-line"
name = "off"
command_line = "never"
disabled = true
[[steps]]
type = "group"
name = "Disabled group"
disabled = true
  [[steps.steps]]
  type = "run-command-line"
  name = "inside"
  command_line = "never"
[[steps]]
type = "group"
name = "Full OS only"
condition = '_SMSTSInWinPE == "false"'
  [[steps.steps]]
  type = "run-command-line"
  name = "in group"
  command_line = "never"
[[steps]]
type = "run-command-line"
name = "fails"
command_line = "bad"
continue_on_error = true
[[steps]]
type = "run-command-line"
name = "cond false"
command_line = "never"
condition = '_SMSTSBootUEFI == "false"'
[[steps]]
type = "run-command-line"
name = "wrong env"
command_line = "never"
run_in = "full-os"
continue_on_error = true
[[steps]]
type = "run-command-line"
name = "custom codes"
command_line = "seven"
success_codes = [7]
`)
	f := enginetest.New(t)
	f.ExpectRun("one")
	f.ExpectRun("bad").Exit(1)
	f.ExpectRun("seven").Exit(7)
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusSucceeded {
		t.Fatalf("status %s: %s", res.Status, res.Message)
	}
	want := "first=succeeded off=disabled inside=disabled in group=skipped fails=failed (continued) cond false=skipped wrong env=failed (continued) custom codes=succeeded"
	if got := outcomes(res); got != want {
		t.Errorf("outcomes\n got %s\nwant %s", got, want)
	}
	for _, s := range res.Steps {
		if s.Name == "wrong env" && !engine.SameCode(s.ExitCode, engine.CodeNotSupported) {
			t.Errorf("run_in mismatch code %s", engine.FormatCode(s.ExitCode))
		}
	}
	var started *engine.RunStarted
	var numbers []int
	for _, e := range r.events {
		switch e := e.(type) {
		case engine.RunStarted:
			started = &e
		case engine.StepStarted:
			numbers = append(numbers, e.Number)
		}
	}
	// Counted: first, in group, fails, cond false, wrong env, custom codes.
	if started == nil || started.Total != 6 {
		t.Fatalf("total %+v", started)
	}
	if len(numbers) != 4 || numbers[0] != 1 || numbers[1] != 3 || numbers[2] != 5 || numbers[3] != 6 {
		t.Errorf("step numbers %v", numbers)
	}
	log := r.log(t)
	for _, s := range []string{
		"The task sequence execution engine skipped the action (cond false) in the group (Test sequence) because the condition was evaluated to be false",
		"The task sequence execution engine skipped the group (Full OS only) in the group (Test sequence) because the condition was evaluated to be false",
		"Start executing an instruction. Instruction name: 'off'.  Pointer: 1. Type: 'run-command-line'. Disabled: 1",
		"The group (Disabled group) is disabled",
		"Successfully completed the action (custom codes) with the exit win32 code 7",
	} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q", s)
		}
	}
}

// _SMSTSLastActionSucceeded is set by a step that ran and not reset by a
// skipped one; a handler group can test it.
func TestLastActionVariables(t *testing.T) {
	seq := load(t, cmd("fails", "bad", "continue_on_error = true")+
		cmd("skipped", "never", `condition = 'Nope exists'`)+`
[[steps]]
type = "group"
name = "Handler"
condition = '_SMSTSLastActionSucceeded == "false" and _SMSTSLastActionRetCode == "-2147467259" and _SMSTSLastActionName == "fails"'
  [[steps.steps]]
  type = "run-command-line"
  name = "handle"
  command_line = "handle"
`)
	f := enginetest.New(t)
	f.ExpectRun("bad").Exit(engine.CodeFail)
	f.ExpectRun("handle")
	r := newRun(t)
	if res := r.go_(t, context.Background(), seq, r.opts(f)); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message)
	}
}

var cmtraceLine = regexp.MustCompile(`^<!\[LOG\[(?s:.*)\]LOG\]!><time="(\d\d):(\d\d):(\d\d)\.(\d\d\d)([+-]\d{3,4})" date="(\d\d)-(\d\d)-(\d{4})" component="([^"]+)" context="" type="([123])" thread="(\d+)" file="([^"]+:\d+)">$`)

// splitRecords splits a CMTrace log into records (a message may hold
// line breaks).
func splitRecords(log string) []string {
	var out []string
	for _, rec := range strings.SplitAfter(log, "\">\r\n") {
		if rec != "" {
			out = append(out, strings.TrimSuffix(rec, "\r\n"))
		}
	}
	return out
}

func varKV(k, v string) sequence.Variable { return sequence.Variable{Name: k, Value: v} }
