package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine"
)

// The run view's debugger (docs/debugger.md): when the engine stops in
// debug mode the view shows the instruction list (the pointer, the
// selection, breakpoints, conditions, outcomes), the variables (secrets
// masked, engine variables marked read-only, filterable) and the keys.
// It is hand-rolled like the rest of the run view (the tree and its
// marks are not a bubbles list's items, and the variables pane is a
// filtered table of two columns).

// runDebugMsg is a stop of the engine: the engine's goroutine waits for
// the operator's answer on reply.
type runDebugMsg struct {
	stop  engine.DebugStop
	reply chan engine.DebugAction
}

// runDebug is the debugger's screen state.
type runDebug struct {
	stop      engine.DebugStop
	reply     chan engine.DebugAction
	filtering bool
	editing   bool
	edit      string
	confirm   int // the instruction set current would move to; -1 none
	note      string
}

// debugState keeps what outlives one stop: the selection, the scroll
// offsets and the variables' filter.
type debugState struct {
	cursor, top int
	vars        viewport.Model // the variables, scrolled with [ ]
	filter      string
	requested   bool
}

// hookDebug makes the engine's debug stops arrive as messages.
func (m *RunModel) hookDebug(opts *engine.Options) {
	if opts.Debug == nil {
		opts.Debug = &engine.Debug{}
	}
	ch := m.ch
	opts.Debug.Pause = func(ctx context.Context, s engine.DebugStop) engine.DebugAction {
		reply := make(chan engine.DebugAction, 1)
		select {
		case ch <- runDebugMsg{s, reply}:
		case <-ctx.Done():
			return engine.DebugAction{Op: engine.DebugQuit}
		}
		select {
		case a := <-reply:
			return a
		case <-ctx.Done():
			return engine.DebugAction{Op: engine.DebugQuit}
		}
	}
	m.dbgHandle = opts.Debug
}

// debugStopped shows a stop; the selection goes to the pointer.
func (m *RunModel) debugStopped(msg runDebugMsg) {
	m.dbg = &runDebug{stop: msg.stop, reply: msg.reply, confirm: -1, note: msg.stop.Message}
	if msg.stop.Message == "" {
		// A new place: the selection follows the pointer (after an
		// answer that stays, such as a breakpoint, it stays).
		m.dbgState.cursor = min(msg.stop.Pointer, max(0, len(msg.stop.Items)-1))
	}
	m.dbgState.requested = false
	m.debugScroll()
}

// answer sends the operator's choice to the engine.
func (m *RunModel) answer(a engine.DebugAction) {
	d := m.dbg
	m.dbg = nil
	d.reply <- a
}

// debugRows is how the screen is shared: tree rows and variable rows.
func (m *RunModel) debugRows() (tree, vars int) {
	avail := m.height - 5 // title, status, two headers, footer
	if avail < 4 {
		avail = 4
	}
	vars = avail / 3
	if vars > 8 {
		vars = 8
	}
	return avail - vars, vars
}

// debugScroll keeps the selection in view (scroll state lives here, in
// Update, never in View). Hand-rolled: the instruction list follows its
// selection, which bubbles' viewport knows nothing of.
func (m *RunModel) debugScroll() {
	rows, _ := m.debugRows()
	s := &m.dbgState
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+rows {
		s.top = s.cursor - rows + 1
	}
	if s.top < 0 {
		s.top = 0
	}
	if m.dbg != nil {
		// The variables scroll in a viewport ([ ]), filled here.
		_, vrows := m.debugRows()
		w := max(m.width, 20)
		var lines []string
		for _, v := range shownVars(m.dbg.stop.Vars, s.filter) {
			ro := ""
			if v.ReadOnly {
				ro = "  " + m.rtx("dbg.ro")
			}
			lines = append(lines, m.cut("   "+v.Name+" = "+v.Value+ro, w))
		}
		setView(&s.vars, w, vrows, lines)
	}
}

// shownVars are the variables that match the filter: the sequence's,
// then the engine's read-only ones.
func shownVars(all []engine.DebugVar, filter string) []engine.DebugVar {
	var vars, engineVars []engine.DebugVar
	for _, v := range all {
		if filter == "" || strings.Contains(strings.ToLower(v.Name), strings.ToLower(filter)) {
			if v.ReadOnly {
				engineVars = append(engineVars, v)
			} else {
				vars = append(vars, v)
			}
		}
	}
	return append(vars, engineVars...)
}

