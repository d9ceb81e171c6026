package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Join Domain or Workgroup (configmgr.md §2.10): joins from the installed
// Windows with PowerShell (Add-Computer / Remove-Computer, present on
// every Windows 10 and 11), then restarts into the installed OS and
// continues with the next step unless skip_reboot.
//
//   - Workgroup: Remove-Computer -WorkgroupName W -Force when the computer
//     is in a domain (leaving a domain), else Add-Computer -WorkgroupName W
//     -Force.
//   - Domain: Add-Computer -DomainName D [-OUPath OU] -Credential C -Force;
//     the password reaches PowerShell in the environment of its process
//     (REFIMAGE_JOIN_PASSWORD), never on the command line, and it is
//     masked in every log line. An OU given as LDAP://… is passed without
//     the LDAP://. Joining a domain the computer is already in fails in
//     Add-Computer; the step then checks the membership and succeeds.
type joinDomainOrWorkgroup struct{}

func init() { Register("join-domain-or-workgroup", joinDomainOrWorkgroup{}) }

// joinPasswordEnv carries the domain password to PowerShell.
const joinPasswordEnv = "REFIMAGE_JOIN_PASSWORD"

func joinScript(p *sequence.JoinDomainOrWorkgroup) string {
	if p.Join == sequence.JoinDomain {
		ou := p.DomainOU
		if len(ou) >= 7 && strings.EqualFold(ou[:7], "LDAP://") {
			ou = ou[7:]
		}
		s := "$ErrorActionPreference = 'Stop'; " +
			"$cs = Get-CimInstance Win32_ComputerSystem; " +
			"if ($cs.PartOfDomain -and $cs.Domain -eq " + psQuote(p.Domain) + ") { 'Already a member of the domain ' + $cs.Domain; exit 0 }; " +
			"$pw = ConvertTo-SecureString $env:" + joinPasswordEnv + " -AsPlainText -Force; " +
			"$cred = New-Object System.Management.Automation.PSCredential(" + psQuote(p.Account) + ", $pw); " +
			"Add-Computer -DomainName " + psQuote(p.Domain)
		if ou != "" {
			s += " -OUPath " + psQuote(ou)
		}
		return s + " -Credential $cred -Force -Verbose"
	}
	wg := p.Workgroup
	if wg == "" {
		wg = sequence.DefaultWorkgroup
	}
	return "$ErrorActionPreference = 'Stop'; " +
		"$cs = Get-CimInstance Win32_ComputerSystem; " +
		"if ($cs.PartOfDomain) { Remove-Computer -WorkgroupName " + psQuote(wg) + " -Force -Verbose } " +
		"else { Add-Computer -WorkgroupName " + psQuote(wg) + " -Force -Verbose }"
}

func (joinDomainOrWorkgroup) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.JoinDomainOrWorkgroup)
	if err := requireRunningWindows(sc, "Join Domain or Workgroup"); err != nil {
		return 0, err
	}
	scrubAnswerFiles(sc)
	var env []string
	switch p.Join {
	case sequence.JoinDomain:
		if p.Domain == "" || p.Account == "" {
			return 0, &Error{Code: CodeInvalidParam, Msg: "joining a domain needs the domain and an account"}
		}
		pw, err := secretOr(sc, &p.Password, "OSDJoinPassword")
		if err != nil {
			return 0, err
		}
		if pw == "" {
			sc.Warn("No password for %s: the join is tried with a blank password.", p.Account)
		}
		env = []string{joinPasswordEnv + "=" + pw}
		sc.Log("Joining the domain %s as %s.", p.Domain, p.Account)
	case "", sequence.JoinWorkgroup:
		sc.Log("Joining the workgroup %s.", firstSet(p.Workgroup, sequence.DefaultWorkgroup))
	default:
		return 0, &Error{Code: CodeInvalidParam, Msg: fmt.Sprintf("join is workgroup or domain, not %q", p.Join)}
	}
	_, code, err := runPowerShell(sc, ctx, joinScript(p), env)
	if err != nil {
		return 0, err
	}
	sc.Log("Process completed with exit code %d", uint32(code))
	if code != 0 {
		return 0, &Error{Code: code, Msg: fmt.Sprintf("the join failed (PowerShell exit code %s); its error is in the output above", Decimal(code))}
	}
	if p.SkipReboot {
		sc.Log("skip_reboot: the join takes effect at the next restart.")
		return 0, nil
	}
	sc.Log("The computer restarts for the join to take effect; the sequence continues with the next step.")
	sc.RequestReboot("HD")
	return 0, nil
}

func (joinDomainOrWorkgroup) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.JoinDomainOrWorkgroup)
	out := offlinePlan(pc)
	if p.Join == sequence.JoinDomain {
		ou := ""
		if p.DomainOU != "" {
			ou = " -OUPath " + p.DomainOU
		}
		out = append(out, "join the domain "+p.Domain+" as "+p.Account+" (password "+pc.Masked(p.Password)+", passed in the environment)",
			"powershell.exe: Add-Computer -DomainName "+p.Domain+ou+" -Credential "+p.Account+" -Force")
	} else {
		wg := firstSet(p.Workgroup, sequence.DefaultWorkgroup)
		out = append(out, "join the workgroup "+wg+" (leaves any domain)",
			"powershell.exe: Remove-Computer -WorkgroupName "+wg+" -Force in a domain, else Add-Computer -WorkgroupName "+wg+" -Force")
	}
	if !p.SkipReboot {
		out = append(out, "restart and continue with the next step")
	}
	return out
}
