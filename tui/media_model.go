package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/media"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// MediaOptions configure the media wizard.
type MediaOptions struct {
	// Theme is the resolved theme (tui.ThemeFor); nil is the default.
	Theme *themes.Theme
	// Lang is the language of the wizard and its screen ("": English).
	Lang wizard.Lang
	// NoColor draws without color or escape sequences (NO_COLOR,
	// --no-color); RunMediaWizard applies it with ThemeFor.
	NoColor bool
	// MaxWidth and MaxHeight cap the layout (Windows PE: 80x25, whatever
	// the console buffer reports); 0 is no cap.
	MaxWidth, MaxHeight int
	// Env is the machine as the wizard sees it (nil: DefaultMediaEnv).
	Env *mediawiz.Env
	// Answers, when set, fill the pages (from command-line flags).
	Answers func(a *mediawiz.Answers)
	Hooks   MediaHooks
	// Signals are the stop signals relayed to the wizard as StopMsg;
	// nil: it listens to StopSignals itself (runProgram).
	Signals <-chan os.Signal
}

// MediaResult is how the media wizard ended.
type MediaResult struct {
	Cancelled bool   // esc (after asking) or ctrl+c: exit 130
	Written   string // the medium written: a file or a device
	Command   string // the refimage media command line that repeats it
	// Notes are to be printed after the screen closes (a device that
	// must be written again).
	Notes []string
}

// MediaModel is the Bubble Tea model of the Task Sequence Media Wizard.
// The mediawiz.Wizard is the source of truth; the model holds the
// screen state and the writing goroutine.
type MediaModel struct {
	w *mediawiz.Wizard
	formScreen[*mediawiz.Wizard, mediawiz.PageID]
	hooks   MediaHooks
	varLine int // the focused line of the media variables

	now      func() time.Time // the clock of rate and ETA (tests fix it)
	cancel   context.CancelFunc
	prog     *mediaProgress
	started  time.Time
	quitting bool // ctrl+c while writing: quit once the goroutine is done
	stopped  bool
	res      *media.Result
	writeErr string
	result   MediaResult
}

// NewMediaWizard returns the media wizard for a sequence loaded from
// seqPath: the model behind `refimage media FILE` without a target, and
// behind "Write bootable media" on the wizard's Completion page.
func NewMediaWizard(seq *sequence.Sequence, seqPath string, opt MediaOptions) *MediaModel {
	if opt.Theme == nil {
		opt.Theme = themes.Default()
	}
	if opt.Env == nil {
		opt.Env = DefaultMediaEnv(opt.Lang)
	}
	opt.Hooks.defaults(textsIn(opt.Lang))
	w := mediawiz.New(seq, seqPath, opt.Env, opt.Lang)
	if opt.Answers != nil {
		opt.Answers(&w.A)
	}
	m := &MediaModel{w: w, hooks: opt.Hooks, now: time.Now}
	m.formScreen = newFormScreen(textsIn(w.Lang), w, formHost[*mediawiz.Wizard, mediawiz.PageID](m), opt.Theme, mediawiz.PageSummary, mediawiz.PageProgress, mediawiz.PageCompletion)
	m.maxW, m.maxH = opt.MaxWidth, opt.MaxHeight
	return m
}

// RunMediaWizard shows the media wizard on out (stderr) and reads keys
// from in. opt.Theme is the theme the command resolved (flags, environment,
// config file; themeName is used only when it is nil); it is built for out
// with ThemeFor, with opt.NoColor.
func RunMediaWizard(seq *sequence.Sequence, seqPath string, opt MediaOptions, themeName string, in io.Reader, out io.Writer) (MediaResult, error) {
	opt.Theme = resolveTheme(opt.Theme, themeName, out, opt.NoColor)
	final, err := runProgram(NewMediaWizard(seq, seqPath, opt), in, out, opt.Signals)
	if err != nil {
		return MediaResult{}, err
	}
	return final.(*MediaModel).Result(), nil
}

// Wizard returns the wizard state.
func (m *MediaModel) Wizard() *mediawiz.Wizard { return m.w }

// Result is how the media wizard ended.
func (m *MediaModel) Result() MediaResult { return m.result }

