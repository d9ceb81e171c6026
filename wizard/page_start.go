package wizard

import "strings"

// Create a New Task Sequence (configmgr.md §1.1): what to create.
func init() {
	const pg = "start"
	flow := strField(pg, "flow", KindChoice, func(a *Answers) *string { return (*string)(&a.Flow) })
	flow.ScreenHelp().Choices(string(FlowBuild), string(FlowCustom), string(FlowOpen), string(FlowImport))
	open := strField(pg, "open", KindText, func(a *Answers) *string { return &a.OpenPath }).Req().
		When(func(w *Wizard) bool { return w.A.Flow == FlowOpen })
	open.Limit().Rule(func(w *Wizard) error {
		if w.openErr != nil && w.openedFrom != w.A.OpenPath && w.triedOpen == w.A.OpenPath {
			return w.openErr
		}
		if !strings.HasSuffix(strings.ToLower(w.A.OpenPath), ".toml") {
			return w.Fail("err.open-toml")
		}
		return nil
	})
	imp := strField(pg, "import", KindText, func(a *Answers) *string { return &a.OpenPath }).Req().
		When(func(w *Wizard) bool { return w.A.Flow == FlowImport })
	imp.Limit().Rule(func(w *Wizard) error {
		if w.openErr != nil && w.openedFrom != w.A.OpenPath && w.triedOpen == w.A.OpenPath {
			return w.openErr
		}
		if p := strings.ToLower(w.A.OpenPath); !strings.HasSuffix(p, ".xml") && !strings.HasSuffix(p, ".zip") {
			return w.Fail("err.import-ext")
		}
		return nil
	})
	register(&Page{ID: PageStart, Key: pg, Fields: []*Field{flow, open, imp}})
}
