package mediawiz

import (
	"github.com/refimage/refimage/wizard"
)

// Boot Image: the WinPE source, its architecture and refimage.exe.
func init() {
	winpe := strField("boot", "winpe", wizard.KindText, func(a *Answers) *string { return &a.WinPE }).NotEmpty()
	winpe.Rule(func(w *Wizard) error {
		r := w.source()
		if r.err != nil {
			return r.err
		}
		if w.seq != nil && w.seq.BootImage.Arch != "" && w.seq.BootImage.Arch != r.arch {
			return w.Failf("err.winpe-arch", w.seq.BootImage.Arch, r.arch)
		}
		return nil
	})
	arch := note("boot", "arch", func(w *Wizard) string {
		if a := w.Arch(); a != "" {
			return w.Msgf("boot.arch.text", a)
		}
		return w.Msg("boot.arch.unknown")
	})
	signing := note("boot", "signing", func(w *Wizard) string { return w.BootSigning() }).
		When(func(w *Wizard) bool { return w.BootSigning() != "" })
	fw := strField("boot", "fwfiles", wizard.KindText, func(a *Answers) *string { return &a.FWFiles })
	exe := strField("boot", "exe", wizard.KindText, func(a *Answers) *string { return &a.Exe })
	exe.Rule(func(w *Wizard) error {
		if _, err := w.ExePath(); err != nil {
			return err
		}
		return nil
	})
	used := note("boot", "exe_used", func(w *Wizard) string {
		p, _ := w.ExePath()
		return p
	}).When(func(w *Wizard) bool {
		p, err := w.ExePath()
		return err == nil && p != "" && w.A.Exe == ""
	})
	register(&Page{ID: PageBoot, Key: "boot", Fields: []*Field{winpe, arch, signing, fw, exe, used}})
}
