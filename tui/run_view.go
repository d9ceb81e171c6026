package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/internal/bytesize"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// View draws the progress view, or the summary once the run ended. No
// line is wider than the terminal (wide characters count two cells);
// bars are ASCII and every other glyph comes from the theme's Symbols,
// so the ascii theme draws ASCII only.
func (m *RunModel) View() string {
	if m.finished {
		return m.summaryView()
	}
	if m.dbg != nil {
		if m.checkShown() {
			return m.checkView()
		}
		return m.debugView()
	}
	w, h := m.width, m.height
	if w < 20 {
		w = 20
	}
	sym := m.th.Symbols
	var top []string
	elapsed := fmt.Sprintf(m.rtx("elapsed"), runClock(m.now().Sub(m.started)))
	title := " " + fmt.Sprintf(m.rtx("title"), m.name)
	top = append(top, m.st.title.Render(m.padBetween(title, elapsed+" ", w)))
	top = append(top, "")
	step := " " + m.rtx("starting") + sym.Ellipsis
	if m.stepNum > 0 {
		step = " " + fmt.Sprintf(m.rtx("step"), m.stepNum, m.total, m.stepName)
		if m.attempt > 1 {
			step += fmt.Sprintf(m.rtx("attempt"), m.attempt)
		}
	}
	top = append(top, m.st.step.Render(m.cut(step, w)))
	if p := m.prog; p != nil && p.Total > 0 {
		top = append(top, m.progressLine(p, w))
	} else if m.stepNum > 0 && !m.stepStart.IsZero() {
		top = append(top, m.st.muted.Render(m.cut("   "+fmt.Sprintf(m.rtx("running.for"), engine.FormatDuration(m.now().Sub(m.stepStart))), w)))
	} else {
		top = append(top, "")
	}
	overallInfo := " " + fmt.Sprintf(m.rtx("overall.count"), m.done, m.total)
	overall := " " + m.rtx("overall") + " "
	pct := 0.0
	if m.total > 0 {
		pct = float64(m.done) / float64(m.total)
	}
	top = append(top, overall+m.bar(pct, w-lipgloss.Width(overall)-lipgloss.Width(overallInfo)-1)+overallInfo)
	if r := m.restart; r != nil {
		msg := " " + m.rtx("restarting")
		if r.Message != "" {
			msg += ": " + r.Message
		}
		top = append(top, m.st.warn.Render(m.cut(msg, w)))
	}
	logHead := " " + sym.Rule + sym.Rule + " " + m.rtx("log") + " "
	top = append(top, m.st.muted.Render(m.cut(logHead+m.rule(w-lipgloss.Width(logHead)-1), w)))

	var foot []string
	switch {
	case m.asking:
		for _, l := range runWrap(m.rtx("ask.stop"), w-1) {
			foot = append(foot, m.st.ask.Render(" "+l))
		}
		foot = append(foot, m.runHelp(w, hk(runKeys.Yes, "ctrl+c/y", m.rtx("key.stop")), hk(runKeys.No, "n/esc", m.rtx("key.keep"))))
	case m.stopping:
		foot = append(foot, m.st.warn.Render(m.cut(" "+m.rtx("stopping")+sym.Ellipsis, w)))
	case m.note != "":
		foot = append(foot, m.st.warn.Render(m.cut(" "+m.note, w)))
	case m.dbgState.requested:
		foot = append(foot, m.st.warn.Render(m.cut(" "+m.rtx("dbg.requested")+sym.Ellipsis, w)))
	default:
		foot = append(foot, m.runHelp(w, m.runningKeys()...))
	}
	rows := h - len(top) - len(foot)
	if rows < 0 {
		rows = 0
	}
	logs := m.lines
	if len(logs) > rows {
		logs = logs[len(logs)-rows:]
	}
	var b strings.Builder
	for _, l := range top {
		b.WriteString(l + "\n")
	}
	for _, l := range logs {
		b.WriteString(m.logLine(l, w) + "\n")
	}
	for i := len(logs); i < rows; i++ {
		b.WriteString("\n")
	}
	b.WriteString(strings.Join(foot, "\n"))
	return b.String()
}

// rule is the theme's horizontal line, n cells long.
func (m *RunModel) rule(n int) string {
	r := m.th.Symbols.Rule
	if r == "" || n <= 0 {
		return ""
	}
	return strings.Repeat(r, n/max(1, lipgloss.Width(r)))
}

func (m *RunModel) logLine(l runLine, w int) string {
	text := m.cut(" "+strings.ReplaceAll(strings.ReplaceAll(l.text, "\r", ""), "\n", " | "), w)
	switch l.typ {
	case engine.LogError:
		return m.st.err.Render(text)
	case engine.LogWarning:
		return m.st.warn.Render(text)
	}
	return text
}

