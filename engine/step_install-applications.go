package engine

import (
	"context"
	"fmt"

	"github.com/refimage/refimage/engine/sequence"
)

// Install Application (configmgr.md §2.9): issue #6.
type installApplications struct{}

func init() { Register("install-applications", installApplications{}) }

func (installApplications) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("install-applications")
}

func (installApplications) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.InstallApplications)
	if len(p.Applications) == 0 {
		return []string{"no applications listed"}
	}
	var out []string
	for _, a := range p.Applications {
		out = append(out, fmt.Sprintf("%s: run %s in %s (success codes %s)", a.Name, a.CommandLine, a.Source, joinInts(a.SuccessCodes)))
	}
	if p.ContinueOnFailure {
		out = append(out, "if one fails, go on with the others")
	}
	return append(out, "3010 from an application: restart and continue")
}
