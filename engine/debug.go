package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/refimage/refimage/engine/sequence"
)

// DebuggerComponent is the log component of everything the operator does
// in debug mode, as ConfigMgr's task sequence debugger logs it.
const DebuggerComponent = "TSDebugger"

// Debug runs a sequence in debug mode (ConfigMgr's TSDebugMode): the
// engine stops before an instruction when stepping, at a breakpoint, at
// the instruction to run to, and — break on failure — when a step fails;
// at each stop it asks Pause what to do. Breakpoints, the mode and every
// change the operator makes are written to the state and the log
// (component TSDebugger), so a restart resumes in debug mode at the same
// pointer with the same breakpoints.
type Debug struct {
	// Enabled starts the run in debug mode: it stops before its first
	// instruction. Request enters it later, at the next step boundary.
	Enabled bool
	// Pause is called at every stop and blocks until the operator
	// chooses. It may be called several times at one stop (the operator
	// sets a breakpoint, then a variable, then steps).
	Pause func(ctx context.Context, s DebugStop) DebugAction
	// KeepGoingOnFailure turns break on failure off (it is on by
	// default in debug mode).
	KeepGoingOnFailure bool

	requested atomic.Bool
}

// Request asks the engine to enter debug mode at the next step boundary
// (the run view's d key). Safe from any goroutine.
func (d *Debug) Request() { d.requested.Store(true) }

// DebugOp is what the operator chose.
type DebugOp int

const (
	DebugStep       DebugOp = iota // run the next instruction, then stop
	DebugRun                       // run until a breakpoint or a failure
	DebugRunTo                     // run until the instruction Index
	DebugBreak                     // toggle the breakpoint on Index
	DebugSetCurrent                // move the pointer to Index
	DebugSkip                      // skip the next instruction (a group: all of it)
	DebugSetVar                    // set Name = Value (not a read-only _ name)
	DebugRetry                     // at a failure: run the failed step again
	DebugIgnore                    // at a failure: skip it and go on as if it had not run
	DebugFail                      // at a failure: continue as failed (the engine's rules)
	DebugQuit                      // stop the run (as ctrl+c: --resume continues)
)

// DebugAction is the operator's choice at a stop.
type DebugAction struct {
	Op    DebugOp
	Index int
	Name  string
	Value string
}

// DebugStop is what the operator sees at a stop.
type DebugStop struct {
	Pointer int    // the next instruction (len(Items) at the end)
	Reason  string // start, step, breakpoint, cursor, failure, requested, resumed
	// Failure is the failed step (Reason "failure").
	Failure *StepResult
	Items   []DebugItem
	Vars    []DebugVar
	// Message answers the operator's last action ("" when none): what
	// was set, or why it was refused.
	Message string
}

// DebugItem is one instruction of the table.
type DebugItem struct {
	Index      int
	Path, Name string
	Type       string // "group" for groups
	Depth      int
	Condition  string
	Disabled   bool
	Breakpoint bool
	Outcome    Outcome // of a step so far ("" for groups)
	End        int     // groups: the index after the group
}

// DebugVar is one variable (secret values masked).
type DebugVar struct {
	Name     string
	Value    string
	ReadOnly bool // engine variables (names starting with _)
	Secret   bool
}

// DebugState is what the state keeps of debug mode.
type DebugState struct {
	Enabled     bool   `json:"enabled"`
	Breakpoints []int  `json:"breakpoints,omitempty"`
	Mode        string `json:"mode,omitempty"` // step, run, to
	Target      int    `json:"target,omitempty"`
}

func (r *runner) debugOn() bool {
	d := r.opts.Debug
	if d == nil || d.Pause == nil {
		return false
	}
	if d.requested.Swap(false) && (r.st.Debug == nil || !r.st.Debug.Enabled) {
		r.st.Debug = &DebugState{Enabled: true, Mode: "step"}
		r.debugReason = "requested"
		r.log.info(DebuggerComponent, "The operator entered debug mode at pointer %d.", r.st.Pointer)
	}
	return r.st.Debug != nil && r.st.Debug.Enabled
}