// progressLine is the current step's bar with bytes, rate and ETA.
func (m *RunModel) progressLine(p *engine.StepProgress, w int) string {
	pct := float64(p.Done) / float64(p.Total)
	if pct > 1 {
		pct = 1
	}
	info := fmt.Sprintf(" %3.0f%%", pct*100)
	if p.Unit == "bytes" {
		info += "  " + bytesize.Format(p.Done) + " / " + bytesize.Format(p.Total)
		if secs := m.now().Sub(m.progStart).Seconds(); secs > 0.5 && p.Done > m.progFrom {
			rate := float64(p.Done-m.progFrom) / secs
			info += "  " + bytesize.Format(int64(rate)) + "/s"
			eta := time.Duration(float64(p.Total-p.Done) / rate * float64(time.Second))
			info += "  " + fmt.Sprintf(m.rtx("eta"), engine.FormatDuration(eta))
		}
	} else if p.Message != "" {
		info += "  " + p.Message
	}
	barW := w - 4 - lipgloss.Width(info)
	if barW < 10 {
		barW = 10
		info = m.cut(info, w-4-barW)
	}
	return "   " + m.bar(pct, barW) + info
}

// bar is the run's progress bar of the given width.
func (m *RunModel) bar(pct float64, width int) string { return progressBar(m.th, pct, width) }

// progressBar is every screen's progress bar (the run view's and the
// media wizard's): [#####-----] of the given width, brackets included,
// drawn by bubbles' progress in the theme's colors (none without color).
func progressBar(th *themes.Theme, pct float64, width int) string {
	if width < 3 {
		return ""
	}
	p := progress.New(progress.WithWidth(width-2), progress.WithoutPercentage(), progress.WithFillCharacters('#', '-'),
		progress.WithColorProfile(th.ColorProfile()), progress.WithSolidFill(th.ColorString(th.Palette.Primary)))
	p.EmptyColor = th.ColorString(th.Palette.Muted)
	return "[" + p.ViewAs(max(0, min(pct, 1))) + "]"
}

// sumLine is a line of the summary; err marks the failing step's.
type sumLine struct {
	text string
	err  bool
}

func plainLines(ls []string) []sumLine {
	out := make([]sumLine, len(ls))
	for i, l := range ls {
		out[i] = sumLine{text: l}
	}
	return out
}

// summaryContent is the summary's title and its lines, for a width of w
// cells.
func (m *RunModel) summaryContent(w int) (string, []sumLine) {
	switch {
	case m.res == nil && m.err != nil:
		return " " + fmt.Sprintf(m.rtx("no.start"), m.name), plainLines(runWrap(m.err.Error(), w-2))
	case m.res == nil:
		return " " + m.name, nil
	}
	r := m.res
	title := " " + r.Sequence + ": " + m.statusText(r.Status)
	table := plainLines(m.summaryTable(r, w-2))
	details := m.summaryDetails(r, w-2)
	if r.Status == engine.StatusFailed {
		return title, append(append(details, sumLine{}), table...)
	}
	return title, append(append(table, sumLine{}), details...)
}

// syncSummary sizes the summary's viewport to the rows between the title
// and the footer and gives it the summary's lines for the width, its
// offset kept within them (in Update: View changes nothing), so the way
// back is as long as the way there.
func (m *RunModel) syncSummary() {
	if !m.finished {
		return
	}
	_, content := m.summaryContent(m.width)
	lines := make([]string, len(content))
	for i, l := range content {
		if l.text == "" {
			continue // blank: the viewport's padding is trimmed (summaryView)
		}
		lines[i] = m.cut(" "+l.text, m.width)
		if l.err {
			lines[i] = m.st.err.Render(lines[i])
		}
	}
	setView(&m.summary, m.width, max(1, m.height-2), lines)
}

func (m *RunModel) summaryView() string {
	w := m.width
	title, _ := m.summaryContent(w)
	elapsed := ""
	if m.res != nil {
		elapsed = fmt.Sprintf(m.rtx("elapsed"), runClock(m.res.Elapsed)) + " "
	}
	var b strings.Builder
	b.WriteString(m.st.title.Render(m.padBetween(title, elapsed, w)) + "\n")
	// Update sized and filled the viewport (syncSummary); it pads its
	// rows to its width, the screen does not.
	for _, l := range strings.Split(m.summary.View(), "\n") {
		b.WriteString(strings.TrimRight(l, " ") + "\n")
	}
	rk := runKeys
	keys := []key.Binding{hk(rk.Close, "q", m.rtx("key.close"))}
	hint := ""
	if m.summary.TotalLineCount() > m.summary.Height {
		keys = append([]key.Binding{hk(rk.Up, m.th.Symbols.UpDown, m.rtx("key.scroll"))}, keys...)
		// The hint says which way there is more: above, below or both.
		switch top, bottom := m.summary.AtTop(), m.summary.AtBottom(); {
		case !top && !bottom:
			hint = "  " + m.st.footer.Render(m.rtx("more.both"))
		case !bottom:
			hint = "  " + m.st.footer.Render(m.rtx("more.below"))
		case !top:
			hint = "  " + m.st.footer.Render(m.rtx("more.above"))
		}
	}
	b.WriteString(m.cut(m.runHelp(w, keys...)+hint, w))
	return b.String()
}

// padCells pads s with spaces to n cells (wide characters count two).
func padCells(s string, n int) string {
	return pad(s, n)
}

