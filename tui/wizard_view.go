package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/wizard"
)

// Layout: a title line, the body (page list | page), a status line and a
// footer. At 80x25 the page list is 24 cells wide and the page 53.
const (
	minNav  = 24
	wideNav = 28
)

func (m *WizardModel) navWidth() int {
	switch {
	case m.width >= 100:
		return wideNav
	case m.width >= 60:
		return minNav
	}
	return 0
}

// View implements tea.Model.
func (m *WizardModel) View() string {
	width, height := max(m.width, 20), max(m.height, 6)
	st := m.th.Styles
	bodyH := height - 3
	navW := m.navWidth()
	sepW := 0
	if navW > 0 {
		sepW = 2 // separator and a space
	}
	rw := width - navW - sepW - 1 // one cell of right margin

	var out []string
	title := " " + fmt.Sprintf(tx("title"), m.th.Symbols.Dot)
	pos := fmt.Sprintf(tx("title.page"), m.pageNumber(), len(m.w.Pages()))
	gap := width - lipgloss.Width(title) - lipgloss.Width(pos)
	if gap < 1 {
		title = truncate(title, width-lipgloss.Width(pos)-1, m.th.Symbols.Ellipsis)
		gap = width - lipgloss.Width(title) - lipgloss.Width(pos)
	}
	out = append(out, st.TitleBar.Render(title+strings.Repeat(" ", max(gap, 0))+pos))

	nav := m.navLines(navW, bodyH)
	right := m.pageLines(rw, bodyH)
	sep := st.Separator.Render(m.th.Symbols.Separator)
	for i := 0; i < bodyH; i++ {
		var line string
		if navW > 0 {
			line = pad(nav[i], navW) + sep + " "
		}
		line += right[i]
		out = append(out, line)
	}
	out = append(out, m.statusLine(width), m.footer(width))
	for i, l := range out {
		out[i] = truncate(l, width, "")
	}
	return strings.Join(out, "\n")
}

func (m *WizardModel) pageNumber() int {
	for i, p := range m.w.Pages() {
		if p.ID == m.w.CurrentID() {
			return i + 1
		}
	}
	return 0
}

func (m *WizardModel) navLines(navW, h int) []string {
	lines := make([]string, h)
	if navW == 0 {
		return lines
	}
	st, sym := m.th.Styles, m.th.Symbols
	i := 0
	for _, p := range m.w.Pages() {
		if i >= h {
			break
		}
		name := truncate(p.NavTitle(), navW-3, sym.Ellipsis)
		switch {
		case p.ID == m.w.CurrentID():
			lines[i] = st.NavCurrent.Render(pad(sym.Current+" "+name, navW-1))
		case m.w.Done(p.ID):
			lines[i] = st.NavTick.Render(sym.Tick) + " " + st.NavDone.Render(name)
		default:
			lines[i] = "  " + st.NavPending.Render(name)
		}
		i++
	}
	return lines
}

// pane collects the page's lines and where the focused part is.
type pane struct {
	width              int
	lines              []string
	focusTop, focusBot int
	forceTop           int // >= 0: scroll to this line (the Summary's list)
	listStart          int // > 0: the line where the Summary's list starts
}

func (p *pane) add(s string) { p.lines = append(p.lines, truncate(s, p.width, "")) }

func (p *pane) text(style lipgloss.Style, s, indent string) {
	for _, l := range wrap(s, p.width-lipgloss.Width(indent)) {
		p.add(indent + style.Render(l))
	}
}

func (p *pane) blank() { p.add("") }

func (m *WizardModel) pageLines(rw, h int) []string {
	return m.scrollPage(m.buildPage(rw), h)
}

// buildPage lays out the whole page, unscrolled.
func (m *WizardModel) buildPage(rw int) *pane {
	p := &pane{width: rw, focusTop: -1, forceTop: -1}
	st := m.th.Styles
	page := m.w.Current()
	p.add(st.PageTitle.Render(page.Title()))
	p.blank()
	if m.help {
		m.helpLines(p)
	} else {
		p.text(st.PageHelp, page.Help(), "")
		p.blank()
		switch m.w.CurrentID() {
		case wizard.PageProgress:
			m.progressLines(p)
		case wizard.PageCompletion:
			m.completionLines(p)
		default:
			m.fieldLines(p)
			if m.w.CurrentID() == wizard.PageSummary {
				m.summaryLines(p)
			}
		}
	}
	if m.help {
		p.forceTop = m.helpScroll
	}
	return p
}

