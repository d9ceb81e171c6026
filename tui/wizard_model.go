package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// Action is what the user chose on the Completion page.
type Action int

// Completion actions.
const (
	ActionNone  Action = iota
	ActionQuit         // Quit
	ActionRun          // Run now (the engine, issue #5)
	ActionMedia        // Write bootable media (issue #7)
	ActionEdit         // Open in editor (issue #9)
)

// Issue is the issue that brings an action that is not built yet.
var actionIssue = map[Action]int{ActionRun: 5, ActionMedia: 7, ActionEdit: 9}

// WizardOptions configure the wizard screens.
type WizardOptions struct {
	Theme *themes.Theme
	// Available lists the Completion actions this build can do in this
	// process; the others show their Note, or say which issue brings them.
	Available map[Action]bool
	// Notes explain an action that is not available here (e.g. media that
	// need a WinPE folder from the command line).
	Notes map[Action]string
	// Commands returns the command lines that repeat each action later
	// for the written file.
	Commands func(path string) []string
	// NoColor draws without color or any escape sequence (NO_COLOR,
	// --no-color).
	NoColor bool
	// MaxWidth and MaxHeight cap the layout (Windows PE: 80x25, whatever
	// size the console buffer reports); 0 is no cap.
	MaxWidth, MaxHeight int
	// Signals are the stop signals relayed to the wizard as StopMsg;
	// nil: it listens to StopSignals itself (runProgram).
	Signals <-chan os.Signal
}

// WizardResult is how the wizard ended.
type WizardResult struct {
	Cancelled bool   // esc (after asking) or ctrl+c: exit 130
	Written   string // the file written, if any
	Action    Action
}

// WizardModel is the Bubble Tea model of the Create Task Sequence Wizard.
// The wizard.Wizard it drives is the source of truth; the model holds only
// screen state (focus, cursors, scrolling).
type WizardModel struct {
	w   *wizard.Wizard
	opt WizardOptions
	th  *themes.Theme

	width, height int
	focus         int             // index into the focusable fields of the page; len(fields) = the page's list area
	cursors       map[string]int  // cursor position (runes) per field
	touched       map[string]bool // fields edited or left: their errors show
	showAll       map[wizard.PageID]bool
	listScroll    int  // Summary: scroll of the choices list
	helpScroll    int  // the help: its first row shown
	cmdScroll     int  // Completion: the commands scrolled sideways
	askApp        bool // d pressed on an application: asking to remove it
	status        string
	statusErr     bool
	asking        bool // esc pressed: asking whether to cancel
	help          bool
	writing       bool
	stopped       bool // a stop signal came: quit once a write is done
	writeErr      string
	warnings      []string
	menu          int
	steps, groups int  // of the written file
	sealed        bool // secrets were encrypted
	writtenAbs    string
	result        WizardResult
}

// NewWizardModel returns the model for a wizard.
func NewWizardModel(w *wizard.Wizard, opt WizardOptions) *WizardModel {
	if opt.Theme == nil {
		opt.Theme = themes.Default()
	}
	if opt.Commands == nil {
		opt.Commands = DefaultCommands
	}
	return &WizardModel{w: w, opt: opt, th: opt.Theme, width: 80, height: 25,
		cursors: map[string]int{}, touched: map[string]bool{}, showAll: map[wizard.PageID]bool{}}
}

// DefaultCommands are the command lines that repeat the Completion
// actions for a written file.
func DefaultCommands(path string) []string {
	q := shellQuote(path)
	return []string{
		"refimage run " + q,
		"refimage media " + q + " --winpe WINPE_DIR --iso OUT.iso",
		"refimage edit " + q,
	}
}

func shellQuote(s string) string { return shellQuoteFor(runtime.GOOS, s) }

