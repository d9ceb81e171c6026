package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

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
	w     *mediawiz.Wizard
	th    *themes.Theme
	hooks MediaHooks
	maxW  int
	maxH  int

	width, height int
	focus         int
	cursors       map[string]int
	touched       map[string]bool
	showAll       map[mediawiz.PageID]bool
	varLine       int // the focused line of the media variables
	listScroll    int
	cmdScroll     int // Completion: the command line scrolled sideways
	status        string
	statusErr     bool
	asking        bool // esc: asking whether to cancel (or to stop writing)
	help          bool
	helpScroll    int
	helpMax       int // the last scroll position of the help, as last drawn

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
		opt.Env = DefaultMediaEnv()
	}
	opt.Hooks.defaults()
	w := mediawiz.New(seq, seqPath, opt.Env)
	if opt.Answers != nil {
		opt.Answers(&w.A)
	}
	return &MediaModel{w: w, th: opt.Theme, hooks: opt.Hooks, width: 80, height: 25, now: time.Now, maxW: opt.MaxWidth, maxH: opt.MaxHeight,
		cursors: map[string]int{}, touched: map[string]bool{}, showAll: map[mediawiz.PageID]bool{}}
}

// RunMediaWizard shows the media wizard on out (stderr) and reads keys
// from in. opt.Theme is the theme the command resolved (flags, environment,
// config file; themeName is used only when it is nil); it is built for out
// with ThemeFor, with opt.NoColor.
func RunMediaWizard(seq *sequence.Sequence, seqPath string, opt MediaOptions, themeName string, in io.Reader, out io.Writer) (MediaResult, error) {
	if opt.Theme == nil {
		th, ok := themes.Get(themeName)
		if !ok {
			th = themes.Default()
		}
		opt.Theme = th
	}
	opt.Theme = ThemeFor(opt.Theme, out, opt.NoColor)
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

func (m *MediaModel) fields() []*mediawiz.Field {
	var out []*mediawiz.Field
	for _, f := range m.w.Current().VisibleFields(m.w) {
		if f.Editable() {
			out = append(out, f)
		}
	}
	return out
}

func (m *MediaModel) hasListArea() bool { return m.w.CurrentID() == mediawiz.PageSummary }

func (m *MediaModel) focused() *mediawiz.Field {
	fs := m.fields()
	if m.focus >= 0 && m.focus < len(fs) {
		return fs[m.focus]
	}
	return nil
}

func (m *MediaModel) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

// Update implements tea.Model.
func (m *MediaModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = fitSize(msg.Width, msg.Height, m.maxW, m.maxH)
	case StopMsg:
		// SIGTERM, SIGHUP: as ctrl+c, a write under way is cancelled
		// (its partial output removed) and the wizard quits when it
		// has stopped.
		m.result.Cancelled = true
		if m.w.Writing && m.cancel != nil {
			m.cancel()
			m.quitting = true
			m.setStatus(mtx("status.stopping"), true)
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
		return m.key(msg)
	}
	return m, nil
}

func mediaTick() tea.Cmd {
	return tea.Tick(100*time.Millisecond, func(time.Time) tea.Msg { return mediaTickMsg{} })
}

func (m *MediaModel) done(msg mediaDoneMsg) (tea.Model, tea.Cmd) {
	w := m.w
	w.Writing = false
	m.asking = false
	m.cancel = nil
	if msg.rewrite {
		m.result.Notes = append(m.result.Notes, fmt.Sprintf(mtx("progress.rewrite"), w.Target()))
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
	if msg.Type == tea.KeyCtrlC {
		if w.Writing && m.cancel != nil {
			m.cancel()
			m.quitting = true
			m.setStatus(mtx("status.stopping"), true)
			return m, nil
		}
		m.result.Cancelled = w.Written == ""
		return m, tea.Quit
	}
	if m.quitting {
		return m, nil
	}
	if m.asking {
		switch msg.String() {
		case "y", "Y":
			if w.Writing {
				m.asking = false
				m.stopped = true
				m.cancel()
				m.setStatus(mtx("status.stopping"), true)
				return m, nil
			}
			m.result.Cancelled = true
			return m, tea.Quit
		case "n", "N", "esc":
			m.asking = false
			m.setStatus("", false)
		}
		return m, nil
	}
	if m.help {
		switch msg.String() {
		case "esc", "?", "f1", "q", "enter":
			m.help = false
			m.helpScroll = 0
			m.setStatus("", false)
		case "up", "k":
			m.helpScroll = max(0, m.helpScroll-1)
		case "down", "j", " ":
			m.helpScroll = min(m.helpScroll+1, m.helpMax)
		}
		return m, nil
	}
	f := m.focused()
	switch msg.String() {
	case "esc":
		if w.Written != "" {
			return m, tea.Quit
		}
		m.asking = true
		return m, nil
	case "f1":
		m.help = true
		return m, nil
	case "?":
		if f == nil || !isTextKind(f.Kind) && f.Kind != mediawiz.KindList {
			m.help = true
			return m, nil
		}
	}
	if w.Writing {
		return m, nil
	}
	switch msg.String() {
	case "ctrl+n", "pgdown":
		return m.next()
	case "ctrl+p", "pgup":
		return m.prev()
	case "ctrl+s":
		if err := w.ToSummary(); err != nil {
			m.setStatus(err.Error(), true)
			if id, bad := w.FirstInvalid(); bad {
				m.showAll[id] = true
			}
			return m, nil
		}
		m.enterPage()
		return m, nil
	}
	switch w.CurrentID() {
	case mediawiz.PageProgress:
		if msg.String() == "enter" {
			return m.next()
		}
		return m, nil
	case mediawiz.PageCompletion:
		switch msg.String() {
		case "enter", "q":
			return m, tea.Quit
		case "left", "h":
			m.cmdScroll = max(0, m.cmdScroll-8)
		case "right", "l":
			rw, _ := m.pageSize()
			m.cmdScroll = min(m.cmdScroll+8, commandScrollMax([]string{w.CommandLine()}, rw-2))
		case "home":
			m.cmdScroll = 0
		}
		return m, nil
	}
	switch msg.String() {
	case "tab":
		m.moveFocus(1)
		return m, nil
	case "shift+tab":
		m.moveFocus(-1)
		return m, nil
	}
	if f == nil {
		switch msg.String() {
		case "up", "k":
			m.listScroll = max(0, m.listScroll-1)
		case "down", "j":
			m.listScroll++
		case "enter":
			return m.next()
		}
		return m, nil
	}
	return m.fieldKey(f, msg)
}

func (m *MediaModel) fieldKey(f *mediawiz.Field, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	w := m.w
	key := msg.String()
	switch {
	case f.Kind == mediawiz.KindList:
		return m.varsKey(msg)
	case f.IsList(m.w):
		opts := f.Options(w)
		cur := -1
		for i, o := range opts {
			if o.Value == f.Get(w) {
				cur = i
			}
		}
		switch key {
		case "up", "left", "k":
			if cur > 0 {
				f.Set(w, opts[cur-1].Value)
				m.touched[f.ID] = true
			}
		case "down", "right", "j", " ":
			if cur < len(opts)-1 {
				f.Set(w, opts[cur+1].Value)
				m.touched[f.ID] = true
			}
		case "r":
			if f.Key == "device" {
				w.Rescan()
				m.setStatus(mtx("status.rescanned"), false)
			}
		case "enter":
			m.touched[f.ID] = true
			return m.enter()
		}
		return m, nil
	case f.Kind == wizard.KindBool:
		switch key {
		case " ", "x":
			if f.Get(w) == "true" {
				f.Set(w, "false")
			} else {
				f.Set(w, "true")
			}
			m.touched[f.ID] = true
		case "up":
			m.moveFocus(-1)
		case "down":
			m.moveFocus(1)
		case "enter":
			return m.enter()
		}
		return m, nil
	}
	switch key {
	case "enter":
		return m.enter()
	case "up":
		m.moveFocus(-1)
		return m, nil
	case "down":
		m.moveFocus(1)
		return m, nil
	}
	pos, ok := m.cursors[f.ID]
	if !ok {
		pos = len([]rune(f.Get(w)))
	}
	val, pos, edited := lineEdit(f.Get(w), pos, msg)
	if edited {
		if val != f.Get(w) {
			f.Set(w, val)
			m.touched[f.ID] = true
			if f.Key == "winpe" || f.Key == "fwfiles" {
				w.RecheckSource()
			}
		}
		m.cursors[f.ID] = pos
		m.setStatus("", false)
	}
	return m, nil
}

// varsKey edits the media variables: one NAME=value a line.
func (m *MediaModel) varsKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	w := m.w
	lines := w.A.Vars
	if len(lines) == 0 {
		lines = []string{""}
	}
	i := max(0, min(m.varLine, len(lines)-1))
	ck := fmt.Sprintf("custom.variables#%d", i)
	set := func(l []string) {
		if len(l) == 1 && l[0] == "" {
			l = nil
		}
		w.A.Vars = l
		m.touched["custom.variables"] = true
	}
	switch msg.String() {
	case "up":
		if i == 0 {
			m.moveFocus(-1)
		} else {
			m.varLine = i - 1
		}
		return m, nil
	case "down":
		if i >= len(lines)-1 {
			m.moveFocus(1)
		} else {
			m.varLine = i + 1
		}
		return m, nil
	case "enter":
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
		return m, nil
	case "backspace":
		if lines[i] == "" && len(lines) > 1 {
			set(append(lines[:i:i], lines[i+1:]...))
			m.varLine = max(0, i-1)
			delete(m.cursors, fmt.Sprintf("custom.variables#%d", m.varLine))
			return m, nil
		}
	}
	pos, ok := m.cursors[ck]
	if !ok {
		pos = len([]rune(lines[i]))
	}
	val, pos, edited := lineEdit(lines[i], pos, msg)
	if edited {
		nl := append([]string{}, lines...)
		nl[i] = val
		set(nl)
		m.cursors[ck] = pos
		m.setStatus("", false)
	}
	return m, nil
}

func (m *MediaModel) enter() (tea.Model, tea.Cmd) {
	if f := m.focused(); f != nil {
		m.touched[f.ID] = true
	}
	if m.focus >= len(m.fields())-1 {
		return m.next()
	}
	m.focus++
	m.varLine = 0
	return m, nil
}

func (m *MediaModel) moveFocus(d int) {
	if f := m.focused(); f != nil {
		m.touched[f.ID] = true
	}
	n := len(m.fields())
	if m.hasListArea() {
		n++
	}
	if n == 0 {
		return
	}
	m.focus = (m.focus + d + n) % n
	if f := m.focused(); f != nil && f.Kind == mediawiz.KindList {
		m.varLine = 0
		if d < 0 {
			m.varLine = max(0, len(m.w.A.Vars)-1)
		}
	}
}

func (m *MediaModel) enterPage() {
	m.focus = 0
	m.varLine = 0
	m.listScroll = 0
	m.setStatus("", false)
	if len(m.fields()) == 0 && !m.hasListArea() {
		m.focus = -1
	}
}

func (m *MediaModel) focusField(f *mediawiz.Field) {
	for i, g := range m.fields() {
		if g == f {
			m.focus = i
		}
	}
}

func (m *MediaModel) next() (tea.Model, tea.Cmd) {
	w := m.w
	switch w.CurrentID() {
	case mediawiz.PageSummary:
		if id, bad := w.FirstInvalid(); bad {
			m.setStatus(mediawiz.Msgf("nav.fix-page", mediawiz.PageByID(id).Title()), true)
			return m, nil
		}
		if errs := w.PageErrors(mediawiz.PageSummary); len(errs) > 0 {
			m.showAll[mediawiz.PageSummary] = true
			m.focusField(errs[0].Field)
			m.setStatus(errs[0].Msg, true)
			return m, nil
		}
		return m, m.start()
	case mediawiz.PageProgress:
		if w.Written != "" {
			w.Goto(mediawiz.PageCompletion)
			m.enterPage()
		}
		return m, nil
	case mediawiz.PageCompletion:
		return m, nil
	}
	if err := w.Next(); err != nil {
		m.showAll[w.CurrentID()] = true
		if errs := w.PageErrors(w.CurrentID()); len(errs) > 0 {
			m.focusField(errs[0].Field)
			m.setStatus(errs[0].Field.Label(w)+": "+firstLine(errs[0].Msg), true)
		} else {
			m.setStatus(err.Error(), true)
		}
		return m, nil
	}
	m.enterPage()
	return m, nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func (m *MediaModel) prev() (tea.Model, tea.Cmd) {
	if err := m.w.Prev(); err != nil {
		m.setStatus(err.Error(), true)
		return m, nil
	}
	m.enterPage()
	return m, nil
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
		return runMediaJob(ctx, job, hooks, prog)
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
		Resolver: mediaResolver{lookup: w.Env().LookupEnv, pass: w.SequencePassphrase()},
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