// Init implements tea.Model.
func (m *MediaModel) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m *MediaModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg)
	case StopMsg:
		// SIGTERM, SIGHUP: as ctrl+c, a write under way is cancelled
		// (its partial output removed) and the wizard quits when it
		// has stopped.
		m.result.Cancelled = true
		if m.w.Writing && m.cancel != nil {
			m.cancel()
			m.quitting = true
			m.setStatus(m.mtx("status.stopping"), true)
			return m, nil
		}
		return m, tea.Quit
	case mediaTickMsg:
		if m.w.Writing {
			return m, mediaTick()
		}
	case mediaDoneMsg:
		return m.done(msg)
	case tea.KeyMsg:
		model, cmd := m.key(msg)
		m.syncScroll()
		return model, cmd
	default:
		cmd := m.inputMsg(msg) // the clipboard's text after ctrl+v
		m.syncScroll()
		return m, cmd
	}
	return m, nil
}

func mediaTick() tea.Cmd {
	return tea.Tick(100*time.Millisecond, func(time.Time) tea.Msg { return mediaTickMsg{} })
}

func (m *MediaModel) done(msg mediaDoneMsg) (tea.Model, tea.Cmd) {
	w := m.w
	w.Writing = false
	m.answered()
	m.cancel = nil
	if msg.rewrite {
		m.result.Notes = append(m.result.Notes, fmt.Sprintf(m.mtx("progress.rewrite"), w.Target()))
	}
	if msg.err != nil {
		m.writeErr = msg.err.Error()
		if m.stopped || m.quitting {
			m.writeErr = ""
		}
		if m.quitting {
			m.result.Cancelled = true
			return m, tea.Quit
		}
		m.setStatus("", false)
		return m, nil
	}
	m.res = msg.res
	w.Written = msg.res.Path
	m.result.Written = msg.res.Path
	m.result.Command = w.CommandLine()
	if m.quitting {
		// Finished before it could stop: the medium is complete.
		m.result.Cancelled = true
		return m, tea.Quit
	}
	m.setStatus("", false)
	return m, nil
}

func (m *MediaModel) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	w := m.w
	k := formKeys
	if matches(msg, k.Quit) {
		if w.Writing && m.cancel != nil {
			m.cancel()
			m.quitting = true
			m.setStatus(m.mtx("status.stopping"), true)
			return m, nil
		}
		m.result.Cancelled = w.Written == ""
		return m, tea.Quit
	}
	if m.quitting {
		return m, nil
	}
	if m.asking {
		switch {
		case matches(msg, k.Yes):
			if w.Writing {
				m.answered()
				m.stopped = true
				m.cancel()
				m.setStatus(m.mtx("status.stopping"), true)
				return m, nil
			}
			m.result.Cancelled = true
			return m, tea.Quit
		case matches(msg, k.No):
			m.answered()
			m.setStatus("", false)
		}
		return m, nil
	}
	if matches(msg, k.Cancel) && !m.help {
		if w.Written != "" {
			return m, tea.Quit
		}
		if w.Writing {
			m.ask(m.mtx("status.stop"))
		} else {
			m.ask(m.mtx("status.cancel"))
		}
		return m, nil
	}
	if w.Writing && !m.help && !matches(msg, k.Help, k.HelpAnyway) {
		return m, nil // keys wait until the medium is written (esc stops)
	}
	return m, m.formScreen.key(msg)
}

// varsKey edits the media variables: one NAME=value a line.
func (m *MediaModel) varsKey(msg tea.KeyMsg) tea.Cmd {
	w := m.w
	lines := w.A.Vars
	if len(lines) == 0 {
		lines = []string{""}
	}
	i := max(0, min(m.varLine, len(lines)-1))
	set := func(l []string) {
		if len(l) == 1 && l[0] == "" {
			l = nil
		}
		w.A.Vars = l
		m.touched["custom.variables"] = true
	}
	switch {
	case msg.Type == tea.KeyUp:
		if i == 0 {
			m.moveFocus(-1)
		} else {
			m.varLine = i - 1
		}
		return nil
	case msg.Type == tea.KeyDown:
		if i >= len(lines)-1 {
			m.moveFocus(1)
		} else {
			m.varLine = i + 1
		}
		return nil
	case matches(msg, mediaKeys.VarNew):
		if strings.TrimSpace(lines[i]) == "" {
			if len(lines) > 1 {
				set(append(lines[:i:i], lines[i+1:]...))
			}
			return m.enter()
		}
		nl := append(append(append([]string{}, lines[:i+1]...), ""), lines[i+1:]...)
		set(nl)
		m.varLine = i + 1
		m.cursors[fmt.Sprintf("custom.variables#%d", i+1)] = 0
		return nil
	case matches(msg, mediaKeys.VarRemove) && lines[i] == "" && len(lines) > 1:
		if lines[i] == "" && len(lines) > 1 {
			set(append(lines[:i:i], lines[i+1:]...))
			m.varLine = max(0, i-1)
			delete(m.cursors, fmt.Sprintf("custom.variables#%d", m.varLine))
			return nil
		}
	}
	return m.editVar(msg)
}

