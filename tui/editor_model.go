package tui

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/engine/sequence/edit"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// EditorResult is how the editor ended.
type EditorResult struct {
	Cancelled bool // ctrl+c: exit 130
	Saved     bool // the file was saved at least once
	Unsaved   bool // the user quit without saving changes
}

type edFocus int

const (
	edFocusTree edFocus = iota
	edFocusPane
	edFocusProblems
)

type edOverlay int

const (
	edNone edOverlay = iota
	edAdd
	edAskRemove
	edAskQuit
	edBuilder
	edHelp
	edListView
	edSeq
)

// EditorModel is the Bubble Tea model of the task sequence editor: the
// tree of groups and steps on the left, the selected item's Properties and
// Options tabs on the right, the problems of the whole sequence below. The
// edit.Editor it drives is the source of truth; the model holds only
// screen state.
type EditorModel struct {
	texts // the language, from EditorOptions
	ed    *edit.Editor
	path  string
	th    *themes.Theme

	width, height int
	focus         edFocus
	tab           int // 0 Properties, 1 Options
	field         int
	bufs          map[string]string // text being typed, by field key
	curs          map[string]int
	errs          map[string]string // what is wrong with the text typed
	collapsed     map[string]bool   // groups folded, by path key
	treeTop       int
	paneTop       int

	probs          sequence.Problems
	probSel        int
	overlay        edOverlay
	addSel         int
	cb             *condBuilder
	list           *listState
	seqField       int
	status         string
	statusErr      bool
	hasComments    bool // the file has comments that saving drops
	commentsWarned bool
	ctrlCOnce      bool
	lastSel        string
	result         EditorResult
	maxW, maxH     int // the layout's cap (Windows PE: 80x25); 0: none
	// pending are the texts typed that cannot be written (success codes
	// "15x", retries 9): kept on screen and as problems of the sequence
	// until they are fixed, so that nothing typed vanishes.
	pending map[pendingKey]pendingValue
	// helpView scrolls the help overlay (bubbles' viewport).
	helpView viewport.Model
}

// pendingKey names a field of an item (nil: of the sequence itself).
type pendingKey struct {
	item *sequence.Item
	key  string // the field's key below the item, e.g. success_codes
}

type pendingValue struct{ text, msg, label string }

// NewEditor returns the editor of seq, saved to path, in the theme
// (nil: themes.Default()), language and size cap of opt. The Completion
// page of the wizard opens a written sequence with it (Open in editor).
func NewEditor(seq *sequence.Sequence, path string, opt EditorOptions) *EditorModel {
	th := opt.Theme
	if th == nil {
		th = themes.Default()
	}
	m := &EditorModel{texts: textsIn(opt.Lang), ed: edit.New(seq), path: path, th: th, width: 80, height: 25,
		maxW: opt.MaxWidth, maxH: opt.MaxHeight,
		bufs: map[string]string{}, curs: map[string]int{}, errs: map[string]string{}, collapsed: map[string]bool{}}
	if data, err := os.ReadFile(path); err == nil {
		m.hasComments = edit.HasComments(data)
	}
	m.validate()
	return m
}

// Editor is the editing state.
func (m *EditorModel) Editor() *edit.Editor { return m.ed }

// Result is how the editor ended.
func (m *EditorModel) Result() EditorResult { return m.result }

// Init implements tea.Model.
func (m *EditorModel) Init() tea.Cmd { return nil }

// validate runs the sequence's rules and the editor's own warnings, and
// adds the pending values as errors (those of items no longer in the
// sequence, after an undo or a removal, are forgotten).
func (m *EditorModel) validate() {
	m.probs = append(sequence.Validate(m.ed.Sequence()), edit.Warnings(m.ed.Sequence())...)
	for _, pp := range m.pendingSorted() {
		m.probs = append(m.probs, sequence.Problem{Path: pp.path, Msg: fmt.Sprintf(m.edtx("pending"), pp.v.text, pp.v.msg)})
	}
}

type pendingProblem struct {
	path string // the key path, e.g. steps[1].steps[3].success_codes
	v    pendingValue
}