// scrollPage cuts the page to h rows: the focused part in view, or where
// the help or the Summary's list was scrolled to.
func (m *WizardModel) scrollPage(p *pane, h int) []string {
	st := m.th.Styles
	// Scroll so the focused part shows.
	// When the page is longer than the pane, the first and last rows may
	// hold "more" hints, so the focused part must fit between them.
	top := 0
	if p.focusTop >= 0 && len(p.lines) > h {
		if p.focusBot > h-2 {
			top = p.focusBot - h + 2
		}
		if top > 0 && p.focusTop < top+1 {
			top = max(0, p.focusTop-1)
		}
	}
	if p.forceTop >= 0 {
		top = p.forceTop
	}
	top = max(0, min(top, len(p.lines)-h))
	lines := make([]string, h)
	for i := 0; i < h; i++ {
		if top+i < len(p.lines) {
			lines[i] = p.lines[top+i]
		}
	}
	if top > 0 {
		lines[0] = st.More.Render(localMore(m.th.Symbols.MoreUp))
	}
	if top+h < len(p.lines) {
		lines[h-1] = st.More.Render(localMore(m.th.Symbols.MoreDown))
	}
	return lines
}

// localMore translates the word of a scroll hint ("↑ more").
func localMore(s string) string { return strings.Replace(s, "more", tx("more"), 1) }

func (m *WizardModel) fieldLines(p *pane) {
	w := m.w
	st, sym := m.th.Styles, m.th.Symbols
	focusable := m.fields()
	fi := 0
	appAt := -1
	for _, f := range m.w.Current().VisibleFields(w) {
		focused := false
		if f.Editable() {
			focused = fi == m.focus
			fi++
		}
		start := len(p.lines)
		cur := "  "
		label := f.Label(w)
		if focused {
			cur = sym.Cursor + " "
		}
		labelStyle := st.Label
		if focused {
			labelStyle = st.LabelFocused
		}
		req := ""
		if f.IsRequired(w) {
			req = st.Required.Render(" *")
		}
		switch {
		case f.Kind == wizard.KindNote:
			p.text(st.Note, label+": "+f.Get(w), "  ")
		case f.Kind == wizard.KindBool:
			box := sym.CheckOff
			if f.Get(w) == "true" {
				box = sym.CheckOn
			}
			lines := wrap(box+" "+label, p.width-2)
			for i, l := range lines {
				pre := cur
				if i > 0 {
					pre = "  " + strings.Repeat(" ", lipgloss.Width(box)+1)
					l = strings.TrimLeft(l, " ")
				}
				p.add(pre + labelStyle.Render(l))
			}
		case f.Kind == wizard.KindApps:
			p.add(cur + labelStyle.Render(label))
			appAt = m.appLines(p, focused)
		case f.IsList(w):
			p.add(cur + labelStyle.Render(label) + req)
			for _, o := range f.Options(w) {
				on := o.Value == f.Get(w)
				mark, style := sym.RadioOff, st.Option
				if on {
					mark = sym.RadioOn
					if focused {
						style = st.OptionOn
					}
				}
				indent := strings.Repeat(" ", 5+lipgloss.Width(mark))
				for i, l := range wrap(o.Label, p.width-len(indent)) {
					if i == 0 {
						p.add("    " + style.Render(mark+" "+l))
					} else {
						p.add(indent + style.Render(l))
					}
				}
			}
		default:
			p.add(cur + labelStyle.Render(label) + req)
			p.add("  " + m.inputLine(f, focused, p.width-2))
		}
		if f.Editable() && (m.touched[f.ID] || m.showAll[w.CurrentID()]) {
			if e := errText(f.Error(w)); e != "" {
				p.text(st.Error, sym.Error+" "+e, "  ")
			}
		}
		if wn := errText(f.Warning(w)); wn != "" {
			p.text(st.Warning, sym.Warning+" "+wn, "  ")
		}
		if focused {
			if h := f.Help(w); h != "" && h != f.ID+".help" {
				p.text(st.FieldHelp, h, "  ")
			}
			p.focusTop, p.focusBot = start, len(p.lines)-1
			if f.Kind == wizard.KindApps && appAt >= 0 {
				// The selected entry, not the whole list, must show.
				p.focusTop, p.focusBot = max(start, appAt-1), appAt
			}
		}
	}
	// Page-level problems (an application with errors).
	if m.showAll[w.CurrentID()] || w.CurrentID() == wizard.PageApps {
		for _, e := range w.PageErrors(w.CurrentID()) {
			if !e.Field.Visible(w) || e.Field.Kind == wizard.KindApps {
				if e.Field.Kind == wizard.KindApps {
					p.text(st.Error, sym.Error+" "+e.Msg, "  ")
				}
			}
		}
	}
	if len(focusable) == 0 && m.w.CurrentID() != wizard.PageSummary {
		p.focusTop = -1
	}
}

