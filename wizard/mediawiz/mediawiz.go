// Package mediawiz is the Task Sequence Media Wizard as pure state: pages,
// fields, defaults, validation and the command line that repeats it. The
// tui package draws it and writes the medium with package media; what the
// wizard needs from the machine (disks, the WinPE source, refimage.exe)
// comes through Env, so tests use fakes.
package mediawiz

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/internal/bytesize"
	"github.com/refimage/refimage/wizard/form"
)

// Disk is a whole disk a medium can be written to.
type Disk struct {
	Path       string // /dev/sdb
	Model      string
	Size       int64 // bytes
	Partitions []string
	Mounted    []string
	// Refusal says why the disk must not be written ("" when it may):
	// it holds the running system, is mounted, is not removable.
	Refusal string
}

// Disks lists the disks that could take a medium.
type Disks interface {
	List() ([]Disk, error)
}

// Env is what the wizard needs from the machine. Nil functions are
// treated as "nothing to check".
type Env struct {
	// Disks lists removable disks (nil: writing a device is not possible
	// here; DisksErr says why).
	Disks    Disks
	DisksErr string
	// Source checks a WinPE source (copype's folder, or a media folder
	// with fwfiles) and returns the boot image's architecture.
	Source func(winpe, fwfiles string) (arch string, err error)
	// BootSigning says, one line per boot manager of the source, which
	// CA signed it for Secure Boot (nil: not shown).
	BootSigning func(winpe, fwfiles string) []string
	// Exe finds refimage.exe for arch: the given path, or the default.
	Exe func(given, arch string) (string, error)
	// Content lists the content a stand-alone medium carries for the
	// sequence with the media variables: how many references, and what
	// is missing (all at once).
	Content func(seq *sequence.Sequence, vars map[string]string) (refs int, missing []string)
	// Prestart checks a prestart command (it must fit winpeshl.ini).
	Prestart func(cmd string) error
	// Exists and IsDir look at files.
	Exists func(path string) bool
	IsDir  func(path string) bool
	// LookupEnv reads the environment (password-env, the sequence's env:
	// secrets, REFIMAGE_PASSPHRASE).
	LookupEnv func(string) (string, bool)
	// GOOS decides how the command line is quoted (default: runtime.GOOS).
	GOOS string
}

// Media kinds and targets (the values of the choice fields).
const (
	Bootable     = "bootable"
	Standalone   = "standalone"
	TargetISO    = "iso"
	TargetUSB    = "usb"
	TargetDevice = "device"
)

// Label limits.
const (
	MaxLabelISO  = 32
	MaxLabelUSB  = 11
	DefaultLabel = "REFIMAGE"
)

// Answers are the user's choices.
type Answers struct {
	Kind      string // Bootable or Standalone
	Target    string // TargetISO, TargetUSB or TargetDevice
	ISO       string
	USB       string
	Overwrite bool
	Device    string // the chosen disk's path

	Protect    bool
	Password   string // typed, or env:NAME
	Confirm    string
	Passphrase string // of the sequence's encrypted secrets

	WinPE   string
	FWFiles string
	Exe     string

	Vars     []string // NAME=value lines
	Prestart string
	Label    string

	ConfirmDevice string // the disk's name, typed on the Summary
}

// PageID names a page.
type PageID int

// The pages, in order.
const (
	PageType PageID = iota
	PageTarget
	PageSecurity
	PageBoot
	PageCustom
	PageSummary
	PageProgress
	PageCompletion
)

// Wizard is one run of the media wizard.
type Wizard struct {
	A   Answers
	env *Env
	// Texts is the wizard's language (w.Lang) and its messages in it
	// (w.Msg, w.Msgf; w.Fail and w.Failf for validators).
	form.Texts

	seq     *sequence.Sequence
	seqPath string

	// The pages, the page shown and the pages visited; Pages, Current,
	// CurrentID, Visited, Goto, PageErrors and PageWarnings come from it.
	*form.Flow[*Wizard, PageID]

	disks    []Disk
	disksErr string
	listed   bool

	contents map[string]contentResult
	sources  map[string]sourceResult
	signing  map[string][]string
	exes     map[string]exeResult

	passChecked string // the passphrase that decrypted the secrets
	passWrong   string // the passphrase that did not

	// Written is the path of the written medium (Progress).
	Written string
	// Writing is true while the medium is written.
	Writing bool
}

type contentResult struct {
	refs    int
	missing []string
}

type sourceResult struct {
	arch string
	err  error
}

