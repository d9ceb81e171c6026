package wizard

import (
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Capture Image (configmgr.md §1.10): destination and account.
func init() {
	const pg = "capture"
	register(&Page{ID: PageCapture, Key: pg, Fields: captureFields(pg)})
}

// Capture Settings: the custom flow's one page (configmgr.md §1.12) —
// Prepare ConfigMgr Client only when the client is installed, Prepare
// Windows options, image properties, destination and account.
func init() {
	const pg = "capture_settings"
	client := boolField(pg, "client_installed", func(a *Answers) *bool { return &a.ClientInstalled })
	fields := []*Field{client}
	fields = append(fields, sysprepFields(pg, false)...)
	fields = append(fields, imageFields(pg)...)
	fields = append(fields, captureFields(pg)...)
	register(&Page{ID: PageCaptureSettings, Key: pg, Fields: fields})
}

func captureFields(pg string) []*Field {
	dest := strField(pg, "destination", KindText, func(a *Answers) *string { return &a.CaptureDest }).Req().WithMax(sequence.MaxCapturePath)
	dest.Rule(func(w *Wizard) error { return w.capturePathErr(w.A.CaptureDest) })
	dest.Warn(func(w *Wizard) error {
		if sequence.ValidateCapturePath(w.A.CaptureDest) == "" && w.existsCached(w.A.CaptureDest) {
			return w.Fail("warn.overwritten")
		}
		return nil
	})
	unc := func(w *Wizard) bool { return strings.HasPrefix(w.A.CaptureDest, `\\`) }
	acct := strField(pg, "account", KindText, func(a *Answers) *string { return &a.CaptureAccount }).WithMax(255)
	acct.Rule(func(w *Wizard) error {
		if w.A.CaptureAccount == "" {
			if unc(w) {
				return w.Fail("err.capture-account")
			}
			return nil
		}
		return w.accountErr(w.A.CaptureAccount)
	})
	acct.RequiredWhen(unc)
	hasAcct := func(w *Wizard) bool { return w.A.CaptureAccount != "" }
	pw, confirm := passwordFields(pg, "password",
		func(a *Answers) *string { return &a.CapturePassword },
		func(a *Answers) *string { return &a.CaptureConfirm },
		func(*Wizard) bool { return true }, hasAcct)
	return []*Field{dest, acct, pw, confirm}
}

// existsCached asks Env.Exists once per path: a network path must not make
// the screen wait at every key.
func (w *Wizard) existsCached(path string) bool {
	if w.exists == nil {
		w.exists = map[string]bool{}
	}
	e, ok := w.exists[path]
	if !ok {
		e = w.env.Exists(path)
		w.exists[path] = e
	}
	return e
}
