package tui

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/engine/sequence/edit"
)

// Layout: a title line; the body (tree | tabs), or a dialog over the
// whole width (the Add catalogue, the condition builder, the help); the
// problems; a status line and a footer. At 80x25 the tree is 30 cells
// wide, the tabs 47, and the problems take 4 lines.

func (m *EditorModel) treeWidth(width int) int {
	switch {
	case width >= 110:
		return 40
	case width >= 70:
		return 30
	}
	return width / 2
}

func (m *EditorModel) problemsHeight(height int) int {
	n := 3
	if height >= 35 {
		n = 6
	}
	if height < 16 {
		n = 1
	}
	return 1 + min(n, len(m.probs))
}

// View implements tea.Model. It changes no state: it draws a copy of the
// model, whose scroll offsets Update has already set (syncScroll).
func (m *EditorModel) View() string {
	v := *m
	if m.cb != nil {
		cb := *m.cb
		v.cb = &cb
	}
	if m.list != nil {
		ls := *m.list
		v.list = &ls
	}
	return v.render()
}

// render draws the screen. The line builders record the panes' scroll
// offsets in m: Update calls it to set them, View calls it on a copy.
func (m *EditorModel) render() string {
	width, height := max(m.width, 30), max(m.height, 8)
	st := m.th.Styles
	probH := m.problemsHeight(height)
	status := m.statusLines(width)
	bodyH := height - 2 - len(status) - probH

	var out []string
	out = append(out, m.titleLine(width))
	switch m.overlay {
	case edAdd, edBuilder, edHelp, edListView, edSeq:
		var lines []string
		switch m.overlay {
		case edSeq:
			lines = m.seqLines(width-2, bodyH)
		case edAdd:
			lines = m.addLines(width-2, bodyH)
		case edListView:
			lines = m.listLines(width-2, bodyH)
		case edBuilder:
			lines = m.builderLines(width-2, bodyH)
		default:
			// Update set the viewport's size and content (syncScroll).
			lines = strings.Split(m.helpView.View(), "\n")
		}
		for _, l := range lines {
			out = append(out, " "+l)
		}
	default:
		treeW := m.treeWidth(width)
		tree := m.treeLines(treeW, bodyH)
		right := m.paneLines(width-treeW-3, bodyH)
		sep := st.Separator.Render(m.th.Symbols.Separator)
		for i := 0; i < bodyH; i++ {
			out = append(out, pad(tree[i], treeW)+sep+" "+right[i])
		}
	}
	out = append(out, m.problemLines(width, probH)...)
	out = append(out, status...)
	out = append(out, m.footer(width))
	for i, l := range out {
		out[i] = truncate(l, width, "")
	}
	return strings.Join(out, "\n")
}

func (m *EditorModel) titleLine(width int) string {
	st := m.th.Styles
	dot := m.th.Symbols.Dot
	title := " refimage " + dot + " " + m.edtx("title") + " " + dot + " " + filepath.Base(m.path)
	right := ""
	if m.dirty() {
		right = m.edtx("modified") + " "
	}
	gap := width - lipgloss.Width(title) - lipgloss.Width(right)
	if gap < 1 {
		title = truncate(title, width-lipgloss.Width(right)-1, m.th.Symbols.Ellipsis)
		gap = width - lipgloss.Width(title) - lipgloss.Width(right)
	}
	return st.TitleBar.Render(title + strings.Repeat(" ", max(gap, 0)) + right)
}

// problemMarks says which items have an error (2) or only warnings (1).
func (m *EditorModel) problemMarks() map[string]int {
	out := map[string]int{}
	for _, p := range m.probs {
		path, _ := edit.ParseKey(p.Path)
		k := path.Key()
		lvl := 2
		if p.Warning {
			lvl = 1
		}
		out[k] = max(out[k], lvl)
	}
	return out
}