// pendingSorted are the pending values in the order of their key paths;
// it forgets those of items no longer in the sequence (after an undo or
// a removal).
func (m *EditorModel) pendingSorted() []pendingProblem {
	if len(m.pending) == 0 {
		return nil
	}
	paths := map[*sequence.Item]string{nil: ""}
	var walk func(items []*sequence.Item, p edit.Path)
	walk = func(items []*sequence.Item, p edit.Path) {
		for i, it := range items {
			ip := append(append(edit.Path(nil), p...), i)
			paths[it] = ip.Key() + "."
			walk(it.Steps, ip)
		}
	}
	walk(m.ed.Sequence().Steps, nil)
	var out []pendingProblem
	for k, v := range m.pending {
		prefix, ok := paths[k.item]
		if !ok {
			delete(m.pending, k)
			continue
		}
		out = append(out, pendingProblem{prefix + k.key, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// pendingOwner is the item whose fields are being edited (nil: the
// sequence's own, or its variables).
func (m *EditorModel) pendingOwner() *sequence.Item {
	if m.overlay == edSeq || m.overlay == edListView && m.list != nil && m.list.vars {
		return nil
	}
	return m.ed.Selected()
}

// pendingText is the text kept for a field that could not be written.
func (m *EditorModel) pendingText(key string) (pendingValue, bool) {
	v, ok := m.pending[pendingKey{m.pendingOwner(), key}]
	return v, ok
}

// dirty reports unsaved changes: edits, or texts that could not be
// written.
func (m *EditorModel) dirty() bool { return m.ed.Dirty() || len(m.pending) > 0 }

func (m *EditorModel) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

func (m *EditorModel) fields() []edField {
	it := m.ed.Selected()
	if it == nil {
		return nil
	}
	if m.tab == 1 {
		return m.optionFields(it)
	}
	return m.propertyFields(it)
}

// resetFields forgets the text typed when the selection or the state
// changes under the fields.
func (m *EditorModel) resetFields() {
	m.bufs, m.curs, m.errs = map[string]string{}, map[string]int{}, map[string]string{}
}

func (m *EditorModel) quit() (tea.Model, tea.Cmd) { return m, tea.Quit }

// SetSize lays the editor out for a window of width x height cells,
// capped at the options' MaxWidth x MaxHeight.
func (m *EditorModel) SetSize(width, height int) {
	m.width, m.height = fitSize(width, height, m.maxW, m.maxH)
	m.syncScroll()
}

// Update implements tea.Model.
func (m *EditorModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, nil
	case StopMsg:
		// SIGTERM, SIGHUP: leave at once without saving; the file on
		// disk stays as it was (a save is atomic and never half done).
		m.result.Cancelled = true
		m.result.Unsaved = m.dirty()
		return m, tea.Quit
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.inText() {
			// Keys typed faster than they are read come as one message:
			// outside a text field each is a command of its own.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}); cmd != nil {
					cmds = append(cmds, cmd)
				}
			}
			if len(cmds) == 0 {
				return m, nil
			}
			return m, tea.Sequence(cmds...)
		}
		where := m.fieldID()
		model, cmd := m.key(msg)
		if m.fieldID() != where {
			m.ed.EndTyping()
		}
		m.validate()
		if k := m.ed.Selection().Key(); k != m.lastSel {
			m.lastSel = k
			m.resetFields()
			m.paneTop = 0
			if m.focus != edFocusPane {
				m.field = 0
			}
		}
		m.syncScroll()
		return model, cmd
	}
	return m, nil
}

// syncScroll moves the scroll state after a change, so that View only
// reads it: the tree keeps the selection in view (below the "more"
// hints), and the panes keep their focused field in view.
func (m *EditorModel) syncScroll() {
	rows := m.rows()
	cur := m.selRow(rows)
	if cur < 0 { // selRow unfolded the selection's parents
		rows = m.rows()
		cur = max(0, m.selRow(rows))
	}
	m.treeTop = treeScroll(m.treeTop, cur, len(rows), m.treeHeight())
	if m.overlay == edHelp {
		width := max(m.width, 30)
		off := m.helpView.YOffset
		m.helpView.Width, m.helpView.Height = width-2, m.treeHeight()
		m.helpView.SetContent(strings.Join(m.helpContent(width-2), "\n"))
		m.helpView.SetYOffset(off)
	}
	// The panes: lay the screen out once to learn where the focused
	// field is (the line builders record their scroll offset).
	m.render()
}

// treeHeight is the number of tree rows on the screen.
func (m *EditorModel) treeHeight() int {
	width, height := max(m.width, 30), max(m.height, 8)
	return height - 2 - len(m.statusLines(width)) - m.problemsHeight(height)
}

// treeScroll is the first row shown of n rows in h lines so that row cur
// shows: not under the "more" hint on the first line (when rows are
// above) nor the one on the last line (when rows are below). Hand-rolled:
// the tree follows its selection, which bubbles' viewport knows nothing of.
func treeScroll(top, cur, n, h int) int {
	if n <= h || h < 3 {
		if h < 3 {
			return max(0, min(cur, n-1))
		}
		return 0
	}
	// The rows shown are top+1 (top when 0) to top+h-2 (top+h-1 at the end).
	if cur <= top && top > 0 {
		top = max(0, cur-1)
	}
	if cur >= top+h-1 && top+h < n {
		top = cur - h + 2
	}
	return max(0, min(top, n-h))
}

// fieldID names where the keys go; typing is one undo step only while it
// stays the same.
func (m *EditorModel) fieldID() string {
	id := fmt.Sprintf("%d/%d/%d/%d/%s/%d", m.overlay, m.focus, m.tab, m.field, m.ed.Selection().Key(), m.seqField)
	if m.list != nil {
		id += fmt.Sprintf("/%d/%v/%d", m.list.sel, m.list.form, m.list.field)
	}
	return id
}

// inText reports whether keys go into a text field.
func (m *EditorModel) inText() bool {
	switch m.overlay {
	case edBuilder:
		if m.cb.text {
			return true
		}
		if m.cb.form {
			fs := m.cb.formFields()
			return m.cb.formField < len(fs) && !fs[m.cb.formField].check && fs[m.cb.formField].options == nil
		}
		return false
	case edSeq:
		fs := m.seqFields()
		return m.seqField < len(fs) && fs[m.seqField].kind == edText
	case edListView:
		if m.list.form {
			fs := m.listFields()
			return m.list.field < len(fs) && fs[m.list.field].kind == edText
		}
		return false
	case edNone:
		if m.focus != edFocusPane {
			return false
		}
		fs := m.fields()
		return m.field < len(fs) && fs[m.field].kind == edText
	}
	return false
}

func (m *EditorModel) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := msg.String()
	if key.Matches(msg, edKeys.Cancel) {
		if !m.dirty() || m.ctrlCOnce {
			m.result.Cancelled = true
			m.result.Unsaved = m.dirty()
			return m.quit()
		}
		m.ctrlCOnce = true
		m.setStatus(m.edtx("quit.again"), true)
		return m, nil
	}
	m.ctrlCOnce = false
	// A message lasts until the next key.
	m.status, m.statusErr = "", false
	switch m.overlay {
	case edAskRemove:
		switch k {
		case "y", "Y":
			it := m.ed.Selected()
			if err := m.ed.Remove(); err != nil {
				m.setStatus(err.Error(), true)
			} else {
				m.setStatus(fmt.Sprintf(m.edtx("removed"), it.Name), false)
			}
			m.overlay = edNone
		case "n", "N", "esc":
			m.overlay = edNone
			m.setStatus("", false)
		}
		return m, nil
	case edAskQuit:
		switch k {
		case "y", "Y":
			if m.save(true) {
				return m.quit()
			}
			m.overlay = edNone
		case "n", "N":
			m.result.Unsaved = true
			return m.quit()
		case "esc":
			m.overlay = edNone
			m.setStatus("", false)
		}
		return m, nil
	case edHelp:
		switch k {
		case "esc", "?", "q", "enter", "f1":
			m.overlay = edNone
			m.helpView.GotoTop()
		default:
			// up/down, pgup/pgdown, home/end scroll the keys.
			switch k {
			case "home":
				m.helpView.GotoTop()
			case "end":
				m.helpView.GotoBottom()
			default:
				m.helpView, _ = m.helpView.Update(msg)
			}
		}
		return m, nil
	case edAdd:
		return m.keyAdd(msg)
	case edListView:
		return m.keyList(msg)
	case edSeq:
		return m.keySeq(msg)
	case edBuilder:
		return m.keyBuilder(msg)
	}
	// Keys that work everywhere.
	switch {
	case key.Matches(msg, edKeys.Save):
		m.save(false)
		return m, nil
	case key.Matches(msg, edKeys.Undo):
		m.undo()
		return m, nil
	case key.Matches(msg, edKeys.Redo):
		m.redo()
		return m, nil
	case key.Matches(msg, edKeys.SwitchTab):
		if m.ed.Selected() != nil {
			m.tab = 1 - m.tab
			m.field = 0
			m.paneTop = 0
			m.resetFields()
		}
		return m, nil
	case key.Matches(msg, edKeys.HelpAnyway):
		m.overlay = edHelp
		return m, nil
	}
	switch m.focus {
	case edFocusPane:
		return m.keyPane(msg)
	case edFocusProblems:
		return m.keyProblems(msg)
	}
	return m.keyTree(msg)
}

