package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

const foreignSteps = `
[[steps]]
type = "foreign"
name = "Enable BitLocker"
class = "SMS_TaskSequence_EnableBitLockerAction"
xml = '<step type="SMS_TaskSequence_EnableBitLockerAction" name="Enable BitLocker"><action>osdbitlocker.exe /enable</action></step>'
`

// A disabled foreign step is skipped; an enabled one fails the run with
// ERROR_NOT_SUPPORTED and says what it is; the plan says it would fail.
func TestForeignStepFailsUnlessDisabled(t *testing.T) {
	seq := load(t, cmd("before", "one")+strings.Replace(foreignSteps, `name = "Enable BitLocker"`, "name = \"Off\"\ndisabled = true", 1)+foreignSteps+cmd("after", "never"))
	f := enginetest.New(t)
	f.ExpectRun("one")
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status == engine.StatusSucceeded {
		t.Fatal("the run succeeded through a foreign step")
	}
	if got, want := outcomes(res), "before=succeeded Off=disabled Enable BitLocker=failed after=not run"; got != want {
		t.Errorf("outcomes\n got %s\nwant %s", got, want)
	}
	s := res.Steps[2]
	if !engine.SameCode(s.ExitCode, engine.CodeNotSupported) || !strings.Contains(s.Message, "SMS_TaskSequence_EnableBitLockerAction") || !strings.Contains(s.Message, "refimage does not run it") {
		t.Errorf("failure %s: %s", engine.FormatCode(s.ExitCode), s.Message)
	}
	plan, err := engine.Plan(seq, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range plan {
		if e.Name == "Enable BitLocker" {
			acts = e.Actions
		}
	}
	if len(acts) != 1 || !strings.HasPrefix(acts[0], "would fail: not supported") {
		t.Errorf("plan actions %q", acts)
	}
}
