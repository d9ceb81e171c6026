package engine

import (
	"context"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Auto Apply Drivers (configmgr.md §2.6): issue #6.
type autoApplyDrivers struct{}

func init() { Register("auto-apply-drivers", autoApplyDrivers{}) }

func (autoApplyDrivers) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("auto-apply-drivers")
}

func (autoApplyDrivers) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.AutoApplyDrivers)
	match := "the best matching driver per device"
	if !p.BestMatch {
		match = "every compatible driver"
	}
	cats := "all categories"
	if len(p.Categories) > 0 {
		cats = "the categories " + strings.Join(p.Categories, ", ")
	}
	out := []string{"read the INF files under " + p.Source + " and match them to the machine's hardware IDs: " + match + ", " + cats}
	if pc.Offline != "" {
		return append(out, "copy the chosen driver packages into "+pc.Offline+" and list them in unattend.xml (PnpCustomizationsNonWinPE)")
	}
	return append(out, `dism /Image:<Windows volume> /Add-Driver /Driver:<each chosen package>`)
}
