package engine_test

import (
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
)

// Issue 15: plan printed an empty path for Apply Device Drivers without a
// source. Validation refuses such a step; a plan of one (built in code,
// never validated) still never shows an empty path, online or offline.
func TestPlanDriverStepWithoutFolder(t *testing.T) {
	seq := &sequence.Sequence{Version: sequence.FormatVersion, Name: "D", Kind: sequence.KindCustom, Steps: []*sequence.Item{
		{Type: "auto-apply-drivers", Name: "Apply Device Drivers", Props: &sequence.AutoApplyDrivers{BestMatch: true}},
		{Type: "apply-driver-package", Name: "Driver Package", Props: &sequence.ApplyDriverPackage{Recurse: true}},
	}}
	for _, offline := range []string{"", "/tmp/target"} {
		entries, err := engine.Plan(seq, engine.PlanOptions{Offline: offline})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			text := strings.Join(e.Actions, "\n")
			if !strings.Contains(text, "folder is set") {
				t.Errorf("%s (offline %q): %q does not say the folder is missing", e.Name, offline, text)
			}
			for _, empty := range []string{"under  ", "/Driver: ", "/Driver:\n", "package  into", "under \n"} {
				if strings.Contains(text+"\n", empty) {
					t.Errorf("%s (offline %q) prints an empty path: %q", e.Name, offline, text)
				}
			}
		}
	}
}
