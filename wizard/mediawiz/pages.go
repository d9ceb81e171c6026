package mediawiz

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/wizard"
)

// Page is one page of the media wizard.
type Page struct {
	ID     PageID
	Key    string
	Fields []*Field
}

// Title is the page's title.
func (p *Page) Title() string { return Msg("page." + p.Key + ".title") }

// NavTitle is the page's short title for the page list.
func (p *Page) NavTitle() string { return Msg("page." + p.Key + ".nav") }

// Help is the page's help text.
func (p *Page) Help() string { return Msg("page." + p.Key + ".help") }

// VisibleFields returns the fields shown given the answers.
func (p *Page) VisibleFields(w *Wizard) []*Field {
	var out []*Field
	for _, f := range p.Fields {
		if f.Visible(w) {
			out = append(out, f)
		}
	}
	return out
}

// Field returns the field with the key.
func (p *Page) Field(key string) *Field {
	for _, f := range p.Fields {
		if f.Key == key {
			return f
		}
	}
	return nil
}

// PageByID returns a page.
func PageByID(id PageID) *Page { return pages[id] }

func (id PageID) String() string {
	if p, ok := pages[id]; ok {
		return p.Key
	}
	return fmt.Sprintf("page(%d)", int(id))
}

var (
	pages = map[PageID]*Page{}
	order []*Page
)

func register(p *Page) {
	pages[p.ID] = p
	order = append(order, p)
}

var labelChars = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

func isTarget(t string) func(w *Wizard) bool { return func(w *Wizard) bool { return w.A.Target == t } }

