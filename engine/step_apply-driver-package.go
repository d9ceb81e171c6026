package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Apply Driver Package (configmgr.md §2.6): issue #6.
type applyDriverPackage struct{}

func init() { Register("apply-driver-package", applyDriverPackage{}) }

func (applyDriverPackage) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("apply-driver-package")
}

func (applyDriverPackage) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.ApplyDriverPackage)
	if pc.Offline != "" {
		return []string{"copy the driver package " + p.Package + " into " + pc.Offline + " and list it in unattend.xml"}
	}
	line := `dism /Image:<Windows volume> /Add-Driver /Driver:` + p.Package
	if p.Recurse {
		line += " /Recurse"
	}
	if p.AllowUnsigned {
		line += " /ForceUnsigned"
	}
	if p.AdditionalOptions != "" {
		line += " " + p.AdditionalOptions
	}
	return []string{line}
}