// editVar edits the focused line of the media variables.
func (m *MediaModel) editVar(msg tea.Msg) tea.Cmd {
	w := m.w
	lines := w.A.Vars
	if len(lines) == 0 {
		lines = []string{""}
	}
	i := max(0, min(m.varLine, len(lines)-1))
	ck := fmt.Sprintf("custom.variables#%d", i)
	pos, ok := m.cursors[ck]
	if !ok {
		pos = len([]rune(lines[i]))
	}
	val, pos, edited, cmd := m.editInput(ck, lines[i], pos, 0, false, msg)
	if edited {
		nl := append([]string{}, lines...)
		nl[i] = val
		if len(nl) == 1 && nl[0] == "" {
			nl = nil
		}
		w.A.Vars = nl
		m.touched["custom.variables"] = true
		m.cursors[ck] = pos
		m.setStatus("", false)
	}
	return cmd
}

// The form screen's host (formHost): what only this wizard has.

func (m *MediaModel) text(key string) string { return m.mtx(key) }
func (m *MediaModel) busy() bool             { return m.w.Writing }
func (m *MediaModel) written() bool          { return m.w.Written != "" }
func (m *MediaModel) write() tea.Cmd         { return m.start() }
func (m *MediaModel) beforeNext() error      { return nil }

// focusMoved puts the variables' line at the first (the last, going
// back into the list).
func (m *MediaModel) focusMoved(d int) {
	m.varLine = 0
	if f := m.focused(); d < 0 && f != nil && f.Kind == mediawiz.KindList {
		m.varLine = max(0, len(m.w.A.Vars)-1)
	}
}

func (m *MediaModel) customLines(p *pane, f *mediawiz.Field, focused bool) int {
	m.varLines(p, focused)
	return -1
}

func (m *MediaModel) customKey(f *mediawiz.Field, msg tea.KeyMsg) tea.Cmd { return m.varsKey(msg) }

// customInput pastes the clipboard's text into the focused variable line.
func (m *MediaModel) customInput(f *mediawiz.Field, msg tea.Msg) tea.Cmd {
	i := max(0, min(m.varLine, len(m.w.A.Vars)-1))
	if m.inputFor != fmt.Sprintf("custom.variables#%d", i) {
		return nil
	}
	return m.editVar(msg)
}

// fieldKey: r looks for disks again in the device list.
func (m *MediaModel) fieldKey(f *mediawiz.Field, msg tea.KeyMsg) bool {
	if f.Key != "device" || !matches(msg, mediaKeys.Rescan) {
		return false
	}
	m.w.Rescan()
	m.setStatus(m.mtx("status.rescanned"), false)
	return true
}

// edited: a changed source is checked again.
func (m *MediaModel) edited(f *mediawiz.Field) {
	if f.Key == "winpe" || f.Key == "fwfiles" {
		m.w.RecheckSource()
	}
}

// mask shows env:NAME as it is, a typed password as stars.
func (m *MediaModel) mask(f *mediawiz.Field, val string, focused bool) string {
	if strings.HasPrefix(val, "env:") {
		return val
	}
	return secretMask(val)
}

func (m *MediaModel) hint(f *mediawiz.Field) string {
	choose := hint(hk(formKeys.Up, m.th.Symbols.UpDown, m.tx("key.choose")))
	switch {
	case f.Kind == mediawiz.KindList:
		return strings.Join([]string{choose, hint(hk(mediaKeys.VarNew, "enter", m.mtx("key.var-new"))),
			hint(hk(mediaKeys.VarRemove, "backspace", m.mtx("key.var-remove")))}, "  ")
	case f.IsList(m.w) && f.Key == "device":
		return choose + "  " + hint(hk(mediaKeys.Rescan, "r", m.mtx("key.rescan")))
	}
	return ""
}

