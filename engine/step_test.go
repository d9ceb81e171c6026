package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

func TestRunCommandLineStep(t *testing.T) {
	long := strings.Repeat("x", 1500)
	seq := load(t, `
[[steps]]
type = "run-command-line"
name = "Query"
command_line = 'cmd.exe /c ver'
working_directory = '%Tools%\bin'
output_variable = "Ver"
success_codes = [0, 1641]
[[steps]]
type = "run-command-line"
name = "Long output"
command_line = 'long'
output_variable = "Long"
[[steps]]
type = "run-command-line"
name = "Use it"
command_line = 'echo %Ver%'
hide_command = true
[[steps]]
type = "set-variable"
name = "Delete"
variable = "ver"
value = ""
[[steps]]
type = "run-command-line"
name = "Deleted"
command_line = 'echo %Ver%'
`)
	f := enginetest.New(t)
	f.ExpectRun(`cmd.exe /c ver`).InDir(`D:\tools\bin`).Output("", "Microsoft Windows [Version 10.0.22631.4602]").Exit(1641)
	f.ExpectRun("long").Output(long)
	f.ExpectRun("echo Microsoft Windows [Version 10.0.22631.4602]")
	f.ExpectRun("echo %Ver%")
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("Tools", `D:\tools`))
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, outcomes(res))
	}
	log := r.log(t)
	if !strings.Contains(log, "Executing command line: (hidden: OSDDoNotLogCommand)") || strings.Contains(log, "Executing command line: echo Microsoft") {
		t.Error("hide_command")
	}
	if !strings.Contains(log, "Saved 1000 characters of output in the variable Long") {
		t.Error("output variable keeps the last 1000 characters")
	}
}

// Sequence variables, then --var, then what steps set; an action variable
// set before a step overrides its property and stays for later steps.
func TestVariablePrecedenceAndOverrides(t *testing.T) {
	seq := load(t, `
[variables]
Site = "Seoul"
Greeting = "hi"
`+cmd("echo", "echo %Site% %greeting%")+`
[[steps]]
type = "set-variable"
name = "Override the message"
variable = "SMSRebootMessage"
value = "Custom message for %Site%"
[[steps]]
type = "restart-computer"
name = "First restart"
[[steps]]
type = "restart-computer"
name = "Second restart"
message = "own message"
`)
	r := newRun(t)
	f := enginetest.New(t)
	f.ExpectRun("echo Busan hi")
	first := f.ExpectReboot("WinPE")
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("site", "Busan"))
	r.go_(t, context.Background(), seq, o)
	if first.Reboot.Message != "Custom message for Busan" || first.Reboot.Delay.Seconds() != 60 {
		t.Errorf("first %+v", first.Reboot)
	}
	f = enginetest.New(t)
	second := f.ExpectReboot("WinPE")
	o = r.opts(f)
	o.Resume = true
	r.go_(t, context.Background(), nil, o)
	if second.Reboot.Message != "Custom message for Busan" {
		t.Errorf("the override did not persist: %+v", second.Reboot)
	}
}
