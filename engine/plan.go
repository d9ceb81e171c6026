package engine

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// PlanOptions describe the simulated machine of a dry run.
type PlanOptions struct {
	Env   string // "winpe" (default) or "full-os": where the run starts
	BIOS  bool   // BIOS firmware; the default is UEFI
	Media string // "none" (default), "boot" (BootMedia) or "full" (FullMedia)
	// Vars are set after the sequence's variables. Unlike run, a plan
	// may set read-only _SMSTS* variables: they describe the simulated
	// machine (e.g. _SMSTSClientCache).
	Vars    []sequence.Variable
	Offline string
	// Facts answers file, registry, WMI… questions; nil knows none.
	Facts *condition.SimEnv
}

// PlanEntry is one group or step of a plan, in execution order.
type PlanEntry struct {
	Path    string   `json:"path"`
	Name    string   `json:"name"`
	Type    string   `json:"type"` // "group" for groups
	WillRun bool     `json:"will_run"`
	Reason  string   `json:"reason"`
	Actions []string `json:"actions"`
	// Condition is the condition in plain words ("" when none).
	Condition string `json:"condition"`
	// Environment is where the item would run: winpe or full-os.
	Environment     string `json:"environment"`
	Depth           int    `json:"depth"`
	Number          int    `json:"number,omitempty"` // step number in the progress count
	Disabled        bool   `json:"disabled"`
	ContinueOnError bool   `json:"continue_on_error"`
	// Known is false when the condition needs something only the real
	// machine can answer; WillRun is then false and Reason says why.
	Known bool `json:"known"`
}

// Media types of _SMSTSMediaType.
var mediaTypes = map[string]string{"none": "", "": "", "boot": "BootMedia", "full": "FullMedia"}

// Plan simulates a run without touching anything: it walks the sequence
// as the engine would, evaluates every condition against the simulated
// machine, follows the environment across the sequence's restarts
// (Restart Computer, Setup Windows and ConfigMgr, Prepare Windows for
// Capture) and set-variable steps, and describes each step's actions.
func Plan(seq *sequence.Sequence, opts PlanOptions) ([]PlanEntry, error) {
	mediaType, ok := mediaTypes[opts.Media]
	if !ok {
		return nil, fmt.Errorf("--media is none, boot or full, not %q", opts.Media)
	}
	m := Machine{UEFI: !opts.BIOS}
	switch opts.Env {
	case "", "winpe":
		m.InWinPE = true
	case "full-os":
	default:
		return nil, fmt.Errorf("--env is winpe or full-os, not %q", opts.Env)
	}
	vars := NewVars()
	red := &secret.Redactor{}
	vars.onSecret = red.Add
	for _, v := range seq.Variables {
		vars.Set(v.Name, v.Value)
	}
	vars.SetReadOnly("_SMSTSBootUEFI", strconv.FormatBool(m.UEFI))
	vars.SetReadOnly("_SMSTSMediaType", mediaType)
	vars.SetReadOnly("_SMSTSPackageName", seq.Name)
	vars.SetReadOnly("_SMSTSOrgName", "IT Organization")
	setEnv := func() { vars.SetReadOnly("_SMSTSInWinPE", strconv.FormatBool(m.InWinPE)) }
	setEnv()
	for _, v := range opts.Vars {
		if err := vars.SetReadOnly(strings.TrimSpace(v.Name), v.Value); err != nil {
			return nil, fmt.Errorf("--var %s: %w", v.Name, err)
		}
	}
	facts := opts.Facts
	if facts == nil {
		facts = &condition.SimEnv{}
	}
	env := condEnv{v: vars, Facts: simFacts{facts}}

	table, _ := buildTable(seq)
	out := make([]PlanEntry, 0, len(table))
	skippedUntil := -1 // items before this index are inside a skipped group
	skippedWhy := ""
	for _, in := range table {
		it := in.item
		e := PlanEntry{Path: in.path, Name: it.Name, Type: it.Type, Number: in.number, Disabled: it.Disabled,
			ContinueOnError: it.ContinueOnError, Environment: m.Env(), Known: true, Actions: []string{}}
		for p := in.parent; p >= 0; p = table[p].parent {
			e.Depth++
		}
		var cond condition.Expr
		if strings.TrimSpace(it.Condition) != "" {
			if x, err := condition.Parse(it.Condition); err == nil {
				cond = x
				e.Condition = condition.Describe(x)
			}
		}
		inSkipped := in.index < skippedUntil
		switch {
		case inSkipped:
			e.Reason = skippedWhy
		case it.Disabled:
			e.Reason = "disabled"
		case cond != nil:
			r, err := condition.Evaluate(cond, env)
			switch {
			case errors.Is(err, condition.ErrUnknown):
				e.Known = false
				e.Reason = "cannot tell without the machine: " + err.Error()
			case err != nil:
				e.Reason = "the condition cannot be evaluated: " + err.Error()
			case !r.Value:
				e.Reason = "the condition is false: " + r.Reason
			default:
				e.WillRun = true
				e.Reason = "the condition is true: " + r.Reason
			}
		default:
			e.WillRun = true
			e.Reason = "no condition"
		}
		if it.IsGroup() {
			if !e.WillRun && !inSkipped {
				skippedUntil, skippedWhy = in.end, "the group "+it.Name+" is skipped ("+e.Reason+")"
			}
			out = append(out, e)
			continue
		}
		if e.WillRun && !runsIn(it, m) {
			e.WillRun = false
			e.Reason = fmt.Sprintf("it runs only in %s, and the sequence is in %s here: the step would fail", runInWords(it.RunIn), envWords(m))
		}
		e.Actions = planActions(in, vars, m, opts.Offline, seq.BootImage.Path)
		for i := range e.Actions {
			e.Actions[i] = red.Redact(e.Actions[i])
		}
		e.Reason = red.Redact(e.Reason)
		if e.WillRun {
			simulate(it, vars, &m)
			setEnv()
		}
		out = append(out, e)
	}
	return out, nil
}

