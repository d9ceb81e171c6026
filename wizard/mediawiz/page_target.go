package mediawiz

import (
	"strings"

	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/form"
)

// Media Target: an ISO file, a USB image file or a removable disk.
func init() {
	iso := strField("target", "iso", wizard.KindText, func(a *Answers) *string { return &a.ISO }).When(isTarget(TargetISO)).NotEmpty()
	iso.Rule(func(w *Wizard) error {
		if !strings.HasSuffix(strings.ToLower(w.A.ISO), ".iso") {
			return w.Fail("err.iso-ext")
		}
		return fileRule(w, w.A.ISO)
	})
	usbf := strField("target", "usb", wizard.KindText, func(a *Answers) *string { return &a.USB }).When(isTarget(TargetUSB)).NotEmpty()
	usbf.Rule(func(w *Wizard) error { return fileRule(w, w.A.USB) }).Warn(func(w *Wizard) error {
		if !strings.HasSuffix(strings.ToLower(w.A.USB), ".img") {
			return w.Fail("warn.usb-ext")
		}
		return nil
	})
	overwrite := boolField("target", "overwrite", func(a *Answers) *bool { return &a.Overwrite }).When(func(w *Wizard) bool {
		t := w.Target()
		return w.A.Target != TargetDevice && t != "" && w.env.Exists(t) && !w.env.IsDir(t)
	})
	device := strField("target", "device", wizard.KindChoice, func(a *Answers) *string { return &a.Device }).
		Req().When(isTarget(TargetDevice))
	device.OptionsFrom(func(w *Wizard) []wizard.Option {
		ds, _ := w.Disks()
		out := make([]wizard.Option, len(ds))
		for i, d := range ds {
			out[i] = wizard.Option{Value: d.Path, Label: w.describe(d)}
		}
		return out
	}).OptionNotes(func(w *Wizard, v string) string {
		ds, _ := w.Disks()
		for _, d := range ds {
			if d.Path == v && d.Refusal != "" {
				return w.Msgf("target.device.refused", d.Refusal)
			}
		}
		return ""
	})
	device.Rule(func(w *Wizard) error {
		ds, derr := w.Disks()
		if len(ds) == 0 {
			if derr != "" {
				return form.Err(derr)
			}
			return w.Fail("err.no-disks")
		}
		if w.A.Device == "" {
			return w.Fail("err.device-choose")
		}
		d, ok := w.Disk()
		if !ok {
			return w.Failf("err.device-gone", w.A.Device)
		}
		return form.Err(d.Refusal)
	})
	register(&Page{ID: PageTarget, Key: "target", Fields: []*Field{
		strField("target", "target", wizard.KindChoice, func(a *Answers) *string { return &a.Target }).Choices(TargetISO, TargetUSB, TargetDevice),
		iso, usbf, overwrite, device,
	}})
	overwrite.Rule(func(w *Wizard) error {
		if !w.A.Overwrite {
			return w.Failf("err.exists", w.Target())
		}
		return nil
	})
}
