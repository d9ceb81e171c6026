package wizard

import (
	"strings"
)

// Install Configuration Manager (configmgr.md §1.5): client package and
// installation properties.
func init() {
	const pg = "client"
	pkg := strField(pg, "package", KindText, func(a *Answers) *string { return &a.ClientPackage }).WithMax(255).Limit()
	props := strField(pg, "properties", KindText, func(a *Answers) *string { return &a.InstallProperties }).WithMax(4000).Limit()
	props.Rule(func(w *Wizard) error {
		if strings.Contains(strings.ToUpper(w.A.InstallProperties), "SMSSITECODE") {
			return w.Fail("err.sitecode")
		}
		if strings.Count(w.A.InstallProperties, `"`)%2 != 0 {
			return w.Fail("err.quotes")
		}
		return nil
	}).Warn(func(w *Wizard) error {
		if strings.TrimSpace(w.A.ClientPackage) == "" && strings.TrimSpace(w.A.InstallProperties) != "" {
			return w.Fail("warn.properties-no-package")
		}
		return nil
	})
	register(&Page{ID: PageClient, Key: pg, Fields: []*Field{pkg, props}})
}
