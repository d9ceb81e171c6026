package wizard

import (
	"strings"
)

// Install Configuration Manager (configmgr.md §1.5): client package and
// installation properties.
func init() {
	const pg = "client"
	pkg := limit(strField(pg, "package", KindText, func(a *Answers) *string { return &a.ClientPackage }).max(255))
	props := limit(strField(pg, "properties", KindText, func(a *Answers) *string { return &a.InstallProperties }).max(4000))
	props.rule(func(w *Wizard) string {
		if strings.Contains(strings.ToUpper(w.A.InstallProperties), "SMSSITECODE") {
			return Msg("err.sitecode")
		}
		if strings.Count(w.A.InstallProperties, `"`)%2 != 0 {
			return Msg("err.quotes")
		}
		return ""
	}).warning(func(w *Wizard) string {
		if strings.TrimSpace(w.A.ClientPackage) == "" && strings.TrimSpace(w.A.InstallProperties) != "" {
			return Msg("warn.properties-no-package")
		}
		return ""
	})
	register(&Page{ID: PageClient, Key: pg, Fields: []*Field{pkg, props}})
}
