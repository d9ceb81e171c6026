package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard/form"
)

// The form screen: one screen that draws and drives any wizard built on
// wizard/form — the Create Task Sequence Wizard (wizard_*.go) and the
// Task Sequence Media Wizard (media_*.go). It holds only screen state
// (focus, cursors, what was touched, scrolling, the status line); the
// wizard is the source of truth. What only one wizard has (its Summary,
// Progress and Completion pages, the application list, the media
// variables, writing) it asks its host for.

// formState is what the screen needs from a wizard: both wizards'
// *Wizard have these methods, over form's pages.
type formState[S any, P ~int] interface {
	Pages() []*form.Page[S, P]
	Current() *form.Page[S, P]
	CurrentID() P
	Done(P) bool
	PageErrors(P) []form.FieldError[S, P]
	PageWarnings(P) []form.FieldError[S, P]
	Next() error
	Prev() error
	ToSummary() error
	FirstInvalid() (P, bool)
	Goto(P)
}

// formHost is the screen's owner: the parts of one wizard's screen that
// the other does not have.
type formHost[S any, P ~int] interface {
	// text looks up the screen's strings (tx, mtx).
	text(key string) string
	// busy is true while the result is being written; written once it is.
	busy() bool
	written() bool
	// write starts writing (Next on a valid Summary).
	write() tea.Cmd
	// beforeNext finishes what is under way on the page (an application
	// being edited) before Next; an error stays on the page.
	beforeNext() error
	// customLines draws a field of a kind only this wizard has (the
	// application list, the media variables) and returns the line of its
	// selected entry (-1: none); customKey drives it.
	customLines(p *pane, f *form.Field[S], focused bool) int
	customKey(f *form.Field[S], msg tea.KeyMsg) tea.Cmd
	// customInput gives such a field what its text input asked for (the
	// clipboard's text after ctrl+v).
	customInput(f *form.Field[S], msg tea.Msg) tea.Cmd
	// fieldKey handles a key of a field before the screen does (r looks
	// for disks again); false lets the screen handle it.
	fieldKey(f *form.Field[S], msg tea.KeyMsg) bool
	// edited is called after a text field changed.
	edited(f *form.Field[S])
	// mask is how a secret field's value shows.
	mask(f *form.Field[S], val string, focused bool) string
	// hint is the status line's hint for a focused field ("" for the
	// screen's own).
	hint(f *form.Field[S]) string
	// summaryLines, progressLines and completionLines draw those pages.
	summaryLines(p *pane)
	progressLines(p *pane)
	completionLines(p *pane)
	// pageKey handles the keys of Progress and Completion.
	pageKey(msg tea.KeyMsg) tea.Cmd
	// helpLines adds the wizard's own lines to the help overlay.
	helpLines(p *pane)
	// focusMoved is called when the focus moved by d fields (0: a new
	// page).
	focusMoved(d int)
	// footer is the keys of a state only this wizard has (false: the
	// screen's own).
	footer() ([]key.Binding, bool)
}

// formScreen is the screen state of a form.
type formScreen[S formState[S, P], P ~int] struct {
	texts // the wizard's language
	s     S
	host  formHost[S, P]
	th    *themes.Theme
	// The pages after the wizard's fields.
	summary, progress, completion P

	width, height int
	maxW, maxH    int
	focus         int            // index into the focusable fields; len(fields) = the Summary's list
	cursors       map[string]int // cursor position (runes) per field
	touched       map[string]bool
	showAll       map[P]bool
	// The help overlay (the whole page) and the Summary's list of
	// choices (the page from listTop on) scroll in bubbles' viewports,
	// sized and filled in Update (syncScroll); View only reads them.
	helpView, listView viewport.Model
	listTop            int
	cmdScroll          int // Completion: the command lines scrolled sideways (commandRow says why not a viewport)
	status             string
	statusErr          bool
	input              textinput.Model // edits the focused text field (editInput)
	inputFor           string          // the field (or list line) the input edits
	asking             bool            // a yes/no question shows (cancel? remove?)
	question           string          // the question, on the status line
	help               bool
}