func (m *WizardModel) inputLine(f *wizard.Field, focused bool, width int) string {
	st := m.th.Styles
	w := m.w
	val := f.Get(w)
	iw := max(4, min(width-2, 60))
	shown := val
	if f.Kind == wizard.KindSecret {
		switch {
		case wizard.IsSecretRef(val) && (val == "prompt" || strings.HasPrefix(val, "env:")):
		case strings.HasPrefix(val, "enc:") || strings.HasPrefix(val, "plain:"):
			shown = wizard.MaskSecret(val, f.ProductKey)
		case f.ProductKey && focused:
		case f.ProductKey:
			shown = wizard.MaskSecret(val, true)
		default:
			shown = strings.Repeat("*", len([]rune(val)))
		}
	}
	if !focused {
		vis, _ := visibleSpan(shown, 0, iw)
		return "[" + st.Input.Render(pad(vis, iw)) + "]"
	}
	pos, ok := m.cursors[f.ID]
	if !ok || pos > len([]rune(val)) {
		pos = len([]rune(val))
	}
	if len([]rune(shown)) != len([]rune(val)) {
		pos = len([]rune(shown))
	}
	vis, off := visibleSpan(shown, pos, iw)
	r := []rune(vis)
	// Split at the cursor cell.
	cells := 0
	i := 0
	for i < len(r) && cells < off {
		cells += lipgloss.Width(string(r[i]))
		i++
	}
	before, at, after := string(r[:i]), " ", ""
	if i < len(r) {
		at, after = string(r[i]), string(r[i+1:])
	}
	body := st.InputFocused.Render(before) + cursorCell(m.th, at) + st.InputFocused.Render(after)
	return "[" + pad(body, iw) + "]"
}

// appLines lists the applications; it returns the line of the selected
// one (-1: none).
func (m *WizardModel) appLines(p *pane, focused bool) int {
	w := m.w
	st, sym := m.th.Styles, m.th.Symbols
	if len(w.A.Apps) == 0 {
		p.text(st.Note, wizard.Msg("applications.empty"), "    ")
		return -1
	}
	at := -1
	for i, a := range w.A.Apps {
		mark := "  "
		style := st.Option
		if i == w.AppCursor && focused {
			mark, style = sym.Cursor+" ", st.OptionOn
		}
		if i == w.EditingApp {
			mark = sym.Bullet + " "
		}
		name := a.Name
		if strings.TrimSpace(name) == "" {
			name = wizard.Msgf("applications.unnamed", i+1)
		}
		line := fmt.Sprintf("%d. %s", i+1, name)
		if a.CommandLine != "" {
			line += " - " + a.CommandLine
		}
		if i == w.AppCursor {
			at = len(p.lines)
		}
		p.add("  " + mark + style.Render(truncate(line, p.width-6, sym.Ellipsis)))
	}
	return at
}