func (m *EditorModel) treeLines(w, h int) []string {
	st, sym := m.th.Styles, m.th.Symbols
	lines := make([]string, h)
	rows := m.rows()
	cur := -1
	for i, r := range rows {
		if r.path.Equal(m.ed.Selection()) {
			cur = i
		}
	}
	if len(rows) == 0 {
		for i, l := range wrap(m.edtx("empty"), w-1) {
			if i < h {
				lines[i] = st.Note.Render(l)
			}
		}
		return lines
	}
	// Update keeps the selection in view (treeScroll).
	top := max(0, min(m.treeTop, len(rows)-h))
	marks := m.problemMarks()
	for i := 0; i < h && top+i < len(rows); i++ {
		r := rows[top+i]
		mark := " "
		switch marks[r.path.Key()] {
		case 2:
			mark = st.Error.Render(sym.Error)
		case 1:
			mark = st.Warning.Render(sym.Warning)
		}
		exp := ""
		if r.item.IsGroup() {
			exp = "- "
			if m.collapsed[r.path.Key()] {
				exp = "+ "
			}
		}
		suffix := ""
		if r.item.Condition != "" {
			suffix += " ?"
		}
		if r.item.Disabled {
			suffix += " " + m.edtx("tree.off")
		}
		indent := strings.Repeat("  ", r.depth)
		avail := w - 3 - len(indent) - len(exp) - lipgloss.Width(suffix)
		name := truncate(r.item.Name, max(avail, 1), sym.Ellipsis)
		text := indent + exp + name
		style := st.NavDone
		if r.item.IsGroup() {
			style = st.Group
		}
		if r.item.Disabled || m.disabledByParent(r.path) {
			style = st.NavPending
		}
		body := style.Render(text) + st.Note.Render(suffix)
		if top+i == cur {
			plain := pad(text+suffix, w-3)
			if m.focus == edFocusTree {
				body = st.MenuSelected.Render(plain)
			} else {
				body = st.LabelFocused.Render(plain)
			}
		}
		cursor := " "
		if top+i == cur {
			cursor = sym.Cursor
		}
		lines[i] = mark + cursor + " " + body
	}
	if top > 0 {
		lines[0] = "   " + st.More.Render(m.edMore(sym.MoreUp))
	}
	if top+h < len(rows) {
		lines[h-1] = "   " + st.More.Render(m.edMore(sym.MoreDown))
	}
	return lines
}

func (m *EditorModel) disabledByParent(p edit.Path) bool {
	for q := p.Parent(); len(q) > 0; q = q.Parent() {
		if it := m.ed.Item(q); it != nil && it.Disabled {
			return true
		}
	}
	return false
}

func (m *EditorModel) tabLine() string {
	st := m.th.Styles
	tabs := []string{m.edtx("tab.props"), m.edtx("tab.options")}
	var parts []string
	for i, t := range tabs {
		if i == m.tab {
			parts = append(parts, st.NavCurrent.Render(" "+t+" "))
		} else {
			parts = append(parts, st.NavPending.Render(" "+t+" "))
		}
	}
	return strings.Join(parts, " ")
}

