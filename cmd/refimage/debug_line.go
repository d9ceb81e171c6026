package main

import (
	"github.com/refimage/refimage/wizard"

	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/tui"
)

// lineDebugger is the debugger of refimage run --debug in plain lines
// (the accessible mode and --plain): at every stop it prints where the
// run is and reads commands (docs/debugger.md). At the end of the input
// it lets the run go on to the end (a failure then continues as failed).
type lineDebugger struct {
	in   *bufio.Reader
	out  io.Writer
	lang wizard.Lang // the language of its lines
	eof  bool
	// check runs the pre-flight check again (the check command).
	check func() ([]engine.CheckLine, error)
}

func (d *lineDebugger) pause(ctx context.Context, s engine.DebugStop) engine.DebugAction {
	p := func(format string, args ...any) { fmt.Fprintf(d.out, format+"\n", args...) }
	if s.Message != "" {
		p("debug: %s", s.Message)
	}
	where := tui.RunText(d.lang, "dbg.end")
	if s.Pointer < len(s.Items) {
		where = fmt.Sprintf("[%d] %s", s.Pointer, s.Items[s.Pointer].Path)
	}
	switch s.Reason {
	case "failure":
		p("debug: "+tui.RunText(d.lang, "dbgl.failed"), s.Failure.Path, s.Failure.Message, engine.Decimal(s.Failure.ExitCode))
	default:
		p("debug: "+tui.RunText(d.lang, "dbgl.stopped"), where, s.Reason)
	}
	for {
		if d.eof {
			if s.Reason == "failure" {
				return engine.DebugAction{Op: engine.DebugFail}
			}
			return engine.DebugAction{Op: engine.DebugRun}
		}
		fmt.Fprint(d.out, "debug> ")
		line, err := d.in.ReadString('\n')
		if err != nil && line == "" {
			d.eof = true
			p("")
			continue
		}
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		arg = strings.TrimSpace(arg)
		switch strings.ToLower(cmd) {
		case "", "step", "s":
			return engine.DebugAction{Op: engine.DebugStep}
		case "run", "r", "c", "continue":
			if rest, ok := strings.CutPrefix(arg, "to "); ok {
				i, msg := findItem(s.Items, rest)
				if msg != "" {
					p("debug: %s", msg)
					continue
				}
				return engine.DebugAction{Op: engine.DebugRunTo, Index: i}
			}
			return engine.DebugAction{Op: engine.DebugRun}
		case "break", "b":
			i, msg := findItem(s.Items, arg)
			if msg != "" {
				p("debug: %s", msg)
				continue
			}
			return engine.DebugAction{Op: engine.DebugBreak, Index: i}
		case "skip":
			return engine.DebugAction{Op: engine.DebugSkip}
		case "goto":
			i, msg := findItem(s.Items, arg)
			if msg != "" {
				p("debug: %s", msg)
				continue
			}
			p("debug: "+tui.RunText(d.lang, "dbgl.confirm"), i, s.Items[i].Path, engine.DebugEffect(s.Items, s.Pointer, i))
			fmt.Fprint(d.out, "debug> ")
			ans, _ := d.in.ReadString('\n')
			if a := strings.ToLower(strings.TrimSpace(ans)); a != "yes" && a != "y" {
				p("debug: %s", tui.RunText(d.lang, "dbg.stays"))
				continue
			}
			return engine.DebugAction{Op: engine.DebugSetCurrent, Index: i}
		case "set":
			k, v, ok := strings.Cut(arg, "=")
			if !ok || strings.TrimSpace(k) == "" {
				p("debug: %s", tui.RunText(d.lang, "dbg.edit.form"))
				continue
			}
			return engine.DebugAction{Op: engine.DebugSetVar, Name: strings.TrimSpace(k), Value: v}
		case "vars", "v":
			for _, v := range s.Vars {
				if arg != "" && !strings.Contains(strings.ToLower(v.Name), strings.ToLower(arg)) {
					continue
				}
				ro := ""
				if v.ReadOnly {
					ro = " (read-only)"
				}
				p("  %s = %s%s", v.Name, v.Value, ro)
			}
		case "list", "l":
			for _, it := range s.Items {
				mark := "  "
				if it.Index == s.Pointer {
					mark = "> "
				}
				bp := " "
				if it.Breakpoint {
					bp = "*"
				}
				extra := ""
				if it.Condition != "" {
					extra = "  if " + it.Condition
				}
				if it.Outcome != "" && it.Outcome != engine.NotRun {
					extra += "  [" + string(it.Outcome) + "]"
				}
				p("%s%s%3d %s%s%s", mark, bp, it.Index, strings.Repeat("  ", it.Depth), it.Name, extra)
			}
		case "check":
			if d.check == nil {
				p("debug: no check here")
				continue
			}
			lines, err := d.check()
			if err != nil {
				p("debug: the check: %v", err)
				continue
			}
			for _, l := range lines {
				p("%s", checkLineText(l))
			}
		case "retry":
			return engine.DebugAction{Op: engine.DebugRetry}
		case "ignore":
			return engine.DebugAction{Op: engine.DebugIgnore}
		case "fail":
			return engine.DebugAction{Op: engine.DebugFail}
		case "quit", "q":
			return engine.DebugAction{Op: engine.DebugQuit}
		case "help", "h", "?":
			p("%s", tui.RunText(d.lang, "dbgl.help"))
		default:
			p("debug: "+tui.RunText(d.lang, "dbgl.unknown"), cmd)
		}
	}
}

// findItem finds an instruction by number, path or name (names and
// paths compare case-insensitively; a name must be unique).
func findItem(items []engine.DebugItem, s string) (int, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "name a step: its name, its path or its number"
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n >= len(items) {
			return 0, fmt.Sprintf("there is no instruction %d (0 to %d)", n, len(items)-1)
		}
		return n, ""
	}
	for _, it := range items {
		if strings.EqualFold(it.Path, s) {
			return it.Index, ""
		}
	}
	found := -1
	for _, it := range items {
		if strings.EqualFold(it.Name, s) {
			if found >= 0 {
				return 0, fmt.Sprintf("%q names more than one item: give its path or number (list shows them)", s)
			}
			found = it.Index
		}
	}
	if found < 0 {
		return 0, fmt.Sprintf("no step or group is named %q (list shows them)", s)
	}
	return found, ""
}