func (m *WizardModel) summaryLines(p *pane) {
	st := m.th.Styles
	p.blank()
	start := len(p.lines)
	// Warnings first: they do not block, but deserve a last look.
	for _, g := range m.w.Summary() {
		for _, wn := range m.w.PageWarnings(g.Page.ID) {
			p.text(st.Warning, m.th.Symbols.Warning+" "+g.Page.Title()+": "+wn.Msg, "")
		}
	}
	p.add(st.Group.Render(tx("summary.choices")))
	for _, g := range m.w.Summary() {
		p.add(st.Group.Render(g.Page.Title()))
		for _, it := range g.Items {
			p.text(st.SummaryValue, st.SummaryLabel.Render(it.Label+": ")+it.Value, "  ")
		}
	}
	p.blank()
	p.text(st.Note, tx("summary.write"), "")
	p.listStart = start
	if m.focus >= len(m.fields()) {
		p.forceTop = max(0, start-1+m.listScroll)
	}
}

func (m *WizardModel) progressLines(p *pane) {
	st, sym := m.th.Styles, m.th.Symbols
	switch {
	case m.writing:
		p.text(st.Note, tx("progress.writing"), "")
	case m.writeErr != "":
		p.text(st.Error, sym.Error+" "+tx("progress.failed"), "")
		p.text(st.Error, m.writeErr, "  ")
		p.blank()
		p.text(st.Note, tx("progress.back"), "")
	default:
		p.text(st.NavTick, sym.Tick+" "+tx("progress.written"), "")
		p.text(st.Command, m.result.Written, "  ")
		if m.writtenAbs != "" {
			p.text(st.Note, fmt.Sprintf(tx("progress.abs"), m.writtenAbs), "  ")
		}
		if s, g := m.steps, m.groups; s > 0 {
			p.text(st.Note, fmt.Sprintf(tx("progress.steps"), s, g), "  ")
		}
		if m.sealed {
			p.text(st.Note, tx("progress.sealed"), "  ")
		}
		for _, wn := range m.warnings {
			p.text(st.Warning, sym.Warning+" "+wn, "  ")
		}
		p.blank()
		p.text(st.Note, tx("progress.next"), "")
	}
}

func (m *WizardModel) completionLines(p *pane) {
	st, sym := m.th.Styles, m.th.Symbols
	p.text(st.PageHelp, tx("completion.done"), "")
	p.text(st.Command, m.result.Written, "  ")
	p.blank()
	for i, a := range completionActions {
		label := actionName(a)
		if a != ActionQuit && !m.opt.Available[a] {
			if m.opt.Notes[a] != "" {
				label += " " + tx("completion.cli")
			} else {
				label += fmt.Sprintf(tx("completion.pending"), actionIssue[a])
			}
		}
		if i == m.menu {
			p.add(sym.Cursor + " " + st.MenuSelected.Render(" "+label+" "))
		} else {
			p.add("   " + st.Menu.Render(label))
		}
	}
	p.blank()
	p.text(st.PageHelp, tx("completion.later"), "")
	cmds := m.opt.Commands(m.result.Written)
	for _, c := range cmds {
		p.add("  " + commandRow(m.th, c, m.cmdScroll, p.width-2))
	}
	if commandScrollMax(cmds, p.width-2) > 0 {
		p.text(st.Note, fmt.Sprintf(tx("completion.scroll"), m.th.Symbols.LeftRight), "  ")
	}
}

func (m *WizardModel) helpLines(p *pane) {
	st := m.th.Styles
	p.add(st.Group.Render(tx("help.title")))
	for _, l := range strings.Split(fmt.Sprintf(tx("help.keys"), m.th.Symbols.UpDown), "\n") {
		key, what, ok := strings.Cut(l, "  ")
		if !ok {
			p.text(st.PageHelp, l, "")
			continue
		}
		what = strings.TrimSpace(what)
		const col = 19
		for i, wl := range wrap(what, p.width-col) {
			if i == 0 {
				p.add(st.FooterKey.Render(pad(key, col)) + st.PageHelp.Render(wl))
			} else {
				p.add(strings.Repeat(" ", col) + st.PageHelp.Render(wl))
			}
		}
	}
	p.text(st.FieldHelp, fmt.Sprintf(tx("help.text"), m.th.Symbols.LeftRight), "")
	if m.w.CurrentID() == wizard.PageApps {
		p.text(st.FieldHelp, tx("help.apps"), "")
	}
	p.blank()
	p.text(st.PageHelp, m.w.Current().Help(), "")
	if f := m.focused(); f != nil {
		p.blank()
		p.text(st.LabelFocused, f.Label(m.w), "")
		p.text(st.FieldHelp, f.Help(m.w), "")
	}
}

