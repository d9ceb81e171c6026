package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/refimage/refimage/engine"
)

// View draws the progress view, or the summary once the run ended. No
// line is wider than the terminal; bars are ASCII (WinPE consoles may
// lack box-drawing glyphs).
func (m *RunModel) View() string {
	if m.finished {
		return m.summaryView()
	}
	w, h := m.width, m.height
	if w < 20 {
		w = 20
	}
	var top []string
	elapsed := "elapsed " + runClock(m.now().Sub(m.started))
	title := " Running: " + m.name
	top = append(top, m.st.title.Render(runPadBetween(title, elapsed+" ", w)))
	top = append(top, "")
	step := " Starting…"
	if m.stepNum > 0 {
		step = fmt.Sprintf(" Step %d of %d: %s", m.stepNum, m.total, m.stepName)
		if m.attempt > 1 {
			step += fmt.Sprintf(" (attempt %d)", m.attempt)
		}
	}
	top = append(top, m.st.step.Render(runCut(step, w)))
	if p := m.prog; p != nil && p.Total > 0 {
		top = append(top, m.progressLine(p, w))
	} else if m.stepNum > 0 && !m.stepStart.IsZero() {
		top = append(top, m.st.muted.Render(runCut("   running for "+engine.FormatDuration(m.now().Sub(m.stepStart)), w)))
	} else {
		top = append(top, "")
	}
	overallInfo := fmt.Sprintf(" %d of %d", m.done, m.total)
	pct := 0.0
	if m.total > 0 {
		pct = float64(m.done) / float64(m.total)
	}
	top = append(top, " Overall "+m.bar(pct, w-len(" Overall ")-len(overallInfo)-1)+overallInfo)
	if r := m.restart; r != nil {
		msg := " Restarting"
		if r.Message != "" {
			msg += ": " + r.Message
		}
		top = append(top, m.st.warn.Render(runCut(msg, w)))
	}
	top = append(top, m.st.muted.Render(runCut(" -- Log "+strings.Repeat("-", max(0, w-9)), w)))

	var foot []string
	switch {
	case m.asking:
		for _, l := range engine.Wrap("Stop the task sequence? The running step's processes are ended; the state is kept and refimage run --resume continues. ctrl+c or y: stop   n or esc: keep running", w-1) {
			foot = append(foot, m.st.ask.Render(" "+l))
		}
	case m.stopping:
		foot = append(foot, m.st.warn.Render(runCut(" Stopping the running step…", w)))
	default:
		foot = append(foot, " "+m.st.key.Render("ctrl+c")+m.st.footer.Render(runCut(" stop", w-7)))
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

func (m *RunModel) logLine(l runLine, w int) string {
	text := runCut(" "+strings.ReplaceAll(strings.ReplaceAll(l.text, "\r", ""), "\n", " | "), w)
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
		info += "  " + engine.FormatBytes(p.Done) + " / " + engine.FormatBytes(p.Total)
		if secs := m.now().Sub(m.progStart).Seconds(); secs > 0.5 && p.Done > m.progFrom {
			rate := float64(p.Done-m.progFrom) / secs
			info += "  " + engine.FormatBytes(int64(rate)) + "/s"
			eta := time.Duration(float64(p.Total-p.Done) / rate * float64(time.Second))
			info += "  ETA " + engine.FormatDuration(eta)
		}
	} else if p.Message != "" {
		info += "  " + p.Message
	}
	barW := w - 4 - len([]rune(info))
	if barW < 10 {
		barW = 10
		info = runCut(info, w-4-barW)
	}
	return "   " + m.bar(pct, barW) + info
}

// bar is [#####-----] of the given width (brackets included).
func (m *RunModel) bar(pct float64, width int) string {
	if width < 3 {
		return ""
	}
	in := width - 2
	fill := int(pct*float64(in) + 0.5)
	if fill > in {
		fill = in
	}
	return "[" + m.st.bar.Render(strings.Repeat("#", fill)) + m.st.barEmpty.Render(strings.Repeat("-", in-fill)) + "]"
}

func (m *RunModel) summaryView() string {
	w, h := m.width, m.height
	var status, title string
	var content []string
	switch {
	case m.res == nil && m.err != nil:
		title = " " + m.name + ": could not start"
		content = engine.Wrap(m.err.Error(), w-2)
	case m.res == nil:
		title = " " + m.name
	default:
		r := m.res
		status = map[engine.Status]string{
			engine.StatusSucceeded:     "completed successfully",
			engine.StatusFailed:        "failed",
			engine.StatusCancelled:     "stopped",
			engine.StatusRestarting:    "restarting",
			engine.StatusRestartNeeded: "needs a restart",
		}[r.Status]
		title = " " + r.Sequence + ": " + status
		table := engine.SummaryTable(r, w-2)
		details := engine.SummaryDetails(r, w-2)
		if r.Status == engine.StatusFailed {
			content = append(append(details, ""), table...)
		} else {
			content = append(append(table, ""), details...)
		}
	}
	elapsed := ""
	if m.res != nil {
		elapsed = "elapsed " + runClock(m.res.Elapsed) + " "
	}
	rows := h - 2
	if rows < 1 {
		rows = 1
	}
	maxScroll := len(content) - rows
	if maxScroll < 0 {
		maxScroll = 0
	}
	if m.scroll > maxScroll {
		m.scroll = maxScroll
	}
	if m.scroll < 0 {
		m.scroll = 0
	}
	var b strings.Builder
	b.WriteString(m.st.title.Render(runPadBetween(title, elapsed, w)) + "\n")
	shown := content[m.scroll:]
	if len(shown) > rows {
		shown = shown[:rows]
	}
	for _, l := range shown {
		line := runCut(" "+l, w)
		switch {
		case strings.HasPrefix(l, "Failed step:") || strings.Contains(l, " failed ") && strings.HasPrefix(l, "  ") == false && m.res != nil && m.res.Status == engine.StatusFailed && l == shown[0]:
			line = m.st.err.Render(line)
		}
		b.WriteString(line + "\n")
	}
	for i := len(shown); i < rows; i++ {
		b.WriteString("\n")
	}
	hint := "q close"
	if maxScroll > 0 {
		hint = "up/down scroll  " + hint
		if m.scroll < maxScroll {
			hint += "  (more below)"
		}
	}
	b.WriteString(" " + m.st.footer.Render(runCut(hint, w-1)))
	return b.String()
}

// runCut cuts plain text to width cells.
func runCut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// runPadBetween puts left and right on one line of width w.
func runPadBetween(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > w {
		return runCut(left, w-rw-1) + strings.Repeat(" ", max(1, w-ansi.StringWidth(runCut(left, w-rw-1))-rw)) + right
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// runClock formats an elapsed time as HH:MM:SS.
func runClock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}
