package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/unattend"
)

// Apply Network Settings (configmgr.md §2.5): merges the Identification
// (JoinWorkgroup, or JoinDomain + MachineObjectOU + Credentials) and the
// DNS domain into Windows\Panther\unattend.xml on the applied Windows, in
// the specialize pass, keeping what Apply Windows Settings and a user's
// answer file put there (steputil_unattend.go). The domain-join password
// is in clear in the file (UnattendedJoin has no hidden form) until the
// first part-B step in the full OS scrubs it. Offline: the same file in DIR.
type applyNetworkSettings struct{}

func init() { Register("apply-network-settings", applyNetworkSettings{}) }

func (applyNetworkSettings) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.ApplyNetworkSettings)
	af, err := openAnswerFile(sc)
	if err != nil {
		return 0, err
	}
	pw := ""
	if p.Join == sequence.JoinDomain {
		if pw, err = secretOr(sc, &p.Password, "OSDJoinPassword"); err != nil {
			return 0, err
		}
	}
	s := af.base()
	ns := unattend.FromSteps(af.arch, nil, p, "", "", pw)
	s.Join, s.Workgroup, s.Domain, s.DomainOU, s.JoinAccount, s.JoinPassword, s.DNSDomain = ns.Join, ns.Workgroup, ns.Domain, ns.DomainOU, ns.JoinAccount, ns.JoinPassword, ns.DNSDomain
	if _, err := af.write(sc, s); err != nil {
		return 0, err
	}
	if p.Join == sequence.JoinDomain {
		sc.Log("Windows joins the domain %s as %s during setup (specialize).", p.Domain, p.Account)
	} else {
		wg := p.Workgroup
		if wg == "" {
			wg = sequence.DefaultWorkgroup
		}
		sc.Log("Windows joins the workgroup %s during setup (specialize).", wg)
	}
	return 0, nil
}

func (applyNetworkSettings) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.ApplyNetworkSettings)
	file := `<Windows volume>\Windows\Panther\unattend.xml`
	if pc.Offline != "" {
		file = pc.Offline + "/Windows/Panther/unattend.xml"
	} else if d := pc.Vars.Value(VarTargetSystemDrive); d != "" {
		file = d + `\Windows\Panther\unattend.xml`
	}
	var out []string
	if p.Join == sequence.JoinDomain {
		ou := ""
		if p.DomainOU != "" {
			ou = " in " + p.DomainOU
		}
		out = []string{"merge the Identification into " + file + ": join the domain " + p.Domain + ou + " as " + p.Account + " (password " + pc.Masked(p.Password) + ")"}
	} else {
		out = []string{"merge the Identification into " + file + ": join the workgroup " + p.Workgroup}
	}
	if p.DNSDomain != "" {
		out = append(out, "  DNS domain "+p.DNSDomain)
	}
	return out
}
