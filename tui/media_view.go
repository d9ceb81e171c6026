package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// View implements tea.Model.
func (m *MediaModel) View() string {
	var nav []navItem
	num := 0
	for i, p := range m.w.Pages() {
		it := navItem{name: p.NavTitle()}
		switch {
		case p.ID == m.w.CurrentID():
			it.state = navCurrent
			num = i + 1
		case m.w.Done(p.ID):
			it.state = navDone
		}
		nav = append(nav, it)
	}
	return frame{
		th: m.th, width: m.width, height: m.height,
		title: fmt.Sprintf(mtx("title"), m.th.Symbols.Dot), pos: fmt.Sprintf(tx("title.page"), num, len(m.w.Pages())),
		nav: nav, page: m.pageLines,
		status: m.statusLine(max(m.width, 20)), footer: m.footer(max(m.width, 20)),
	}.render()
}

// pageSize is the width and height of the page pane (the frame's).
func (m *MediaModel) pageSize() (rw, h int) {
	width, height := max(m.width, 20), max(m.height, 6)
	navW := frameNavWidth(width)
	sepW := 0
	if navW > 0 {
		sepW = 2
	}
	return width - navW - sepW - 1, height - 3
}

func (m *MediaModel) pageLines(rw, h int) []string {
	p := &pane{width: rw, focusTop: -1, forceTop: -1}
	st := m.th.Styles
	page := m.w.Current()
	p.add(st.PageTitle.Render(page.Title()))
	p.blank()
	if m.help {
		m.helpLines(p)
		m.helpMax = max(0, len(p.lines)-h)
		m.helpScroll = min(m.helpScroll, m.helpMax)
		p.forceTop = m.helpScroll
	} else {
		p.text(st.PageHelp, page.Help(), "")
		p.blank()
		switch m.w.CurrentID() {
		case mediawiz.PageProgress:
			m.progressLines(p)
		case mediawiz.PageCompletion:
			m.completionLines(p)
		default:
			m.fieldLines(p)
			if m.w.CurrentID() == mediawiz.PageSummary {
				m.summaryLines(p)
			}
		}
	}
	return scrollPane(m.th, p, h)
}

// lines wraps text that may hold line breaks (a list of missing files).
func (p *pane) lines2(style lipgloss.Style, s, indent string) {
	for _, l := range strings.Split(s, "\n") {
		t := strings.TrimLeft(l, " ")
		p.text(style, t, indent+strings.Repeat(" ", len(l)-len(t)))
	}
}

func (m *MediaModel) fieldLines(p *pane) {
	w := m.w
	st, sym := m.th.Styles, m.th.Symbols
	fi := 0
	for _, f := range w.Current().VisibleFields(w) {
		focused := false
		if f.Editable() {
			focused = fi == m.focus
			fi++
		}
		start := len(p.lines)
		cur := "  "
		if focused {
			cur = sym.Cursor + " "
		}
		labelStyle := st.Label
		if focused {
			labelStyle = st.LabelFocused
		}
		req := ""
		if f.Required {
			req = st.Required.Render(" *")
		}
		label := f.Label(w)
		switch {
		case f.Kind == wizard.KindNote:
			p.text(st.Note, label+": "+f.Get(w), "  ")
		case f.Kind == wizard.KindBool:
			box := sym.CheckOff
			if f.Get(w) == "true" {
				box = sym.CheckOn
			}
			for i, l := range wrap(box+" "+label, p.width-2) {
				pre := cur
				if i > 0 {
					pre = "  " + strings.Repeat(" ", lipgloss.Width(box)+1)
					l = strings.TrimLeft(l, " ")
				}
				p.add(pre + labelStyle.Render(l))
			}
		case f.Kind == mediawiz.KindList:
			p.add(cur + labelStyle.Render(label))
			m.varLines(p, focused)
		case f.IsList(m.w):
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
				if n := f.OptionNote(w, o.Value); n != "" {
					p.text(st.Warning, sym.Error+" "+n, indent)
				}
			}
		default:
			p.add(cur + labelStyle.Render(label) + req)
			val := f.Get(w)
			shown := val
			if f.Kind == wizard.KindSecret && !strings.HasPrefix(val, "env:") {
				shown = strings.Repeat("*", len([]rune(val)))
			}
			pos, ok := m.cursors[f.ID]
			if !ok || pos > len([]rune(val)) {
				// The mask has a cell per character typed: the cursor
				// stays where typing goes.
				pos = len([]rune(shown))
			}
			p.add("  " + inputBox(m.th, shown, pos, focused, p.width-2))
		}
		if f.Editable() && (m.touched[f.ID] || m.showAll[w.CurrentID()]) || !f.Editable() {
			if e := errText(f.Error(w)); e != "" {
				p.lines2(st.Error, sym.Error+" "+e, "  ")
			}
		}
		if wn := errText(f.Warning(w)); wn != "" {
			p.text(st.Warning, sym.Warning+" "+wn, "  ")
		}
		if focused {
			if h := f.Help(w); h != "" {
				p.text(st.FieldHelp, h, "  ")
			}
			p.focusTop, p.focusBot = start, len(p.lines)-1
		}
	}
}