type exeResult struct {
	path string
	err  error
}

// New returns a wizard for the sequence (loaded from seqPath) on its
// first page with the defaults filled in, speaking the language l.
func New(seq *sequence.Sequence, seqPath string, env *Env, l form.Lang) *Wizard {
	if env == nil {
		env = &Env{}
	}
	if env.Exists == nil {
		env.Exists = func(string) bool { return false }
	}
	if env.IsDir == nil {
		env.IsDir = func(string) bool { return true }
	}
	if env.LookupEnv == nil {
		env.LookupEnv = func(string) (string, bool) { return "", false }
	}
	if env.GOOS == "" {
		env.GOOS = runtime.GOOS
	}
	w := &Wizard{env: env, Texts: form.NewTexts(catalogs, l), seq: seq, seqPath: seqPath,
		sources: map[string]sourceResult{}, contents: map[string]contentResult{}, exes: map[string]exeResult{}}
	w.Flow = form.NewFlow(pages, w, PageType, func(*Wizard) []PageID { return order })
	base := strings.TrimSuffix(filepath.Base(seqPath), filepath.Ext(seqPath))
	if base == "" || base == "." {
		base = "refimage"
	}
	w.A = Answers{Kind: Bootable, Target: TargetISO, ISO: base + ".iso", USB: base + ".img", Protect: true, Label: DefaultLabel}
	return w
}

// Sequence is the sequence the medium starts.
func (w *Wizard) Sequence() *sequence.Sequence { return w.seq }

// SequencePath is the file the sequence was loaded from.
func (w *Wizard) SequencePath() string { return w.seqPath }

// Env returns the wizard's environment.
func (w *Wizard) Env() *Env { return w.env }

// order is the pages in order.
var order = []PageID{PageType, PageTarget, PageSecurity, PageBoot, PageCustom, PageSummary, PageProgress, PageCompletion}

// Done reports whether a page is finished: visited, left and valid.
func (w *Wizard) Done(id PageID) bool {
	if id == w.CurrentID() || !w.Visited(id) {
		return false
	}
	switch id {
	case PageProgress, PageCompletion:
		return w.Written != ""
	case PageSummary:
		if w.Written != "" || w.Writing {
			return true
		}
	}
	return w.Flow.Done(id)
}

// ErrInvalid is what Next returns when the page has errors (errors.Is:
// the error Next returns says it in the wizard's language).
var ErrInvalid = pages.Problem(form.English, "nav.invalid")

// Next goes to the next page if the current one is valid. It stops at
// the Summary: the caller writes the medium and then calls Goto.
func (w *Wizard) Next() error {
	cur := w.CurrentID()
	if errs := w.PageErrors(cur); len(errs) > 0 {
		return w.Invalid()
	}
	if cur == PageSecurity && !w.checkPassphrase() {
		return w.Invalid()
	}
	switch cur {
	case PageSummary:
		return pages.Problem(w.Lang, "nav.summary")
	case PageProgress, PageCompletion:
		if w.Written == "" {
			return pages.Problem(w.Lang, "nav.writing")
		}
	}
	return w.Flow.Advance()
}

// Prev goes to the previous page, keeping every value (invalid ones
// too). It does not work while or after the medium is written.
func (w *Wizard) Prev() error {
	switch {
	case w.Writing:
		return pages.Problem(w.Lang, "nav.writing")
	case w.Written != "":
		return pages.Problem(w.Lang, "nav.written")
	case w.CurrentID() == PageProgress:
		// Writing failed or was stopped: back to the Summary.
		w.Flow.Goto(PageSummary)
		return nil
	}
	return w.Flow.Prev()
}

// FirstInvalid returns the first page before the Summary with errors.
func (w *Wizard) FirstInvalid() (PageID, bool) { return w.Flow.FirstInvalid(PageSummary) }

// ToSummary jumps to the Summary once every page is valid.
func (w *Wizard) ToSummary() error {
	if w.Writing || w.Written != "" {
		return pages.Problem(w.Lang, "nav.written")
	}
	if _, bad := w.FirstInvalid(); !bad && !w.checkPassphrase() {
		return pages.Problem(w.Lang, "nav.fix-page", pages.Page(PageSecurity).Title(w))
	}
	return w.Flow.JumpTo(PageSummary)
}

// Disks returns the disks found (listing them the first time).
func (w *Wizard) Disks() ([]Disk, string) {
	if !w.listed {
		w.Rescan()
	}
	return w.disks, w.disksErr
}

