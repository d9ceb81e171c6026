package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Install Software Updates (configmgr.md §2.8): issue #6.
type installSoftwareUpdates struct{}

func init() { Register("install-software-updates", installSoftwareUpdates{}) }

func (installSoftwareUpdates) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("install-software-updates")
}

func (installSoftwareUpdates) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.InstallSoftwareUpdates)
	which := "the mandatory updates"
	if p.Target == sequence.UpdatesAll {
		which = "all updates"
	}
	src := p.Source
	if src == "" {
		src = "(no source folder)"
	}
	if pc.Machine.InWinPE {
		return []string{"install " + which + " from " + src + ` offline: dism /Image:<Windows volume> /Add-Package /PackagePath:<each .msu/.cab>`}
	}
	return []string{"install " + which + " from " + src + ": wusa.exe <each .msu> /quiet /norestart, dism /Online /Add-Package for .cab", "restart and continue when an update needs it (3010)"}
}