// shellQuoteFor quotes an argument for the shell of goos: cmd.exe and
// PowerShell double quotes on Windows (cmd.exe — the Windows PE console —
// takes single quotes as part of the word), POSIX single quotes elsewhere.
func shellQuoteFor(goos, s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '/' || r == '-' || r == '_' || r == ':' || r == '\\' && goos == "windows") {
			safe = false
			break
		}
	}
	switch {
	case safe:
		return s
	case goos == "windows":
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Wizard returns the wizard state.
func (m *WizardModel) Wizard() *wizard.Wizard { return m.w }

// Result is how the wizard ended.
func (m *WizardModel) Result() WizardResult { return m.result }

// Init implements tea.Model.
func (m *WizardModel) Init() tea.Cmd { return nil }

// fields are the focusable fields of the current page.
func (m *WizardModel) fields() []*wizard.Field {
	var out []*wizard.Field
	for _, f := range m.w.Current().VisibleFields(m.w) {
		if f.Editable() {
			out = append(out, f)
		}
	}
	return out
}

// hasListArea reports whether the page has a focusable area after its
// fields (the Summary's list of choices).
func (m *WizardModel) hasListArea() bool { return m.w.CurrentID() == wizard.PageSummary }

func (m *WizardModel) focused() *wizard.Field {
	fs := m.fields()
	if m.focus >= 0 && m.focus < len(fs) {
		return fs[m.focus]
	}
	return nil
}

func (m *WizardModel) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

type writtenMsg struct {
	path          string
	abs           string // the absolute path, when path is relative
	err           error
	warnings      []string
	steps, groups int
	sealed        bool
}

// Update implements tea.Model.
func (m *WizardModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = fitSize(msg.Width, msg.Height, m.opt.MaxWidth, m.opt.MaxHeight)
		return m, nil
	case StopMsg:
		// SIGTERM, SIGHUP: cancelled; a write under way finishes first
		// (it is atomic), so nothing is left half written.
		m.result.Cancelled, m.stopped = true, true
		if m.writing {
			return m, nil
		}
		return m, tea.Quit
	case writtenMsg:
		m.writing = false
		if m.stopped {
			m.result.Written = ""
			if msg.err == nil {
				m.result.Written = msg.path
			}
			return m, tea.Quit
		}
		m.warnings = msg.warnings
		if msg.err != nil {
			m.writeErr = msg.err.Error()
			return m, nil
		}
		m.writeErr = ""
		m.result.Written = msg.path
		m.steps, m.groups, m.sealed, m.writtenAbs = msg.steps, msg.groups, msg.sealed, msg.abs
		return m, nil
	case tea.KeyMsg:
		model, cmd := m.key(msg)
		m.clampScroll()
		return model, cmd
	}
	return m, nil
}

// pageSize is the width and the height of the page pane.
func (m *WizardModel) pageSize() (rw, h int) {
	width, height := max(m.width, 20), max(m.height, 6)
	navW := m.navWidth()
	sepW := 0
	if navW > 0 {
		sepW = 2
	}
	return width - navW - sepW - 1, height - 3
}

// clampScroll keeps the scroll offsets that keys move (the help, the
// Summary's list) within what there is to show, so that the way back is
// as long as the way there.
func (m *WizardModel) clampScroll() {
	rw, h := m.pageSize()
	p := m.buildPage(rw)
	m.helpScroll = max(0, min(m.helpScroll, len(p.lines)-h))
	if p.listStart > 0 {
		m.listScroll = max(0, min(m.listScroll, len(p.lines)-h-(p.listStart-1)))
	} else {
		m.listScroll = 0
	}
}

