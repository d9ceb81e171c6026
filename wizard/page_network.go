package wizard

import (
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/lazyre"
)

var (
	domainPattern  = lazyre.New(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
	varRef         = lazyre.New(`^%[A-Za-z_][A-Za-z0-9_-]*%$`)
	workgroupBadCh = `\/:*?"<>|`
)

// ValidateWorkgroup checks a workgroup name (1 to 32 characters, no
// \ / : * ? " < > |).
func (w *Wizard) ValidateWorkgroup(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return w.Fail("err.workgroup-required")
	case length(s) > sequence.MaxWorkgroup:
		return w.Failf("err.max", sequence.MaxWorkgroup, length(s), length(s)-sequence.MaxWorkgroup)
	case strings.ContainsAny(s, workgroupBadCh):
		return w.Failf("err.workgroup-chars", workgroupBadCh)
	}
	return nil
}

// ValidateDomain checks a domain name such as corp.example.com (or a
// %VARIABLE%).
func (w *Wizard) ValidateDomain(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return w.Fail("err.domain-required")
	case length(s) > sequence.MaxDomain:
		return w.Failf("err.max", sequence.MaxDomain, length(s), length(s)-sequence.MaxDomain)
	case varRef.MatchString(s), domainPattern.MatchString(s):
		return nil
	}
	return w.Fail("err.domain")
}

// Configure Network (configmgr.md §1.4): join a workgroup or a domain.
func init() {
	const pg = "network"
	join := strField(pg, "join", KindChoice, func(a *Answers) *string { return &a.Join })
	join.Choices(sequence.JoinWorkgroup, sequence.JoinDomain)
	join.Warn(func(w *Wizard) error {
		if w.A.Join == sequence.JoinDomain {
			return w.Failf("warn.domain-capture", w.captureWorkgroup(&w.A))
		}
		return nil
	})
	isWG := func(w *Wizard) bool { return w.A.Join == sequence.JoinWorkgroup }
	isDom := func(w *Wizard) bool { return w.A.Join == sequence.JoinDomain }
	wg := strField(pg, "workgroup", KindText, func(a *Answers) *string { return &a.Workgroup }).Req().WithMax(sequence.MaxWorkgroup).When(isWG)
	wg.Rule(func(w *Wizard) error { return w.ValidateWorkgroup(w.A.Workgroup) })
	dom := strField(pg, "domain", KindText, func(a *Answers) *string { return &a.Domain }).Req().WithMax(sequence.MaxDomain).When(isDom)
	dom.Rule(func(w *Wizard) error { return w.ValidateDomain(w.A.Domain) })
	ou := strField(pg, "domain_ou", KindText, func(a *Answers) *string { return &a.DomainOU }).When(isDom)
	ou.Rule(func(w *Wizard) error { return w.domainOUErr(w.A.DomainOU) })
	ou.Warn(func(w *Wizard) error {
		// An OU of another domain than the one joined: the join fails.
		if d := OUDomain(w.A.DomainOU); d != "" && w.A.Domain != "" && w.domainOUErr(w.A.DomainOU) == nil &&
			!strings.EqualFold(d, strings.TrimSpace(w.A.Domain)) {
			return w.Failf("warn.ou-domain", d, w.A.Domain)
		}
		return nil
	})
	acct := strField(pg, "account", KindText, func(a *Answers) *string { return &a.JoinAccount }).Req().When(isDom)
	acct.Rule(func(w *Wizard) error {
		if w.A.JoinAccount == "" {
			return w.Fail("err.join-account")
		}
		return w.accountErr(w.A.JoinAccount)
	})
	pw, confirm := passwordFields(pg, "password",
		func(a *Answers) *string { return &a.JoinPassword },
		func(a *Answers) *string { return &a.JoinConfirm },
		isDom, isDom)
	register(&Page{ID: PageNetwork, Key: pg, Fields: []*Field{join, wg, dom, ou, acct, pw, confirm}})
}

// OUDomain is the DNS domain of an LDAP path's DC= parts
// (LDAP://OU=Ref,DC=corp,DC=example → corp.example), "" if none.
func OUDomain(ou string) string {
	var dcs []string
	for _, part := range splitDN(strings.TrimPrefix(strings.TrimPrefix(ou, "LDAP://"), "ldap://")) {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "DC") {
			dcs = append(dcs, v)
		}
	}
	return strings.Join(dcs, ".")
}

// splitDN splits a distinguished name at the commas that are not
// escaped (OU=R\,ef).
func splitDN(dn string) []string {
	var out []string
	start := 0
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++
		case ',':
			out = append(out, dn[start:i])
			start = i + 1
		}
	}
	return append(out, dn[start:])
}

// captureWorkgroup is the workgroup the build-and-capture sequence joins
// before capture.
func (w *Wizard) captureWorkgroup(a *Answers) string {
	if a.Join == sequence.JoinWorkgroup && w.ValidateWorkgroup(a.Workgroup) == nil {
		return a.Workgroup
	}
	return sequence.DefaultWorkgroup
}