func (m *MediaModel) varLines(p *pane, focused bool) {
	w := m.w
	st, sym := m.th.Styles, m.th.Symbols
	lines := w.A.Vars
	if len(lines) == 0 {
		lines = []string{""}
	}
	for i, l := range lines {
		on := focused && i == m.varLine
		if !on && l == "" && len(lines) == 1 {
			p.text(st.Note, mediawiz.Msg("custom.variables.empty"), "    ")
			continue
		}
		pos, ok := m.cursors[fmt.Sprintf("custom.variables#%d", i)]
		if !ok {
			pos = len([]rune(l))
		}
		mark := "  "
		if on {
			mark = sym.Bullet + " "
		}
		p.add("  " + mark + inputBox(m.th, l, pos, on, p.width-4))
		if e := w.VarLineError(i); e != "" && l != "" && (m.touched["custom.variables"] || m.showAll[w.CurrentID()]) {
			p.text(st.Error, sym.Error+" "+e, "    ")
		}
	}
}

func (m *MediaModel) summaryLines(p *pane) {
	w := m.w
	st, sym := m.th.Styles, m.th.Symbols
	p.blank()
	start := len(p.lines)
	for id := mediawiz.PageType; id < mediawiz.PageSummary; id++ {
		for _, wn := range w.PageWarnings(id) {
			p.text(st.Warning, sym.Warning+" "+mediawiz.PageByID(id).Title()+": "+wn.Msg, "")
		}
	}
	p.add(st.Group.Render(mtx("summary.choices")))
	for _, it := range w.Summary() {
		p.text(st.SummaryValue, st.SummaryLabel.Render(it.Label+": ")+it.Value, "  ")
	}
	p.blank()
	if w.A.Target == mediawiz.TargetDevice {
		p.text(st.Warning, sym.Warning+" "+fmt.Sprintf(mtx("summary.erase"), w.Target()), "")
	}
	p.text(st.Note, mtx("summary.write"), "")
	if m.focus >= len(m.fields()) {
		p.forceTop = max(0, start-1+m.listScroll)
	}
}