// summaryTable is the table of every step: number, name, result, exit
// code in hex and decimal, duration; as engine.SummaryTable, in the
// screen's language and measured in cells.
func (m *RunModel) summaryTable(res *engine.Result, width int) []string {
	width = max(width, 60)
	const numW, resW, codeW, timeW = 3, 18, 22, 8
	nameW := width - numW - resW - codeW - timeW - 4
	row := func(num, name, result, code, dur string) string {
		dur = strings.Repeat(" ", max(0, timeW-lipgloss.Width(dur))) + dur
		return strings.TrimRight(padCells(num, numW)+" "+padCells(name, nameW)+" "+padCells(m.cut(result, resW), resW)+" "+padCells(code, codeW)+" "+dur, " ")
	}
	out := []string{row(m.rtx("col.num"), m.rtx("col.step"), m.rtx("col.result"), m.rtx("col.code"), m.rtx("col.time"))}
	out = append(out, m.rule(width))
	for _, s := range res.Steps {
		num := ""
		if s.Number > 0 {
			num = fmt.Sprint(s.Number)
		}
		code, dur := "", ""
		switch s.Outcome {
		case engine.Succeeded, engine.Failed, engine.FailedCont, engine.Cancelled:
			code = fmt.Sprintf("0x%08X %s", uint32(s.ExitCode), engine.Decimal(s.ExitCode))
			dur = engine.FormatDuration(s.Duration)
		}
		out = append(out, row(num, m.cut(s.Name, nameW), m.outcomeText(s.Outcome), code, dur))
	}
	return append(out, m.rule(width))
}

// summaryDetails is how the run ended and, for a failure, the failing
// step, the tail of its output, the log and what the codes that appeared
// mean; as engine.SummaryDetails, in the screen's language.
func (m *RunModel) summaryDetails(res *engine.Result, width int) []sumLine {
	width = max(width, 60)
	var out []sumLine
	add := func(ls []string, err bool) {
		for _, l := range ls {
			out = append(out, sumLine{l, err})
		}
	}
	add(runWrap(fmt.Sprintf(m.rtx("end"), res.Sequence, m.endMessage(res), engine.FormatDuration(res.Elapsed)), width), false)
	if f := res.Failed; f != nil {
		out = append(out, sumLine{})
		add(runWrap(fmt.Sprintf(m.rtx("failed.step"), f.Path, f.Type, engine.FormatCode(f.ExitCode), f.Message), width), true)
		if len(f.Output) > 0 {
			add([]string{m.rtx("last.output")}, false)
			tail := f.Output
			if len(tail) > 8 {
				tail = tail[len(tail)-8:]
			}
			for _, l := range tail {
				add([]string{m.cut("  "+l, width)}, false)
			}
		}
	}
	if res.LogPath != "" {
		add([]string{m.cut(fmt.Sprintf(m.rtx("log.path"), res.LogPath), width)}, false)
	}
	seen := map[uint32]bool{}
	var codes []string
	for _, s := range res.Steps {
		if s.ExitCode == 0 || seen[uint32(s.ExitCode)] {
			continue
		}
		seen[uint32(s.ExitCode)] = true
		if ci, ok := engine.LookupCode(s.ExitCode); ok {
			codes = append(codes, runWrap(fmt.Sprintf("%s %s: %s", engine.FormatCode(s.ExitCode), ci.Name, m.codeMeaning(ci)), width)...)
		}
	}
	if len(codes) > 0 {
		add([]string{m.rtx("codes")}, false)
		add(codes, false)
	}
	return out
}

// cut cuts text to w cells, ending with the theme's ellipsis.
func (m *RunModel) cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, m.th.Symbols.Ellipsis)
}

// padBetween puts left and right on one line of width w.
func (m *RunModel) padBetween(left, right string, w int) string {
	lw, rw := lipgloss.Width(left), lipgloss.Width(right)
	if lw+rw+1 > w {
		l := m.cut(left, w-rw-1)
		return l + strings.Repeat(" ", max(1, w-lipgloss.Width(l)-rw)) + right
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// runClock formats an elapsed time as HH:MM:SS.
func runClock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// runWrap wraps text at spaces to w cells, paragraph by paragraph (as
// engine.Wrap, but measured in cells, so Korean fits too).
func runWrap(s string, w int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		ls := wrapWords(para, w)
		if len(ls) == 0 {
			ls = []string{""}
		}
		out = append(out, ls...)
	}
	return out
}

// RunEndLines are the lines that repeat how a run ended once the progress
// view closed (it drew on the alternate screen): for a failure the
// failing step, its output, the log and what the codes mean; otherwise
// the one line of how it ended. Plain text in the language l, no wider
// than width, with the theme's symbols (nil: the default theme).
func RunEndLines(res *engine.Result, l wizard.Lang, th *themes.Theme, width int) []string {
	if th == nil {
		th = themes.Default()
	}
	m := &RunModel{texts: textsIn(l), th: th}
	var out []string
	for _, l := range m.summaryDetails(res, width) {
		out = append(out, l.text)
		if res.Status != engine.StatusFailed {
			break
		}
	}
	return out
}
