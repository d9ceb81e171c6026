package wizard

import (
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Task Sequence Information (configmgr.md §1.2): name, description, boot
// image.
func init() {
	const pg = "info"
	name := limit(strField(pg, "name", KindText, func(a *Answers) *string { return &a.Name }).req().max(sequence.MaxSequenceName))
	desc := limit(strField(pg, "description", KindText, func(a *Answers) *string { return &a.Description }).max(sequence.MaxSequenceDescription))
	boot := strField(pg, "boot_image", KindText, func(a *Answers) *string { return &a.BootPath }).max(255)
	boot.rule(func(w *Wizard) string {
		if isBuild(w) && strings.TrimSpace(w.A.BootPath) == "" {
			return Msg("err.boot-required")
		}
		if length(w.A.BootPath) > 255 {
			return Msgf("err.max", 255, length(w.A.BootPath), length(w.A.BootPath)-255)
		}
		return ""
	}).warning(func(w *Wizard) string {
		if isCustom(w) && strings.TrimSpace(w.A.BootPath) == "" {
			return Msg("warn.boot-custom")
		}
		if a := w.detectedBootArch(); a != "" && a != w.A.BootArch {
			return Msgf("warn.boot-arch-detected", a, w.A.BootArch)
		}
		return ""
	})
	boot.requiredIf = isBuild
	arch := strField(pg, "boot_arch", KindChoice, func(a *Answers) *string { return &a.BootArch })
	arch.choices(sequence.ArchX64, sequence.ArchX86, sequence.ArchARM64)
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