func newFormScreen[S formState[S, P], P ~int](t texts, s S, host formHost[S, P], th *themes.Theme, summary, progress, completion P) formScreen[S, P] {
	in := textinput.New()
	in.Prompt = ""
	in.Focus()
	in.Cursor.SetMode(cursor.CursorHide) // the screen draws the cursor (inputBox): no blink ticks
	return formScreen[S, P]{texts: t, s: s, host: host, th: th, summary: summary, progress: progress, completion: completion,
		width: 80, height: 25, cursors: map[string]int{}, touched: map[string]bool{}, showAll: map[P]bool{}, input: in}
}

// fields are the focusable fields of the current page.
func (sc *formScreen[S, P]) fields() []*form.Field[S] { return sc.s.Current().Focusable(sc.s) }

// hasListArea reports whether the page has a focusable area after its
// fields (the Summary's list of choices).
func (sc *formScreen[S, P]) hasListArea() bool { return sc.s.CurrentID() == sc.summary }

func (sc *formScreen[S, P]) focused() *form.Field[S] {
	fs := sc.fields()
	if sc.focus >= 0 && sc.focus < len(fs) {
		return fs[sc.focus]
	}
	return nil
}

func (sc *formScreen[S, P]) setStatus(s string, isErr bool) { sc.status, sc.statusErr = s, isErr }

// ask shows a yes/no question on the status line.
func (sc *formScreen[S, P]) ask(q string) { sc.asking, sc.question = true, q }

// answered removes the question.
func (sc *formScreen[S, P]) answered() { sc.asking, sc.question = false, "" }

// resize takes a window size (capped at the screen's maximum).
func (sc *formScreen[S, P]) resize(msg tea.WindowSizeMsg) {
	sc.width, sc.height = fitSize(msg.Width, msg.Height, sc.maxW, sc.maxH)
	sc.syncScroll()
}

// pageSize is the width and the height of the page pane.
func (sc *formScreen[S, P]) pageSize() (rw, h int) {
	width, height := max(sc.width, 20), max(sc.height, 6)
	navW := frameNavWidth(width)
	sepW := 0
	if navW > 0 {
		sepW = 2
	}
	return width - navW - sepW - 1, height - 3
}

// syncScroll sizes the viewports to the page pane and gives them what
// they show now (the help; the Summary from its list on), keeping their
// offsets within it, so that the way back is as long as the way there
// and View only reads them. Update calls it after every change.
func (sc *formScreen[S, P]) syncScroll() {
	rw, h := sc.pageSize()
	if sc.help {
		setView(&sc.helpView, rw, h, sc.helpPage(rw).lines)
	}
	if sc.hasListArea() {
		// The list starts on the first row (under "↑ more"), or the page
		// shows its end when the list is shorter than the pane.
		p := sc.formPage(rw)
		sc.listTop = max(0, min(p.listStart-1, len(p.lines)-h))
		setView(&sc.listView, rw, h, p.lines[sc.listTop:])
	}
}

// setView sizes a viewport and sets its lines, its offset kept in bounds.
func setView(vp *viewport.Model, width, height int, lines []string) {
	off := vp.YOffset
	vp.Width, vp.Height = width, height
	vp.SetContent(strings.Join(lines, "\n"))
	vp.SetYOffset(off)
}

// listFocused reports whether the Summary's list of choices has the
// focus (it scrolls in listView).
func (sc *formScreen[S, P]) listFocused() bool {
	return sc.hasListArea() && sc.focus >= len(sc.fields())
}

// helpKey handles a key while the help shows.
func (sc *formScreen[S, P]) helpKey(msg tea.KeyMsg) {
	k := formKeys
	vp := &sc.helpView
	page := max(1, vp.Height-2) // the rows between the "more" hints
	switch {
	case matches(msg, k.Close):
		sc.help = false
		vp.GotoTop()
		sc.setStatus("", false)
	case matches(msg, k.Up):
		vp.ScrollUp(1)
	case matches(msg, k.Down):
		vp.ScrollDown(1)
	case matches(msg, k.PageUp):
		vp.ScrollUp(page)
	case matches(msg, k.PageDown):
		vp.ScrollDown(page)
	case matches(msg, k.Home):
		vp.GotoTop()
	case matches(msg, k.End):
		vp.GotoBottom()
	}
}

