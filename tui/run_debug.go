package tui

import (
	"context"
	"fmt"
	"strings"

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
	cursor, top, varTop int
	filter              string
	requested           bool
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
		_, vrows := m.debugRows()
		s.varTop = max(0, min(s.varTop, len(shownVars(m.dbg.stop.Vars, s.filter))-vrows))
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
	items := d.stop.Items
	key := k.String()
	switch {
	case d.editing:
		switch key {
		case "enter":
			name, val, ok := strings.Cut(d.edit, "=")
			if !ok || strings.TrimSpace(name) == "" {
				d.note = rtx("dbg.edit.form")
				return m, nil
			}
			m.answer(engine.DebugAction{Op: engine.DebugSetVar, Name: strings.TrimSpace(name), Value: val})
		case "esc":
			d.editing, d.edit = false, ""
		case "backspace":
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
		switch key {
		case "enter", "esc":
			d.filtering = false
		case "backspace":
			if r := []rune(s.filter); len(r) > 0 {
				s.filter = string(r[:len(r)-1])
			}
		default:
			if k.Type == tea.KeyRunes && !k.Alt {
				s.filter += string(k.Runes)
			}
		}
		s.varTop = 0
		return m, nil
	case d.confirm >= 0:
		switch key {
		case "y", "Y", "enter":
			m.answer(engine.DebugAction{Op: engine.DebugSetCurrent, Index: d.confirm})
		default:
			d.confirm = -1
			d.note = rtx("dbg.stays")
		}
		return m, nil
	}
	failure := d.stop.Reason == "failure"
	switch key {
	case "up", "k":
		s.cursor = max(0, s.cursor-1)
	case "down", "j":
		s.cursor = min(len(items)-1, s.cursor+1)
	case "pgup":
		rows, _ := m.debugRows()
		s.cursor = max(0, s.cursor-rows)
	case "pgdown":
		rows, _ := m.debugRows()
		s.cursor = min(len(items)-1, s.cursor+rows)
	case "home":
		s.cursor = 0
	case "end":
		s.cursor = len(items) - 1
	case "[":
		s.varTop = max(0, s.varTop-1)
	case "]":
		s.varTop++
	case "b":
		m.answer(engine.DebugAction{Op: engine.DebugBreak, Index: s.cursor})
	case "e":
		d.editing, d.edit = true, ""
	case "/":
		d.filtering = true
	case "q":
		m.answer(engine.DebugAction{Op: engine.DebugQuit})
	case "ctrl+c":
		m.answer(engine.DebugAction{Op: engine.DebugQuit})
	default:
		if failure {
			switch key {
			case "y":
				m.answer(engine.DebugAction{Op: engine.DebugRetry})
			case "i":
				m.answer(engine.DebugAction{Op: engine.DebugIgnore})
			case "f":
				m.answer(engine.DebugAction{Op: engine.DebugFail})
			}
			return m, nil
		}
		switch key {
		case "s", "enter":
			m.answer(engine.DebugAction{Op: engine.DebugStep})
		case "r":
			m.answer(engine.DebugAction{Op: engine.DebugRun})
		case "t":
			m.answer(engine.DebugAction{Op: engine.DebugRunTo, Index: s.cursor})
		case "x":
			m.answer(engine.DebugAction{Op: engine.DebugSkip})
		case "c":
			d.confirm = s.cursor
		}
	}
	m.debugScroll()
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
	where := rtx("dbg.end")
	if d.stop.Pointer < len(items) {
		where = fmt.Sprintf("[%d] %s", d.stop.Pointer, items[d.stop.Pointer].Path)
	}
	title := " " + fmt.Sprintf(rtx("dbg.title"), m.name)
	out = append(out, m.st.title.Render(m.padBetween(title, rtx("dbg.reason."+d.stop.Reason)+" ", w)))
	status := " " + fmt.Sprintf(rtx("dbg.before"), where)
	style := m.st.step
	switch {
	case d.confirm >= 0:
		target := rtx("dbg.end")
		if d.confirm < len(items) {
			target = items[d.confirm].Path
		}
		status = " " + fmt.Sprintf(rtx("dbg.confirm"), target, engine.DebugEffect(items, d.stop.Pointer, d.confirm))
		style = m.st.ask
	case d.editing:
		status = " " + rtx("dbg.edit") + " " + d.edit + "_"
		style = m.st.ask
	case d.stop.Reason == "failure" && d.stop.Failure != nil:
		status = " " + fmt.Sprintf(rtx("dbg.failed"), d.stop.Failure.Path, engine.FormatCode(d.stop.Failure.ExitCode))
		style = m.st.err
	case d.note != "":
		status = " " + d.note
	}
	out = append(out, style.Render(m.cut(status, w)))

	rows, vrows := m.debugRows()
	out = append(out, m.st.muted.Render(m.cut(" "+rtx("dbg.tree"), w)))
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
			line += "  [" + outcomeText(it.Outcome) + "]"
		}
		if it.Condition != "" {
			line += "  " + rtx("dbg.if") + " " + it.Condition
		}
		st := m.st.bar
		if i == s.cursor {
			st = m.st.step
		}
		out = append(out, st.Render(m.cut(line, w)))
	}
	// The sequence's variables first, the engine's after them.
	vars := shownVars(d.stop.Vars, s.filter)
	head := " " + fmt.Sprintf(rtx("dbg.vars"), len(vars))
	if s.filter != "" || d.filtering {
		head += "  /" + s.filter
		if d.filtering {
			head += "_"
		}
	}
	out = append(out, m.st.muted.Render(m.cut(head, w)))
	top := min(s.varTop, max(0, len(vars)-vrows))
	for i := top; i < top+vrows; i++ {
		if i >= len(vars) {
			out = append(out, "")
			continue
		}
		v := vars[i]
		ro := ""
		if v.ReadOnly {
			ro = "  " + rtx("dbg.ro")
		}
		out = append(out, m.cut("   "+v.Name+" = "+v.Value+ro, w))
	}
	keys := rtx("dbg.keys")
	if d.stop.Reason == "failure" {
		keys = rtx("dbg.keys.failure")
	}
	out = append(out, " "+m.st.footer.Render(m.cut(keys, w-1)))
	return strings.Join(out, "\n")
}

// checkView is the pre-flight check, the first page of debug mode.
func (m *RunModel) checkView() string {
	w := max(m.width, 20)
	var out []string
	out = append(out, m.st.title.Render(m.padBetween(" "+fmt.Sprintf(rtx("dbg.title"), m.name), rtx("check.title")+" ", w)))
	out = append(out, "")
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
		status := rtx("check." + strings.ReplaceAll(string(l.Status), " ", ""))
		for i, part := range runWrap(line, w-13) {
			lead := fmt.Sprintf(" %-10s ", status)
			if i > 0 {
				lead = strings.Repeat(" ", 12)
			}
			out = append(out, st.Render(lead)+m.cut(part, w-12))
		}
	}
	out = append(out, "")
	sum := rtx("check.allok")
	if fails > 0 {
		sum = fmt.Sprintf(rtx("check.fails"), fails)
	}
	out = append(out, m.st.step.Render(m.cut(" "+sum, w)))
	h := max(m.height, 5)
	if len(out) > h-1 {
		out = append(out[:h-2], m.st.muted.Render(" "+rtx("more.below")))
	}
	for len(out) < h-1 {
		out = append(out, "")
	}
	out = append(out, " "+m.st.footer.Render(m.cut(rtx("check.key"), w-1)))
	return strings.Join(out, "\n")
}
