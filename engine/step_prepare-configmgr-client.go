package engine

import (
	"context"
	"fmt"
)

// Prepare ConfigMgr Client for Capture (configmgr.md §2.11): stops the
// Configuration Manager client and removes its identity, so every computer
// deployed from the image gets its own:
//
//  1. sc.exe query CcmExec — exit code 1060 (no such service): the client
//     is not installed, nothing to do;
//  2. net.exe stop CcmExec /y (exit code 2: it was not running);
//  3. PowerShell: every certificate of the SMS store
//     (Cert:\LocalMachine\SMS, the client's signing and encryption
//     certificates), the client GUID (the CCM_Client instance in root\ccm)
//     and the inventory status (root\ccm\invagt InventoryActionStatus) are
//     removed;
//  4. %WINDIR%\SMSCFG.INI (which also holds the GUID) is deleted.
type prepareClient struct{}

func init() { Register("prepare-configmgr-client", prepareClient{}) }

const (
	clientQuery = `sc.exe query CcmExec`
	clientStop  = `net.exe stop CcmExec /y`
	// errServiceDoesNotExist is ERROR_SERVICE_DOES_NOT_EXIST.
	errServiceDoesNotExist = 1060
)

const clientIdentityScript = `$n = 0; ` +
	`Get-ChildItem -Path Cert:\LocalMachine\SMS -ErrorAction SilentlyContinue | ForEach-Object { Remove-Item -Path $_.PSPath -Force -ErrorAction Stop; $n++ }; ` +
	`"Removed $n certificates from the SMS store"; ` +
	`Get-CimInstance -Namespace root\ccm -ClassName CCM_Client -ErrorAction SilentlyContinue | Remove-CimInstance -ErrorAction Stop; ` +
	`'Removed the client GUID (root\ccm CCM_Client)'; ` +
	`Get-CimInstance -Namespace root\ccm\invagt -ClassName InventoryActionStatus -ErrorAction SilentlyContinue | Remove-CimInstance -ErrorAction SilentlyContinue; ` +
	`'Removed the inventory status (root\ccm\invagt InventoryActionStatus)'`

func (prepareClient) Run(ctx context.Context, sc *StepContext) (int64, error) {
	if err := requireRunningWindows(sc, "Prepare ConfigMgr Client for Capture"); err != nil {
		return 0, err
	}
	scrubAnswerFiles(sc)
	sc.Log("Executing command line: %s", clientQuery)
	code, err := sc.Run(ctx, Command{Line: clientQuery})
	if err != nil {
		return 0, err
	}
	if code == errServiceDoesNotExist {
		sc.Log("The Configuration Manager client (CcmExec) is not installed: there is nothing to prepare.")
		return 0, nil
	}
	if code != 0 {
		return 0, &Error{Code: code, Msg: fmt.Sprintf("%s failed with exit code %s", clientQuery, Decimal(code))}
	}
	sc.Log("Executing command line: %s", clientStop)
	code, err = sc.Run(ctx, Command{Line: clientStop})
	if err != nil {
		return 0, err
	}
	switch code {
	case 0:
		sc.Log("Stopped the Configuration Manager client (CcmExec).")
	case 2:
		sc.Log("The Configuration Manager client (CcmExec) was not running.")
	default:
		return 0, &Error{Code: code, Msg: fmt.Sprintf("the client service CcmExec could not be stopped (net stop exit code %s)", Decimal(code))}
	}
	_, code, err = runPowerShell(sc, ctx, clientIdentityScript, nil)
	if err != nil {
		return 0, err
	}
	if code != 0 {
		return 0, &Error{Code: code, Msg: fmt.Sprintf("removing the client's certificates and GUID failed (PowerShell exit code %s)", Decimal(code))}
	}
	ini := systemRoot() + `\SMSCFG.INI`
	if err := sc.Platform.RemoveAll(ini); err != nil {
		return 0, &Error{Code: CodeOf(err), Msg: "cannot delete " + ini, Err: err}
	}
	sc.Log("Deleted %s. The client is ready for capture: a computer deployed from the image gets a new identity.", ini)
	return 0, nil
}

func (prepareClient) Plan(pc *PlanContext) []string {
	return append(offlinePlan(pc),
		clientQuery+" (not installed: nothing to do)",
		clientStop,
		`powershell.exe: remove every certificate of Cert:\LocalMachine\SMS, the client GUID (root\ccm CCM_Client) and the inventory status`,
		`delete %WINDIR%\SMSCFG.INI`,
	)
}
