package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/themes"
)

// The frame of the form screen (form_view.go), which both wizards use: a
// title line, the body (page list | page), a status line and a footer,
// cut to the terminal.

// navState is how a page shows in the page list.
type navState int

const (
	navPending navState = iota
	navCurrent
	navDone
)

type navItem struct {
	name  string
	state navState
}

type frame struct {
	th            *themes.Theme
	width, height int
	title, pos    string // the title bar: left and right
	nav           []navItem
	page          func(rw, h int) []string
	status        string // rendered already
	footer        string // rendered already
}

// frameNavWidth is the width of the page list for a terminal width.
func frameNavWidth(width int) int {
	switch {
	case width >= 100:
		return wideNav
	case width >= 60:
		return minNav
	}
	return 0
}

func (f frame) render() string {
	width, height := max(f.width, 20), max(f.height, 6)
	st, sym := f.th.Styles, f.th.Symbols
	bodyH := height - 3
	navW := frameNavWidth(width)
	sepW := 0
	if navW > 0 {
		sepW = 2
	}
	rw := width - navW - sepW - 1

	title := " " + f.title
	gap := width - lipgloss.Width(title) - lipgloss.Width(f.pos)
	if gap < 1 {
		title = truncate(title, width-lipgloss.Width(f.pos)-1, sym.Ellipsis)
		gap = width - lipgloss.Width(title) - lipgloss.Width(f.pos)
	}
	out := []string{st.TitleBar.Render(title + strings.Repeat(" ", max(gap, 0)) + f.pos)}

	nav := make([]string, bodyH)
	if navW > 0 {
		for i, it := range f.nav {
			if i >= bodyH {
				break
			}
			name := truncate(it.name, navW-3, sym.Ellipsis)
			switch it.state {
			case navCurrent:
				nav[i] = st.NavCurrent.Render(pad(sym.Current+" "+name, navW-1))
			case navDone:
				nav[i] = st.NavTick.Render(sym.Tick) + " " + st.NavDone.Render(name)
			default:
				nav[i] = "  " + st.NavPending.Render(name)
			}
		}
	}
	right := f.page(rw, bodyH)
	sep := st.Separator.Render(sym.Separator)
	for i := 0; i < bodyH; i++ {
		var line string
		if navW > 0 {
			line = pad(nav[i], navW) + sep + " "
		}
		if i < len(right) {
			line += right[i]
		}
		out = append(out, line)
	}
	out = append(out, f.status, f.footer)
	for i, l := range out {
		out[i] = truncate(l, width, "")
	}
	return strings.Join(out, "\n")
}

// scrollPane cuts a pane to h lines so its focused part shows, with
// "more" hints in the first and last rows when there is more. Hand-rolled
// because the offset follows the focused field (computed from the page as
// laid out), which bubbles' viewport has no notion of.
func (t texts) scrollPane(th *themes.Theme, p *pane, h int) []string {
	top := 0
	if p.focusTop >= 0 && len(p.lines) > h {
		if p.focusBot > h-2 {
			top = p.focusBot - h + 2
		}
		if top > 0 && p.focusTop < top+1 {
			top = max(0, p.focusTop-1)
		}
	}
	top = max(0, min(top, len(p.lines)-h))
	lines := make([]string, h)
	for i := 0; i < h; i++ {
		if top+i < len(p.lines) {
			lines[i] = p.lines[top+i]
		}
	}
	if top > 0 {
		lines[0] = th.Styles.More.Render(t.localMore(th.Symbols.MoreUp))
	}
	if top+h < len(p.lines) {
		lines[h-1] = th.Styles.More.Render(t.localMore(th.Symbols.MoreDown))
	}
	return lines
}