// typesQuestionMark reports whether ? is typed into the focused field
// (F1 opens the help there).
func (sc *formScreen[S, P]) typesQuestionMark() bool {
	f := sc.focused()
	return f != nil && (f.Kind.IsText() && !f.IsList(sc.s) || f.Kind == form.KindList) && sc.s.CurrentID() != sc.completion
}

// key handles the keys every form has: the help, paging, the way through
// the pages, the fields. The host has handled its own before (ctrl+c,
// questions, esc, keys while writing).
func (sc *formScreen[S, P]) key(msg tea.KeyMsg) tea.Cmd {
	k := formKeys
	if sc.help {
		sc.helpKey(msg)
		return nil
	}
	cur := sc.s.CurrentID()
	switch {
	case matches(msg, k.HelpAnyway), matches(msg, k.Help) && !sc.typesQuestionMark():
		sc.help = true
		sc.helpView.GotoTop()
		return nil
	case cur == sc.summary && matches(msg, k.ScrollDown, k.ScrollUp):
		// Paging scrolls the choices; writing takes ctrl+n or enter.
		sc.focus = len(sc.fields())
		sc.syncScroll() // the list as it shows focused
		vp := &sc.listView
		if matches(msg, k.ScrollDown) {
			vp.ScrollDown(max(1, vp.Height-3))
		} else {
			vp.ScrollUp(max(1, vp.Height-3))
		}
		return nil
	case matches(msg, k.Next):
		return sc.next()
	case matches(msg, k.Prev):
		return sc.prev()
	case matches(msg, k.Summary):
		sc.toSummary()
		return nil
	}
	if cur == sc.progress || cur == sc.completion {
		return sc.host.pageKey(msg)
	}
	switch {
	case matches(msg, k.Field):
		sc.moveFocus(1)
		return nil
	case matches(msg, k.PrevField):
		sc.moveFocus(-1)
		return nil
	}
	f := sc.focused()
	if f == nil {
		// The Summary's list of choices.
		switch {
		case matches(msg, k.Up):
			sc.listView.ScrollUp(1)
		case matches(msg, k.Down):
			sc.listView.ScrollDown(1)
		case matches(msg, k.Home):
			sc.listView.GotoTop()
		case matches(msg, k.End):
			sc.listView.GotoBottom()
		case matches(msg, k.Enter):
			return sc.next()
		}
		return nil
	}
	return sc.fieldKey(f, msg)
}

// toSummary goes to the Summary (ctrl+s), or to the first page that is
// not valid, its first error focused and every error shown.
func (sc *formScreen[S, P]) toSummary() {
	s := sc.s
	err := s.ToSummary()
	if err == nil {
		sc.enterPage()
		return
	}
	if id, bad := s.FirstInvalid(); bad && s.CurrentID() != sc.progress && s.CurrentID() != sc.completion {
		sc.showAll[id] = true
		s.Goto(id)
		sc.enterPage()
		if errs := s.PageErrors(id); len(errs) > 0 {
			sc.focusField(errs[0].Field)
			sc.setStatus(errs[0].Field.Label(s)+": "+firstLine(errs[0].Msg), true)
			return
		}
	}
	sc.setStatus(err.Error(), true)
}

