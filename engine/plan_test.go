package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
)

func example(t *testing.T) *sequence.Sequence {
	seq, probs := sequence.Load("../docs/examples/build-and-capture.toml")
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	return seq
}

func willRun(t *testing.T, entries []engine.PlanEntry) map[string]bool {
	t.Helper()
	m := map[string]bool{}
	for _, e := range entries {
		m[e.Name] = e.WillRun
	}
	return m
}

func TestPlanBuildAndCapture(t *testing.T) {
	seq := example(t)
	plan := func(o engine.PlanOptions) map[string]bool {
		e, err := engine.Plan(seq, o)
		if err != nil {
			t.Fatal(err)
		}
		return willRun(t, e)
	}
	if m := plan(engine.PlanOptions{Env: "winpe"}); m["Restart in Windows PE"] {
		t.Error("--env winpe: Restart in Windows PE must not run")
	}
	if m := plan(engine.PlanOptions{Env: "full-os"}); !m["Restart in Windows PE"] {
		t.Error("--env full-os: Restart in Windows PE must run")
	}
	m := plan(engine.PlanOptions{Media: "full"})
	if m["Apply Device Drivers"] || m["Install Updates"] || !m["Apply Operating System"] {
		t.Errorf("--media full: %v", m)
	}
	m = plan(engine.PlanOptions{})
	if !m["Apply Device Drivers"] || !m["Install Updates"] {
		t.Errorf("--media none: %v", m)
	}
	m = plan(engine.PlanOptions{Env: "full-os"})
	if !m["Partition Disk 0 - UEFI"] || m["Partition Disk 0 - BIOS"] {
		t.Errorf("--uefi: %v", m)
	}
	m = plan(engine.PlanOptions{BIOS: true})
	if m["Partition Disk 0 - UEFI"] || !m["Partition Disk 0 - BIOS"] {
		t.Errorf("--bios: %v", m)
	}
	// A client cache (simulated with --var) skips both.
	m = plan(engine.PlanOptions{Vars: []sequence.Variable{{Name: "_SMSTSClientCache", Value: `C:\Windows\ccmcache`}}})
	if m["Partition Disk 0 - UEFI"] || m["Partition Disk 0 - BIOS"] {
		t.Errorf("client cache: %v", m)
	}
}

func TestPlanJSONShape(t *testing.T) {
	entries, err := engine.Plan(example(t), engine.PlanOptions{Env: "full-os"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(entries)
	var arr []map[string]any
	if err := json.Unmarshal(b, &arr); err != nil {
		t.Fatal(err)
	}
	if len(arr) != 16 {
		t.Fatalf("%d entries", len(arr))
	}
	for _, o := range arr {
		for _, k := range []string{"path", "name", "type", "will_run", "reason", "actions"} {
			if _, ok := o[k]; !ok {
				t.Fatalf("entry %v lacks %s", o, k)
			}
		}
	}
	if arr[0]["type"] != "group" || arr[1]["path"] != "Build the Reference Computer/Restart in Windows PE" {
		t.Errorf("first entries %v %v", arr[0], arr[1])
	}
	restart := entries[1]
	if restart.Condition != `the variable _SMSTSInWinPE equals "false"` || !strings.Contains(restart.Reason, `_SMSTSInWinPE equals "false"`) {
		t.Errorf("restart %+v", restart)
	}
	// The environment follows the restarts: partitioning is planned in WinPE.
	if entries[2].Environment != "winpe" || restart.Environment != "full-os" {
		t.Errorf("environments %s %s", restart.Environment, entries[2].Environment)
	}
	if len(entries[2].Actions) == 0 {
		t.Error("no actions for a partition step")
	}
}

func TestPlanMasksSecrets(t *testing.T) {
	seq := canarySeq(t)
	entries, err := engine.Plan(seq, engine.PlanOptions{Vars: []sequence.Variable{{Name: "OSDJoinPassword", Value: canaryPW2}}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(entries)
	var text strings.Builder
	engine.WritePlan(&text, seq, engine.PlanOptions{}, entries)
	for _, s := range []string{string(b), text.String()} {
		for _, c := range []string{canaryPW, canaryPW2, canaryPW3, "CANRY-KEY00"} {
			if strings.Contains(s, c) {
				t.Errorf("canary %s in plan:\n%s", c, s)
			}
		}
	}
	if !strings.Contains(text.String(), "(from the environment variable TEST_PK)") {
		t.Errorf("plan:\n%s", text.String())
	}
}
