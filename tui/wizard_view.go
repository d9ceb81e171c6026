package tui

import (
	"fmt"
	"strings"

	"github.com/refimage/refimage/wizard"
)

// View implements tea.Model: the form screen (form_view.go) with this
// wizard's Summary, Progress, Completion and application list.
func (m *WizardModel) View() string { return m.view() }

// appLines lists the applications; it returns the line of the selected
// one (-1: none).
func (m *WizardModel) appLines(p *pane, focused bool) int {
	w := m.w
	st, sym := m.th.Styles, m.th.Symbols
	if len(w.A.Apps) == 0 {
		p.text(st.Note, w.Msg("applications.empty"), "    ")
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
			name = w.Msgf("applications.unnamed", i+1)
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
			p.text(st.Warning, m.th.Symbols.Warning+" "+g.Page.Title(m.w)+": "+wn.Msg, "")
		}
	}
	p.add(st.Group.Render(m.tx("summary.choices")))
	for _, g := range m.w.Summary() {
		p.add(st.Group.Render(g.Page.Title(m.w)))
		for _, it := range g.Items {
			p.text(st.SummaryValue, st.SummaryLabel.Render(it.Label+": ")+it.Value, "  ")
		}
	}
	p.blank()
	p.text(st.Note, m.tx("summary.write"), "")
	m.listArea(p, start)
}

func (m *WizardModel) progressLines(p *pane) {
	st, sym := m.th.Styles, m.th.Symbols
	switch {
	case m.writing:
		p.text(st.Note, m.tx("progress.writing"), "")
	case m.writeErr != "":
		p.text(st.Error, sym.Error+" "+m.tx("progress.failed"), "")
		p.text(st.Error, m.writeErr, "  ")
		p.blank()
		p.text(st.Note, m.tx("progress.back"), "")
	default:
		p.text(st.NavTick, sym.Tick+" "+m.tx("progress.written"), "")
		p.text(st.Command, m.result.Written, "  ")
		if m.writtenAbs != "" {
			p.text(st.Note, fmt.Sprintf(m.tx("progress.abs"), m.writtenAbs), "  ")
		}
		if s, g := m.steps, m.groups; s > 0 {
			p.text(st.Note, fmt.Sprintf(m.tx("progress.steps"), s, g), "  ")
		}
		if m.sealed {
			p.text(st.Note, m.tx("progress.sealed"), "  ")
		}
		for _, wn := range m.warnings {
			p.text(st.Warning, sym.Warning+" "+wn, "  ")
		}
		p.blank()
		p.text(st.Note, m.tx("progress.next"), "")
	}
}

func (m *WizardModel) completionLines(p *pane) {
	st, sym := m.th.Styles, m.th.Symbols
	p.text(st.PageHelp, m.tx("completion.done"), "")
	p.text(st.Command, m.result.Written, "  ")
	p.blank()
	for i, a := range completionActions {
		label := m.actionName(a)
		if a != ActionQuit && !m.opt.Available[a] {
			if m.opt.Notes[a] != "" {
				label += " " + m.tx("completion.cli")
			} else {
				label += fmt.Sprintf(m.tx("completion.pending"), actionIssue[a])
			}
		}
		if i == m.menu {
			p.add(sym.Cursor + " " + st.MenuSelected.Render(" "+label+" "))
		} else {
			p.add("   " + st.Menu.Render(label))
		}
	}
	p.blank()
	p.text(st.PageHelp, m.tx("completion.later"), "")
	cmds := m.opt.Commands(m.result.Written)
	for _, c := range cmds {
		p.add("  " + commandRow(m.th, c, m.cmdScroll, p.width-2))
	}
	if commandScrollMax(cmds, p.width-2) > 0 {
		p.text(st.Note, fmt.Sprintf(m.tx("completion.scroll"), m.th.Symbols.LeftRight), "  ")
	}
}

// helpLines adds the keys of Install Applications to the help.
func (m *WizardModel) helpLines(p *pane) {
	if m.w.CurrentID() == wizard.PageApps {
		p.text(m.th.Styles.FieldHelp, m.tx("help.apps"), "")
	}
}