func (m *MediaModel) progressLines(p *pane) {
	w := m.w
	st, sym := m.th.Styles, m.th.Symbols
	var phases []phaseState
	if m.prog != nil {
		phases = m.prog.snapshot()
	}
	if w.Writing {
		p.text(st.Note, fmt.Sprintf(mtx("progress.writing"), w.Target()), "")
		p.blank()
	}
	now := m.now()
	for i, ph := range phases {
		name := mtx("phase." + ph.name)
		last := i == len(phases)-1
		if !ph.end.IsZero() || !last || !w.Writing {
			took := ph.end
			if took.IsZero() {
				took = now
			}
			p.text(st.NavDone, st.NavTick.Render(sym.Tick)+" "+name+"  "+fmt.Sprintf(mtx("progress.took"), mb(ph.total), runClock(took.Sub(ph.start).Round(time.Second))), "")
			continue
		}
		pct := 0.0
		if ph.total > 0 {
			pct = float64(ph.done) / float64(ph.total)
		}
		p.add(st.NavCurrent.Render(sym.Current+" "+name) + fmt.Sprintf(" %3d%%", int(pct*100)))
		bw := max(4, min(p.width-4, 50))
		filled := int(pct * float64(bw))
		p.add("  " + st.NavTick.Render(strings.Repeat("#", filled)) + st.More.Render(strings.Repeat(".", bw-filled)))
		el := now.Sub(ph.start).Seconds()
		rate := 0.0
		if el > 0 {
			rate = float64(ph.done) / el
		}
		line := fmt.Sprintf(mtx("progress.rate"), mb(ph.done), mb(ph.total), mb(int64(rate)))
		if rate > 0 && ph.total > ph.done {
			line += fmt.Sprintf(mtx("progress.eta"), runClock(time.Duration(float64(ph.total-ph.done)/rate*float64(time.Second)).Round(time.Second)))
		}
		p.text(st.Note, line, "  ")
	}
	switch {
	case w.Writing:
	case w.Written != "":
		p.blank()
		p.text(st.NavTick, sym.Tick+" "+mtx("progress.done"), "")
		p.text(st.Command, w.Written, "  ")
		if r := m.res; r != nil {
			p.text(st.Note, fmt.Sprintf(mtx("progress.files"), r.Files, mb(r.Size), r.ID), "  ")
			if len(r.Manifest) > 0 {
				p.text(st.Note, fmt.Sprintf(mtx("progress.content"), len(r.Manifest)), "  ")
			}
		}
		p.blank()
		p.text(st.Note, mtx("progress.next"), "")
	default:
		p.blank()
		if m.stopped {
			msg := fmt.Sprintf(mtx("progress.stopped"), w.Target())
			if w.A.Target == mediawiz.TargetDevice {
				msg = fmt.Sprintf(mtx("progress.stopped-device"), w.Target())
				if len(m.result.Notes) > 0 {
					msg = mtx("progress.stopped-partial")
				}
			}
			p.text(st.Warning, sym.Warning+" "+msg, "")
		} else {
			p.text(st.Error, sym.Error+" "+mtx("progress.failed"), "")
			p.lines2(st.Error, m.writeErr, "  ")
		}
		for _, n := range m.result.Notes {
			p.text(st.Warning, sym.Warning+" "+n, "")
		}
		p.blank()
		p.text(st.Note, mtx("progress.back"), "")
	}
}

func mb(n int64) string { return mediawiz.HumanSize(n) }

func (m *MediaModel) completionLines(p *pane) {
	w := m.w
	st := m.th.Styles
	p.text(st.PageHelp, fmt.Sprintf(mtx("completion.done"), mediaKindName(w)), "")
	p.text(st.Command, w.Written, "  ")
	if r := m.res; r != nil {
		p.text(st.Note, fmt.Sprintf(mtx("progress.files"), r.Files, mb(r.Size), r.ID), "  ")
	}
	p.blank()
	p.text(st.PageHelp, mtx("completion.repeat"), "")
	p.add("  " + commandRow(m.th, w.CommandLine(), m.cmdScroll, p.width-2))
	if lipgloss.Width(w.CommandLine()) > p.width-2 {
		p.text(st.Note, fmt.Sprintf(mtx("completion.scroll"), m.th.Symbols.LeftRight), "  ")
	}
	if _, env := w.Password(); w.A.Protect && env == "" {
		p.text(st.Note, mtx("completion.pass"), "  ")
	}
}

