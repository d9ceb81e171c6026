package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/wizard/form"
)

// The form screen's view: the frame (common_frame.go), the page list,
// the fields by kind, the status line, the help and the footer. It reads
// the screen state and changes none of it.

// Layout: a title line, the body (page list | page), a status line and a
// footer. At 80x25 the page list is 24 cells wide and the page 53.
const (
	minNav  = 24
	wideNav = 28
)

func (sc *formScreen[S, P]) view() string {
	var nav []navItem
	num := 0
	for i, p := range sc.s.Pages() {
		it := navItem{name: p.NavTitle(sc.s)}
		switch {
		case p.ID == sc.s.CurrentID():
			it.state = navCurrent
			num = i + 1
		case sc.s.Done(p.ID):
			it.state = navDone
		}
		nav = append(nav, it)
	}
	width := max(sc.width, 20)
	return frame{
		th: sc.th, width: sc.width, height: sc.height,
		title: fmt.Sprintf(sc.host.text("title"), sc.th.Symbols.Dot), pos: fmt.Sprintf(sc.tx("title.page"), num, len(sc.s.Pages())),
		nav: nav, page: sc.pageLines,
		status: sc.statusLine(width), footer: sc.footer(width),
	}.render()
}

// pageLines is the page pane: the help and the Summary's focused list
// from their viewports (Update sized and filled them: syncScroll), any
// other page cut so that its focused field shows (scrollPane).
func (sc *formScreen[S, P]) pageLines(rw, h int) []string {
	switch {
	case sc.help:
		return sc.viewLines(sc.th, sc.helpView, 0)
	case sc.listFocused():
		return sc.viewLines(sc.th, sc.listView, sc.listTop)
	}
	return sc.texts.scrollPane(sc.th, sc.buildPage(rw), h)
}

// pane collects the page's lines and where the focused part is.
type pane struct {
	width              int
	lines              []string
	focusTop, focusBot int
	listStart          int // > 0: the line where the Summary's list starts
}

func (p *pane) add(s string) { p.lines = append(p.lines, truncate(s, p.width, "")) }

func (p *pane) text(style lipgloss.Style, s, indent string) {
	for _, l := range wrap(s, p.width-lipgloss.Width(indent)) {
		p.add(indent + style.Render(l))
	}
}

// lines2 wraps text that may hold line breaks (a list of missing files).
func (p *pane) lines2(style lipgloss.Style, s, indent string) {
	for _, l := range strings.Split(s, "\n") {
		t := strings.TrimLeft(l, " ")
		p.text(style, t, indent+strings.Repeat(" ", len(l)-len(t)))
	}
}

func (p *pane) blank() { p.add("") }

// buildPage lays out the whole page as it shows now, unscrolled.
func (sc *formScreen[S, P]) buildPage(rw int) *pane {
	if sc.help {
		return sc.helpPage(rw)
	}
	return sc.formPage(rw)
}

// helpPage is the page's title and the help.
func (sc *formScreen[S, P]) helpPage(rw int) *pane {
	p := &pane{width: rw, focusTop: -1}
	p.add(sc.th.Styles.PageTitle.Render(sc.s.Current().Title(sc.s)))
	p.blank()
	sc.helpLines(p)
	return p
}

// formPage is the page itself: its fields, or what the wizard draws.
func (sc *formScreen[S, P]) formPage(rw int) *pane {
	p := &pane{width: rw, focusTop: -1}
	st := sc.th.Styles
	page := sc.s.Current()
	p.add(st.PageTitle.Render(page.Title(sc.s)))
	p.blank()
	p.text(st.PageHelp, page.Help(sc.s), "")
	p.blank()
	switch sc.s.CurrentID() {
	case sc.progress:
		sc.host.progressLines(p)
	case sc.completion:
		sc.host.completionLines(p)
	default:
		sc.fieldLines(p)
		if sc.s.CurrentID() == sc.summary {
			sc.host.summaryLines(p)
		}
	}
	return p
}

// listArea marks where the Summary's list of choices starts: it scrolls
// on its own when focused (listView).
func (sc *formScreen[S, P]) listArea(p *pane, start int) { p.listStart = start }

