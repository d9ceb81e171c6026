package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
)

const prepareClientSeq = `
[[steps]]
type = "prepare-configmgr-client"
name = "Prepare Configuration Manager Client"
`

// The client is stopped, its certificates and GUID removed, SMSCFG.INI
// deleted, in that order; without a client nothing else runs.
func TestPrepareConfigMgrClient(t *testing.T) {
	f := fullOS(t)
	expectScrub(f, nil)
	f.ExpectRun(`sc.exe query CcmExec`).Output("SERVICE_NAME: CcmExec", "        STATE              : 4  RUNNING").Exit(0)
	f.ExpectRun(`net.exe stop CcmExec /y`).Output("The SMS Agent Host service was stopped successfully.").Exit(0)
	ps := `$n = 0; Get-ChildItem -Path Cert:\LocalMachine\SMS -ErrorAction SilentlyContinue | ForEach-Object { Remove-Item -Path $_.PSPath -Force -ErrorAction Stop; $n++ }; "Removed $n certificates from the SMS store"; Get-CimInstance -Namespace root\ccm -ClassName CCM_Client -ErrorAction SilentlyContinue | Remove-CimInstance -ErrorAction Stop; 'Removed the client GUID (root\ccm CCM_Client)'; Get-CimInstance -Namespace root\ccm\invagt -ClassName InventoryActionStatus -ErrorAction SilentlyContinue | Remove-CimInstance -ErrorAction SilentlyContinue; 'Removed the inventory status (root\ccm\invagt InventoryActionStatus)'`
	c := f.ExpectRun(psLine(ps)).Output("Removed 2 certificates from the SMS store").Exit(0)
	f.ExpectRemoveAll(`C:\Windows\SMSCFG.INI`)
	r := newRun(t)
	if res := r.go_(t, context.Background(), load(t, prepareClientSeq), r.opts(f)); res.Status != engine.StatusSucceeded {
		t.Fatal(res.Status, res.Message)
	}
	golden(t, "prepare-configmgr-client/commands.txt", "sc.exe query CcmExec\nnet.exe stop CcmExec /y\n"+decodePS(t, c.Got.Line)+"\n"+`delete C:\Windows\SMSCFG.INI`+"\n")
	if !strings.Contains(r.log(t), "Removed 2 certificates") {
		t.Error("the output is not in the log")
	}

	f = fullOS(t)
	expectScrub(f, nil)
	f.ExpectRun(`sc.exe query CcmExec`).Exit(1060)
	r = newRun(t)
	if res := r.go_(t, context.Background(), load(t, prepareClientSeq), r.opts(f)); res.Status != engine.StatusSucceeded || !strings.Contains(r.log(t), "not installed") {
		t.Fatal(res.Status, res.Message)
	}

	f = fullOS(t)
	expectScrub(f, nil)
	f.ExpectRun(`sc.exe query CcmExec`).Exit(0)
	f.ExpectRun(`net.exe stop CcmExec /y`).Exit(5)
	r = newRun(t)
	if res := r.go_(t, context.Background(), load(t, prepareClientSeq), r.opts(f)); res.Status != engine.StatusFailed || res.Steps[0].ExitCode != 5 {
		t.Fatal(res.Status, res.Message)
	}
}
