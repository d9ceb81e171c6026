package mediawiz

import (
	"strings"
	"unicode/utf8"

	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/form"
)

// Customization: media variables, prestart command and volume label.
func init() {
	vars := form.NewField[*Wizard]("custom", "variables", KindList).Bind(
		func(w *Wizard) string { return strings.Join(w.A.Vars, "\n") },
		func(w *Wizard, v string) {
			w.A.Vars = nil
			if v != "" {
				w.A.Vars = strings.Split(v, "\n")
			}
		})
	vars.Rule(func(w *Wizard) error {
		if errs := w.VarErrors(); len(errs) > 0 {
			return form.Err(errs[0])
		}
		return nil
	})
	prestart := strField("custom", "prestart", wizard.KindText, func(a *Answers) *string { return &a.Prestart })
	prestart.Rule(func(w *Wizard) error {
		if w.A.Prestart == "" || w.env.Prestart == nil {
			return nil
		}
		if err := w.env.Prestart(w.A.Prestart); err != nil {
			return err
		}
		return nil
	})
	label := strField("custom", "label", wizard.KindText, func(a *Answers) *string { return &a.Label })
	label.Rule(func(w *Wizard) error {
		l := w.A.Label
		if !labelChars.MatchString(l) {
			for _, r := range l {
				if !labelChars.MatchString(string(r)) {
					return w.Failf("err.label-chars", string(r))
				}
			}
		}
		max, on := MaxLabelISO, w.Msg("err.label-on-iso")
		if w.A.Target != TargetISO {
			max, on = MaxLabelUSB, w.Msg("err.label-on-usb")
		}
		if n := utf8.RuneCountInString(l); n > max {
			return w.Failf("err.label-max", max, on, n, n-max)
		}
		return nil
	}).Warn(func(w *Wizard) error {
		if w.A.Target == TargetISO && len(w.A.Label) > 16 {
			return w.Fail("warn.label-joliet")
		}
		return nil
	})
	content := note("custom", "content", func(w *Wizard) string {
		n, missing := w.Content()
		if len(missing) > 0 {
			return w.Msgf("custom.content.missing", n, len(missing))
		}
		return w.Msgf("custom.content.text", n)
	}).When(func(w *Wizard) bool { return w.A.Kind == Standalone && w.env.Content != nil })
	content.Rule(func(w *Wizard) error {
		if _, missing := w.Content(); len(missing) > 0 {
			return w.Failf("err.content", "\n  "+strings.Join(missing, "\n  "))
		}
		return nil
	})
	register(&Page{ID: PageCustom, Key: "custom", Fields: []*Field{vars, content, prestart, label}})
}
