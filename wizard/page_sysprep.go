package wizard

// System Preparation (configmgr.md §1.8): the legacy sysprep package
// (not needed from Windows Vista on), keep activation, shut down.
func init() {
	const pg = "sysprep"
	register(&Page{ID: PageSysprep, Key: pg, Fields: sysprepFields(pg, true)})
}

func sysprepFields(pg string, withPackage bool) []*Field {
	var out []*Field
	if withPackage {
		out = append(out,
			note(pg, "legacy", func(w *Wizard) string { return w.Msg("sysprep.legacy.text") }),
			strField(pg, "package", KindText, func(a *Answers) *string { return &a.SysprepPackage }).WithMax(255).Limit())
	}
	keep := boolField(pg, "keep_activation", func(a *Answers) *bool { return &a.KeepActivation })
	shut := boolField(pg, "shutdown", func(a *Answers) *bool { return &a.Shutdown })
	shut.Warn(func(w *Wizard) error {
		if w.A.Shutdown {
			return w.Fail("warn.shutdown")
		}
		return nil
	})
	return append(out, keep, shut)
}