func init() {
	// Select Media Type.
	register(&Page{ID: PageType, Key: "type", Fields: []*Field{
		note("type", "sequence", func(w *Wizard) string {
			if w.seq != nil && w.seq.Name != "" {
				return fmt.Sprintf("%s (%s)", w.seq.Name, w.seqPath)
			}
			return w.seqPath
		}),
		strField("type", "kind", wizard.KindChoice, func(a *Answers) *string { return &a.Kind }).choices(Bootable, Standalone),
	}})

	// Media Target.
	iso := strField("target", "iso", wizard.KindText, func(a *Answers) *string { return &a.ISO }).when(isTarget(TargetISO)).required()
	iso.rule(func(w *Wizard) string {
		if !strings.HasSuffix(strings.ToLower(w.A.ISO), ".iso") {
			return Msg("err.iso-ext")
		}
		return fileRule(w, w.A.ISO)
	})
	usbf := strField("target", "usb", wizard.KindText, func(a *Answers) *string { return &a.USB }).when(isTarget(TargetUSB)).required()
	usbf.rule(func(w *Wizard) string { return fileRule(w, w.A.USB) }).warning(func(w *Wizard) string {
		if !strings.HasSuffix(strings.ToLower(w.A.USB), ".img") {
			return Msg("warn.usb-ext")
		}
		return ""
	})
	overwrite := boolField("target", "overwrite", func(a *Answers) *bool { return &a.Overwrite }).when(func(w *Wizard) bool {
		t := w.Target()
		return w.A.Target != TargetDevice && t != "" && w.env.Exists(t) && !w.env.IsDir(t)
	})
	device := &Field{ID: "target.device", Key: "device", Kind: wizard.KindChoice, Required: true,
		get:     func(w *Wizard) string { return w.A.Device },
		set:     func(w *Wizard, v string) { w.A.Device = v },
		visible: isTarget(TargetDevice),
		options: func(w *Wizard) []wizard.Option {
			ds, _ := w.Disks()
			out := make([]wizard.Option, len(ds))
			for i, d := range ds {
				out[i] = wizard.Option{Value: d.Path, Label: describe(d)}
			}
			return out
		},
		note: func(w *Wizard, v string) string {
			ds, _ := w.Disks()
			for _, d := range ds {
				if d.Path == v && d.Refusal != "" {
					return Msgf("target.device.refused", d.Refusal)
				}
			}
			return ""
		},
	}
	device.rule(func(w *Wizard) string {
		ds, derr := w.Disks()
		if len(ds) == 0 {
			if derr != "" {
				return derr
			}
			return Msg("err.no-disks")
		}
		if w.A.Device == "" {
			return Msg("err.device-choose")
		}
		d, ok := w.Disk()
		if !ok {
			return Msgf("err.device-gone", w.A.Device)
		}
		return d.Refusal
	})
	register(&Page{ID: PageTarget, Key: "target", Fields: []*Field{
		strField("target", "target", wizard.KindChoice, func(a *Answers) *string { return &a.Target }).choices(TargetISO, TargetUSB, TargetDevice),
		iso, usbf, overwrite, device,
	}})
	overwrite.rule(func(w *Wizard) string {
		if !w.A.Overwrite {
			return Msgf("err.exists", w.Target())
		}
		return ""
	})

	// Security.
	protect := boolField("security", "protect", func(a *Answers) *bool { return &a.Protect })
	protect.rule(func(w *Wizard) string {
		if w.A.Protect {
			return ""
		}
		var where []string
		for _, s := range w.secrets() {
			if s.v.Kind() != secret.Prompt && !contains(where, s.where) {
				where = append(where, s.where)
			}
		}
		if len(where) > 0 {
			return Msgf("err.nopass-secrets", strings.Join(where, ", "))
		}
		return ""
	})
	protected := func(w *Wizard) bool { return w.A.Protect }
	password := strField("security", "password", wizard.KindSecret, func(a *Answers) *string { return &a.Password }).when(protected).required()
	password.rule(func(w *Wizard) string {
		name, ok := strings.CutPrefix(w.A.Password, "env:")
		if !ok {
			return ""
		}
		if _, err := secret.Parse(w.A.Password); err != nil || name == "" {
			return Msg("err.password-envname")
		}
		if v, ok := w.env.LookupEnv(name); !ok || v == "" {
			return Msgf("err.password-env", name)
		}
		return ""
	})
	confirm := strField("security", "confirm", wizard.KindSecret, func(a *Answers) *string { return &a.Confirm }).when(func(w *Wizard) bool {
		return w.A.Protect && !strings.HasPrefix(w.A.Password, "env:")
	})
	confirm.Required = true
	confirm.rule(func(w *Wizard) string {
		switch {
		case w.A.Password == "":
			return ""
		case w.A.Confirm == "":
			return Msg("err.confirm-empty")
		case w.A.Confirm != w.A.Password:
			return Msg("err.confirm")
		}
		return ""
	})
	secrets := note("security", "secrets", func(w *Wizard) string {
		all, prompts := 0, 0
		for _, s := range w.secrets() {
			all++
			if s.v.Kind() == secret.Prompt {
				prompts++
			}
		}
		switch {
		case all == 0:
			return Msg("security.secrets.none")
		case all == prompts:
			return Msgf("security.secrets.prompt", all)
		}
		return Msgf("security.secrets.some", all)
	})
	// The sequence's env: secrets are read now, to be encrypted.
	secrets.rule(func(w *Wizard) string {
		if !w.A.Protect {
			return ""
		}
		for _, s := range w.secrets() {
			if s.v.Kind() == secret.Env {
				if _, ok := w.env.LookupEnv(s.v.EnvName()); !ok {
					return Msgf("err.seq-env", s.where, s.v.EnvName())
				}
			}
		}
		return ""
	})
	passphrase := strField("security", "passphrase", wizard.KindSecret, func(a *Answers) *string { return &a.Passphrase }).when(func(w *Wizard) bool {
		if !w.needsPassphrase() {
			return false
		}
		v, _ := w.env.LookupEnv(secret.PassphraseEnv)
		return v == "" || w.A.Passphrase != ""
	})
	passphrase.Required = true
	passphrase.rule(func(w *Wizard) string {
		p := w.SequencePassphrase()
		switch {
		case p == "":
			return Msg("err.passphrase")
		case p == w.passWrong:
			return Msg("err.passphrase-wrong")
		}
		return ""
	})
	register(&Page{ID: PageSecurity, Key: "security", Fields: []*Field{
		protect, password, confirm, passphrase, secrets,
		note("security", "nopass", func(*Wizard) string { return Msg("security.nopass.text") }),
	}})

	// Boot Image.
	winpe := strField("boot", "winpe", wizard.KindText, func(a *Answers) *string { return &a.WinPE }).required()
	winpe.rule(func(w *Wizard) string {
		r := w.source()
		if r.err != nil {
			return r.err.Error()
		}
		if w.seq != nil && w.seq.BootImage.Arch != "" && w.seq.BootImage.Arch != r.arch {
			return Msgf("err.winpe-arch", w.seq.BootImage.Arch, r.arch)
		}
		return ""
	})
	arch := note("boot", "arch", func(w *Wizard) string {
		if a := w.Arch(); a != "" {
			return Msgf("boot.arch.text", a)
		}
		return Msg("boot.arch.unknown")
	})
	signing := note("boot", "signing", func(w *Wizard) string { return w.BootSigning() }).
		when(func(w *Wizard) bool { return w.BootSigning() != "" })
	fw := strField("boot", "fwfiles", wizard.KindText, func(a *Answers) *string { return &a.FWFiles })
	exe := strField("boot", "exe", wizard.KindText, func(a *Answers) *string { return &a.Exe })
	exe.rule(func(w *Wizard) string {
		if _, err := w.ExePath(); err != nil {
			return err.Error()
		}
		return ""
	})
	used := note("boot", "exe_used", func(w *Wizard) string {
		p, _ := w.ExePath()
		return p
	}).when(func(w *Wizard) bool {
		p, err := w.ExePath()
		return err == nil && p != "" && w.A.Exe == ""
	})
	register(&Page{ID: PageBoot, Key: "boot", Fields: []*Field{winpe, arch, signing, fw, exe, used}})

	// Customization.
	vars := &Field{ID: "custom.variables", Key: "variables", Kind: KindList,
		get: func(w *Wizard) string { return strings.Join(w.A.Vars, "\n") },
		set: func(w *Wizard, v string) {
			w.A.Vars = nil
			if v != "" {
				w.A.Vars = strings.Split(v, "\n")
			}
		},
	}
	vars.rule(func(w *Wizard) string {
		if errs := w.VarErrors(); len(errs) > 0 {
			return errs[0]
		}
		return ""
	})
	prestart := strField("custom", "prestart", wizard.KindText, func(a *Answers) *string { return &a.Prestart })
	prestart.rule(func(w *Wizard) string {
		if w.A.Prestart == "" || w.env.Prestart == nil {
			return ""
		}
		if err := w.env.Prestart(w.A.Prestart); err != nil {
			return err.Error()
		}
		return ""
	})
	label := strField("custom", "label", wizard.KindText, func(a *Answers) *string { return &a.Label })
	label.rule(func(w *Wizard) string {
		l := w.A.Label
		if !labelChars.MatchString(l) {
			for _, r := range l {
				if !labelChars.MatchString(string(r)) {
					return Msgf("err.label-chars", string(r))
				}
			}
		}
		max, on := MaxLabelISO, Msg("err.label-on-iso")
		if w.A.Target != TargetISO {
			max, on = MaxLabelUSB, Msg("err.label-on-usb")
		}
		if n := utf8.RuneCountInString(l); n > max {
			return Msgf("err.label-max", max, on, n, n-max)
		}
		return ""
	}).warning(func(w *Wizard) string {
		if w.A.Target == TargetISO && len(w.A.Label) > 16 {
			return Msg("warn.label-joliet")
		}
		return ""
	})
	content := note("custom", "content", func(w *Wizard) string {
		n, missing := w.Content()
		if len(missing) > 0 {
			return Msgf("custom.content.missing", n, len(missing))
		}
		return Msgf("custom.content.text", n)
	}).when(func(w *Wizard) bool { return w.A.Kind == Standalone && w.env.Content != nil })
	content.rule(func(w *Wizard) string {
		if _, missing := w.Content(); len(missing) > 0 {
			return Msgf("err.content", "\n  "+strings.Join(missing, "\n  "))
		}
		return ""
	})
	register(&Page{ID: PageCustom, Key: "custom", Fields: []*Field{vars, content, prestart, label}})

	// Summary: for a device, its name typed as the final confirmation.
	confirmDev := strField("summary", "confirm", wizard.KindText, func(a *Answers) *string { return &a.ConfirmDevice }).when(isTarget(TargetDevice))
	confirmDev.Required = true
	confirmDev.labelArgs = func(w *Wizard) []any { return []any{DeviceName(w.Target())} }
	confirmDev.helpArgs = func(w *Wizard) []any { return []any{w.Target()} }
	confirmDev.rule(func(w *Wizard) string {
		if !w.DeviceConfirmed() {
			return Msgf("err.confirm-device", DeviceName(w.A.Device))
		}
		return ""
	})
	register(&Page{ID: PageSummary, Key: "summary", Fields: []*Field{confirmDev}})
	register(&Page{ID: PageProgress, Key: "progress"})
	register(&Page{ID: PageCompletion, Key: "completion"})
}