func (m *MediaModel) helpLines(p *pane) {
	st := m.th.Styles
	p.add(st.Group.Render(tx("help.title")))
	for _, l := range strings.Split(fmt.Sprintf(mtx("help.keys"), m.th.Symbols.UpDown), "\n") {
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
	p.blank()
	p.text(st.PageHelp, m.w.Current().Help(), "")
	if f := m.focused(); f != nil {
		p.blank()
		p.text(st.LabelFocused, f.Label(m.w), "")
		p.text(st.FieldHelp, f.Help(m.w), "")
	}
}

func (m *MediaModel) statusLine(width int) string {
	st, sym := m.th.Styles, m.th.Symbols
	switch {
	case m.asking && m.w.Writing:
		return st.StatusError.Render(truncate(mtx("status.stop"), width, ""))
	case m.asking:
		return st.StatusError.Render(truncate(mtx("status.cancel"), width, ""))
	case m.help:
		return st.Status.Render(fmt.Sprintf(mtx("status.help"), sym.UpDown))
	case m.status != "":
		if m.statusErr {
			return st.StatusError.Render(truncate(sym.Error+" "+m.status, width, sym.Ellipsis))
		}
		return st.Status.Render(truncate(m.status, width, sym.Ellipsis))
	}
	if f := m.focused(); f != nil {
		switch {
		case f.Kind == mediawiz.KindList:
			return st.Footer.Render(truncate(sym.UpDown+" "+tx("key.choose")+"  "+mtx("key.vars"), width, sym.Ellipsis))
		case f.IsList(m.w) && f.Key == "device":
			return st.Footer.Render(sym.UpDown + " " + tx("key.choose") + "  r " + mtx("key.rescan"))
		case f.IsList(m.w):
			return st.Footer.Render(sym.UpDown + " " + tx("key.choose"))
		case f.Kind == wizard.KindBool:
			return st.Footer.Render("space " + tx("key.toggle"))
		}
	}
	if m.w.CurrentID() == mediawiz.PageSummary && m.focus >= len(m.fields()) {
		return st.Footer.Render(sym.UpDown + " " + tx("key.scroll"))
	}
	return ""
}

func (m *MediaModel) footer(width int) string {
	k := func(a, b string) [2]string { return [2]string{a, b} }
	w := m.w
	switch w.CurrentID() {
	case mediawiz.PageCompletion:
		return footerKeys(m.th, width, k("enter", tx("key.quit")), k("?", tx("key.help")))
	case mediawiz.PageProgress:
		switch {
		case w.Writing:
			return footerKeys(m.th, width, k("esc", mtx("key.stop")), k("ctrl+c", mtx("key.stop")+" + "+tx("key.quit")))
		case w.Written != "":
			return footerKeys(m.th, width, k("enter", tx("key.next")), k("esc", tx("key.quit")))
		}
		return footerKeys(m.th, width, k("ctrl+p", tx("key.prev")), k("esc", tx("key.cancel")))
	case mediawiz.PageSummary:
		return footerKeys(m.th, width, k("ctrl+n", mtx("key.write")), k("ctrl+p", tx("key.prev")), k("tab", tx("key.field")), k("?", tx("key.help")), k("esc", tx("key.cancel")))
	}
	return footerKeys(m.th, width, k("ctrl+n", tx("key.next")), k("ctrl+p", tx("key.prev")), k("tab", tx("key.field")), k("ctrl+s", tx("key.summary")), k("?", tx("key.help")), k("esc", tx("key.cancel")))
}

// mediaKindName is the medium's kind as the middle of a sentence:
// "bootable media" (Korean has no case to change).
func mediaKindName(w *mediawiz.Wizard) string {
	kind := mediawiz.Msg("summary.kind." + w.A.Kind)
	if wizard.CurrentLang() == wizard.English && kind != "" {
		kind = strings.ToLower(kind[:1]) + kind[1:]
	}
	return kind
}