// localMore translates the word of a scroll hint ("↑ more").
func (t texts) localMore(s string) string { return strings.Replace(s, "more", t.tx("more"), 1) }

func (sc *formScreen[S, P]) fieldLines(p *pane) {
	s := sc.s
	st, sym := sc.th.Styles, sc.th.Symbols
	fi := 0
	for _, f := range s.Current().VisibleFields(s) {
		focused := false
		if f.Editable() {
			focused = fi == sc.focus
			fi++
		}
		start := len(p.lines)
		cur, labelStyle := "  ", st.Label
		if focused {
			cur, labelStyle = sym.Cursor+" ", st.LabelFocused
		}
		req := ""
		if f.IsRequired(s) {
			req = st.Required.Render(" *")
		}
		label := f.Label(s)
		selected := -1
		switch {
		case f.Kind == form.KindNote:
			p.text(st.Note, label+": "+f.Get(s), "  ")
		case f.Kind == form.KindBool:
			box := sym.CheckOff
			if f.Get(s) == "true" {
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
		case f.Kind == form.KindApps || f.Kind == form.KindList:
			p.add(cur + labelStyle.Render(label))
			selected = sc.host.customLines(p, f, focused)
		case f.IsList(s):
			p.add(cur + labelStyle.Render(label) + req)
			for _, o := range f.Options(s) {
				mark, style := sym.RadioOff, st.Option
				if o.Value == f.Get(s) {
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
				if n := f.OptionNote(s, o.Value); n != "" {
					p.text(st.Warning, sym.Error+" "+n, indent)
				}
			}
		default:
			p.add(cur + labelStyle.Render(label) + req)
			p.add("  " + sc.inputLine(f, focused, p.width-2))
		}
		// A note's problem is fixed elsewhere: it always shows.
		if !f.Editable() || sc.touched[f.ID] || sc.showAll[s.CurrentID()] {
			if e := errText(f.Error(s)); e != "" {
				p.lines2(st.Error, sym.Error+" "+e, "  ")
			}
		}
		if wn := errText(f.Warning(s)); wn != "" {
			p.text(st.Warning, sym.Warning+" "+wn, "  ")
		}
		if focused {
			if h := f.Help(s); h != "" {
				p.text(st.FieldHelp, h, "  ")
			}
			p.focusTop, p.focusBot = start, len(p.lines)-1
			if selected >= 0 {
				// The selected entry, not the whole list, must show.
				p.focusTop, p.focusBot = max(start, selected-1), selected
			}
		}
	}
	// Problems of a list's entries (an application with errors): the
	// page's own, on no single field.
	for _, e := range s.PageErrors(s.CurrentID()) {
		if e.Field.Kind == form.KindApps {
			p.text(st.Error, sym.Error+" "+e.Msg, "  ")
		}
	}
}

// inputLine draws a one-line field: [value   ], the cursor where typing
// goes when focused.
func (sc *formScreen[S, P]) inputLine(f *form.Field[S], focused bool, width int) string {
	val := f.Get(sc.s)
	shown := val
	if f.Kind == form.KindSecret {
		shown = sc.host.mask(f, val, focused)
	}
	n := len([]rune(val))
	pos, ok := sc.cursors[f.ID]
	if !ok || pos > n || len([]rune(shown)) != n {
		// A mask with a cell per character typed keeps the cursor where
		// typing goes; another (a product key's) puts it at the end.
		pos = len([]rune(shown))
	}
	return inputBox(sc.th, shown, pos, focused, width)
}

// secretMask is a secret as it shows while typed: a star a character.
func secretMask(val string) string { return strings.Repeat("*", len([]rune(val))) }

func (sc *formScreen[S, P]) helpLines(p *pane) {
	st := sc.th.Styles
	p.add(st.Group.Render(sc.tx("help.title")))
	for _, row := range sc.helpKeyRows() {
		key, what := row[0], row[1]
		if what == "" {
			p.text(st.PageHelp, key, "")
			continue
		}
		const col = 19
		for i, wl := range wrap(what, p.width-col) {
			if i == 0 {
				p.add(st.FooterKey.Render(pad(key, col)) + st.PageHelp.Render(wl))
			} else {
				p.add(strings.Repeat(" ", col) + st.PageHelp.Render(wl))
			}
		}
	}
	p.text(st.FieldHelp, fmt.Sprintf(sc.tx("help.text"), sc.th.Symbols.LeftRight), "")
	sc.host.helpLines(p)
	p.blank()
	p.text(st.PageHelp, sc.s.Current().Help(sc.s), "")
	if f := sc.focused(); f != nil {
		p.blank()
		p.text(st.LabelFocused, f.Label(sc.s), "")
		p.text(st.FieldHelp, f.Help(sc.s), "")
	}
}

// hint is a key hint of the status line: the binding's key and what it
// does.
func hint(b key.Binding) string { return b.Help().Key + " " + b.Help().Desc }

func (sc *formScreen[S, P]) statusLine(width int) string {
	k := formKeys
	st, sym := sc.th.Styles, sc.th.Symbols
	switch {
	case sc.asking:
		return st.StatusError.Render(truncate(sc.question, width, ""))
	case sc.help:
		return st.Status.Render(truncate(fmt.Sprintf(sc.host.text("status.help"), sym.UpDown), width, sym.Ellipsis))
	case sc.status != "":
		if sc.statusErr {
			return st.StatusError.Render(truncate(sym.Error+" "+sc.status, width, sym.Ellipsis))
		}
		return st.Status.Render(truncate(sc.status, width, sym.Ellipsis))
	}
	if f := sc.focused(); f != nil {
		switch h := sc.host.hint(f); {
		case h != "":
			return st.Footer.Render(truncate(h, width, sym.Ellipsis))
		case f.IsList(sc.s):
			return st.Footer.Render(hint(hk(k.Up, sym.UpDown, sc.tx("key.choose"))))
		case f.Kind == form.KindBool:
			return st.Footer.Render(hint(hk(k.Toggle, "space", sc.tx("key.toggle"))))
		}
	}
	if sc.s.CurrentID() == sc.summary && sc.focus >= len(sc.fields()) {
		return st.Footer.Render(hint(hk(k.Up, sym.UpDown, sc.tx("key.scroll"))))
	}
	return ""
}

// helpBinding is the help key as the footer says it: f1 in a text field,
// where ? is typed.
func (sc *formScreen[S, P]) helpBinding() key.Binding {
	if sc.typesQuestionMark() {
		return hk(formKeys.HelpAnyway, "f1", sc.tx("key.help"))
	}
	return hk(formKeys.Help, "?", sc.tx("key.help"))
}

func (sc *formScreen[S, P]) footer(width int) string {
	k := formKeys
	switch {
	case sc.help:
		return sc.keyHelp(width, hk(k.Up, sc.th.Symbols.UpDown, sc.tx("key.scroll")), hk(k.Close, "esc", sc.tx("key.back")))
	case sc.asking:
		return sc.keyHelp(width, hk(k.Yes, "y", sc.tx("key.yes")), hk(k.No, "n", sc.tx("key.no")))
	}
	if keys, ok := sc.host.footer(); ok {
		return sc.keyHelp(width, keys...)
	}
	if sc.s.CurrentID() == sc.summary {
		return sc.keyHelp(width, hk(k.Next, "ctrl+n", sc.host.text("key.write")), hk(k.Prev, "ctrl+p", sc.tx("key.prev")),
			hk(k.ScrollDown, "pgdn", sc.tx("key.scroll")), hk(k.Field, "tab", sc.tx("key.field")), sc.helpBinding(), hk(k.Cancel, "esc", sc.tx("key.cancel")))
	}
	return sc.keyHelp(width, hk(k.Next, "ctrl+n", sc.tx("key.next")), hk(k.Prev, "ctrl+p", sc.tx("key.prev")), hk(k.Field, "tab", sc.tx("key.field")),
		hk(k.Summary, "ctrl+s", sc.tx("key.summary")), sc.helpBinding(), hk(k.Cancel, "esc", sc.tx("key.cancel")))
}
