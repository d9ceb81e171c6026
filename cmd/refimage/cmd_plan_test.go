package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const example = "../../docs/examples/build-and-capture.toml"

func planJSON(t *testing.T, args ...string) map[string]bool {
	t.Helper()
	code, out, errs := run(t, append([]string{"plan", example, "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var arr []struct {
		Path    string   `json:"path"`
		Name    string   `json:"name"`
		Type    string   `json:"type"`
		WillRun bool     `json:"will_run"`
		Reason  string   `json:"reason"`
		Actions []string `json:"actions"`
	}
	if err := json.Unmarshal([]byte(out), &arr); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := map[string]bool{}
	for _, e := range arr {
		if e.Path == "" || e.Name == "" || e.Type == "" || e.Reason == "" || e.Actions == nil {
			t.Errorf("incomplete entry %+v", e)
		}
		m[e.Name] = e.WillRun
	}
	return m
}

// The checks of issue 5 on docs/examples/build-and-capture.toml.
func TestPlanExampleChecks(t *testing.T) {
	if planJSON(t, "--env", "winpe")["Restart in Windows PE"] {
		t.Error("--env winpe: Restart in Windows PE runs")
	}
	if !planJSON(t, "--env", "full-os")["Restart in Windows PE"] {
		t.Error("--env full-os: Restart in Windows PE does not run")
	}
	m := planJSON(t, "--media", "full")
	if m["Apply Device Drivers"] || m["Install Updates"] {
		t.Errorf("--media full: %v", m)
	}
	m = planJSON(t, "--uefi")
	if !m["Partition Disk 0 - UEFI"] || m["Partition Disk 0 - BIOS"] {
		t.Errorf("--uefi: %v", m)
	}
	m = planJSON(t, "--bios")
	if m["Partition Disk 0 - UEFI"] || !m["Partition Disk 0 - BIOS"] {
		t.Errorf("--bios: %v", m)
	}
}

func TestPlanUsage(t *testing.T) {
	for _, args := range [][]string{
		{"plan"},
		{"plan", example, "--uefi", "--bios"},
		{"plan", example, "--env", "dos"},
		{"plan", example, "--media", "floppy"},
		{"plan", example, "--var", "novalue"},
		{"plan", "../../engine/sequence/testdata/invalid/long-name.toml"},
	} {
		if code, _, _ := run(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestPlanTextAndSecrets(t *testing.T) {
	const canary = "CANARY-plan-77aa"
	code, out, errs := run(t, "plan", example, "--var", "OSDJoinPassword="+canary, "--var", "OSDCaptureAccount="+canary)
	if code != 0 {
		t.Fatal(errs)
	}
	if !strings.Contains(out, "13 of 14 steps would run") && !strings.Contains(out, "steps would run") {
		t.Errorf("text plan:\n%s", out)
	}
	code, js, _ := run(t, "plan", example, "--json", "--var", "OSDJoinPassword="+canary)
	if code != 0 || strings.Contains(out+js, "CANARY-plan") && strings.Contains(js, canary) {
		t.Errorf("canary in plan")
	}
	if strings.Contains(js, canary) {
		t.Error("canary in JSON plan")
	}
}