func (r *runner) breakpoint(i int) bool {
	if r.st.Debug == nil {
		return false
	}
	for _, b := range r.st.Debug.Breakpoints {
		if b == i {
			return true
		}
	}
	return false
}

// debugBoundary is called before each instruction; it returns a result
// when the operator stopped the run.
func (r *runner) debugBoundary(ctx context.Context) *Result {
	if !r.debugOn() {
		return nil
	}
	d := r.st.Debug
	reason := r.debugReason
	r.debugReason = ""
	switch {
	case reason != "":
	case d.Mode == "step":
		reason = "step"
	case r.breakpoint(r.st.Pointer):
		reason = "breakpoint"
	case d.Mode == "to" && d.Target == r.st.Pointer:
		reason = "cursor"
	default:
		return nil
	}
	return r.debugStop(ctx, reason, nil)
}

// debugStop asks the operator until they choose to go on.
func (r *runner) debugStop(ctx context.Context, reason string, failure *StepResult) *Result {
	d := r.st.Debug
	msg := ""
	for {
		if ctx.Err() != nil {
			return r.cancelled(nil)
		}
		a := r.opts.Debug.Pause(ctx, r.debugView(reason, failure, msg))
		msg = ""
		switch a.Op {
		case DebugStep, DebugRun, DebugRunTo:
			if failure != nil {
				msg = "a step failed: retry it, skip it or continue as failed"
				continue
			}
			d.Mode = map[DebugOp]string{DebugStep: "step", DebugRun: "run", DebugRunTo: "to"}[a.Op]
			if a.Op == DebugRunTo {
				if a.Index < 0 || a.Index >= len(r.table) {
					msg = fmt.Sprintf("there is no instruction %d", a.Index)
					continue
				}
				d.Target = a.Index
				r.log.info(DebuggerComponent, "The operator runs the sequence to '%s' (pointer %d).", r.table[a.Index].path, a.Index)
			}
			if err := r.save(); err != nil {
				return r.stateFailed()
			}
			return nil
		case DebugBreak:
			if a.Index < 0 || a.Index >= len(r.table) {
				msg = fmt.Sprintf("there is no instruction %d", a.Index)
				continue
			}
			on := !r.breakpoint(a.Index)
			bs := d.Breakpoints[:0:0]
			for _, b := range d.Breakpoints {
				if b != a.Index {
					bs = append(bs, b)
				}
			}
			if on {
				bs = append(bs, a.Index)
				sort.Ints(bs)
			}
			d.Breakpoints = bs
			what := map[bool]string{true: "set", false: "removed"}[on]
			r.log.info(DebuggerComponent, "The operator %s a breakpoint on '%s' (pointer %d).", what, r.table[a.Index].path, a.Index)
			msg = "breakpoint " + what + " on " + r.table[a.Index].path
		case DebugSetVar:
			name := strings.TrimSpace(a.Name)
			if strings.HasPrefix(name, "_") {
				msg = name + " is read-only: only the engine sets it"
				continue
			}
			if err := r.vars.Set(name, a.Value); err != nil {
				msg = "cannot set " + name + ": " + err.Error()
				continue
			}
			shown := a.Value
			if r.vars.IsSecret(name) {
				shown = "********"
			}
			r.log.info(DebuggerComponent, "The operator set the task sequence variable %s = %s", name, r.red.Redact(shown))
			msg = name + " = " + r.red.Redact(shown)
		case DebugSetCurrent:
			if failure != nil {
				msg = "a step failed: retry it, skip it or continue as failed first"
				continue
			}
			if a.Index < 0 || a.Index > len(r.table) {
				msg = fmt.Sprintf("there is no instruction %d", a.Index)
				continue
			}
			r.log.warn(DebuggerComponent, "The operator moved the pointer from %d to %d: %s", r.st.Pointer, a.Index, r.setCurrentEffect(a.Index))
			r.st.Pointer = a.Index
			r.st.InProgress = nil
			msg = "the next instruction is now " + r.pathAt(a.Index)
			reason = "moved"
		case DebugSkip:
			if failure != nil {
				msg = "a step failed: use ignore to skip it"
				continue
			}
			if r.st.Pointer >= len(r.table) {
				msg = "nothing left to skip"
				continue
			}
			in := r.table[r.st.Pointer]
			r.log.warn(DebuggerComponent, "The operator skipped '%s' (pointer %d).", in.path, in.index)
			for j := in.index; j < in.end; j++ {
				r.setResult(r.table[j], func(res *StepResult) {
					if res.Outcome == NotRun {
						res.Outcome, res.Message = Skipped, "skipped by the operator (debug mode)"
					}
				}, true)
			}
			r.commit(nil, in.end)
			msg = "skipped " + in.path
			reason = "moved"
		case DebugRetry, DebugIgnore, DebugFail:
			if failure == nil {
				msg = "retry, ignore and fail answer a failed step"
				continue
			}
			r.debugChoice = a.Op
			what := map[DebugOp]string{DebugRetry: "runs it again", DebugIgnore: "skips it and goes on", DebugFail: "continues with it failed"}[a.Op]
			r.log.warn(DebuggerComponent, "The step '%s' failed; the operator %s.", failure.Path, what)
			return nil
		case DebugQuit:
			r.log.warn(DebuggerComponent, "The operator stopped the run at pointer %d.", r.st.Pointer)
			return r.cancelled(nil)
		default:
			msg = "unknown debugger command"
		}
		if err := r.save(); err != nil {
			return r.stateFailed()
		}
	}
}

