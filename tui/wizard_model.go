package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/charmbracelet/bubbles/key"
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

// WizardOptions configure the wizard screens. Their language is the
// wizard's (wizard.New takes it), so that the screen and the wizard's own
// labels and problems cannot disagree.
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
	formScreen[*wizard.Wizard, wizard.PageID]
	w   *wizard.Wizard
	opt WizardOptions

	askApp        bool // d pressed on an application: asking to remove it
	writing       bool
	writeErr      string
	warnings      []string
	menu          int
	steps, groups int  // of the written file
	sealed        bool // secrets were encrypted
	stopped       bool // a stop signal came: quit once a write is done
	writtenAbs    string
	result        WizardResult
}

// NewWizardModel returns the model for a wizard, in its language.
func NewWizardModel(w *wizard.Wizard, opt WizardOptions) *WizardModel {
	if opt.Theme == nil {
		opt.Theme = themes.Default()
	}
	if opt.Commands == nil {
		opt.Commands = DefaultCommands
	}
	m := &WizardModel{w: w, opt: opt}
	m.formScreen = newFormScreen(textsIn(w.Lang), w, formHost[*wizard.Wizard, wizard.PageID](m), opt.Theme, wizard.PageSummary, wizard.PageProgress, wizard.PageCompletion)
	m.maxW, m.maxH = opt.MaxWidth, opt.MaxHeight
	return m
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
		m.resize(msg)
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
		m.syncScroll()
		return model, cmd
	}
	cmd := m.inputMsg(msg) // the clipboard's text after ctrl+v
	m.syncScroll()
	return m, cmd
}

func (m *WizardModel) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := formKeys
	if matches(msg, k.Quit) {
		m.result.Cancelled = true
		return m, tea.Quit
	}
	if m.asking {
		switch {
		case m.askApp:
			if matches(msg, k.Yes) {
				m.w.RemoveApp(m.w.AppCursor)
				m.setStatus("", false)
			} else {
				m.setStatus(m.tx("apps.kept"), false)
			}
			m.askApp = false
			m.answered()
		case matches(msg, k.Yes):
			m.result.Cancelled = true
			return m, tea.Quit
		case matches(msg, k.No):
			m.answered()
			m.setStatus("", false)
		}
		return m, nil
	}
	if m.writing || m.help {
		if m.help {
			m.helpKey(msg)
		}
		return m, nil
	}
	if matches(msg, k.Cancel) {
		if m.w.CurrentID() == wizard.PageApps && m.w.EditingApp >= 0 {
			// Abandon the application being added or edited, not the
			// wizard.
			m.w.CancelApp()
			m.focusField(m.appsField())
			m.setStatus(m.tx("apps.abandoned"), false)
			return m, nil
		}
		if m.result.Written != "" {
			// Written already: nothing to cancel.
			m.result.Action = ActionQuit
			return m, tea.Quit
		}
		m.ask(m.tx("status.cancel"))
		return m, nil
	}
	return m, m.formScreen.key(msg)
}

func (m *WizardModel) appsKey(msg tea.KeyMsg) tea.Cmd {
	w, k := m.w, wizardKeys
	switch {
	case matches(msg, k.AppAdd):
		if w.EditingApp >= 0 {
			if err := w.FinishApp(); err != nil {
				m.setStatus(err.Error(), true)
				return nil
			}
		}
		w.AddApp()
		m.focus++ // the application's name
		m.setStatus(fmt.Sprintf(m.tx("apps.editing"), w.EditingApp+1), false)
	case matches(msg, k.AppEdit):
		if len(w.A.Apps) == 0 {
			w.AddApp()
		} else {
			w.EditApp(w.AppCursor)
		}
		m.focus++
		m.setStatus(fmt.Sprintf(m.tx("apps.editing"), w.EditingApp+1), false)
	case matches(msg, k.AppRemove):
		if len(w.A.Apps) > 0 {
			// Removing asks first, naming the entry.
			m.askApp = true
			name := w.A.Apps[w.AppCursor].Name
			if strings.TrimSpace(name) == "" {
				name = w.Msgf("applications.unnamed", w.AppCursor+1)
			}
			m.ask(fmt.Sprintf(m.tx("apps.remove"), w.AppCursor+1, name))
		}
	case matches(msg, k.AppUp):
		w.MoveApp(w.AppCursor, -1)
	case matches(msg, k.AppDown):
		w.MoveApp(w.AppCursor, 1)
	case matches(msg, formKeys.Up):
		if w.AppCursor > 0 {
			w.AppCursor--
		} else {
			m.moveFocus(-1)
		}
	case matches(msg, formKeys.Down):
		if w.AppCursor < len(w.A.Apps)-1 {
			w.AppCursor++
		} else {
			m.moveFocus(1)
		}
	}
	return nil
}