func (m *MediaModel) pageKey(msg tea.KeyMsg) tea.Cmd {
	k, w := formKeys, m.w
	if w.CurrentID() == mediawiz.PageProgress {
		if matches(msg, k.Enter) {
			return m.next()
		}
		return nil
	}
	switch {
	case matches(msg, mediaKeys.Done):
		return tea.Quit
	case matches(msg, k.Left):
		m.cmdScroll = max(0, m.cmdScroll-8)
	case matches(msg, k.Right):
		rw, _ := m.pageSize()
		m.cmdScroll = min(m.cmdScroll+8, commandScrollMax([]string{w.CommandLine()}, rw-2))
	case matches(msg, k.Home):
		m.cmdScroll = 0
	}
	return nil
}

// mediaKeyMap is the keys only the media wizard has (the form screen's
// are formKeys); docs/media.md's table is checked against both.
type mediaKeyMap struct {
	Rescan key.Binding // the disk list: look again
	// The media variables: a new line, remove an empty line.
	VarNew, VarRemove key.Binding
	// Completion: done.
	Done key.Binding
}

var mediaKeys = mediaKeyMap{Rescan: bind("r"), VarNew: bind("enter"), VarRemove: bind("backspace"), Done: bind("enter", "q")}

func (k mediaKeyMap) all() []key.Binding {
	return []key.Binding{k.Rescan, k.VarNew, k.VarRemove, k.Done}
}

func (m *MediaModel) footer() ([]key.Binding, bool) {
	k, mk := formKeys, mediaKeys
	w := m.w
	switch w.CurrentID() {
	case mediawiz.PageCompletion:
		return []key.Binding{hk(mk.Done, "enter", m.tx("key.quit")), hk(k.Help, "?", m.tx("key.help"))}, true
	case mediawiz.PageProgress:
		switch {
		case w.Writing:
			return []key.Binding{hk(k.Cancel, "esc", m.mtx("key.stop")), hk(k.Quit, "ctrl+c", m.mtx("key.stop")+" + "+m.tx("key.quit"))}, true
		case w.Written != "":
			return []key.Binding{hk(k.Enter, "enter", m.tx("key.next")), hk(k.Cancel, "esc", m.tx("key.quit"))}, true
		}
		return []key.Binding{hk(k.Prev, "ctrl+p", m.tx("key.prev")), hk(k.Cancel, "esc", m.tx("key.cancel"))}, true
	}
	return nil, false
}

// start begins writing the medium in a goroutine (Progress).
func (m *MediaModel) start() tea.Cmd {
	w := m.w
	job := mediaJobFor(w)
	w.Goto(mediawiz.PageProgress)
	w.Writing = true
	m.enterPage()
	m.writeErr, m.stopped, m.res = "", false, nil
	m.prog = &mediaProgress{}
	m.started = time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	hooks, prog := m.hooks, m.prog
	return tea.Batch(func() tea.Msg {
		defer cancel()
		return m.runMediaJob(ctx, job, hooks, prog)
	}, mediaTick())
}

// mediaJobFor turns the wizard's answers into what Progress writes.
func mediaJobFor(w *mediawiz.Wizard) mediaJob {
	pass, _ := w.Password()
	exe, _ := w.ExePath()
	kind := media.Bootable
	if w.A.Kind == mediawiz.Standalone {
		kind = media.Standalone
	}
	job := mediaJob{winpe: w.A.WinPE, fwfiles: w.A.FWFiles, opt: media.Options{
		Sequence: w.Sequence(), Kind: kind, Label: w.A.Label, Password: pass,
		Variables: w.Variables(), Prestart: w.A.Prestart, Exe: exe,
		Resolver: mediaResolver{texts: textsIn(w.Lang), lookup: w.Env().LookupEnv, pass: w.SequencePassphrase()},
	}}
	switch w.A.Target {
	case mediawiz.TargetISO:
		job.opt.ISO = w.A.ISO
	case mediawiz.TargetUSB:
		job.opt.USBImage = w.A.USB
	case mediawiz.TargetDevice:
		job.device = w.Target()
	}
	return job
}
