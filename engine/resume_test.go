package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

func TestReboot3010AndResume(t *testing.T) {
	seq := load(t, cmd("install", "setup.exe /q")+cmd("after", "after.exe"))
	r := newRun(t)
	f := enginetest.New(t)
	f.ExpectRun("setup.exe /q").Exit(3010)
	rb := f.ExpectReboot("")
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusRestarting || outcomes(res) != "install=succeeded after=not run" {
		t.Fatalf("%s: %s", res.Status, outcomes(res))
	}
	_ = rb
	st, err := engine.LoadState(filepath.Join(r.dir, "state"))
	if err != nil || st.Pointer != 1 || st.Reboot == nil || st.Status != engine.StatusRestarting {
		t.Fatalf("state %+v %v", st, err)
	}

	// After the restart: the next step, and the earlier results are kept.
	f2 := enginetest.New(t)
	f2.ExpectRun("after.exe")
	o := r.opts(f2)
	o.Resume = true
	res = r.go_(t, context.Background(), nil, o)
	if res.Status != engine.StatusSucceeded || outcomes(res) != "install=succeeded after=succeeded" {
		t.Fatalf("%s: %s", res.Status, outcomes(res))
	}
	if res.Steps[0].ExitCode != 3010 {
		t.Errorf("the first result was not kept: %+v", res.Steps[0])
	}
	log := r.log(t)
	for _, s := range []string{
		"Successfully completed the action (install) with the exit win32 code 3010",
		"The action (install) requested a restart to the default operating system. The task sequence continues with the next step after the restart.",
		"The computer restarted as the action (install) asked; continuing.",
	} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q", s)
		}
	}
	if _, err := engine.Run(context.Background(), nil, o); !errors.Is(err, engine.ErrNothingToResume) {
		t.Errorf("resume of a finished run: %v", err)
	}
}

func TestRebootRequestedByVariableWithMessage(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "set-variable"
name = "ask"
variable = "SMSTSRebootRequested"
value = "WinPE"
`+cmd("next", "next")+`
[[steps]]
type = "restart-computer"
name = "Restart in Windows PE"
message = "Bye %OSDComputerName%"
message_timeout = 30
`+cmd("last", "last"))
	r := newRun(t)
	f := enginetest.New(t)
	c := f.ExpectReboot("WinPE")
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("OSDComputerName", "REF01"))
	if res := r.go_(t, context.Background(), seq, o); res.Status != engine.StatusRestarting {
		t.Fatal(res.Status, res.Message)
	}
	if c.Reboot.Message != "" {
		t.Errorf("message %q", c.Reboot.Message)
	}
	f = enginetest.New(t)
	f.ExpectRun("next")
	c = f.ExpectReboot("WinPE")
	o = r.opts(f)
	o.Resume = true
	if res := r.go_(t, context.Background(), nil, o); res.Status != engine.StatusRestarting {
		t.Fatal(res.Status, res.Message)
	}
	if c.Reboot.Message != "Bye REF01" || c.Reboot.Delay != 30*time.Second {
		t.Errorf("reboot %+v", c.Reboot)
	}
	// The action variables are gone after the step; the user variable stays.
	st, _ := engine.LoadState(filepath.Join(r.dir, "state"))
	for _, v := range st.Vars {
		if strings.HasPrefix(v.Name, "SMSReboot") || strings.EqualFold(v.Name, "SMSTSRebootRequested") {
			t.Errorf("leftover variable %s", v.Name)
		}
	}
	f = enginetest.New(t)
	f.ExpectRun("last")
	o = r.opts(f)
	o.Resume = true
	if res := r.go_(t, context.Background(), nil, o); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status, res.Message)
	}
}

// SMSTSRetryRequested with a restart runs the same step again.
func TestRetryRequested(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "restart-computer"
name = "restart"
notify = false
`+cmd("after", "after"))
	r := newRun(t)
	f := enginetest.New(t)
	f.ExpectReboot("WinPE")
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("SMSTSRetryRequested", "true"))
	r.go_(t, context.Background(), seq, o)
	st, _ := engine.LoadState(filepath.Join(r.dir, "state"))
	if st.Pointer != 0 || !st.Reboot.Retry {
		t.Fatalf("pointer %d reboot %+v", st.Pointer, st.Reboot)
	}
	f = enginetest.New(t)
	f.ExpectReboot("WinPE") // the same step again, now without retry
	o = r.opts(f)
	o.Resume = true
	r.go_(t, context.Background(), nil, o)
	f = enginetest.New(t)
	f.ExpectRun("after")
	o = r.opts(f)
	o.Resume = true
	if res := r.go_(t, context.Background(), nil, o); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status)
	}
}

func TestRebootUnsupported(t *testing.T) {
	seq := load(t, cmd("install", "x")+cmd("after", "y"))
	r := newRun(t)
	f := enginetest.New(t)
	f.ExpectRun("x").Exit(3010)
	f.ExpectReboot("").Err(engine.ErrRebootUnsupported)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusRestartNeeded || !strings.Contains(res.Message, "--resume") {
		t.Fatal(res.Status, res.Message)
	}
	f = enginetest.New(t)
	f.ExpectRun("y")
	o := r.opts(f)
	o.Resume = true
	if res := r.go_(t, context.Background(), nil, o); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status)
	}
}