// The form screen's host (formHost): what only this wizard has.

func (m *WizardModel) text(key string) string { return m.tx(key) }
func (m *WizardModel) busy() bool             { return m.writing }
func (m *WizardModel) written() bool          { return m.result.Written != "" }

// write starts writing the sequence (Next on the Summary).
func (m *WizardModel) write() tea.Cmd {
	m.w.Goto(wizard.PageProgress)
	m.enterPage()
	m.writing = true
	return m.writeCmd()
}

// beforeNext finishes the application being edited.
func (m *WizardModel) beforeNext() error {
	if m.w.CurrentID() == wizard.PageApps && m.w.EditingApp >= 0 {
		return m.w.FinishApp()
	}
	return nil
}

func (m *WizardModel) customLines(p *pane, f *wizard.Field, focused bool) int {
	return m.appLines(p, focused)
}

func (m *WizardModel) customKey(f *wizard.Field, msg tea.KeyMsg) tea.Cmd { return m.appsKey(msg) }
func (m *WizardModel) customInput(*wizard.Field, tea.Msg) tea.Cmd        { return nil }

// fieldKey: enter on an application's last field (Success codes)
// finishes the application.
func (m *WizardModel) fieldKey(f *wizard.Field, msg tea.KeyMsg) bool {
	if !matches(msg, formKeys.Enter) || !f.EditorOnly() || m.w.CurrentID() != wizard.PageApps || f.Key != "success_codes" {
		return false
	}
	if err := m.w.FinishApp(); err != nil {
		for _, g := range m.fields() {
			if g.EditorOnly() {
				m.touched[g.ID] = true
			}
		}
		m.setStatus(err.Error(), true)
		return true
	}
	m.focus = 0
	m.setStatus("", false)
	return true
}

func (m *WizardModel) edited(*wizard.Field) {}
func (m *WizardModel) focusMoved(int)       {}

// mask shows a secret reference as it is, a stored secret masked, and a
// product key whole while it is typed (its last group otherwise).
func (m *WizardModel) mask(f *wizard.Field, val string, focused bool) string {
	switch {
	case wizard.IsSecretRef(val) && (val == "prompt" || strings.HasPrefix(val, "env:")):
		return val
	case strings.HasPrefix(val, "enc:") || strings.HasPrefix(val, "plain:"):
		return m.w.MaskSecret(val, f.ProductKey)
	case f.ProductKey && focused:
		return val
	case f.ProductKey:
		return m.w.MaskSecret(val, true)
	}
	return secretMask(val)
}

func (m *WizardModel) hint(f *wizard.Field) string {
	if f.Kind != wizard.KindApps {
		return ""
	}
	k := wizardKeys
	return strings.Join([]string{hint(hk(k.AppAdd, "a", m.tx("key.add"))), hint(hk(k.AppEdit, "e", m.tx("key.edit"))),
		hint(hk(k.AppRemove, "d", m.tx("key.remove"))), hint(hk(k.AppUp, "[ ]", m.tx("key.move")))}, "  ")
}

func (m *WizardModel) pageKey(msg tea.KeyMsg) tea.Cmd {
	if m.w.CurrentID() == wizard.PageCompletion {
		_, cmd := m.completionKey(msg)
		return cmd
	}
	if matches(msg, formKeys.Enter) {
		return m.next()
	}
	return nil
}