func (m *EditorModel) undo() {
	label := m.ed.UndoLabel()
	if err := m.ed.Undo(); err != nil {
		m.setStatus(m.edtx("nothing.undo"), true)
		return
	}
	m.resetFields()
	m.setStatus(fmt.Sprintf(m.edtx("undo"), m.undoText(label)), false)
}

func (m *EditorModel) redo() {
	label := m.ed.RedoLabel()
	if err := m.ed.Redo(); err != nil {
		m.setStatus(m.edtx("nothing.redo"), true)
		return
	}
	m.resetFields()
	m.setStatus(fmt.Sprintf(m.edtx("redo"), m.undoText(label)), false)
}

// save writes the file atomically. The first ctrl+s on a file with
// comments only warns that they will be dropped.
func (m *EditorModel) save(quitting bool) bool {
	if m.hasComments && !m.commentsWarned && !quitting {
		m.commentsWarned = true
		m.setStatus(m.edtx("ask.comments"), true)
		return false
	}
	if pp := m.pendingSorted(); len(pp) > 0 {
		// A text that cannot be written is not silently dropped: the
		// file would keep the old value while the screen shows the new.
		m.setStatus(fmt.Sprintf(m.edtx("save.pending"), pp[0].v.label, pp[0].v.text, len(pp)), true)
		return false
	}
	// The editor never holds a typed clear secret: a plain: value can
	// only come from the file, where the user put it.
	if err := sequence.Save(m.path, m.ed.Sequence(), sequence.SaveOptions{AllowPlaintext: true}); err != nil {
		m.setStatus(fmt.Sprintf(m.edtx("save.failed"), err), true)
		return false
	}
	m.ed.MarkSaved()
	m.hasComments = false
	m.result.Saved = true
	if n := len(m.probs.Errors()); n > 0 {
		m.setStatus(fmt.Sprintf(m.edtx("saved.errors"), m.path, n), true)
	} else {
		m.setStatus(fmt.Sprintf(m.edtx("saved"), m.path), false)
	}
	return true
}

