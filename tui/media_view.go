package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/internal/bytesize"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// View implements tea.Model: the form screen (form_view.go) with this
// wizard's Summary, Progress, Completion and media variables.
func (m *MediaModel) View() string { return m.view() }

// helpLines: the media wizard's keys are all in its key table.
func (m *MediaModel) helpLines(*pane) {}

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
			p.text(st.Note, w.Msg("custom.variables.empty"), "    ")
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
			p.text(st.Warning, sym.Warning+" "+mediawiz.PageByID(id).Title(w)+": "+wn.Msg, "")
		}
	}
	p.add(st.Group.Render(m.mtx("summary.choices")))
	for _, it := range w.Summary() {
		p.text(st.SummaryValue, st.SummaryLabel.Render(it.Label+": ")+it.Value, "  ")
	}
	p.blank()
	if w.A.Target == mediawiz.TargetDevice {
		p.text(st.Warning, sym.Warning+" "+fmt.Sprintf(m.mtx("summary.erase"), w.Target()), "")
	}
	p.text(st.Note, m.mtx("summary.write"), "")
	m.listArea(p, start)
}

func (m *MediaModel) progressLines(p *pane) {
	w := m.w
	st, sym := m.th.Styles, m.th.Symbols
	var phases []phaseState
	if m.prog != nil {
		phases = m.prog.snapshot()
	}
	if w.Writing {
		p.text(st.Note, fmt.Sprintf(m.mtx("progress.writing"), w.Target()), "")
		p.blank()
	}
	now := m.now()
	for i, ph := range phases {
		name := m.mtx("phase." + ph.name)
		last := i == len(phases)-1
		if !ph.end.IsZero() || !last || !w.Writing {
			took := ph.end
			if took.IsZero() {
				took = now
			}
			p.text(st.NavDone, st.NavTick.Render(sym.Tick)+" "+name+"  "+fmt.Sprintf(m.mtx("progress.took"), mb(ph.total), runClock(took.Sub(ph.start).Round(time.Second))), "")
			continue
		}
		pct := 0.0
		if ph.total > 0 {
			pct = float64(ph.done) / float64(ph.total)
		}
		p.add(st.NavCurrent.Render(sym.Current+" "+name) + fmt.Sprintf(" %3d%%", int(pct*100)))
		p.add("  " + progressBar(m.th, pct, max(6, min(p.width-2, 52))))
		el := now.Sub(ph.start).Seconds()
		rate := 0.0
		if el > 0 {
			rate = float64(ph.done) / el
		}
		line := fmt.Sprintf(m.mtx("progress.rate"), mb(ph.done), mb(ph.total), mb(int64(rate)))
		if rate > 0 && ph.total > ph.done {
			line += fmt.Sprintf(m.mtx("progress.eta"), runClock(time.Duration(float64(ph.total-ph.done)/rate*float64(time.Second)).Round(time.Second)))
		}
		p.text(st.Note, line, "  ")
	}
	switch {
	case w.Writing:
	case w.Written != "":
		p.blank()
		p.text(st.NavTick, sym.Tick+" "+m.mtx("progress.done"), "")
		p.text(st.Command, w.Written, "  ")
		if r := m.res; r != nil {
			p.text(st.Note, fmt.Sprintf(m.mtx("progress.files"), r.Files, mb(r.Size), r.ID), "  ")
			if len(r.Manifest) > 0 {
				p.text(st.Note, fmt.Sprintf(m.mtx("progress.content"), len(r.Manifest)), "  ")
			}
		}
		p.blank()
		p.text(st.Note, m.mtx("progress.next"), "")
	default:
		p.blank()
		if m.stopped {
			msg := fmt.Sprintf(m.mtx("progress.stopped"), w.Target())
			if w.A.Target == mediawiz.TargetDevice {
				msg = fmt.Sprintf(m.mtx("progress.stopped-device"), w.Target())
				if len(m.result.Notes) > 0 {
					msg = m.mtx("progress.stopped-partial")
				}
			}
			p.text(st.Warning, sym.Warning+" "+msg, "")
		} else {
			p.text(st.Error, sym.Error+" "+m.mtx("progress.failed"), "")
			p.lines2(st.Error, m.writeErr, "  ")
		}
		for _, n := range m.result.Notes {
			p.text(st.Warning, sym.Warning+" "+n, "")
		}
		p.blank()
		p.text(st.Note, m.mtx("progress.back"), "")
	}
}

func mb(n int64) string { return bytesize.Format(n) }

func (m *MediaModel) completionLines(p *pane) {
	w := m.w
	st := m.th.Styles
	p.text(st.PageHelp, fmt.Sprintf(m.mtx("completion.done"), m.mediaKindName(w)), "")
	p.text(st.Command, w.Written, "  ")
	if r := m.res; r != nil {
		p.text(st.Note, fmt.Sprintf(m.mtx("progress.files"), r.Files, mb(r.Size), r.ID), "  ")
	}
	p.blank()
	p.text(st.PageHelp, m.mtx("completion.repeat"), "")
	p.add("  " + commandRow(m.th, w.CommandLine(), m.cmdScroll, p.width-2))
	if lipgloss.Width(w.CommandLine()) > p.width-2 {
		p.text(st.Note, fmt.Sprintf(m.mtx("completion.scroll"), m.th.Symbols.LeftRight), "  ")
	}
	if _, env := w.Password(); w.A.Protect && env == "" {
		p.text(st.Note, m.mtx("completion.pass"), "  ")
	}
}

// mediaKindName is the medium's kind as the middle of a sentence:
// "bootable media" (Korean has no case to change).
func (t texts) mediaKindName(w *mediawiz.Wizard) string {
	kind := w.Msg("summary.kind." + w.A.Kind)
	if t.english() && kind != "" {
		kind = strings.ToLower(kind[:1]) + kind[1:]
	}
	return kind
}
