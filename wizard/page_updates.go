package wizard

// Include Updates (configmgr.md §1.6): mandatory, all or none.
func init() {
	const pg = "updates"
	install := strField(pg, "install", KindChoice, func(a *Answers) *string { return &a.Updates })
	install.choices(UpdatesMandatory, UpdatesAll, UpdatesNone)
	src := limit(strField(pg, "source", KindText, func(a *Answers) *string { return &a.UpdatesSource }).max(255).
		when(func(w *Wizard) bool { return w.A.Updates != UpdatesNone }))
	register(&Page{ID: PageUpdates, Key: pg, Fields: []*Field{install, src}})
}