// rows are the visible rows of the tree.
type edRow struct {
	path  edit.Path
	item  *sequence.Item
	depth int
}

func (m *EditorModel) rows() []edRow {
	var out []edRow
	var walk func(items []*sequence.Item, p edit.Path, depth int)
	walk = func(items []*sequence.Item, p edit.Path, depth int) {
		for i, it := range items {
			ip := append(append(edit.Path(nil), p...), i)
			out = append(out, edRow{ip, it, depth})
			if it.IsGroup() && !m.collapsed[ip.Key()] {
				walk(it.Steps, ip, depth+1)
			}
		}
	}
	walk(m.ed.Sequence().Steps, nil, 0)
	return out
}

func (m *EditorModel) selRow(rows []edRow) int {
	sel := m.ed.Selection()
	for i, r := range rows {
		if r.path.Equal(sel) {
			return i
		}
	}
	// The selection is inside a folded group: unfold its parents.
	for p := sel.Parent(); len(p) > 0; p = p.Parent() {
		delete(m.collapsed, p.Key())
	}
	return -1
}

func (m *EditorModel) keyTree(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	ed := m.ed
	rows := m.rows()
	cur := m.selRow(rows)
	if cur < 0 {
		rows = m.rows()
		cur = max(0, m.selRow(rows))
	}
	report := func(err error, ok string) {
		if err != nil {
			m.setStatus(err.Error(), true)
		} else {
			m.setStatus(ok, false)
		}
	}
	k := edKeys
	switch {
	case key.Matches(msg, k.Up):
		if cur > 0 {
			ed.Select(rows[cur-1].path)
		}
	case key.Matches(msg, k.Down):
		if cur < len(rows)-1 {
			ed.Select(rows[cur+1].path)
		}
	case key.Matches(msg, k.Home):
		if len(rows) > 0 {
			ed.Select(rows[0].path)
		}
	case key.Matches(msg, k.End):
		if len(rows) > 0 {
			ed.Select(rows[len(rows)-1].path)
		}
	case key.Matches(msg, k.PageUp, k.PageDown):
		// A page is the rows the tree shows, less the "more" hints.
		page := max(1, m.treeHeight()-2)
		if len(rows) > 0 {
			if key.Matches(msg, k.PageUp) {
				ed.Select(rows[max(0, cur-page)].path)
			} else {
				ed.Select(rows[min(len(rows)-1, cur+page)].path)
			}
		}
	case key.Matches(msg, k.Fold):
		if it := ed.Selected(); it != nil {
			sel := ed.Selection()
			if it.IsGroup() && !m.collapsed[sel.Key()] {
				m.collapsed[sel.Key()] = true
			} else if len(sel) > 1 {
				ed.Select(sel.Parent())
			}
		}
	case key.Matches(msg, k.Open):
		if it := ed.Selected(); it != nil && it.IsGroup() {
			delete(m.collapsed, ed.Selection().Key())
		}
	case key.Matches(msg, k.Props):
		if ed.Selected() != nil {
			m.focus, m.tab, m.field = edFocusPane, 0, 0
		}
	case key.Matches(msg, k.Seq):
		m.overlay, m.seqField = edSeq, 0
		m.resetFields()
	case key.Matches(msg, k.Options):
		if ed.Selected() != nil {
			m.focus, m.tab, m.field = edFocusPane, 1, 0
		}
	case key.Matches(msg, k.Add):
		m.overlay, m.addSel = edAdd, 0
	case key.Matches(msg, k.Group):
		where := edit.After
		if it := ed.Selected(); it != nil && it.IsGroup() {
			where = edit.Under
		}
		report(ed.AddGroup(m.edtx("add.group"), where), fmt.Sprintf(m.edtx("added"), m.edtx("add.group")))
	case key.Matches(msg, k.Remove):
		if it := ed.Selected(); it != nil {
			m.overlay = edAskRemove
		}
	case key.Matches(msg, k.MoveUp):
		report(ed.MoveUp(), "")
	case key.Matches(msg, k.MoveDown):
		report(ed.MoveDown(), "")
	case key.Matches(msg, k.Into):
		report(ed.MoveInto(), "")
	case key.Matches(msg, k.Out):
		report(ed.MoveOut(), "")
	case key.Matches(msg, k.Copy):
		if it := ed.Selected(); it != nil {
			report(ed.Copy(), fmt.Sprintf(m.edtx("copied"), it.Name))
		}
	case key.Matches(msg, k.Cut):
		if it := ed.Selected(); it != nil {
			report(ed.Cut(), fmt.Sprintf(m.edtx("cut"), it.Name))
		}
	case key.Matches(msg, k.CopyCond):
		report(ed.CopyCondition(), m.edtx("copied.cond"))
	case key.Matches(msg, k.PasteAfter, k.PasteBefore, k.PasteInto):
		where := edit.After
		switch {
		case key.Matches(msg, k.PasteBefore):
			where = edit.Before
		case key.Matches(msg, k.PasteInto):
			where = edit.Under
		}
		var ok string
		if clip := ed.Clipboard(); clip != nil && clip.Item != nil {
			ok = fmt.Sprintf(m.edtx("pasted"), clip.Item.Name)
		} else if clip != nil {
			ok = m.edtx("pasted.cond")
		}
		report(ed.Paste(where), ok)
	case key.Matches(msg, k.Problems):
		if len(m.probs) > 0 {
			m.focus = edFocusProblems
			m.probSel = max(0, min(m.probSel, len(m.probs)-1))
		}
	case key.Matches(msg, k.Help):
		m.overlay = edHelp
	case key.Matches(msg, k.Quit):
		if m.dirty() {
			m.overlay = edAskQuit
			return m, nil
		}
		return m.quit()
	}
	return m, nil
}