func runInWords(runIn string) string {
	if runIn == sequence.RunInFullOS {
		return "the full operating system"
	}
	return "Windows PE"
}

// planActions expands the step's properties as a run would and asks its
// action to describe itself.
func planActions(in *instr, vars *Vars, m Machine, offline, bootImage string) []string {
	it := in.item
	a, ok := actions[it.Type]
	if !ok {
		return []string{"(no action is registered for " + it.Type + ")"}
	}
	props := cloneProps(it.Props)
	expandProps(props, vars.Expand)
	pushed, _, _ := applyActionVars(it.Type, props, vars)
	defer func() {
		for _, n := range pushed {
			vars.Delete(n)
		}
	}()
	return a.Plan(&PlanContext{Item: it, Props: props, Vars: vars, Machine: m, Offline: offline, BootImage: bootImage})
}

// simulate applies what a step changes that later conditions can see.
func simulate(it *sequence.Item, vars *Vars, m *Machine) {
	switch p := it.Props.(type) {
	case *sequence.SetVariable:
		vars.Set(p.Variable, vars.Expand(p.Value))
	case *sequence.RestartComputer:
		m.InWinPE = p.Target != sequence.TargetInstalledOS
	case *sequence.SetupWindowsAndConfigMgr:
		m.InWinPE = false
	case *sequence.PrepareWindowsForCapture:
		if !p.Shutdown {
			m.InWinPE = true
		}
	}
}

// simFacts wraps a SimEnv as Facts.
type simFacts struct{ *condition.SimEnv }

func (s simFacts) OSPlatform() (string, bool, error) { return s.SimEnv.OSPlatform() }

// WritePlan writes a plan as text.
func WritePlan(w io.Writer, seq *sequence.Sequence, opts PlanOptions, entries []PlanEntry) error {
	env := "Windows PE"
	if opts.Env == "full-os" {
		env = "the full OS"
	}
	fw := "UEFI"
	if opts.BIOS {
		fw = "BIOS"
	}
	media := "no media"
	switch opts.Media {
	case "boot":
		media = "boot media (_SMSTSMediaType=BootMedia)"
	case "full":
		media = "stand-alone media (_SMSTSMediaType=FullMedia)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Plan of %q, starting in %s, %s, %s\n", seq.Name, env, fw, media)
	run, total := 0, 0
	for _, e := range entries {
		if e.Type != sequence.GroupType && e.Number > 0 {
			total++
			if e.WillRun {
				run++
			}
		}
	}
	fmt.Fprintf(&b, "%d of %d steps would run.\n", run, total)
	for _, e := range entries {
		ind := strings.Repeat("  ", e.Depth)
		b.WriteString("\n")
		mark := "runs"
		if !e.WillRun {
			mark = "skipped"
			if e.Disabled {
				mark = "disabled"
			}
			if !e.Known {
				mark = "unknown"
			}
		}
		if e.Type == sequence.GroupType {
			fmt.Fprintf(&b, "%s[group] %s  (%s)\n", ind, e.Name, mark)
		} else {
			fmt.Fprintf(&b, "%s%s %s  [%s] (%s, in %s)\n", ind, stepNo(e.Number), e.Name, e.Type, mark, envName(e.Environment))
		}
		if e.Condition != "" {
			fmt.Fprintf(&b, "%s    condition: %s\n", ind, e.Condition)
		}
		fmt.Fprintf(&b, "%s    why: %s\n", ind, e.Reason)
		if e.ContinueOnError {
			fmt.Fprintf(&b, "%s    continue on error\n", ind)
		}
		for _, a := range e.Actions {
			fmt.Fprintf(&b, "%s    - %s\n", ind, a)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func stepNo(n int) string {
	if n == 0 {
		return " -."
	}
	return fmt.Sprintf("%2d.", n)
}

func envName(env string) string {
	if env == "winpe" {
		return "Windows PE"
	}
	return "the full OS"
}