func (m *WizardModel) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if msg.Type == tea.KeyCtrlC {
		m.result.Cancelled = true
		return m, tea.Quit
	}
	if m.asking {
		switch msg.String() {
		case "y", "Y":
			m.result.Cancelled = true
			return m, tea.Quit
		case "n", "N", "esc":
			m.asking = false
			m.setStatus("", false)
		}
		return m, nil
	}
	if m.help {
		_, h := m.pageSize()
		switch msg.String() {
		case "esc", "?", "f1", "q", "enter":
			m.help = false
			m.helpScroll = 0
			m.setStatus("", false)
		case "up", "k":
			m.helpScroll--
		case "down", "j":
			m.helpScroll++
		case "pgup":
			m.helpScroll -= max(1, h-2)
		case "pgdown", " ":
			m.helpScroll += max(1, h-2)
		case "home":
			m.helpScroll = 0
		case "end":
			m.helpScroll = 1 << 20
		}
		return m, nil
	}
	if m.askApp {
		switch msg.String() {
		case "y", "Y":
			m.w.RemoveApp(m.w.AppCursor)
			m.setStatus("", false)
		default:
			m.setStatus(tx("apps.kept"), false)
		}
		m.askApp = false
		return m, nil
	}
	if m.writing {
		return m, nil
	}
	f := m.focused()
	switch msg.String() {
	case "esc":
		if m.w.CurrentID() == wizard.PageApps && m.w.EditingApp >= 0 {
			// Abandon the application being added or edited, not the
			// wizard.
			m.w.CancelApp()
			m.focusField(m.appsField())
			m.setStatus(tx("apps.abandoned"), false)
			return m, nil
		}
		if m.result.Written != "" {
			// Written already: nothing to cancel.
			m.result.Action = ActionQuit
			return m, tea.Quit
		}
		m.asking = true
		m.setStatus(tx("status.cancel"), true)
		return m, nil
	case "f1":
		m.help = true
		return m, nil
	case "?":
		if f == nil || !isTextKind(f.Kind) || m.w.CurrentID() == wizard.PageCompletion {
			m.help = true
			return m, nil
		}
	case "pgdown", "pgup":
		if m.w.CurrentID() == wizard.PageSummary {
			// Paging scrolls the choices; writing takes ctrl+n or enter.
			_, h := m.pageSize()
			m.focus = len(m.fields())
			if msg.String() == "pgdown" {
				m.listScroll += max(1, h-3)
			} else {
				m.listScroll -= max(1, h-3)
			}
			return m, nil
		}
		if msg.String() == "pgdown" {
			return m.next()
		}
		return m.prev()
	case "ctrl+n":
		return m.next()
	case "ctrl+p":
		return m.prev()
	case "ctrl+s":
		if err := m.w.ToSummary(); err != nil {
			if id, bad := m.w.FirstInvalid(); bad && m.w.CurrentID() != wizard.PageProgress && m.w.CurrentID() != wizard.PageCompletion {
				// Go to the first page that is not valid, its first
				// error focused and every error shown.
				m.showAll[id] = true
				m.w.Goto(id)
				m.enterPage()
				if errs := m.w.PageErrors(id); len(errs) > 0 {
					m.focusField(errs[0].Field)
					m.setStatus(errs[0].Field.Label(m.w)+": "+errs[0].Msg, true)
					return m, nil
				}
			}
			m.setStatus(err.Error(), true)
			return m, nil
		}
		m.enterPage()
		return m, nil
	}
	switch m.w.CurrentID() {
	case wizard.PageProgress:
		if msg.String() == "enter" {
			return m.next()
		}
		return m, nil
	case wizard.PageCompletion:
		return m.completionKey(msg)
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
		// The Summary's list of choices.
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

func isTextKind(k wizard.Kind) bool {
	return k == wizard.KindText || k == wizard.KindSecret || k == wizard.KindNumber || k == wizard.KindIndex
}

func (m *WizardModel) fieldKey(f *wizard.Field, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	w := m.w
	key := msg.String()
	switch {
	case f.Kind == wizard.KindApps:
		return m.appsKey(msg)
	case f.IsList(w):
		opts := f.Options(w)
		cur := 0
		for i, o := range opts {
			if o.Value == f.Get(w) {
				cur = i
			}
		}
		switch key {
		case "up", "left", "k":
			if cur > 0 {
				f.Set(w, opts[cur-1].Value)
			}
			return m, nil
		case "down", "right", "j", " ":
			if cur < len(opts)-1 {
				f.Set(w, opts[cur+1].Value)
			}
			return m, nil
		case "enter":
			f.Set(w, opts[cur].Value)
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
		case "up":
			m.moveFocus(-1)
		case "down":
			m.moveFocus(1)
		case "enter":
			return m.enter()
		}
		return m, nil
	}
	// Text, secret, number, index typed as a number.
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
	cur := f.Get(w)
	if f.Kind == wizard.KindSecret && (strings.HasPrefix(cur, "enc:") || strings.HasPrefix(cur, "plain:")) &&
		(msg.Type == tea.KeyRunes || msg.Type == tea.KeyBackspace || msg.Type == tea.KeySpace) {
		cur, pos = "", 0 // a stored secret is replaced, never edited
	}
	val, pos, edited := lineEdit(cur, pos, msg)
	if edited {
		if val != f.Get(w) {
			f.Set(w, val)
			m.touched[f.ID] = true
		}
		m.cursors[f.ID] = pos
		m.setStatus("", false)
	}
	return m, nil
}

func (m *WizardModel) appsKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	w := m.w
	switch msg.String() {
	case "a", "insert", "+":
		if w.EditingApp >= 0 {
			if err := w.FinishApp(); err != nil {
				m.setStatus(err.Error(), true)
				return m, nil
			}
		}
		w.AddApp()
		m.focus++ // the application's name
		m.setStatus(fmt.Sprintf(tx("apps.editing"), w.EditingApp+1), false)
	case "e", "enter":
		if len(w.A.Apps) == 0 {
			w.AddApp()
		} else {
			w.EditApp(w.AppCursor)
		}
		m.focus++
		m.setStatus(fmt.Sprintf(tx("apps.editing"), w.EditingApp+1), false)
	case "d", "delete", "backspace":
		if len(w.A.Apps) > 0 {
			// Removing asks first, naming the entry.
			m.askApp = true
			name := w.A.Apps[w.AppCursor].Name
			if strings.TrimSpace(name) == "" {
				name = wizard.Msgf("applications.unnamed", w.AppCursor+1)
			}
			m.setStatus(fmt.Sprintf(tx("apps.remove"), w.AppCursor+1, name), true)
		}
	case "[", "shift+up":
		w.MoveApp(w.AppCursor, -1)
	case "]", "shift+down":
		w.MoveApp(w.AppCursor, 1)
	case "up", "k":
		if w.AppCursor > 0 {
			w.AppCursor--
		} else {
			m.moveFocus(-1)
		}
	case "down", "j":
		if w.AppCursor < len(w.A.Apps)-1 {
			w.AppCursor++
		} else {
			m.moveFocus(1)
		}
	}
	return m, nil
}

