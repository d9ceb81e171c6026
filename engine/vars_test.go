package engine

import (
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

func TestVarsRules(t *testing.T) {
	v := NewVars()
	if err := v.Set("OSDComputerName", "REF01"); err != nil {
		t.Fatal(err)
	}
	if got, ok := v.Get("osdcomputername"); !ok || got != "REF01" {
		t.Fatal("case-insensitive get", got, ok)
	}
	v.Set("OSDCOMPUTERNAME", "REF02")
	if all := v.All(); len(all) != 1 || all[0].Name != "OSDComputerName" || all[0].Value != "REF02" {
		t.Fatalf("one variable, first spelling kept: %+v", all)
	}
	for _, bad := range []string{"_SMSTSInWinPE", "1abc", "has space", "a%b", "", strings.Repeat("a", 257)} {
		if err := v.Set(bad, "x"); err == nil || CodeOf(err) != CodeInvalidParam {
			t.Errorf("Set(%q) = %v", bad, err)
		}
	}
	if err := v.Set(" Padded ", "ok"); err != nil || v.Value("padded") != "ok" {
		t.Errorf("edge spaces are ignored: %v", err)
	}
	if err := v.SetReadOnly("_SMSTSInWinPE", "true"); err != nil || v.Value("_smstsinwinpe") != "true" {
		t.Error("engine sets read-only", err)
	}
	if err := v.Set("Big", strings.Repeat("x", 4000)); err != nil {
		t.Error("4000 characters fit", err)
	}
	if err := v.Set("Big", strings.Repeat("é", 4001)); err == nil || !strings.Contains(err.Error(), "at most 4000") {
		t.Error("4001 characters", err)
	}
	v.Set("OSDComputerName", "")
	if _, ok := v.Get("OSDComputerName"); ok {
		t.Error(`"" deletes`)
	}
	v.Set("A", "1")
	v.Set("B", "%A%-%a%-%Missing%-100%")
	// Values are not expanded again (set-variable expands when it sets).
	if got := v.Expand("%b% %A% %Missing% 100%"); got != "%A%-%a%-%Missing%-100% 1 %Missing% 100%" {
		t.Errorf("expand %q", got)
	}
}

func TestExpandEveryStringProperty(t *testing.T) {
	v := NewVars()
	v.Set("Src", `\\srv\apps`)
	v.Set("Name", "REF01")
	p := &sequence.InstallApplications{Applications: []sequence.Application{{Name: "%Name% app", Source: `%Src%\7zip`, CommandLine: "msiexec /i %Name%.msi"}}}
	c := cloneProps(p).(*sequence.InstallApplications)
	expandProps(c, v.Expand)
	a := c.Applications[0]
	if a.Name != "REF01 app" || a.Source != `\\srv\apps\7zip` || a.CommandLine != "msiexec /i REF01.msi" {
		t.Errorf("expanded %+v", a)
	}
	if p.Applications[0].Source != `%Src%\7zip` {
		t.Error("the original was changed")
	}
	w := &sequence.ApplyWindowsSettings{ComputerName: "%Name%", TimeZone: "UTC"}
	expandProps(w, v.Expand)
	if w.ComputerName != "REF01" {
		t.Error(w.ComputerName)
	}
}

func TestActionVariables(t *testing.T) {
	v := NewVars()
	p := &sequence.RestartComputer{Target: sequence.TargetWinPE, Notify: true, Message: "bye", MessageTimeout: 60}
	pushed, over, bad := applyActionVars("restart-computer", p, v)
	if len(pushed) != 3 || len(over) != 0 || len(bad) != 0 || v.Value("SMSRebootTarget") != "WinPE" || v.Value("SMSRebootTimeout") != "60" || v.Value("smsrebootmessage") != "bye" {
		t.Fatalf("pushed %v %v", pushed, v.All())
	}
	// A variable that is already set overrides the property.
	v = NewVars()
	v.Set("SMSRebootTarget", "HD")
	v.Set("SMSRebootTimeout", "soon")
	pushed, over, bad = applyActionVars("restart-computer", p, v)
	if p.Target != sequence.TargetInstalledOS || len(over) != 1 || len(bad) != 1 || bad[0] != "SMSRebootTimeout" || p.MessageTimeout != 60 {
		t.Fatalf("override: %+v over %v bad %v pushed %v", p, over, bad, pushed)
	}
	j := &sequence.JoinDomainOrWorkgroup{Join: sequence.JoinWorkgroup, Workgroup: "WG"}
	v = NewVars()
	v.Set("OSDJoinType", "0")
	v.Set("OSDJoinDomainName", "corp.example")
	applyActionVars("join-domain-or-workgroup", j, v)
	if j.Join != sequence.JoinDomain || j.Domain != "corp.example" || v.Value("OSDJoinWorkgroupName") != "WG" {
		t.Fatalf("join %+v", j)
	}
}

func TestSecretVariableNames(t *testing.T) {
	for name, want := range map[string]bool{"OSDJoinPassword": true, "osdproductkey": true, "MyPassword2": true, "OSDRandomAdminPassword": false, "OSDComputerName": false} {
		if IsSecretVariable(name) != want {
			t.Errorf("IsSecretVariable(%s) != %v", name, want)
		}
	}
	got := ""
	v := NewVars()
	v.onSecret = func(s string, _ bool) { got += s + ";" }
	v.Set("MyPassword", "true")
	v.Set("MyPassword", "s3cret")
	if got != "s3cret;" {
		t.Errorf("registered %q", got)
	}
}
