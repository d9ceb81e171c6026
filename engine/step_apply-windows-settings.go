package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Apply Windows Settings (configmgr.md §2.4): issue #6.
type applyWindowsSettings struct{}

func init() { Register("apply-windows-settings", applyWindowsSettings{}) }

func (applyWindowsSettings) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("apply-windows-settings")
}

func (applyWindowsSettings) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.ApplyWindowsSettings)
	file := `<Windows volume>\Windows\Panther\unattend.xml`
	if pc.Offline != "" {
		file = pc.Offline + "/Windows/Panther/unattend.xml"
	}
	admin := "administrator: random password, account disabled"
	if !p.RandomAdminPassword {
		admin = "administrator: enabled, password " + pc.Masked(p.AdminPassword)
	}
	out := []string{
		"write " + file + " (specialize and oobeSystem passes):",
		"  computer name " + quote(p.ComputerName) + ", registered to " + quote(p.RegisteredUser) + " / " + quote(p.RegisteredOrg),
		"  time zone " + quote(p.TimeZone),
		"  " + admin,
	}
	if p.ProductKey.IsSet() {
		out = append(out, "  product key "+pc.Masked(p.ProductKey))
	}
	if p.UILanguage != "" || p.SystemLocale != "" || p.UserLocale != "" || p.InputLocale != "" {
		out = append(out, "  International-Core: UI "+p.UILanguage+", system "+p.SystemLocale+", user "+p.UserLocale+", input "+p.InputLocale)
	}
	return out
}