// Rescan looks for disks again.
func (w *Wizard) Rescan() {
	w.listed = true
	w.disks, w.disksErr = nil, ""
	if w.env.Disks == nil {
		w.disksErr = w.env.DisksErr
		if w.disksErr == "" {
			w.disksErr = w.Msg("err.no-disks")
		}
		return
	}
	d, err := w.env.Disks.List()
	if err != nil {
		w.disksErr = err.Error()
		return
	}
	w.disks = d
	if w.A.Device == "" {
		for _, x := range d {
			if x.Refusal == "" {
				w.A.Device = x.Path
				break
			}
		}
	}
}

// Disk returns the chosen disk.
func (w *Wizard) Disk() (Disk, bool) {
	ds, _ := w.Disks()
	for _, d := range ds {
		if d.Path == w.A.Device {
			return d, true
		}
	}
	return Disk{}, false
}

// Target is the file or device the medium is written to.
func (w *Wizard) Target() string {
	switch w.A.Target {
	case TargetUSB:
		return w.A.USB
	case TargetDevice:
		w.Disks() // the first disk that may be written is the default
		return w.A.Device
	}
	return w.A.ISO
}

// Arch is the boot image's architecture ("" until the source is
// complete).
func (w *Wizard) Arch() string {
	r := w.source()
	if r.err != nil {
		return ""
	}
	return r.arch
}

func (w *Wizard) source() sourceResult {
	if strings.TrimSpace(w.A.WinPE) == "" || w.env.Source == nil {
		return sourceResult{err: errors.New("")}
	}
	key := w.A.WinPE + "\x00" + w.A.FWFiles
	r, ok := w.sources[key]
	if !ok {
		r.arch, r.err = w.env.Source(w.A.WinPE, w.A.FWFiles)
		w.sources[key] = r
	}
	return r
}

// BootSigning is who signed the source's boot managers, a line each
// ("" until the source is complete, or when the environment cannot tell).
func (w *Wizard) BootSigning() string {
	if w.env.BootSigning == nil || w.Arch() == "" {
		return ""
	}
	key := w.A.WinPE + "\x00" + w.A.FWFiles
	lines, ok := w.signing[key]
	if !ok {
		lines = w.env.BootSigning(w.A.WinPE, w.A.FWFiles)
		if w.signing == nil {
			w.signing = map[string][]string{}
		}
		w.signing[key] = lines
	}
	return strings.Join(lines, "\n")
}

// Content is what a stand-alone medium would carry: the number of
// content references and what is missing (remembered per variables).
func (w *Wizard) Content() (refs int, missing []string) {
	if w.env.Content == nil || w.seq == nil {
		return 0, nil
	}
	key := strings.Join(w.A.Vars, "\n")
	r, ok := w.contents[key]
	if !ok {
		r.refs, r.missing = w.env.Content(w.seq, w.Variables())
		w.contents[key] = r
	}
	return r.refs, r.missing
}

// RecheckSource forgets what was found about the source and refimage.exe
// (after the user fixed the folder).
func (w *Wizard) RecheckSource() {
	w.sources = map[string]sourceResult{}
	w.signing = nil
	w.exes = map[string]exeResult{}
	w.contents = map[string]contentResult{}
}

// ExePath is the refimage.exe that goes on the medium, or an error.
func (w *Wizard) ExePath() (string, error) {
	arch := w.Arch()
	if arch == "" || w.env.Exe == nil {
		return "", nil
	}
	key := w.A.Exe + "\x00" + arch
	r, ok := w.exes[key]
	if !ok {
		r.path, r.err = w.env.Exe(w.A.Exe, arch)
		w.exes[key] = r
	}
	return r.path, r.err
}

// Password returns the media password in clear (typed, or read from the
// environment) and the environment variable it came from.
func (w *Wizard) Password() (pass, envName string) {
	if !w.A.Protect {
		return "", ""
	}
	if name, ok := strings.CutPrefix(w.A.Password, "env:"); ok {
		v, _ := w.env.LookupEnv(name)
		return v, name
	}
	return w.A.Password, ""
}

// Variables returns the media variables (empty lines left out).
func (w *Wizard) Variables() map[string]string {
	out := map[string]string{}
	for _, l := range w.A.Vars {
		if k, v, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) != "" {
			out[strings.TrimSpace(k)] = v
		}
	}
	return out
}