// enter confirms the focused field: the next field, or on the last one
// the next page. On an application's last field it finishes the
// application.
func (m *WizardModel) enter() (tea.Model, tea.Cmd) {
	fs := m.fields()
	if f := m.focused(); f != nil && f.EditorOnly() && m.w.CurrentID() == wizard.PageApps && f.Key == "success_codes" {
		if err := m.w.FinishApp(); err != nil {
			for _, g := range fs {
				if g.EditorOnly() {
					m.touched[g.ID] = true
				}
			}
			m.setStatus(err.Error(), true)
			return m, nil
		}
		m.focus = 0
		m.setStatus("", false)
		return m, nil
	}
	if f := m.focused(); f != nil {
		m.touched[f.ID] = true
	}
	if m.focus >= len(fs)-1 {
		return m.next()
	}
	m.focus++
	return m, nil
}

func (m *WizardModel) moveFocus(d int) {
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
}

func (m *WizardModel) enterPage() {
	m.focus = 0
	m.listScroll = 0
	m.askApp = false
	m.setStatus("", false)
	if len(m.fields()) == 0 && !m.hasListArea() {
		m.focus = -1
	}
}

func (m *WizardModel) next() (tea.Model, tea.Cmd) {
	w := m.w
	switch w.CurrentID() {
	case wizard.PageSummary:
		if errs := w.PageErrors(wizard.PageSummary); len(errs) > 0 {
			m.showAll[wizard.PageSummary] = true
			m.focusField(errs[0].Field)
			m.setStatus(wizard.ErrInvalid.Error(), true)
			return m, nil
		}
		w.Goto(wizard.PageProgress)
		m.enterPage()
		m.writing = true
		return m, m.writeCmd()
	case wizard.PageProgress:
		if m.result.Written != "" {
			w.Goto(wizard.PageCompletion)
			m.enterPage()
			m.menu = 0
		}
		return m, nil
	case wizard.PageCompletion:
		return m, nil
	}
	if w.CurrentID() == wizard.PageApps && w.EditingApp >= 0 {
		if err := w.FinishApp(); err != nil {
			m.showAll[wizard.PageApps] = true
			m.setStatus(err.Error(), true)
			return m, nil
		}
	}
	if err := w.Next(); err != nil {
		m.showAll[w.CurrentID()] = true
		if errs := w.PageErrors(w.CurrentID()); len(errs) > 0 {
			m.focusField(errs[0].Field)
			m.setStatus(errs[0].Field.Label(w)+": "+errs[0].Msg, true)
		} else {
			m.setStatus(err.Error(), true)
		}
		return m, nil
	}
	m.enterPage()
	return m, nil
}

// appsField is the page's application list.
func (m *WizardModel) appsField() *wizard.Field {
	for _, f := range m.fields() {
		if f.Kind == wizard.KindApps {
			return f
		}
	}
	return nil
}

func (m *WizardModel) focusField(f *wizard.Field) {
	for i, g := range m.fields() {
		if g == f {
			m.focus = i
		}
	}
}

