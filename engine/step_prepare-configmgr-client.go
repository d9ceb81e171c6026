package engine

import "context"

// Prepare ConfigMgr Client for Capture (configmgr.md §2.11): issue #6.
type prepareClient struct{}

func init() { Register("prepare-configmgr-client", prepareClient{}) }

func (prepareClient) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("prepare-configmgr-client")
}

func (prepareClient) Plan(pc *PlanContext) []string {
	return []string{
		"stop the ConfigMgr client service (CcmExec) if it is installed",
		`remove its identity: SMS certificates, %WINDIR%\SMSCFG.INI, the client GUID`,
	}
}