func (m *WizardModel) statusLine(width int) string {
	st := m.th.Styles
	switch {
	case m.asking:
		return st.StatusError.Render(truncate(tx("status.cancel"), width, ""))
	case m.help:
		return st.Status.Render(truncate(fmt.Sprintf(tx("status.help"), m.th.Symbols.UpDown), width, m.th.Symbols.Ellipsis))
	case m.status != "":
		s := m.status
		if m.statusErr {
			return st.StatusError.Render(truncate(m.th.Symbols.Error+" "+s, width, m.th.Symbols.Ellipsis))
		}
		return st.Status.Render(truncate(s, width, m.th.Symbols.Ellipsis))
	}
	if f := m.focused(); f != nil {
		switch {
		case f.Kind == wizard.KindApps:
			return st.Footer.Render(tx("key.apps"))
		case f.IsList(m.w):
			return st.Footer.Render(m.th.Symbols.UpDown + " " + tx("key.choose"))
		case f.Kind == wizard.KindBool:
			return st.Footer.Render("space " + tx("key.toggle"))
		}
	}
	if m.w.CurrentID() == wizard.PageSummary && m.focus >= len(m.fields()) {
		return st.Footer.Render(m.th.Symbols.UpDown + " " + tx("key.scroll"))
	}
	return ""
}

func (m *WizardModel) footer(width int) string {
	st := m.th.Styles
	k := func(key, what string) string { return st.FooterKey.Render(key) + " " + st.Footer.Render(what) }
	var parts []string
	// In a text field ? is typed: the help is F1 there.
	helpKey := "?"
	if f := m.focused(); f != nil && isTextKind(f.Kind) {
		helpKey = "f1"
	}
	switch {
	case m.help:
		parts = []string{k(m.th.Symbols.UpDown, tx("key.scroll")), k("esc", tx("key.back"))}
	case m.askApp || m.asking:
		parts = []string{k("y", tx("key.yes")), k("n", tx("key.no"))}
	case m.w.CurrentID() == wizard.PageApps && m.w.EditingApp >= 0:
		parts = []string{k("enter/tab", tx("key.field")), k("esc", tx("key.abandon")), k(helpKey, tx("key.help"))}
	}
	switch id := m.w.CurrentID(); {
	case len(parts) > 0:
	case id == wizard.PageCompletion:
		parts = []string{k(m.th.Symbols.UpDown, tx("key.choose")), k("enter", tx("key.do")), k("q", tx("key.quit")), k("?", tx("key.help"))}
	case id == wizard.PageProgress:
		switch {
		case m.writing:
			// Keys wait until the file is written.
			parts = nil
		case m.result.Written != "":
			parts = []string{k("enter", tx("key.next")), k("esc", tx("key.quit"))}
		default:
			parts = []string{k("ctrl+p", tx("key.prev")), k("esc", tx("key.cancel"))}
		}
	case id == wizard.PageSummary:
		parts = []string{k("ctrl+n", tx("key.write")), k("ctrl+p", tx("key.prev")), k("pgdn", tx("key.scroll")), k("tab", tx("key.field")), k(helpKey, tx("key.help")), k("esc", tx("key.cancel"))}
	default:
		parts = []string{k("ctrl+n", tx("key.next")), k("ctrl+p", tx("key.prev")), k("tab", tx("key.field")), k("ctrl+s", tx("key.summary")), k(helpKey, tx("key.help")), k("esc", tx("key.cancel"))}
	}
	line := " " + strings.Join(parts, "  ")
	for lipgloss.Width(line) > width && len(parts) > 1 {
		parts = parts[:len(parts)-1]
		line = " " + strings.Join(parts, "  ")
	}
	return line
}
