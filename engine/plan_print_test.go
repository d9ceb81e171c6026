package engine_test

import (
	"os"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
)

func TestPlanTextGolden(t *testing.T) {
	seq := example(t)
	o := engine.PlanOptions{Env: "full-os"}
	entries, err := engine.Plan(seq, o)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	engine.WritePlan(&b, seq, o, entries)
	golden(t, "plan-build-and-capture.golden", b.String())
	_ = os.Stdout
}