// addEntries are the Add catalogue: New Group, then the step types by
// the categories of the ConfigMgr editor's Add menu.
type addEntry struct {
	category string
	info     *sequence.StepInfo // nil: New Group
}

var addCategories = []string{"General", "Disks", "Images", "Drivers", "Settings", "Software"}

func addEntries() []addEntry {
	out := []addEntry{{category: ""}}
	types := sequence.StepTypes()
	seen := map[string]bool{}
	for _, c := range addCategories {
		seen[c] = true
		for _, si := range types {
			if si.Category == c {
				out = append(out, addEntry{c, si})
			}
		}
	}
	for _, si := range types { // a category the list above does not know
		if !seen[si.Category] {
			out = append(out, addEntry{si.Category, si})
		}
	}
	return out
}

func (m *EditorModel) keyAdd(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	es := addEntries()
	if msg.Type == tea.KeyRunes && len(msg.Runes) == 1 {
		// A letter goes to the next entry that starts with it.
		r := strings.ToLower(string(msg.Runes))
		for i := 1; i <= len(es); i++ {
			j := (m.addSel + i) % len(es)
			name, local := edit.DefaultGroupName, m.edtx("add.group")
			if es[j].info != nil {
				name, local = es[j].info.EditorName, m.stepName(es[j].info)
			}
			if strings.HasPrefix(strings.ToLower(name), r) || strings.HasPrefix(strings.ToLower(local), r) {
				m.addSel = j
				break
			}
		}
		return m, nil
	}
	switch msg.String() {
	case "up":
		m.addSel = max(0, m.addSel-1)
	case "down":
		m.addSel = min(len(es)-1, m.addSel+1)
	case "home":
		m.addSel = 0
	case "end":
		m.addSel = len(es) - 1
	case "esc":
		m.overlay = edNone
	case "enter":
		m.overlay = edNone
		where := edit.After
		if it := m.ed.Selected(); it != nil && it.IsGroup() {
			where = edit.Under
		}
		e := es[m.addSel]
		var err error
		name := m.edtx("add.group")
		if e.info == nil {
			err = m.ed.AddGroup(name, where)
		} else {
			name = m.stepName(e.info)
			err = m.addStep(e.info, where)
		}
		if err != nil {
			m.setStatus(err.Error(), true)
			return m, nil
		}
		m.setStatus(fmt.Sprintf(m.edtx("added"), name), false)
		// Straight to its properties, as the ConfigMgr editor does.
		m.focus, m.tab, m.field = edFocusPane, 0, 0
	}
	return m, nil
}