// fieldProblems are the validation problems about one field of the
// selected item.
func (m *EditorModel) fieldProblems(key string) sequence.Problems {
	base := m.ed.Selection().Key()
	if m.overlay == edSeq || m.overlay == edListView && m.list != nil && m.list.vars {
		base = ""
	}
	var out sequence.Problems
	for _, p := range m.probs {
		path, rest := edit.ParseKey(p.Path)
		if path.Key() != base {
			continue
		}
		k, _, _ := strings.Cut(rest, ".")
		if i := strings.IndexByte(k, '['); i >= 0 && !strings.ContainsAny(key, "[.") {
			k = k[:i]
		}
		if strings.ContainsAny(key, "[.") {
			k = rest
		}
		if k == key || (key == "name" && rest == "") {
			out = append(out, p)
			continue
		}
		// The sequence's variables: a problem names the variable
		// (variables.NAME), the field its entry (variables[2].name).
		if m.list != nil && m.list.vars && strings.HasPrefix(key, "variables[") && strings.HasSuffix(key, "].name") {
			var i int
			if _, err := fmt.Sscanf(key, "variables[%d].name", &i); err == nil && i < len(m.ed.Sequence().Variables) {
				name := m.ed.Sequence().Variables[i].Name
				if rest == "variables."+name || rest == "variables."+strconv.Quote(name) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

func (m *EditorModel) paneLines(w, h int) []string {
	st := m.th.Styles
	p := &pane{width: w, focusTop: -1}
	it := m.ed.Selected()
	if it == nil {
		p.text(st.Note, m.edtx("empty"), "")
		return m.scrollPane(p, h)
	}
	if it.IsGroup() {
		p.text(st.Note, m.edtx("group.help"), "")
	} else if si, ok := sequence.LookupStep(it.Type); ok {
		dot := " " + m.th.Symbols.Dot + " "
		info := m.stepName(si) + dot + fmt.Sprintf(m.edtx("wizard.name"), m.stepWizardName(si)) + dot + fmt.Sprintf(m.edtx("runs.in"), it.RunIn)
		p.text(st.Note, info, "")
	}
	p.blank()
	focusable := m.focus == edFocusPane
	focus := -1
	if focusable {
		focus = m.field
	}
	m.fieldLines(p, m.fields(), focus, w)
	if !focusable {
		// Keep the top of the tabs in view while the tree has the focus.
		p.focusTop, p.focusBot = 0, 0
	}
	// The tab bar stays on the first row; the rest scrolls under it.
	return append([]string{m.tabLine()}, m.scrollPane(p, max(1, h-1))...)
}

// fieldLines draws fields; focus is the focused one (-1: none).
func (m *EditorModel) fieldLines(p *pane, fs []edField, focus, w int) {
	st, sym := m.th.Styles, m.th.Symbols
	for i, f := range fs {
		focused := i == focus
		start := len(p.lines)
		cur := "  "
		labelStyle := st.Label
		if focused {
			cur, labelStyle = sym.Cursor+" ", st.LabelFocused
		}
		switch f.kind {
		case edCheck:
			box := sym.CheckOff
			if f.get() == "true" {
				box = sym.CheckOn
			}
			ind := strings.Repeat(" ", 3+lipgloss.Width(box))
			for j, l := range wrap(box+" "+f.label, w-2) {
				if j == 0 {
					p.add(cur + labelStyle.Render(l))
				} else {
					p.add(ind + labelStyle.Render(strings.TrimLeft(l, " ")))
				}
			}
		case edChoice:
			p.add(cur + labelStyle.Render(f.label))
			var opts []string
			for _, o := range f.options {
				shown := o
				if o == "" {
					shown = m.edtx("choice.none")
				}
				if o == f.get() {
					style := st.Option
					if focused {
						style = st.OptionOn
					}
					opts = append(opts, style.Render(sym.RadioOn+" "+shown))
				} else {
					opts = append(opts, st.Option.Render(sym.RadioOff+" "+shown))
				}
			}
			line := "    "
			for _, o := range opts {
				if lipgloss.Width(line)+lipgloss.Width(o)+2 > w && line != "    " {
					p.add(line)
					line = "    "
				}
				line += o + "  "
			}
			p.add(strings.TrimRight(line, " "))
		case edInfo:
			p.text(st.Note, f.label+": "+f.get(), "  ")
		case edList:
			p.add(cur + labelStyle.Render(f.label))
			p.text(st.SummaryValue, f.get(), "    ")
		case edCond:
			p.add(cur + labelStyle.Render(f.label))
			text := f.get()
			if text == "" {
				p.text(st.Note, m.edtx("cond.always"), "    ")
			} else if x, err := condition.Parse(text); err == nil {
				p.text(st.SummaryValue, m.seqtx(condition.DescribeMessage(x)), "    ")
				p.text(st.Command, text, "    ")
			} else {
				p.text(st.Command, text, "    ")
			}
		default:
			p.add(cur + labelStyle.Render(f.label))
			_, typed := m.bufs[f.key]
			p.add("  " + m.edInput(m.fieldText(f), m.curs[f.key], typed, focused, w-2))
		}
		if e := m.errs[f.key]; e != "" {
			p.text(st.Error, sym.Error+" "+e, "  ")
		} else {
			for _, pr := range m.fieldProblems(f.key) {
				style, mark := st.Error, sym.Error
				if pr.Warning {
					style, mark = st.Warning, sym.Warning
				}
				p.text(style, mark+" "+m.probText(pr), "  ")
			}
		}
		if focused {
			if f.help != "" {
				p.text(st.FieldHelp, f.help, "  ")
			}
			p.focusTop, p.focusBot = start, len(p.lines)-1
		}
	}
}

// scrollPane cuts the pane's lines to h rows, keeping the focused part
// in view, with "more" hints. Hand-rolled: the offset follows the focused
// field, which bubbles' viewport knows nothing of.
func (m *EditorModel) scrollPane(p *pane, h int) []string {
	st := m.th.Styles
	top := m.paneTop
	if p.focusTop >= 0 {
		if p.focusBot > top+h-2 {
			top = p.focusBot - h + 2
		}
		if p.focusTop < top+1 {
			top = max(0, p.focusTop-1)
		}
	}
	top = max(0, min(top, len(p.lines)-h))
	m.paneTop = top
	lines := make([]string, h)
	for i := 0; i < h && top+i < len(p.lines); i++ {
		lines[i] = p.lines[top+i]
	}
	if top > 0 {
		lines[0] = st.More.Render(m.edMore(m.th.Symbols.MoreUp))
	}
	if top+h < len(p.lines) {
		lines[h-1] = st.More.Render(m.edMore(m.th.Symbols.MoreDown))
	}
	return lines
}

// edInput draws a one-line input, with the cursor when focused.
func (m *EditorModel) edInput(val string, pos int, typed, focused bool, width int) string {
	return m.edInputW(val, pos, typed, focused, width, 60)
}

// edInputW is edInput at most maxW cells wide inside the brackets.
func (m *EditorModel) edInputW(val string, pos int, typed, focused bool, width, maxW int) string {
	st := m.th.Styles
	iw := max(4, min(width-2, maxW))
	if !focused {
		vis, _ := visibleSpan(val, 0, iw)
		return "[" + st.Input.Render(pad(vis, iw)) + "]"
	}
	if !typed || pos > len([]rune(val)) {
		pos = len([]rune(val))
	}
	vis, off := visibleSpan(val, pos, iw)
	r := []rune(vis)
	cells, i := 0, 0
	for i < len(r) && cells < off {
		cells += lipgloss.Width(string(r[i]))
		i++
	}
	before, at, after := string(r[:i]), " ", ""
	if i < len(r) {
		at, after = string(r[i]), string(r[i+1:])
	}
	return "[" + pad(st.InputFocused.Render(before)+cursorCell(m.th, at)+st.InputFocused.Render(after), iw) + "]"
}

func (m *EditorModel) addLines(w, h int) []string {
	st, sym := m.th.Styles, m.th.Symbols
	p := &pane{width: w, focusTop: -1}
	p.add(st.PageTitle.Render(m.edtx("add.title")))
	p.text(st.Note, m.edtx("add.help"), "")
	col := min(40, w/2)
	cat := "-"
	for i, e := range addEntries() {
		if e.category != cat {
			cat = e.category
			if cat != "" {
				p.add(st.Group.Render(m.categoryName(cat)))
			}
		}
		name, wiz := m.edtx("add.group"), ""
		if e.info != nil {
			name = m.stepName(e.info)
			wiz = fmt.Sprintf(m.edtx("wizard.name"), m.stepWizardName(e.info))
		}
		// Both columns cut with an ellipsis, never at the screen's edge.
		wiz = truncate(wiz, max(1, w-2-col), sym.Ellipsis)
		line := pad(truncate(name, col-1, sym.Ellipsis), col) + st.Note.Render(wiz)
		if i == m.addSel {
			p.add(sym.Cursor + " " + st.MenuSelected.Render(pad(truncate(name, col-1, sym.Ellipsis), col)) + st.Note.Render(wiz))
			p.focusTop, p.focusBot = len(p.lines)-1, len(p.lines)-1
		} else {
			p.add("  " + line)
		}
	}
	m.paneTop = 0
	return m.scrollPane(p, h)
}

func (m *EditorModel) builderLines(w, h int) []string {
	st, sym := m.th.Styles, m.th.Symbols
	cb := m.cb
	p := &pane{width: w, focusTop: -1}
	p.add(st.PageTitle.Render(fmt.Sprintf(m.edtx("cb.title"), cb.item)))
	if cb.text {
		p.text(st.Label, m.edtx("cb.text"), "")
		p.add(m.edInputW(cb.buf, cb.cur, true, true, w, w-2))
		if cb.perr != nil {
			// The text up to the error (its end when long), and a caret
			// under the column.
			lines := strings.Split(cb.buf, "\n")
			line := []rune(lines[min(cb.perr.Line, len(lines))-1])
			col := max(0, min(cb.perr.Col-1, len(line)))
			before, after := string(line[:col]), string(line[col:])
			if keep := w / 2; lipgloss.Width(before) > keep {
				r := []rune(before)
				before = sym.Ellipsis + string(r[len(r)-keep+1:])
			}
			p.add(" " + st.Command.Render(truncate(before+after, w-2, sym.Ellipsis)))
			p.add(" " + strings.Repeat(" ", lipgloss.Width(before)) + st.Error.Render("^"))
			p.text(st.Error, sym.Error+" "+cb.perr.Error(), "")
		} else if strings.TrimSpace(cb.buf) != "" {
			x, _ := condition.Parse(cb.buf)
			p.text(st.NavTick, sym.Tick+" "+m.edtx("cb.textok"), "")
			p.text(st.SummaryValue, fmt.Sprintf(m.edtx("cb.words"), m.seqtx(condition.DescribeMessage(x))), "")
		} else {
			p.text(st.Note, m.edtx("cb.always"), "")
		}
		p.focusTop, p.focusBot = 0, len(p.lines)-1
	} else {
		rows := cb.rows()
		cb.sel = max(0, min(cb.sel, len(rows)-1))
		for i, r := range rows {
			var text string
			if g, ok := r.node.(*condition.Group); ok {
				w := []rune(m.opWord(g.Op))
				text = fmt.Sprintf(m.edtx("cb.root"), strings.ToUpper(string(w[:1]))+string(w[1:]))
				if r.depth > 0 {
					text = fmt.Sprintf(m.edtx("cb.sub"), m.opWord(g.Op))
				}
			} else {
				text = m.seqtx(condition.DescribeMessage(r.node))
			}
			indent := strings.Repeat("  ", r.depth)
			if i == cb.sel && !cb.form && !cb.adding {
				p.add(sym.Cursor + " " + st.MenuSelected.Render(truncate(indent+text, w-3, sym.Ellipsis)))
				p.focusTop, p.focusBot = len(p.lines)-1, len(p.lines)-1
			} else {
				style := st.Option
				if _, ok := r.node.(*condition.Group); ok {
					style = st.Group
				}
				for j, l := range wrap(indent+text, w-2) {
					if j > 0 {
						l = indent + "  " + strings.TrimLeft(l, " ")
					}
					p.add("  " + style.Render(l))
				}
			}
		}
		if len(cb.root.Items) == 0 {
			p.text(st.Note, m.edtx("cb.empty"), "  ")
		}
		if cb.form {
			m.formLines(p, w)
		}
		if cb.adding {
			p.blank()
			p.add(st.Group.Render(m.edtx("cb.add")))
			for i, t := range condTypes {
				if i == cb.addSel {
					p.add(sym.Cursor + " " + st.MenuSelected.Render(m.edtx(t.key)))
					p.focusTop, p.focusBot = len(p.lines)-1, len(p.lines)-1
				} else {
					p.add("  " + st.Menu.Render(m.edtx(t.key)))
				}
			}
		}
		p.blank()
		if msg := cb.check(); msg != "" {
			p.text(st.Error, sym.Error+" "+msg, "")
		} else if t := cb.result(); t == "" {
			p.text(st.Note, m.edtx("cb.always"), "")
		} else {
			p.text(st.Command, t, "")
		}
	}
	if cb.msg != "" {
		style := st.Note
		if cb.msgErr {
			style = st.Error
		}
		p.text(style, cb.msg, "")
	}
	m.paneTop = 0
	return m.scrollPane(p, h)
}

func (m *EditorModel) formLines(p *pane, w int) {
	st, sym := m.th.Styles, m.th.Symbols
	cb := m.cb
	p.blank()
	for i, f := range cb.formFields() {
		focused := i == cb.formField
		start := len(p.lines)
		cur, ls := "  ", st.Label
		if focused {
			cur, ls = sym.Cursor+" ", st.LabelFocused
		}
		switch {
		case f.check:
			box := sym.CheckOff
			if f.get() == "true" {
				box = sym.CheckOn
			}
			p.add(cur + ls.Render(box+" "+f.label))
		case f.options != nil:
			// The choices follow the label; those that do not fit go
			// on the next rows, under the first choice.
			head := cur + ls.Render(f.label+": ")
			indent := lipgloss.Width(head)
			if indent > w/2 {
				p.add(head)
				head, indent = "    ", 4
			}
			line := head
			for _, o := range f.options {
				var c string
				if o == f.get() {
					c = st.OptionOn.Render(sym.RadioOn + " " + o)
				} else if focused {
					c = st.Option.Render(sym.RadioOff + " " + o)
				} else {
					continue
				}
				if lipgloss.Width(line) > indent && lipgloss.Width(line)+lipgloss.Width(c) > w {
					p.add(strings.TrimRight(line, " "))
					line = strings.Repeat(" ", indent)
				}
				line += c + " "
			}
			p.add(strings.TrimRight(line, " "))
		default:
			for j, l := range wrap(f.label, w-2) {
				if j == 0 {
					p.add(cur + ls.Render(l))
				} else {
					p.add("  " + ls.Render(l))
				}
			}
			val, ok := cb.fbufs[i]
			if !ok {
				val = f.get()
			}
			p.add("  " + m.edInput(val, cb.fcur[i], ok, focused, w-2))
		}
		if focused {
			p.focusTop, p.focusBot = start, len(p.lines)-1
		}
	}
	if cb.ferr != "" {
		p.text(st.Error, sym.Error+" "+cb.ferr, "  ")
	}
}

// helpContent is the help overlay's text, all of it (helpView scrolls
// it).
func (m *EditorModel) helpContent(w int) []string {
	st := m.th.Styles
	p := &pane{width: w, focusTop: -1}
	p.add(st.Group.Render(m.edtx("help.title")))
	sym := m.th.Symbols
	rows := m.helpKeyLines(sym.UpDown, sym.LeftRight) // the keymap's rows (edKeys.helpRows)
	col := 17
	for _, r := range rows {
		col = max(col, lipgloss.Width(r[0])+2)
	}
	for _, r := range rows {
		key, what := r[0], r[1]
		for i, wl := range wrap(what, w-col) {
			if i == 0 {
				p.add(st.FooterKey.Render(pad(key, col)) + st.PageHelp.Render(wl))
			} else {
				p.add(strings.Repeat(" ", col) + st.PageHelp.Render(wl))
			}
		}
	}
	p.text(st.FieldHelp, m.edtx("help.marks"), "")
	p.text(st.Note, m.edtx("help.close"), "")
	return p.lines
}

func (m *EditorModel) problemLines(width, h int) []string {
	st, sym := m.th.Styles, m.th.Symbols
	lines := make([]string, 0, h)
	errs, warns := len(m.probs.Errors()), len(m.probs.Warnings())
	head := m.edtx("problems.none")
	style := st.NavTick
	if len(m.probs) > 0 {
		head = fmt.Sprintf(m.edtx("problems.count"), errs, warns)
		style = st.Group
	}
	// A rule under the body, with the theme's glyph.
	dash := m.th.Symbols.Rule
	if dash == "" {
		dash = "-"
	}
	rule := strings.Repeat(dash, max(0, width-lipgloss.Width(head)-2)/max(1, lipgloss.Width(dash)))
	lines = append(lines, style.Render(head)+" "+st.Separator.Render(rule))
	n := h - 1
	if n <= 0 {
		return lines
	}
	// Hand-rolled: the list follows its selection (probSel), which
	// bubbles' viewport knows nothing of.
	top := 0
	if m.focus == edFocusProblems && m.probSel >= n {
		top = m.probSel - n + 1
	}
	for i := top; i < len(m.probs) && len(lines) < h; i++ {
		pr := m.probs[i]
		mark, ms := sym.Error, st.Error
		if pr.Warning {
			mark, ms = sym.Warning, st.Warning
		}
		where := pr.Path
		if path, _ := edit.ParseKey(pr.Path); len(path) > 0 {
			if it := m.ed.Item(path); it != nil {
				where = it.Name
			}
		}
		text := truncate(where+": "+m.probText(pr), width-4, sym.Ellipsis)
		if m.focus == edFocusProblems && i == m.probSel {
			lines = append(lines, ms.Render(mark)+sym.Cursor+" "+st.MenuSelected.Render(text))
		} else {
			lines = append(lines, ms.Render(mark)+"  "+st.PageHelp.Render(text))
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines
}

// maxStatusRows is how many rows a long status message may take (the
// body gives them up); a message is never cut, so that every key hint in
// it shows.
const maxStatusRows = 3

// statusLines are the status message's rows: one, or the message
// wrapped to the width (at most maxStatusRows).
func (m *EditorModel) statusLines(width int) []string {
	st := m.th.Styles
	text, style := m.status, st.Status
	switch m.overlay {
	case edAskRemove:
		it := m.ed.Selected()
		extra := ""
		if it != nil && it.IsGroup() && len(it.Steps) > 0 {
			extra = fmt.Sprintf(m.edtx("ask.remove.g"), len(it.Steps))
		}
		name := ""
		if it != nil {
			name = it.Name
		}
		text, style = fmt.Sprintf(m.edtx("ask.remove"), name, extra), st.StatusError
	case edAskQuit:
		text, style = fmt.Sprintf(m.edtx("ask.quit"), filepath.Base(m.path)), st.StatusError
	default:
		if m.status != "" && m.statusErr {
			text, style = m.th.Symbols.Error+" "+m.status, st.StatusError
		}
	}
	if text == "" {
		return []string{""}
	}
	rows := wrapHints(text, width)
	if len(rows) > maxStatusRows {
		rows = rows[:maxStatusRows]
		rows[maxStatusRows-1] = truncate(rows[maxStatusRows-1]+" "+m.th.Symbols.Ellipsis, width, m.th.Symbols.Ellipsis)
	}
	for i, r := range rows {
		rows[i] = style.Render(r)
	}
	return rows
}

func (m *EditorModel) footer(width int) string {
	st := m.th.Styles
	k := func(key, what string) string { return st.FooterKey.Render(key) + " " + st.Footer.Render(what) }
	var parts []string
	switch {
	case m.overlay == edAdd:
		parts = []string{k(m.th.Symbols.UpDown, m.edtx("key.choose")), k("enter", m.edtx("key.add")), k("esc", m.edtx("key.back"))}
	case m.overlay == edHelp:
		parts = []string{k(m.th.Symbols.UpDown+" pgup pgdn", m.edtx("key.scroll")), k("esc", m.edtx("key.back"))}
		if !m.helpView.AtTop() || !m.helpView.AtBottom() {
			parts = append(parts, st.Note.Render(fmt.Sprintf("%3.0f%%", m.helpView.ScrollPercent()*100)))
		}
	case m.overlay == edSeq:
		parts = []string{k("tab", m.edtx("key.field")), k(m.th.Symbols.LeftRight, m.edtx("key.choose")), k("esc", m.edtx("key.back")), k("ctrl+z", m.edtx("key.undo")), k("ctrl+s", m.edtx("key.save"))}
	case m.overlay == edListView && m.list.form:
		parts = []string{k("tab", m.edtx("key.field")), k(m.th.Symbols.LeftRight, m.edtx("key.choose")), k("esc", m.edtx("key.back")), k("ctrl+z", m.edtx("key.undo"))}
	case m.overlay == edListView:
		parts = []string{k("a", m.edtx("key.add")), k("enter", m.edtx("key.edit")), k("del", m.edtx("key.remove")), k("[ ]", m.edtx("key.move")),
			k("esc", m.edtx("key.done")), k("ctrl+z", m.edtx("key.undo"))}
	case m.overlay == edBuilder && m.cb.text:
		parts = []string{k("tab", m.edtx("key.tree")), k("esc", m.edtx("key.done")), k("ctrl+u", m.edtx("key.clear"))}
	case m.overlay == edBuilder && m.cb.form:
		parts = []string{k("tab", m.edtx("key.field")), k(m.th.Symbols.LeftRight, m.edtx("key.choose")), k("esc", m.edtx("key.back"))}
	case m.overlay == edBuilder:
		parts = []string{k("a", m.edtx("key.add")), k("g", m.edtx("key.group")), k("enter", m.edtx("key.edit")), k("space", m.edtx("key.op")),
			k("del", m.edtx("key.remove")), k("t", m.edtx("key.text")), k("esc", m.edtx("key.done")), k("c", m.edtx("key.copy")), k("p", m.edtx("key.paste"))}
	case m.focus == edFocusPane:
		parts = []string{k("tab", m.edtx("key.field")), k("ctrl+t", m.edtx("key.tab")), k("esc", m.edtx("key.tree")), k("ctrl+z", m.edtx("key.undo")),
			k("ctrl+s", m.edtx("key.save"))}
		if fs := m.fields(); m.field < len(fs) {
			switch fs[m.field].kind {
			case edCheck:
				parts = append([]string{k("space", m.edtx("key.toggle"))}, parts...)
			case edChoice:
				parts = append([]string{k(m.th.Symbols.LeftRight, m.edtx("key.choose"))}, parts...)
			case edCond:
				parts = append([]string{k("enter", m.edtx("key.edit"))}, parts...)
			}
		}
	case m.focus == edFocusProblems:
		parts = []string{k(m.th.Symbols.UpDown, m.edtx("key.nav")), k("enter", m.edtx("key.jump")), k("esc", m.edtx("key.tree"))}
	default:
		return m.footerHelp(width, m.treeShortHelp())
	}
	line := " " + strings.Join(parts, "  ")
	for lipgloss.Width(line) > width && len(parts) > 1 {
		parts = parts[:len(parts)-1]
		line = " " + strings.Join(parts, "  ")
	}
	return line
}