func TestTimeout(t *testing.T) {
	seq := load(t, cmd("slow", "slow", `timeout = "50ms"`)+cmd("never", "never"))
	r := newRun(t)
	f := enginetest.New(t)
	c := f.ExpectRun("slow").Output("working").Hang()
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, engine.CodeTimeout) || !c.Killed || c.Got.Timeout != 50*time.Millisecond {
		t.Fatalf("%+v killed=%v", res, c.Killed)
	}
	if res.Failed.Output[0] != "working" || !strings.Contains(res.Failed.Message, "timeout of 50ms") {
		t.Errorf("failed %+v", res.Failed)
	}
}

// Cancelling stops the running step (its process tree is killed), saves
// the state on that step, and resume runs it again.
func TestCancelAndResume(t *testing.T) {
	seq := load(t, cmd("one", "one")+cmd("long", "long")+cmd("three", "three"))
	r := newRun(t)
	f := enginetest.New(t)
	f.ExpectRun("one")
	c := f.ExpectRun("long").Hang()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-c.Started(); cancel() }()
	res := r.go_(t, ctx, seq, r.opts(f))
	if res.Status != engine.StatusCancelled || !c.Killed || outcomes(res) != "one=succeeded long=cancelled three=not run" {
		t.Fatalf("%s %s", res.Status, outcomes(res))
	}
	st, _ := engine.LoadState(filepath.Join(r.dir, "state"))
	if st.Pointer != 1 || st.InProgress != nil || st.Status != engine.StatusCancelled {
		t.Fatalf("state %+v", st)
	}
	f = enginetest.New(t)
	f.ExpectRun("long")
	f.ExpectRun("three")
	o := r.opts(f)
	o.Resume = true
	if res := r.go_(t, context.Background(), nil, o); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status)
	}
}

// A step interrupted (the process died) runs again on resume, as many
// times as retry_count allows (at least once).
func TestInterruptedStepRetries(t *testing.T) {
	seq := load(t, cmd("one", "one")+cmd("flaky", "flaky", "retry_count = 2"))
	r := newRun(t)
	stateDir := filepath.Join(r.dir, "state")
	files := []string{engine.StateFile, engine.ResultsFile}
	// snapshot keeps the state folder as a crash in the middle of the
	// step would leave it.
	var snap [][]byte
	snapshot := func(ctx context.Context, c engine.Command) (int64, error) {
		snap = nil
		for _, f := range files {
			b, _ := os.ReadFile(filepath.Join(stateDir, f))
			snap = append(snap, b)
		}
		st, err := engine.LoadState(stateDir)
		if err != nil || st.InProgress == nil || st.InProgress.Index != 1 || st.Pointer != 1 {
			t.Errorf("state during the step: %+v %v", st, err)
		}
		return 0, nil
	}
	crash := func() {
		for i, f := range files {
			os.WriteFile(filepath.Join(stateDir, f), snap[i], 0o600)
		}
	}
	f := enginetest.New(t)
	f.ExpectRun("one")
	f.ExpectRun("flaky").Do(snapshot)
	r.go_(t, context.Background(), seq, r.opts(f))
	for attempt := 2; attempt <= 4; attempt++ {
		crash()
		f := enginetest.New(t)
		o := r.opts(f)
		o.Resume = true
		if attempt <= 3 {
			f.ExpectRun("flaky").Do(snapshot)
			res := r.go_(t, context.Background(), nil, o)
			if res.Status != engine.StatusSucceeded || res.Steps[1].Attempt != attempt {
				t.Fatalf("attempt %d: %s %+v", attempt, res.Status, res.Steps[1])
			}
			continue
		}
		res := r.go_(t, context.Background(), nil, o)
		if res.Status != engine.StatusFailed || !strings.Contains(res.Failed.Message, "interrupted 3 times; retry_count allows 2") {
			t.Fatalf("attempt %d: %s %+v", attempt, res.Status, res.Failed)
		}
	}
}

// A resume continues with the kept copy even when the file changed.
func TestResumeWithChangedFile(t *testing.T) {
	seq := load(t, cmd("one", "one")+cmd("two", "two"))
	r := newRun(t)
	f := enginetest.New(t)
	f.ExpectRun("one").Exit(3010)
	f.ExpectReboot("")
	r.go_(t, context.Background(), seq, r.opts(f))
	changed := load(t, cmd("one", "one")+cmd("two", "CHANGED"))
	f = enginetest.New(t)
	f.ExpectRun("two")
	o := r.opts(f)
	o.Resume = true
	if res := r.go_(t, context.Background(), changed, o); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status)
	}
	if !strings.Contains(r.log(t), "The sequence file differs from the one the run started with") {
		t.Error("no warning")
	}
}
