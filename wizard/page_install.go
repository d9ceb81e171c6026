package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/bytesize"
)

// Install Windows (configmgr.md §1.3): image, index, product key, server
// licensing, administrator account, time zone, registered user and
// organization.
func init() {
	const pg = "windows"
	image := strField(pg, "image", KindText, func(a *Answers) *string { return &a.ImagePath }).Req().WithMax(255).Limit()
	image.Warn(func(w *Wizard) error {
		if strings.TrimSpace(w.A.ImagePath) == "" || len(w.Images(w.A.ImagePath)) > 0 {
			return nil
		}
		if !isImageFile(w.A.ImagePath) {
			return w.Fail("warn.image-ext")
		}
		return nil
	})

	index := strField(pg, "index", KindIndex, func(a *Answers) *string { return &a.ImageIndex }).Req()
	index.OptionsFrom(func(w *Wizard) []Option {
		var out []Option
		for _, im := range w.Images(w.A.ImagePath) {
			out = append(out, Option{Value: strconv.Itoa(im.Index), Label: imageLabel(im)})
		}
		return out
	})
	index.Rule(func(w *Wizard) error {
		n, err := strconv.Atoi(strings.TrimSpace(w.A.ImageIndex))
		if err != nil || n < 1 || n > sequence.MaxImageIndex {
			return w.Failf("err.index", sequence.MaxImageIndex)
		}
		if imgs := w.Images(w.A.ImagePath); len(imgs) > 0 && (n > len(imgs)) {
			return w.Failf("err.index-missing", n, len(imgs))
		}
		return nil
	})
	index.Warn(func(w *Wizard) error {
		ia := w.imageArch()
		if ia == "" || w.A.BootArch == "" || ia == w.A.BootArch {
			return nil
		}
		return w.Failf("warn.arch-mismatch", w.A.BootArch, ia)
	})
	archNote := note(pg, "arch", func(w *Wizard) string {
		ia := w.imageArch()
		if ia == "" {
			ia = w.Msg("windows.arch.unknown")
		}
		boot := w.A.BootArch
		if boot == "" {
			boot = "-"
		}
		return w.Msgf("windows.arch.text", boot, ia)
	})

	key := strField(pg, "product_key", KindSecret, func(a *Answers) *string { return &a.ProductKey }).WithMax(255)
	key.ProductKey = true
	key.Rule(func(w *Wizard) error {
		v := w.A.ProductKey
		if IsSecretRef(v) {
			return w.checkSecretRef(v)
		}
		if err := w.productKeyErr(strings.ToUpper(v)); err != nil {
			return err
		}
		return nil
	})

	license := strField(pg, "license", KindChoice, func(a *Answers) *string { return &a.LicenseMode })
	license.Choices(sequence.LicenseNone, sequence.LicensePerSeat, sequence.LicensePerServer)
	conns := strField(pg, "max_connections", KindNumber, func(a *Answers) *string { return &a.MaxConnections }).Req().
		When(func(w *Wizard) bool { return w.A.LicenseMode == sequence.LicensePerServer })
	conns.Rule(func(w *Wizard) error {
		n, err := strconv.Atoi(strings.TrimSpace(w.A.MaxConnections))
		if err != nil || n < sequence.MinServerConnections || n > sequence.MaxServerConnections {
			return w.Failf("err.connections", sequence.MinServerConnections, sequence.MaxServerConnections)
		}
		return nil
	})

	admin := strField(pg, "admin", KindChoice, func(a *Answers) *string { return &a.Admin })
	admin.Choices(AdminRandom, AdminEnable)
	enabled := func(w *Wizard) bool { return w.A.Admin == AdminEnable }
	pw, confirm := passwordFields(pg, "admin_password",
		func(a *Answers) *string { return &a.AdminPassword },
		func(a *Answers) *string { return &a.AdminConfirm },
		enabled, enabled)

	tz := strField(pg, "time_zone", KindText, func(a *Answers) *string { return &a.TimeZone }).Req().WithMax(255).Limit()
	tz.Rule(func(w *Wizard) error { return w.timeZoneErr(w.A.TimeZone) })
	tz.Warn(func(w *Wizard) error {
		// The IDs that match what is typed, as a filtered list.
		if w.timeZoneErr(w.A.TimeZone) == nil {
			return nil
		}
		m := sequence.MatchTimeZones(w.A.TimeZone)
		if len(m) == 0 {
			return nil
		}
		more := ""
		if len(m) > 4 {
			m, more = m[:4], w.Msgf("windows.time_zone.more", len(m)-4)
		}
		return w.Failf("windows.time_zone.matches", strings.Join(m, ", ")+more)
	})
	user := strField(pg, "registered_user", KindText, func(a *Answers) *string { return &a.RegisteredUser }).Req().WithMax(255).Limit()
	org := strField(pg, "registered_organization", KindText, func(a *Answers) *string { return &a.RegisteredOrg }).Req().WithMax(255).Limit()

	register(&Page{ID: PageWindows, Key: pg, Fields: []*Field{image, index, archNote, key, license, conns, admin, pw, confirm, tz, user, org}})
}

// imageArch is the architecture of the chosen image when the WIM could be
// read.
func (w *Wizard) imageArch() string {
	n, _ := strconv.Atoi(strings.TrimSpace(w.A.ImageIndex))
	for _, im := range w.Images(w.A.ImagePath) {
		if im.Index == n {
			return im.Arch
		}
	}
	return ""
}

func imageLabel(im ImageInfo) string {
	var extra []string
	if im.Edition != "" {
		extra = append(extra, im.Edition)
	}
	if im.Arch != "" {
		extra = append(extra, im.Arch)
	}
	if im.Size > 0 {
		extra = append(extra, bytesize.FormatUint(im.Size))
	}
	s := fmt.Sprintf("%d  %s", im.Index, im.Name)
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

// isImageFile reports whether path names an image package: a .wim, an
// .esd (solid LZMS, as install.esd ships) or the first .swm of a split
// image.
func isImageFile(path string) bool {
	lp := strings.ToLower(strings.TrimSpace(path))
	return strings.HasSuffix(lp, ".wim") || strings.HasSuffix(lp, ".esd") || strings.HasSuffix(lp, ".swm")
}
