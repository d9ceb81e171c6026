package wizard

// Include Updates (configmgr.md §1.6): mandatory, all or none.
func init() {
	const pg = "updates"
	install := strField(pg, "install", KindChoice, func(a *Answers) *string { return &a.Updates })
	install.Choices(UpdatesMandatory, UpdatesAll, UpdatesNone)
	src := strField(pg, "source", KindText, func(a *Answers) *string { return &a.UpdatesSource }).WithMax(255).
		When(func(w *Wizard) bool { return w.A.Updates != UpdatesNone }).Limit()
	register(&Page{ID: PageUpdates, Key: pg, Fields: []*Field{install, src}})
}