func (m *RunModel) debugKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	d := m.dbg
	s := &m.dbgState
	dk := debugKeys
	items := d.stop.Items
	switch {
	case d.editing:
		switch {
		case matches(k, dk.Done):
			name, val, ok := strings.Cut(d.edit, "=")
			if !ok || strings.TrimSpace(name) == "" {
				d.note = m.rtx("dbg.edit.form")
				return m, nil
			}
			m.answer(engine.DebugAction{Op: engine.DebugSetVar, Name: strings.TrimSpace(name), Value: val})
		case matches(k, dk.Cancel):
			d.editing, d.edit = false, ""
		case matches(k, dk.Erase):
			if r := []rune(d.edit); len(r) > 0 {
				d.edit = string(r[:len(r)-1])
			}
		default:
			if k.Type == tea.KeyRunes && !k.Alt {
				d.edit += string(k.Runes)
			} else if k.Type == tea.KeySpace {
				d.edit += " "
			}
		}
		return m, nil
	case d.filtering:
		switch {
		case matches(k, dk.Done, dk.Cancel):
			d.filtering = false
		case matches(k, dk.Erase):
			if r := []rune(s.filter); len(r) > 0 {
				s.filter = string(r[:len(r)-1])
			}
		default:
			if k.Type == tea.KeyRunes && !k.Alt {
				s.filter += string(k.Runes)
			}
		}
		s.vars.GotoTop()
		return m, nil
	case d.confirm >= 0:
		if matches(k, dk.Yes) {
			m.answer(engine.DebugAction{Op: engine.DebugSetCurrent, Index: d.confirm})
		} else {
			d.confirm = -1
			d.note = m.rtx("dbg.stays")
		}
		return m, nil
	}
	rows, _ := m.debugRows()
	switch {
	case matches(k, dk.Up):
		s.cursor = max(0, s.cursor-1)
	case matches(k, dk.Down):
		s.cursor = min(len(items)-1, s.cursor+1)
	case matches(k, dk.PageUp):
		s.cursor = max(0, s.cursor-rows)
	case matches(k, dk.PageDown):
		s.cursor = min(len(items)-1, s.cursor+rows)
	case matches(k, dk.Home):
		s.cursor = 0
	case matches(k, dk.End):
		s.cursor = len(items) - 1
	case matches(k, dk.VarsUp):
		s.vars.ScrollUp(1)
	case matches(k, dk.VarsDown):
		s.vars.ScrollDown(1)
	case matches(k, dk.Break):
		m.answer(engine.DebugAction{Op: engine.DebugBreak, Index: s.cursor})
	case matches(k, dk.Edit):
		d.editing, d.edit = true, ""
	case matches(k, dk.Filter):
		d.filtering = true
	case matches(k, dk.Quit):
		m.answer(engine.DebugAction{Op: engine.DebugQuit})
	case d.stop.Reason == "failure":
		switch {
		case matches(k, dk.Retry):
			m.answer(engine.DebugAction{Op: engine.DebugRetry})
		case matches(k, dk.Ignore):
			m.answer(engine.DebugAction{Op: engine.DebugIgnore})
		case matches(k, dk.Fail):
			m.answer(engine.DebugAction{Op: engine.DebugFail})
		}
	case matches(k, dk.Step):
		m.answer(engine.DebugAction{Op: engine.DebugStep})
	case matches(k, dk.Run):
		m.answer(engine.DebugAction{Op: engine.DebugRun})
	case matches(k, dk.RunTo):
		m.answer(engine.DebugAction{Op: engine.DebugRunTo, Index: s.cursor})
	case matches(k, dk.Skip):
		m.answer(engine.DebugAction{Op: engine.DebugSkip})
	case matches(k, dk.Move):
		d.confirm = s.cursor
	}
	return m, nil
}

// debugView draws the stopped debugger.
func (m *RunModel) debugView() string {
	d := m.dbg
	s := m.dbgState
	w := max(m.width, 20)
	sym := m.th.Symbols
	items := d.stop.Items
	var out []string
	where := m.rtx("dbg.end")
	if d.stop.Pointer < len(items) {
		where = fmt.Sprintf("[%d] %s", d.stop.Pointer, items[d.stop.Pointer].Path)
	}
	title := " " + fmt.Sprintf(m.rtx("dbg.title"), m.name)
	out = append(out, m.st.title.Render(m.padBetween(title, m.rtx("dbg.reason."+d.stop.Reason)+" ", w)))
	status := " " + fmt.Sprintf(m.rtx("dbg.before"), where)
	style := m.st.step
	switch {
	case d.confirm >= 0:
		target := m.rtx("dbg.end")
		if d.confirm < len(items) {
			target = items[d.confirm].Path
		}
		status = " " + fmt.Sprintf(m.rtx("dbg.confirm"), target, engine.DebugEffect(items, d.stop.Pointer, d.confirm))
		style = m.st.ask
	case d.editing:
		status = " " + m.rtx("dbg.edit") + " " + d.edit + "_"
		style = m.st.ask
	case d.stop.Reason == "failure" && d.stop.Failure != nil:
		status = " " + fmt.Sprintf(m.rtx("dbg.failed"), d.stop.Failure.Path, engine.FormatCode(d.stop.Failure.ExitCode))
		style = m.st.err
	case d.note != "":
		status = " " + d.note
	}
	out = append(out, style.Render(m.cut(status, w)))

	rows, _ := m.debugRows()
	out = append(out, m.st.muted.Render(m.cut(" "+m.rtx("dbg.tree"), w)))
	for i := s.top; i < s.top+rows; i++ {
		if i >= len(items) {
			out = append(out, "")
			continue
		}
		it := items[i]
		mark := "  "
		if i == s.cursor {
			mark = sym.Cursor + " "
		}
		ptr := " "
		if i == d.stop.Pointer {
			ptr = ">"
		}
		bp := " "
		if it.Breakpoint {
			bp = "*"
		}
		line := mark + ptr + bp + fmt.Sprintf("%3d ", i) + strings.Repeat("  ", it.Depth) + it.Name
		if it.Outcome != "" && it.Outcome != engine.NotRun {
			line += "  [" + m.outcomeText(it.Outcome) + "]"
		}
		if it.Condition != "" {
			line += "  " + m.rtx("dbg.if") + " " + it.Condition
		}
		st := m.st.bar
		if i == s.cursor {
			st = m.st.step
		}
		out = append(out, st.Render(m.cut(line, w)))
	}
	// The sequence's variables first, the engine's after them.
	vars := shownVars(d.stop.Vars, s.filter)
	head := " " + fmt.Sprintf(m.rtx("dbg.vars"), len(vars))
	if s.filter != "" || d.filtering {
		head += "  /" + s.filter
		if d.filtering {
			head += "_"
		}
	}
	out = append(out, m.st.muted.Render(m.cut(head, w)))
	// Update sized and filled the variables' viewport (debugScroll); it
	// pads its rows to its width, the screen does not.
	for _, l := range strings.Split(s.vars.View(), "\n") {
		out = append(out, strings.TrimRight(l, " "))
	}
	out = append(out, m.runHelp(w, m.debugFooter(d.stop.Reason == "failure")...))
	return strings.Join(out, "\n")
}

