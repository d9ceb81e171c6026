package wizard

import (
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// Issue 15: the wizard wrote Apply Device Drivers without a source (it
// asks for none). A new build-and-capture sequence leaves the step out
// and validates; an opened sequence keeps its own step and source.
func TestNoDriverStepWithoutSource(t *testing.T) {
	w := fromAnswers(t, "build.answers.toml")
	seq, err := w.Sequence()
	if err != nil {
		t.Fatal(err)
	}
	if it := findType(seq, "auto-apply-drivers"); it != nil {
		t.Errorf("the new sequence has %q with source %q", it.Name, it.Props.(*sequence.AutoApplyDrivers).Source)
	}
	if probs := sequence.Validate(seq); len(probs.Errors()) > 0 {
		t.Errorf("invalid: %v", probs)
	}

	w = newTest(t)
	w.A.Flow = FlowOpen
	w.A.OpenPath = "../docs/examples/build-and-capture.toml"
	for w.CurrentID() != PageSummary {
		if err := w.Next(); err != nil {
			t.Fatalf("Next on %s: %v %v", w.CurrentID(), err, w.PageErrors(w.CurrentID()))
		}
	}
	seq, err = w.Sequence()
	if err != nil {
		t.Fatal(err)
	}
	it := findType(seq, "auto-apply-drivers")
	if it == nil || it.Props.(*sequence.AutoApplyDrivers).Source != `\\deploy01\drivers$` {
		t.Errorf("the opened example lost its Apply Device Drivers step or its source: %+v", it)
	}
}