// viewLines are a viewport's rows with "more" hints in the first and
// last rows when there is more above (above: lines of the page before the
// viewport's first, or scrolled) or below. The viewport pads its rows to
// its width; the frame needs no padding, so it is trimmed (goldens stay
// free of trailing blanks).
func (t texts) viewLines(th *themes.Theme, vp viewport.Model, above int) []string {
	lines := strings.Split(vp.View(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	if above+vp.YOffset > 0 {
		lines[0] = th.Styles.More.Render(t.localMore(th.Symbols.MoreUp))
	}
	if !vp.AtBottom() {
		lines[len(lines)-1] = th.Styles.More.Render(t.localMore(th.Symbols.MoreDown))
	}
	return lines
}

// inputBox draws a one-line text field: [value   ], with the cursor at
// pos (in runes of shown) when focused.
func inputBox(th *themes.Theme, shown string, pos int, focused bool, width int) string {
	st := th.Styles
	iw := max(4, min(width-2, 60))
	if !focused {
		vis, _ := visibleSpan(shown, 0, iw)
		return "[" + st.Input.Render(pad(vis, iw)) + "]"
	}
	pos = max(0, min(pos, len([]rune(shown))))
	vis, off := visibleSpan(shown, pos, iw)
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
	body := st.InputFocused.Render(before) + cursorCell(th, at) + st.InputFocused.Render(after)
	return "[" + pad(body, iw) + "]"
}

// cursorCell draws the text cursor on the cell at (a space at the end):
// reverse video, or without color (NO_COLOR, the WinPE console) a glyph,
// so that every theme shows where typing goes.
func cursorCell(th *themes.Theme, at string) string {
	if th.NoColor {
		if at == " " {
			return "_"
		}
		return "|" + at
	}
	return th.Styles.Cursor.Render(at)
}

// footerKeys joins key hints, dropping the last ones that do not fit.
func footerKeys(th *themes.Theme, width int, pairs ...[2]string) string {
	st := th.Styles
	var parts []string
	for _, p := range pairs {
		parts = append(parts, st.FooterKey.Render(p[0])+" "+st.Footer.Render(p[1]))
	}
	line := " " + strings.Join(parts, "  ")
	for lipgloss.Width(line) > width && len(parts) > 1 {
		parts = parts[:len(parts)-1]
		line = " " + strings.Join(parts, "  ")
	}
	return line
}

// commandRow draws a command line on one row, never wrapped (a wrapped
// command breaks when copied): from cell off, cut to width with the
// theme's ellipsis where it goes on; ← → scroll it. Hand-rolled: bubbles
// v1.0.0's viewport scrolls sideways (SetXOffset) but neither reports its
// offset nor marks a cut end, and a command cut unmarked is copied broken.
func commandRow(th *themes.Theme, cmd string, off, width int) string {
	sym := th.Symbols
	r := []rune(cmd)
	off = max(0, min(off, len(r)-1))
	s := string(r[off:])
	if off > 0 {
		s = sym.Ellipsis + s
	}
	return th.Styles.Command.Render(truncate(s, width, sym.Ellipsis))
}

// commandScrollMax is how far commands can scroll so that the end of
// the longest shows.
func commandScrollMax(cmds []string, width int) int {
	n := 0
	for _, c := range cmds {
		n = max(n, len([]rune(c))-width+2)
	}
	return max(0, n)
}

// wrapWords wraps at spaces only (a command line must not break inside
// "--password"); a word longer than width is cut hard.
func wrapWords(s string, width int) []string {
	width = max(width, 1)
	var out []string
	cur := ""
	for _, word := range strings.Fields(s) {
		for lipgloss.Width(word) > width {
			if cur != "" {
				out = append(out, cur)
				cur = ""
			}
			r := []rune(word)
			n := 0
			for n < len(r) && lipgloss.Width(string(r[:n+1])) <= width {
				n++
			}
			out = append(out, string(r[:n]))
			word = string(r[n:])
		}
		switch {
		case word == "":
		case cur == "":
			cur = word
		case lipgloss.Width(cur)+1+lipgloss.Width(word) <= width:
			cur += " " + word
		default:
			out = append(out, cur)
			cur = word
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
