package mediawiz

import (
	"github.com/refimage/refimage/wizard"
)

// Summary: for a device, its name typed as the final confirmation; then
// Progress and Completion.
func init() {
	confirmDev := strField("summary", "confirm", wizard.KindText, func(a *Answers) *string { return &a.ConfirmDevice }).When(isTarget(TargetDevice))
	confirmDev.Required = true
	confirmDev.LabelArgs(func(w *Wizard) []any { return []any{DeviceName(w.Target())} })
	confirmDev.HelpArgs(func(w *Wizard) []any { return []any{w.Target()} })
	confirmDev.Rule(func(w *Wizard) error {
		if !w.DeviceConfirmed() {
			return w.Failf("err.confirm-device", DeviceName(w.A.Device))
		}
		return nil
	})
	register(&Page{ID: PageSummary, Key: "summary", Fields: []*Field{confirmDev}})
	register(&Page{ID: PageProgress, Key: "progress"})
	register(&Page{ID: PageCompletion, Key: "completion"})
}