func (m *WizardModel) prev() (tea.Model, tea.Cmd) {
	w := m.w
	if w.CurrentID() == wizard.PageProgress && m.result.Written == "" && !m.writing {
		w.Goto(wizard.PageSummary)
		m.enterPage()
		return m, nil
	}
	if err := w.Prev(); err != nil {
		m.setStatus(err.Error(), true)
		return m, nil
	}
	m.enterPage()
	return m, nil
}

// writeCmd writes the sequence (Progress).
func (m *WizardModel) writeCmd() tea.Cmd {
	w := m.w
	path := w.A.Output
	pass := w.A.Passphrase
	if env := w.Env().Getenv(secret.PassphraseEnv); env != "" && pass == "" {
		pass = env
	}
	opt := wizard.WriteOptions{Passphrase: pass, AllowPlaintext: w.AllowPlaintext(), Overwrite: w.A.Overwrite}
	sealed := w.HasClearSecrets() && !opt.AllowPlaintext
	return func() tea.Msg { return writeSequenceWith(w, path, opt, sealed) }
}

// writeSequence writes the wizard's sequence to its output and says how
// it went (the Progress page; accessible mode too).
func writeSequence(w *wizard.Wizard) writtenMsg {
	pass := w.A.Passphrase
	if env := w.Env().Getenv(secret.PassphraseEnv); env != "" && pass == "" {
		pass = env
	}
	opt := wizard.WriteOptions{Passphrase: pass, AllowPlaintext: w.AllowPlaintext(), Overwrite: w.A.Overwrite}
	return writeSequenceWith(w, w.A.Output, opt, w.HasClearSecrets() && !opt.AllowPlaintext)
}

func writeSequenceWith(w *wizard.Wizard, path string, opt wizard.WriteOptions, sealed bool) writtenMsg {
	probs, err := wizard.Write(w, path, opt)
	var warns []string
	for _, p := range probs.Warnings() {
		warns = append(warns, p.Path+": "+p.Msg)
	}
	if err != nil {
		if errors.Is(err, wizard.ErrExists) {
			err = errors.New(wizard.Msgf("err.exists", path))
		}
		return writtenMsg{err: err, warnings: warns}
	}
	steps, groups := countSteps(path)
	abs := ""
	if a, err := filepath.Abs(path); err == nil && a != path {
		abs = a
	}
	return writtenMsg{path: path, abs: abs, warnings: warns, steps: steps, groups: groups, sealed: sealed}
}

var completionActions = []Action{ActionRun, ActionMedia, ActionEdit, ActionQuit}

func (m *WizardModel) completionKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "up", "k", "shift+tab":
		m.menu = (m.menu + len(completionActions) - 1) % len(completionActions)
	case "down", "j", "tab":
		m.menu = (m.menu + 1) % len(completionActions)
	case "q":
		m.result.Action = ActionQuit
		return m, tea.Quit
	case "left", "h":
		m.cmdScroll = max(0, m.cmdScroll-8)
	case "right", "l":
		rw, _ := m.pageSize()
		m.cmdScroll = min(m.cmdScroll+8, commandScrollMax(m.opt.Commands(m.result.Written), rw-2))
	case "home":
		m.cmdScroll = 0
	case "enter":
		a := completionActions[m.menu]
		if a != ActionQuit && !m.opt.Available[a] {
			if n := m.opt.Notes[a]; n != "" {
				m.setStatus(n, true)
				return m, nil
			}
			cmds := m.opt.Commands(m.result.Written)
			m.setStatus(fmt.Sprintf(tx("completion.issue"), actionName(a), actionIssue[a], cmds[int(a)-int(ActionRun)]), true)
			return m, nil
		}
		m.result.Action = a
		return m, tea.Quit
	}
	return m, nil
}

func actionName(a Action) string {
	switch a {
	case ActionRun:
		return tx("completion.run")
	case ActionMedia:
		return tx("completion.media")
	case ActionEdit:
		return tx("completion.edit")
	}
	return tx("completion.quit")
}

// countSteps counts the groups and steps of a written file.
func countSteps(path string) (steps, groups int) {
	if _, err := os.Stat(path); err != nil {
		return 0, 0
	}
	seq, _ := sequence.Load(path)
	if seq == nil {
		return 0, 0
	}
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		if it.IsGroup() {
			groups++
		} else {
			steps++
		}
		return true
	})
	return steps, groups
}