// wizardKeyMap is the keys only this wizard has (the form screen's are
// formKeys); docs/wizard.md's table is checked against both.
type wizardKeyMap struct {
	// Install Applications.
	AppAdd, AppEdit, AppRemove, AppUp, AppDown key.Binding
	// Completion: the menu (↑ ↓ tab, enter) and q.
	MenuUp, MenuDown, MenuQuit key.Binding
}

var wizardKeys = wizardKeyMap{
	AppAdd: bind("a", "insert", "+"), AppEdit: bind("e", "enter"), AppRemove: bind("d", "delete", "backspace"),
	AppUp: bind("[", "shift+up"), AppDown: bind("]", "shift+down"),
	MenuUp: bind("up", "k", "shift+tab"), MenuDown: bind("down", "j", "tab"), MenuQuit: bind("q"),
}

func (k wizardKeyMap) all() []key.Binding {
	return []key.Binding{k.AppAdd, k.AppEdit, k.AppRemove, k.AppUp, k.AppDown, k.MenuUp, k.MenuDown, k.MenuQuit}
}

func (m *WizardModel) footer() ([]key.Binding, bool) {
	k, wk := formKeys, wizardKeys
	switch m.w.CurrentID() {
	case wizard.PageApps:
		if m.w.EditingApp >= 0 {
			return []key.Binding{hk(k.Enter, "enter/tab", m.tx("key.field")), hk(k.Cancel, "esc", m.tx("key.abandon")), m.helpBinding()}, true
		}
	case wizard.PageCompletion:
		return []key.Binding{hk(wk.MenuUp, m.th.Symbols.UpDown, m.tx("key.choose")), hk(k.Enter, "enter", m.tx("key.do")),
			hk(wk.MenuQuit, "q", m.tx("key.quit")), hk(k.Help, "?", m.tx("key.help"))}, true
	case wizard.PageProgress:
		switch {
		case m.writing:
			// Keys wait until the file is written.
			return nil, true
		case m.result.Written != "":
			return []key.Binding{hk(k.Enter, "enter", m.tx("key.next")), hk(k.Cancel, "esc", m.tx("key.quit"))}, true
		}
		return []key.Binding{hk(k.Prev, "ctrl+p", m.tx("key.prev")), hk(k.Cancel, "esc", m.tx("key.cancel"))}, true
	}
	return nil, false
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
			err = errors.New(w.Msgf("err.exists", path))
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
	k, wk := formKeys, wizardKeys
	switch {
	case matches(msg, wk.MenuUp):
		m.menu = (m.menu + len(completionActions) - 1) % len(completionActions)
	case matches(msg, wk.MenuDown):
		m.menu = (m.menu + 1) % len(completionActions)
	case matches(msg, wk.MenuQuit):
		m.result.Action = ActionQuit
		return m, tea.Quit
	case matches(msg, k.Left):
		m.cmdScroll = max(0, m.cmdScroll-8)
	case matches(msg, k.Right):
		rw, _ := m.pageSize()
		m.cmdScroll = min(m.cmdScroll+8, commandScrollMax(m.opt.Commands(m.result.Written), rw-2))
	case matches(msg, k.Home):
		m.cmdScroll = 0
	case matches(msg, k.Enter):
		a := completionActions[m.menu]
		if a != ActionQuit && !m.opt.Available[a] {
			if n := m.opt.Notes[a]; n != "" {
				m.setStatus(n, true)
				return m, nil
			}
			cmds := m.opt.Commands(m.result.Written)
			m.setStatus(fmt.Sprintf(m.tx("completion.issue"), m.actionName(a), actionIssue[a], cmds[int(a)-int(ActionRun)]), true)
			return m, nil
		}
		m.result.Action = a
		return m, tea.Quit
	}
	return m, nil
}

func (t texts) actionName(a Action) string {
	switch a {
	case ActionRun:
		return t.tx("completion.run")
	case ActionMedia:
		return t.tx("completion.media")
	case ActionEdit:
		return t.tx("completion.edit")
	}
	return t.tx("completion.quit")
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
