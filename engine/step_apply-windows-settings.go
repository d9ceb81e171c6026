package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/unattend"
)

// Apply Windows Settings (configmgr.md §2.4): merges the computer name,
// registered owner and organisation, product key, time zone, the
// administrator account and the language settings into
// Windows\Panther\unattend.xml on the applied Windows (OSDTargetSystemDrive,
// or the offline folder): specialize and oobeSystem passes, every component
// with the image's processorArchitecture. The file already there (Apply
// Operating System's answer file, or what Apply Network Settings or the
// driver steps wrote) is kept and merged (steputil_unattend.go). What to
// do with the Administrator account afterwards (enable or disable) is left
// in RefimageAdminAccount for Setup Windows and ConfigMgr's
// SetupComplete.cmd. Offline: the same file in DIR.
type applyWindowsSettings struct{}

func init() { Register("apply-windows-settings", applyWindowsSettings{}) }

func (applyWindowsSettings) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.ApplyWindowsSettings)
	af, err := openAnswerFile(sc)
	if err != nil {
		return 0, err
	}
	pk, err := secretOr(sc, &p.ProductKey, "OSDProductKey")
	if err != nil {
		return 0, err
	}
	admin := ""
	if !p.RandomAdminPassword {
		if admin, err = secretOr(sc, &p.AdminPassword, "OSDLocalAdminPassword"); err != nil {
			return 0, err
		}
	}
	s := af.base()
	ws := unattend.FromSteps(af.arch, p, nil, pk, admin, "")
	s.ComputerName, s.RegisteredOwner, s.RegisteredOrganization, s.TimeZone, s.ProductKey = ws.ComputerName, ws.RegisteredOwner, ws.RegisteredOrganization, ws.TimeZone, ws.ProductKey
	s.RandomAdminPassword, s.AdminPassword = ws.RandomAdminPassword, ws.AdminPassword
	s.InputLocale, s.SystemLocale, s.UILanguage, s.UILanguageFallback, s.UserLocale = ws.InputLocale, ws.SystemLocale, ws.UILanguage, ws.UILanguageFallback, ws.UserLocale
	if p.LicenseMode != "" && p.LicenseMode != sequence.LicenseNone {
		sc.Warn("The server licensing mode (%s) has no setting in current Windows answer files; it is not written.", p.LicenseMode)
	}
	res, err := af.write(sc, s)
	if err != nil {
		return 0, err
	}
	sc.Log("Computer name %q, time zone %q, processor architecture %s.", s.ComputerName, s.TimeZone, af.arch)
	if res.AdminAccount == unattend.AdminDisable {
		sc.Log("The administrator account gets a random password and is disabled after setup (SetupComplete.cmd).")
	} else {
		sc.Log("The administrator account is enabled after setup with the given password (SetupComplete.cmd).")
	}
	if err := sc.Vars.Set(VarAdminAccount, res.AdminAccount); err != nil {
		return 0, err
	}
	return 0, nil
}

func (applyWindowsSettings) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.ApplyWindowsSettings)
	file := `<Windows volume>\Windows\Panther\unattend.xml`
	if pc.Offline != "" {
		file = pc.Offline + "/Windows/Panther/unattend.xml"
	} else if d := pc.Vars.Value(VarTargetSystemDrive); d != "" {
		file = d + `\Windows\Panther\unattend.xml`
	}
	admin := "administrator: random password, account disabled"
	if !p.RandomAdminPassword {
		admin = "administrator: enabled, password " + pc.Masked(p.AdminPassword)
	}
	out := []string{
		"merge into " + file + " (specialize and oobeSystem passes; an answer file already there is kept):",
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