func (m *EditorModel) keyPane(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	fs := m.fields()
	if len(fs) == 0 {
		m.focus = edFocusTree
		return m, nil
	}
	m.field = max(0, min(m.field, len(fs)-1))
	f := fs[m.field]
	k := msg.String()
	switch k {
	case "esc":
		m.focus = edFocusTree
		return m, nil
	case "tab", "down":
		m.field = (m.field + 1) % len(fs)
		return m, nil
	case "shift+tab", "up":
		m.field = (m.field + len(fs) - 1) % len(fs)
		return m, nil
	case "?":
		if f.kind != edText {
			m.overlay = edHelp
			return m, nil
		}
	}
	switch f.kind {
	case edCond:
		switch k {
		case "enter", " ":
			m.cb = newCondBuilder(m.texts, m.ed.Selected().Name, f.get())
			m.overlay = edBuilder
		case "delete", "ctrl+u":
			m.fieldResult(f, errMsg(m.ed.SetCondition("")))
		}
	case edList:
		if k == "enter" || k == " " {
			m.list = &listState{key: f.key, label: f.label, back: edNone}
			m.overlay = edListView
		}
	default:
		if m.keyField(f, msg) {
			m.field = (m.field + 1) % len(fs)
		}
	}
	return m, nil
}

// keyField applies a key to a check, choice or text field. It reports
// whether enter asks for the next field.
func (m *EditorModel) keyField(f edField, msg tea.KeyMsg) bool {
	k := msg.String()
	switch f.kind {
	case edCheck:
		if k == " " || k == "enter" || msg.Type == tea.KeySpace {
			v := "true"
			if f.get() == "true" {
				v = "false"
			}
			m.fieldResult(f, f.set(v))
		}
	case edChoice:
		if len(f.options) == 0 {
			return false
		}
		i := indexOf(f.options, f.get())
		switch k {
		case "right", " ", "l":
			m.fieldResult(f, f.set(f.options[(i+1)%len(f.options)]))
		case "left", "h":
			m.fieldResult(f, f.set(f.options[(i+len(f.options)-1)%len(f.options)]))
		}
	case edText:
		if k == "enter" {
			return true
		}
		val := m.fieldText(f)
		pos, ok := m.curs[f.key]
		if !ok {
			pos = len([]rune(val))
		}
		nv, np, edited := lineEdit(val, pos, msg)
		if !edited {
			return false
		}
		m.bufs[f.key], m.curs[f.key] = nv, np
		if nv != val {
			pk := pendingKey{m.pendingOwner(), f.key}
			if f.parse != nil {
				if bad := f.parse(nv); bad != "" {
					// Not written: kept, and a problem until fixed.
					if m.pending == nil {
						m.pending = map[pendingKey]pendingValue{}
					}
					m.pending[pk] = pendingValue{text: nv, msg: bad, label: f.label}
					m.fieldResult(f, bad)
					return false
				}
			}
			delete(m.pending, pk)
			m.fieldResult(f, f.set(nv))
		}
	}
	return false
}