func (r *runner) pathAt(i int) string {
	if i >= len(r.table) {
		return "the end of the sequence"
	}
	return r.table[i].path
}

// setCurrentEffect says what moving the pointer to i skips or repeats.
func (r *runner) setCurrentEffect(i int) string {
	items := make([]DebugItem, len(r.table))
	for j, in := range r.table {
		items[j] = DebugItem{Index: j, Path: in.path, Type: in.item.Type}
	}
	return DebugEffect(items, r.st.Pointer, i)
}

// DebugEffect is what moving the pointer from one instruction to another
// skips or repeats, for a confirmation.
func DebugEffect(items []DebugItem, from, to int) string {
	lo, hi, verb := from, to, "skips"
	if to < from {
		lo, hi, verb = to, from, "repeats"
	}
	var names []string
	for j := lo; j < hi && j < len(items); j++ {
		if items[j].Type != sequence.GroupType {
			names = append(names, items[j].Path)
		}
	}
	if len(names) == 0 {
		return "nothing is skipped or repeated"
	}
	return verb + " " + strings.Join(names, ", ")
}

func (r *runner) debugView(reason string, failure *StepResult, msg string) DebugStop {
	s := DebugStop{Pointer: r.st.Pointer, Reason: reason, Failure: failure, Message: msg}
	for _, in := range r.table {
		it := DebugItem{Index: in.index, Path: in.path, Name: in.item.Name, Type: in.item.Type, Condition: in.item.Condition,
			Disabled: in.off, Breakpoint: r.breakpoint(in.index), End: in.end}
		for p := in.parent; p >= 0; p = r.table[p].parent {
			it.Depth++
		}
		if res := r.resultOf(in); res != nil {
			it.Outcome = res.Outcome
		}
		s.Items = append(s.Items, it)
	}
	for _, v := range r.vars.All() {
		dv := DebugVar{Name: v.Name, Value: r.red.Redact(v.Value), ReadOnly: strings.HasPrefix(v.Name, "_"), Secret: r.vars.IsSecret(v.Name)}
		if dv.Secret {
			dv.Value = "********"
		}
		s.Vars = append(s.Vars, dv)
	}
	return s
}
