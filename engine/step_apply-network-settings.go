package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Apply Network Settings (configmgr.md §2.5): issue #6.
type applyNetworkSettings struct{}

func init() { Register("apply-network-settings", applyNetworkSettings{}) }

func (applyNetworkSettings) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("apply-network-settings")
}

func (applyNetworkSettings) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.ApplyNetworkSettings)
	file := `<Windows volume>\Windows\Panther\unattend.xml`
	if pc.Offline != "" {
		file = pc.Offline + "/Windows/Panther/unattend.xml"
	}
	if p.Join == sequence.JoinDomain {
		ou := ""
		if p.DomainOU != "" {
			ou = " in " + p.DomainOU
		}
		return []string{"write the Identification of " + file + ": join the domain " + p.Domain + ou + " as " + p.Account + " (password " + pc.Masked(p.Password) + ")"}
	}
	return []string{"write the Identification of " + file + ": join the workgroup " + p.Workgroup}
}