// fieldText is the text a text field shows: what is being typed, else a
// pending text that could not be written, else the value.
func (m *EditorModel) fieldText(f edField) string {
	if v, ok := m.bufs[f.key]; ok {
		return v
	}
	if pv, ok := m.pendingText(f.key); ok {
		return pv.text
	}
	return f.get()
}

func (m *EditorModel) fieldResult(f edField, msg string) {
	if msg != "" {
		m.errs[f.key] = msg
	} else {
		delete(m.errs, f.key)
	}
}

func (m *EditorModel) keyProblems(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "up", "k":
		m.probSel = max(0, m.probSel-1)
	case "down", "j":
		m.probSel = min(len(m.probs)-1, m.probSel+1)
	case "esc", "e", "f8":
		m.focus = edFocusTree
	case "enter":
		if m.probSel < len(m.probs) {
			m.jump(m.probs[m.probSel])
		}
	}
	return m, nil
}

// jump selects the problem's item and focuses its field.
func (m *EditorModel) jump(p sequence.Problem) {
	path, rest := edit.ParseKey(p.Path)
	for len(path) > 0 && m.ed.Item(path) == nil {
		path = path.Parent()
	}
	if len(path) == 0 {
		m.focus = edFocusTree
		m.overlay, m.seqField = edSeq, 0
		m.resetFields()
		for i, f := range m.seqFields() {
			if f.key == rest || strings.HasPrefix(rest, f.key+".") {
				m.seqField = i
			}
		}
		return
	}
	m.ed.Select(path)
	m.selRow(m.rows()) // unfold
	m.focus, m.tab, m.field = edFocusPane, 0, 0
	key, _, _ := strings.Cut(rest, ".")
	if i := strings.IndexByte(key, '['); i >= 0 {
		key = key[:i]
	}
	for t := 0; t < 2; t++ {
		m.tab = t
		for i, f := range m.fields() {
			if f.key == key {
				m.field = i
				m.lastSel = m.ed.Selection().Key()
				m.resetFields()
				if f.kind == edList {
					m.openListAt(f, rest)
				}
				return
			}
		}
	}
	m.tab = 0
	m.lastSel = m.ed.Selection().Key()
}

func (m *EditorModel) keyBuilder(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	cb := m.cb
	k := msg.String()
	cb.msg, cb.msgErr = "", false
	switch {
	case cb.adding:
		switch k {
		case "up", "k":
			cb.addSel = max(0, cb.addSel-1)
		case "down", "j":
			cb.addSel = min(len(condTypes)-1, cb.addSel+1)
		case "esc":
			cb.adding = false
		case "enter":
			cb.adding = false
			x := condTypes[cb.addSel].new()
			if e := cb.insert(x, cb.addWhere()); e != "" {
				cb.msg, cb.msgErr = e, true
				return m, nil
			}
			cb.openForm()
		}
		return m, nil
	case cb.form:
		cb.keyForm(msg)
		return m, nil
	case cb.text:
		switch k {
		case "esc", "ctrl+t", "tab":
			if cb.perr != nil {
				cb.msg, cb.msgErr = m.edtx("cb.fix"), true
				return m, nil
			}
			if strings.TrimSpace(cb.buf) == "" {
				cb.root = &condition.Group{Op: condition.All, Infix: true}
			} else {
				x, _ := condition.Parse(cb.buf)
				cb.setRoot(x)
			}
			cb.text = false
			if k == "esc" {
				return m.closeBuilder()
			}
			return m, nil
		case "enter":
			return m, nil
		}
		nv, np, edited := lineEdit(cb.buf, cb.cur, msg)
		if edited {
			cb.buf, cb.cur = nv, np
			cb.reparse()
		}
		return m, nil
	}
	r := cb.selected()
	switch k {
	case "up", "k":
		cb.sel = max(0, cb.sel-1)
	case "down", "j":
		cb.sel = min(len(cb.rows())-1, cb.sel+1)
	case "a", "insert":
		cb.adding, cb.addSel = true, 0
	case "g":
		cb.insert(&condition.Group{Op: condition.All}, cb.addWhere())
	case "enter":
		if g, ok := r.node.(*condition.Group); ok {
			cycleOp(g)
		} else {
			cb.openForm()
		}
	case " ", "o":
		if g, ok := r.node.(*condition.Group); ok {
			cycleOp(g)
		}
	case "delete", "backspace", "d":
		cb.remove()
	case "c":
		m.ed.CopyText(condition.Format(r.node))
		cb.msg = m.edtx("cb.copied")
	case "p", "P", "u":
		clip := m.ed.Clipboard()
		if clip == nil || clip.Condition == "" {
			cb.msg, cb.msgErr = edit.ErrEmptyClip.Error(), true
			return m, nil
		}
		x, err := condition.Parse(clip.Condition)
		if err != nil {
			cb.msg, cb.msgErr = err.Error(), true
			return m, nil
		}
		where := map[string]int{"p": 0, "P": 1, "u": 2}[k]
		if e := cb.insert(x, where); e != "" {
			cb.msg, cb.msgErr = e, true
		}
	case "t", "ctrl+t":
		cb.text, cb.buf = true, cb.result()
		cb.cur = len([]rune(cb.buf))
		cb.reparse()
	case "esc", "q":
		return m.closeBuilder()
	case "?":
		cb.msg = fmt.Sprintf(m.edtx("cb.help"), m.th.Symbols.UpDown, m.th.Symbols.LeftRight)
	}
	return m, nil
}