func (sc *formScreen[S, P]) fieldKey(f *form.Field[S], msg tea.KeyMsg) tea.Cmd {
	k := formKeys
	s := sc.s
	if sc.host.fieldKey(f, msg) {
		return nil
	}
	switch {
	case f.Kind == form.KindApps || f.Kind == form.KindList:
		return sc.host.customKey(f, msg)
	case f.IsList(s):
		opts := f.Options(s)
		cur := -1
		for i, o := range opts {
			if o.Value == f.Get(s) {
				cur = i
			}
		}
		switch {
		case matches(msg, k.Up, k.Left):
			if cur > 0 {
				f.Set(s, opts[cur-1].Value)
				sc.touched[f.ID] = true
			}
		case matches(msg, k.Down, k.Right) || msg.Type == tea.KeySpace:
			if cur < len(opts)-1 {
				f.Set(s, opts[cur+1].Value)
				sc.touched[f.ID] = true
			}
		case matches(msg, k.Enter):
			if cur < 0 && len(opts) > 0 && f.OptionNote(s, opts[0].Value) == "" {
				f.Set(s, opts[0].Value)
			}
			return sc.enter()
		}
		return nil
	case f.Kind == form.KindBool:
		switch {
		case matches(msg, k.Toggle) || msg.Type == tea.KeySpace:
			if f.Get(s) == "true" {
				f.Set(s, "false")
			} else {
				f.Set(s, "true")
			}
			sc.touched[f.ID] = true
		case msg.Type == tea.KeyUp:
			sc.moveFocus(-1)
		case msg.Type == tea.KeyDown:
			sc.moveFocus(1)
		case matches(msg, k.Enter):
			return sc.enter()
		}
		return nil
	}
	// Text, secret, number, an index typed as a number: ↑ ↓ (not k j,
	// which are typed) move between fields.
	switch {
	case matches(msg, k.Enter):
		return sc.enter()
	case msg.Type == tea.KeyUp:
		sc.moveFocus(-1)
		return nil
	case msg.Type == tea.KeyDown:
		sc.moveFocus(1)
		return nil
	}
	return sc.editField(f, msg)
}

// editField applies an editing key (or a paste) to a text field.
func (sc *formScreen[S, P]) editField(f *form.Field[S], msg tea.Msg) tea.Cmd {
	s := sc.s
	pos, ok := sc.cursors[f.ID]
	if !ok {
		pos = len([]rune(f.Get(s)))
	}
	cur := f.Get(s)
	if k, isKey := msg.(tea.KeyMsg); isKey && f.Kind == form.KindSecret && (strings.HasPrefix(cur, "enc:") || strings.HasPrefix(cur, "plain:")) &&
		(k.Type == tea.KeyRunes || k.Type == tea.KeyBackspace || k.Type == tea.KeySpace) {
		cur, pos = "", 0 // a stored secret is replaced, never edited
	}
	val, pos, edited, cmd := sc.editInput(f.ID, cur, pos, f.Max, f.Kind == form.KindSecret, msg)
	if edited {
		if val != f.Get(s) {
			f.Set(s, val)
			sc.touched[f.ID] = true
			sc.host.edited(f)
		}
		sc.cursors[f.ID] = pos
		sc.setStatus("", false)
	}
	return cmd
}

// editInput edits a one-line value with bubbles' textinput: the value
// and the cursor go in (SetValue, SetCursor) and come out (Value,
// Position), so the wizard state stays the source of truth and the
// screen draws the cursor where typing goes (inputBox). It gives word
// moves (alt+←/→, alt+b/f, ctrl+←/→), word deletes, paste (one line) and
// the character limit (a value already longer, from an answers file, is
// not cut; it cannot grow). alt+letter is a command, never text.
func (sc *formScreen[S, P]) editInput(id, val string, pos, limit int, secret bool, msg tea.Msg) (string, int, bool, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		if k.Alt && k.Type == tea.KeyRunes {
			switch string(k.Runes) {
			case "b", "f", "d":
			default:
				return val, pos, false, nil
			}
		}
		if k.Type == tea.KeySpace && len(k.Runes) == 0 {
			k.Runes = []rune{' '}
			msg = k
		}
		if k.Type == tea.KeyRunes && strings.Contains(string(k.Runes), "\r\n") {
			// A pasted Windows line break is one space, as a Unix one.
			k.Runes = []rune(strings.ReplaceAll(string(k.Runes), "\r\n", "\n"))
			msg = k
		}
	}
	in := &sc.input
	in.CharLimit = 0
	if limit > 0 {
		in.CharLimit = max(limit, len([]rune(val)))
	}
	in.EchoMode = textinput.EchoNormal
	if secret {
		in.EchoMode = textinput.EchoPassword
	}
	in.SetValue(val)
	in.SetCursor(pos)
	pos = in.Position()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	sc.inputFor = id
	if k, ok := msg.(tea.KeyMsg); !ok || !key.Matches(k, in.KeyMap.Paste) {
		cmd = nil // only ctrl+v asks for something (the clipboard)
	}
	nv, np := in.Value(), in.Position()
	return nv, np, nv != val || np != pos, cmd
}

