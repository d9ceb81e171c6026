package wizard

import (
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Task Sequence Information (configmgr.md §1.2): name, description, boot
// image.
func init() {
	const pg = "info"
	name := strField(pg, "name", KindText, func(a *Answers) *string { return &a.Name }).Req().WithMax(sequence.MaxSequenceName).Limit()
	desc := strField(pg, "description", KindText, func(a *Answers) *string { return &a.Description }).WithMax(sequence.MaxSequenceDescription).Limit().
		MultiLine() // as the sequence's description
	boot := strField(pg, "boot_image", KindText, func(a *Answers) *string { return &a.BootPath }).WithMax(255)
	boot.Rule(func(w *Wizard) error {
		if isBuild(w) && strings.TrimSpace(w.A.BootPath) == "" {
			return w.Fail("err.boot-required")
		}
		if length(w.A.BootPath) > 255 {
			return w.Failf("err.max", 255, length(w.A.BootPath), length(w.A.BootPath)-255)
		}
		return nil
	}).Warn(func(w *Wizard) error {
		if isCustom(w) && strings.TrimSpace(w.A.BootPath) == "" {
			return w.Fail("warn.boot-custom")
		}
		if a := w.detectedBootArch(); a != "" && a != w.A.BootArch {
			return w.Failf("warn.boot-arch-detected", a, w.A.BootArch)
		}
		return nil
	})
	boot.RequiredWhen(isBuild)
	arch := strField(pg, "boot_arch", KindChoice, func(a *Answers) *string { return &a.BootArch })
	arch.Choices(sequence.ArchX64, sequence.ArchX86, sequence.ArchARM64)
	register(&Page{ID: PageInfo, Key: pg, Fields: []*Field{name, desc, boot, arch}})
}

// detectedBootArch is the architecture of the boot image when it is a
// readable WIM ("" otherwise).
func (w *Wizard) detectedBootArch() string {
	imgs := w.Images(w.A.BootPath)
	if len(imgs) == 0 {
		return ""
	}
	return imgs[0].Arch
}