func cycleOp(g *condition.Group) {
	for i, o := range groupOps {
		if o == g.Op {
			g.Op = groupOps[(i+1)%len(groupOps)]
			return
		}
	}
}

// closeBuilder applies the condition to the item, if it is valid.
func (m *EditorModel) closeBuilder() (tea.Model, tea.Cmd) {
	cb := m.cb
	if msg := cb.check(); msg != "" {
		cb.msg, cb.msgErr = msg+" — "+m.edtx("cb.fix"), true
		return m, nil
	}
	text := cb.result()
	if text != m.ed.Selected().Condition {
		if err := m.ed.SetCondition(text); err != nil {
			cb.msg, cb.msgErr = err.Error(), true
			return m, nil
		}
	}
	m.overlay, m.cb = edNone, nil
	return m, nil
}

// addStep adds a step of the type, named in the screen's language (as
// edit.Editor.AddStep, which names it in English), as one undoable
// change, and selects it.
func (m *EditorModel) addStep(si *sequence.StepInfo, where edit.Where) error {
	name := m.stepName(si)
	if name == si.EditorName {
		return m.ed.AddStep(si.Type, where)
	}
	it := sequence.NewStep(si.Type)
	if it == nil {
		return fmt.Errorf("%w %q", edit.ErrUnknownType, si.Type)
	}
	it.Name = name
	sel := m.ed.Selection()
	var at edit.Path
	err := m.ed.EditSequence("add "+name, "", func(s *sequence.Sequence) error {
		if len(sel) == 0 || m.ed.Item(sel) == nil {
			s.Steps = append(s.Steps, it)
			at = edit.Path{len(s.Steps) - 1}
			return nil
		}
		if where == edit.Under {
			g := m.ed.Item(sel)
			if !g.IsGroup() {
				return edit.ErrNotGroup
			}
			g.Steps = append(g.Steps, it)
			at = append(append(edit.Path(nil), sel...), len(g.Steps)-1)
			return nil
		}
		parent := sel.Parent()
		list := &s.Steps
		if len(parent) > 0 {
			list = &m.ed.Item(parent).Steps
		}
		i := sel.Index()
		if where == edit.After {
			i++
		}
		l := append(*list, nil)
		copy(l[i+1:], l[i:])
		l[i] = it
		*list = l
		at = append(append(edit.Path(nil), parent...), i)
		return nil
	})
	if err == nil {
		m.ed.Select(at)
	}
	return err
}

// EditorOptions configure the editor (NewEditor, RunEditorWith).
type EditorOptions struct {
	Theme *themes.Theme
	// Lang is the language of the screen ("": English).
	Lang wizard.Lang
	// MaxWidth and MaxHeight cap the layout (Windows PE: 80x25).
	MaxWidth, MaxHeight int
	// Signals are the stop signals relayed to the editor as StopMsg;
	// nil: it listens to StopSignals itself (runProgram).
	Signals <-chan os.Signal
}

// RunEditorWith is RunEditor with options.
func RunEditorWith(seq *sequence.Sequence, path string, opt EditorOptions, in io.Reader, out io.Writer) (EditorResult, error) {
	if opt.Theme == nil {
		opt.Theme = ThemeFor(themes.Default(), out, false)
	}
	m := NewEditor(seq, path, opt)
	final, err := runProgram(m, in, out, opt.Signals)
	if err != nil {
		return EditorResult{}, err
	}
	return final.(*EditorModel).Result(), nil
}
