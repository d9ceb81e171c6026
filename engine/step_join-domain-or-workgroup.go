package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Join Domain or Workgroup (configmgr.md §2.10): issue #6.
type joinDomainOrWorkgroup struct{}

func init() { Register("join-domain-or-workgroup", joinDomainOrWorkgroup{}) }

func (joinDomainOrWorkgroup) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("join-domain-or-workgroup")
}

func (joinDomainOrWorkgroup) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.JoinDomainOrWorkgroup)
	var out []string
	if p.Join == sequence.JoinDomain {
		out = []string{"join the domain " + p.Domain + " as " + p.Account + " (password " + pc.Masked(p.Password) + ")"}
	} else {
		out = []string{"join the workgroup " + p.Workgroup + " (leaves any domain)"}
	}
	if !p.SkipReboot {
		out = append(out, "restart and continue with the next step")
	}
	return out
}
