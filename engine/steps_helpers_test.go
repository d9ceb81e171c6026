package engine_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/sequence"
)

// transcript is what a step did through the fake platform: every call in
// order, then the content of each written file (CRLF shown as ⏎).
func transcript(f *enginetest.Fake, writes ...*enginetest.Call) string {
	var b strings.Builder
	for _, c := range f.Calls() {
		b.WriteString(c + "\n")
	}
	for _, w := range writes {
		b.WriteString("\n--- " + w.String() + " ---\n")
		b.WriteString(strings.ReplaceAll(string(w.Written), "\r\n", "⏎\n"))
	}
	return b.String()
}

// runLines are the command lines the fake ran.
func runLines(f *enginetest.Fake) []string {
	var out []string
	for _, c := range f.Calls() {
		if strings.HasPrefix(c, `Run("`) {
			out = append(out, unquoteCall(c))
		}
	}
	return out
}

func unquoteCall(c string) string {
	s, err := strconv.Unquote(c[strings.Index(c, "(")+1 : len(c)-1])
	if err != nil {
		return c
	}
	return s
}

// planOf returns the plan actions of the named step.
func planOf(t *testing.T, seq *sequence.Sequence, o engine.PlanOptions, name string) []string {
	t.Helper()
	entries, err := engine.Plan(seq, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name == name {
			return e.Actions
		}
	}
	t.Fatalf("no plan entry %q", name)
	return nil
}

// inPlan checks that every command the step ran is listed in its plan
// (Plan and Run stay in sync).
func inPlan(t *testing.T, plan []string, ran []string, skip ...string) {
	t.Helper()
	all := strings.Join(plan, "\n")
next:
	for _, r := range ran {
		for _, s := range skip {
			if strings.Contains(r, s) {
				continue next
			}
		}
		if !strings.Contains(all, r) {
			t.Errorf("the step ran %q, which its plan does not list:\n%s", r, all)
		}
	}
}

func fmtAny(v any) string { return fmt.Sprintf("%+v", v) }