// DeviceConfirmed reports whether the disk's name (sdb) or path
// (/dev/sdb) was typed.
func (w *Wizard) DeviceConfirmed() bool {
	c := strings.TrimSpace(w.A.ConfirmDevice)
	w.Disks()
	return w.A.Device != "" && (c == w.A.Device || strings.EqualFold(c, DeviceName(w.A.Device)))
}

// fileRule checks an output file: its folder exists and it is not a
// folder itself.
func fileRule(w *Wizard, p string) string {
	if w.env.Exists(p) && w.env.IsDir(p) {
		return Msgf("err.is-dir", p)
	}
	if dir := filepath.Dir(p); !w.env.IsDir(dir) {
		return Msgf("err.dir", dir)
	}
	return ""
}

// VarErrors lists what is wrong with the media variables, one message a
// bad line (lines numbered from 1; empty lines are ignored).
func (w *Wizard) VarErrors() []string {
	var out []string
	seen := map[string]bool{}
	for i, l := range w.A.Vars {
		if strings.TrimSpace(l) == "" {
			continue
		}
		line := Msgf("err.var-line", i+1)
		k, _, ok := strings.Cut(l, "=")
		if !ok {
			out = append(out, line+Msg("err.var-eq"))
			continue
		}
		k = strings.TrimSpace(k)
		if m := sequence.ValidateVariableName(k); m != "" {
			out = append(out, line+m)
			continue
		}
		if seen[strings.ToLower(k)] {
			out = append(out, line+Msgf("err.var-dup", k))
		}
		seen[strings.ToLower(k)] = true
	}
	return out
}

// VarLineError is what is wrong with one line of the variables ("" when
// fine).
func (w *Wizard) VarLineError(i int) string {
	prefix := Msgf("err.var-line", i+1)
	for _, e := range w.VarErrors() {
		if strings.HasPrefix(e, prefix) {
			return strings.TrimPrefix(e, prefix)
		}
	}
	return ""
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// DeviceName is the short name a person types to confirm a device:
// /dev/sdb → sdb, \\.\PhysicalDrive2 → PhysicalDrive2. (filepath.Base
// cannot be used: on Windows it turns \\.\PhysicalDrive2 into \.)
func DeviceName(dev string) string {
	d := strings.TrimRight(dev, `/\`)
	if i := strings.LastIndexAny(d, `/\`); i >= 0 {
		d = d[i+1:]
	}
	if d == "" {
		return dev
	}
	return d
}