// inputMsg gives the focused text field what its input asked for (the
// clipboard's text after ctrl+v).
func (sc *formScreen[S, P]) inputMsg(msg tea.Msg) tea.Cmd {
	f := sc.focused()
	switch {
	case f == nil:
	case f.Kind == form.KindApps || f.Kind == form.KindList:
		return sc.host.customInput(f, msg)
	case f.ID == sc.inputFor && f.Kind.IsText() && !f.IsList(sc.s):
		return sc.editField(f, msg)
	}
	return nil
}

// enter confirms the focused field: the next field, or on the last one
// the next page.
func (sc *formScreen[S, P]) enter() tea.Cmd {
	if f := sc.focused(); f != nil {
		sc.touched[f.ID] = true
	}
	if sc.focus >= len(sc.fields())-1 {
		return sc.next()
	}
	sc.focus++
	sc.host.focusMoved(1)
	return nil
}

func (sc *formScreen[S, P]) moveFocus(d int) {
	if f := sc.focused(); f != nil {
		sc.touched[f.ID] = true
	}
	n := len(sc.fields())
	if sc.hasListArea() {
		n++
	}
	if n == 0 {
		return
	}
	sc.focus = (sc.focus + d + n) % n
	sc.host.focusMoved(d)
}

func (sc *formScreen[S, P]) enterPage() {
	sc.focus = 0
	sc.listView.GotoTop()
	sc.setStatus("", false)
	if len(sc.fields()) == 0 && !sc.hasListArea() {
		sc.focus = -1
	}
	sc.host.focusMoved(0)
}

func (sc *formScreen[S, P]) focusField(f *form.Field[S]) {
	for i, g := range sc.fields() {
		if g == f {
			sc.focus = i
		}
	}
}

// showErrors shows every error of the page, focuses the first and says
// it on the status line (what is on the page, else msg).
func (sc *formScreen[S, P]) showErrors(msg string) {
	id := sc.s.CurrentID()
	sc.showAll[id] = true
	if errs := sc.s.PageErrors(id); len(errs) > 0 {
		sc.focusField(errs[0].Field)
		sc.setStatus(errs[0].Field.Label(sc.s)+": "+firstLine(errs[0].Msg), true)
		return
	}
	sc.setStatus(msg, true)
}

func (sc *formScreen[S, P]) next() tea.Cmd {
	s := sc.s
	switch s.CurrentID() {
	case sc.summary:
		if _, bad := s.FirstInvalid(); bad {
			// A page went wrong since (a file appeared): ToSummary says
			// which.
			if err := s.ToSummary(); err != nil {
				sc.setStatus(err.Error(), true)
			}
			return nil
		}
		if errs := s.PageErrors(sc.summary); len(errs) > 0 {
			sc.showErrors("")
			return nil
		}
		return sc.host.write()
	case sc.progress:
		if sc.host.written() {
			s.Goto(sc.completion)
			sc.enterPage()
		}
		return nil
	case sc.completion:
		return nil
	}
	if err := sc.host.beforeNext(); err != nil {
		sc.showAll[s.CurrentID()] = true
		sc.setStatus(err.Error(), true)
		return nil
	}
	if err := s.Next(); err != nil {
		sc.showErrors(err.Error())
		return nil
	}
	sc.enterPage()
	return nil
}

func (sc *formScreen[S, P]) prev() tea.Cmd {
	s := sc.s
	if s.CurrentID() == sc.progress && !sc.host.written() && !sc.host.busy() {
		s.Goto(sc.summary)
		sc.enterPage()
		return nil
	}
	if err := s.Prev(); err != nil {
		sc.setStatus(err.Error(), true)
		return nil
	}
	sc.enterPage()
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