// checkLines are the pre-flight check's lines for a width of w cells.
func (m *RunModel) checkLines(w int) []string {
	var out []string
	fails := 0
	for _, l := range m.vo.Check {
		st := m.st.ok
		switch l.Status {
		case engine.CheckWarning:
			st = m.st.warn
		case engine.CheckWillFail:
			st = m.st.err
			fails++
		}
		line := l.What
		if l.Step != "" {
			line += " [" + l.Step + "]"
		}
		status := m.rtx("check." + strings.ReplaceAll(string(l.Status), " ", ""))
		for i, part := range runWrap(line, w-13) {
			lead := fmt.Sprintf(" %-10s ", status)
			if i > 0 {
				lead = strings.Repeat(" ", 12)
			}
			out = append(out, st.Render(lead)+m.cut(part, w-12))
		}
	}
	out = append(out, "")
	sum := m.rtx("check.allok")
	if fails > 0 {
		sum = fmt.Sprintf(m.rtx("check.fails"), fails)
	}
	return append(out, m.st.step.Render(m.cut(" "+sum, w)))
}

// checkShown reports whether the pre-flight check shows (the first page
// of debug mode, until a key other than a scroll key).
func (m *RunModel) checkShown() bool { return len(m.vo.Check) > 0 && !m.checkSeen }

// syncCheck sizes the check's viewport to the rows between the title
// (and the blank line under it) and the footer, and fills it (Update).
func (m *RunModel) syncCheck() {
	if !m.checkShown() {
		return
	}
	w := max(m.width, 20)
	setView(&m.check, w, max(m.height, 5)-3, m.checkLines(w))
}

// checkKey scrolls the check with the summary's keys; any other key goes
// on to the debugger.
func (m *RunModel) checkKey(k tea.KeyMsg) {
	rk := runKeys
	switch {
	case matches(k, rk.Home):
		m.check.GotoTop()
	case matches(k, rk.End):
		m.check.GotoBottom()
	case matches(k, rk.Up, rk.Down, rk.PageUp, rk.PageDown):
		m.check, _ = m.check.Update(k)
	default:
		m.checkSeen = true
	}
}

// checkView is the pre-flight check, the first page of debug mode.
func (m *RunModel) checkView() string {
	w := max(m.width, 20)
	out := []string{m.st.title.Render(m.padBetween(" "+fmt.Sprintf(m.rtx("dbg.title"), m.name), m.rtx("check.title")+" ", w)), ""}
	// Update sized and filled the viewport (syncCheck); it pads its rows
	// to its width, the screen does not.
	for _, l := range strings.Split(m.check.View(), "\n") {
		out = append(out, strings.TrimRight(l, " "))
	}
	if m.check.TotalLineCount() <= m.check.Height {
		return strings.Join(append(out, " "+m.st.footer.Render(m.cut(m.rtx("check.key"), w-1))), "\n")
	}
	hint := "  " + m.st.footer.Render(m.rtx("check.key.other"))
	if !m.check.AtBottom() {
		hint += "  " + m.st.muted.Render(m.rtx("more.below"))
	}
	foot := m.runHelp(w, hk(runKeys.Up, m.th.Symbols.UpDown, m.rtx("key.scroll"))) + hint
	return strings.Join(append(out, m.cut(foot, w)), "\n")
}
