package wizard

import "strings"

// Create a New Task Sequence (configmgr.md §1.1): what to create.
func init() {
	const pg = "start"
	flow := strField(pg, "flow", KindChoice, func(a *Answers) *string { return (*string)(&a.Flow) })
	flow.choices(string(FlowBuild), string(FlowCustom), string(FlowOpen), string(FlowImport))
	open := strField(pg, "open", KindText, func(a *Answers) *string { return &a.OpenPath }).req().
		when(func(w *Wizard) bool { return w.A.Flow == FlowOpen })
	limit(open).rule(func(w *Wizard) string {
		if w.openErr != "" && w.openedFrom != w.A.OpenPath && w.triedOpen == w.A.OpenPath {
			return w.openErr
		}
		if !strings.HasSuffix(strings.ToLower(w.A.OpenPath), ".toml") {
			return Msg("err.open-toml")
		}
		return ""
	})
	imp := strField(pg, "import", KindText, func(a *Answers) *string { return &a.OpenPath }).req().
		when(func(w *Wizard) bool { return w.A.Flow == FlowImport })
	limit(imp).rule(func(w *Wizard) string {
		if w.openErr != "" && w.openedFrom != w.A.OpenPath && w.triedOpen == w.A.OpenPath {
			return w.openErr
		}
		if p := strings.ToLower(w.A.OpenPath); !strings.HasSuffix(p, ".xml") && !strings.HasSuffix(p, ".zip") {
			return Msg("err.import-ext")
		}
		return ""
	})
	register(&Page{ID: PageStart, Key: pg, Fields: []*Field{flow, open, imp}})
}