// SequencePassphrase is the passphrase of the sequence's encrypted
// secrets: typed, or REFIMAGE_PASSPHRASE.
func (w *Wizard) SequencePassphrase() string {
	if w.A.Passphrase != "" {
		return w.A.Passphrase
	}
	v, _ := w.env.LookupEnv(secret.PassphraseEnv)
	return v
}

// seqSecret is a secret of the sequence.
type seqSecret struct {
	where string
	v     *secret.Value
}

func (w *Wizard) secrets() []seqSecret {
	var out []seqSecret
	if w.seq == nil {
		return nil
	}
	w.seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		h, ok := it.Props.(interface{ Secrets() []*secret.Value })
		if !ok {
			return true
		}
		for _, v := range h.Secrets() {
			if v.IsSet() {
				out = append(out, seqSecret{it.Name, v})
			}
		}
		return true
	})
	return out
}

// needsPassphrase reports whether the sequence has encrypted secrets
// that go on the medium.
func (w *Wizard) needsPassphrase() bool {
	if !w.A.Protect {
		return false
	}
	for _, s := range w.secrets() {
		if s.v.Kind() == secret.Encrypted {
			return true
		}
	}
	return false
}

type passOnly string

func (p passOnly) Getenv(string) (string, bool)  { return "", false }
func (p passOnly) Prompt(string) (string, error) { return "", secret.ErrNoPrompt }
func (p passOnly) Passphrase() (string, error)   { return string(p), nil }

// checkPassphrase decrypts one encrypted secret with the passphrase when
// the Security page is left (not at every key: the key derivation is
// slow on purpose).
func (w *Wizard) checkPassphrase() bool {
	if !w.needsPassphrase() {
		return true
	}
	pass := w.SequencePassphrase()
	if pass == "" || pass == w.passWrong {
		return false
	}
	if pass == w.passChecked {
		return true
	}
	for _, s := range w.secrets() {
		if s.v.Kind() == secret.Encrypted {
			if _, err := s.v.Reveal(s.where, passOnly(pass)); err != nil {
				w.passWrong = pass
				return false
			}
			break
		}
	}
	w.passChecked = pass
	return true
}

// SummaryItem is one line of the Summary.
type SummaryItem struct{ Label, Value string }

// Summary lists the choices, secrets left out.
func (w *Wizard) Summary() []SummaryItem {
	none := w.Msg("value.none")
	or := func(s, def string) string {
		if strings.TrimSpace(s) == "" {
			return def
		}
		return s
	}
	target := w.Target()
	if d, ok := w.Disk(); ok && w.A.Target == TargetDevice {
		target = w.describe(d)
	}
	if w.HasMsg("summary.target." + w.A.Target) {
		target = w.Msg("summary.target."+w.A.Target) + ": " + target
	}
	pass := w.Msg("value.no")
	if w.A.Protect {
		pass = w.Msg("summary.password.typed")
		if _, env := w.Password(); env != "" {
			pass = w.Msgf("summary.password.env", env)
		}
	}
	exe := w.Msg("value.default")
	if p, err := w.ExePath(); err == nil && p != "" {
		exe = p
	}
	var vars []string
	for _, l := range w.A.Vars {
		if strings.TrimSpace(l) != "" {
			vars = append(vars, l)
		}
	}
	kind := w.A.Kind
	if w.HasMsg("summary.kind." + kind) {
		kind = w.Msg("summary.kind." + kind)
	}
	return []SummaryItem{
		{w.Msg("summary.sequence"), w.seqPath},
		{w.Msg("summary.kind"), kind},
		{w.Msg("summary.target"), target},
		{w.Msg("summary.password"), pass},
		{w.Msg("summary.winpe"), w.A.WinPE},
		{w.Msg("summary.fwfiles"), or(w.A.FWFiles, w.Msg("value.default"))},
		{w.Msg("summary.exe"), exe},
		{w.Msg("summary.variables"), or(strings.Join(vars, ", "), none)},
		{w.Msg("summary.prestart"), or(w.A.Prestart, none)},
		{w.Msg("summary.label"), or(w.A.Label, DefaultLabel)},
	}
}

// describe is one line about a disk: path, size, model, partitions.
func (w *Wizard) describe(d Disk) string {
	s := d.Path + "  " + bytesize.Format(d.Size)
	if m := strings.TrimSpace(d.Model); m != "" {
		s += "  " + m
	}
	if len(d.Partitions) > 0 {
		s += "  " + strings.Join(baseNames(d.Partitions), ", ")
	} else {
		s += "  " + w.Msg("disk.no-partitions")
	}
	return s
}

func baseNames(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = filepath.Base(p)
	}
	return out
}
