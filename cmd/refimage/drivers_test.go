package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 15: Apply Device Drivers without a source. validate and plan
// refuse it with its position (exit 2); plan never prints an empty path.
func TestPlanRefusesDriverStepWithoutSource(t *testing.T) {
	f := filepath.Join(t.TempDir(), "d.toml")
	src := "version = 1\nname = \"D\"\nkind = \"custom\"\n\n[[steps]]\ntype = \"auto-apply-drivers\"\nname = \"Apply Device Drivers\"\n"
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "plan", f)
	if code != exitUsage || out != "" || !strings.Contains(errs, f+":5:1: steps[0].source: the driver source folder is required") {
		t.Errorf("plan: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = run(t, "validate", f)
	if code != exitUsage || !strings.Contains(out, f+":5:1: steps[0].source: the driver source folder is required") {
		t.Errorf("validate: exit %d\n%s", code, out)
	}
}
