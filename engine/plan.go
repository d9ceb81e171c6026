package engine

import (
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
	// AssumeFail are steps (by name or path) the plan assumes fail, with
	// the exit code they fail with; every other step that runs is
	// assumed to succeed (exit code 0).
	AssumeFail map[string]int64
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
	vars.holdsSecret = red.Contains
	for _, v := range seq.Variables {
		vars.Set(v.Name, v.Value)
	}
	table, _ := buildTable(seq)
	// The engine variables a run sets (setEngineVars): those the plan
	// can know are set, the others are unknown until --var gives them.
	unknown := map[string]bool{}
	for _, n := range []string{"_SMSTSMachineName", "_SMSTSLogPath", "_SMSTSMDataPath", "_TSSecureBoot", "_SMSTSLaunchMode"} {
		unknown[strings.ToLower(n)] = true
	}
	if mediaType == "" {
		delete(unknown, "_smstslaunchmode") // not from media: empty
	}
	vars.SetReadOnly("_SMSTSBootUEFI", strconv.FormatBool(m.UEFI))
	vars.SetReadOnly("_SMSTSMediaType", mediaType)
	vars.SetReadOnly("_SMSTSPackageName", seq.Name)
	vars.SetReadOnly("_SMSTSOrgName", "IT Organization")
	vars.SetReadOnly("_SMSTSType", "2")
	vars.SetReadOnly("_SMSTSInstructionTableSize", strconv.Itoa(len(table)))
	setEnv := func() { vars.SetReadOnly("_SMSTSInWinPE", strconv.FormatBool(m.InWinPE)) }
	setEnv()
	for _, v := range opts.Vars {
		if err := vars.SetReadOnly(strings.TrimSpace(v.Name), v.Value); err != nil {
			return nil, fmt.Errorf("--var %s: %w", v.Name, err)
		}
		delete(unknown, strings.ToLower(strings.TrimSpace(v.Name)))
	}
	facts := opts.Facts
	if facts == nil {
		facts = &condition.SimEnv{}
	}
	env := planEnv{condEnv: condEnv{v: vars, Facts: simFacts{facts}}, unknown: unknown}
	setUnknown := func(name string, u bool) {
		if u {
			unknown[strings.ToLower(name)] = true
		} else {
			delete(unknown, strings.ToLower(name))
		}
	}
	lastAction := func(it *sequence.Item, code int64, known bool) {
		vars.SetReadOnly("_SMSTSLastActionName", it.Name)
		vars.SetReadOnly("_SMSTSLastActionRetCode", Decimal(code))
		vars.SetReadOnly("_SMSTSLastActionSucceeded", strconv.FormatBool(code == 0 || successCode(it, code)))
		for _, n := range []string{"_SMSTSLastActionName", "_SMSTSLastActionRetCode", "_SMSTSLastActionSucceeded"} {
			setUnknown(n, !known)
		}
	}
	failCode := func(in *instr) (int64, bool) {
		if c, ok := opts.AssumeFail[in.item.Name]; ok {
			return c, true
		}
		c, ok := opts.AssumeFail[in.path]
		return c, ok
	}
	skippedKnown := true
	ended := -1 // the sequence failed at this item (later items do not run)
	endedWhy := ""

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
		vars.SetReadOnly("_SMSTSNextInstructionPointer", strconv.Itoa(in.index))
		switch {
		case ended >= 0:
			e.Reason = endedWhy
		case inSkipped:
			e.Reason = skippedWhy
			e.Known = skippedKnown
		case it.Disabled || in.off:
			e.Reason = "disabled"
		case cond != nil:
			a := condition.Assess(cond, env)
			switch a.Truth {
			case condition.Unknown:
				e.Known = false
				e.Reason = "cannot tell without the machine: " + a.Reason
			case condition.False:
				e.Reason = "the condition is false: " + a.Reason
			default:
				e.WillRun = true
				e.Reason = "the condition is true: " + a.Reason
			}
		default:
			e.WillRun = true
			e.Reason = "no condition"
		}
		if it.IsGroup() {
			if !e.WillRun && !inSkipped && ended < 0 {
				skippedUntil, skippedWhy, skippedKnown = in.end, "the group "+it.Name+" is skipped ("+e.Reason+")", e.Known
			}
			out = append(out, e)
			continue
		}
		wrongEnv := e.WillRun && !runsIn(it, m)
		if wrongEnv {
			e.WillRun = false
			e.Reason = fmt.Sprintf("it runs only in %s, and the sequence is in %s here: the step would fail", runInWords(it.RunIn), envWords(m))
		}
		e.Actions = planActions(in, vars, m, opts.Offline, seq.BootImage.Path)
		for i := range e.Actions {
			e.Actions[i] = red.Redact(e.Actions[i])
		}
		e.Reason = red.Redact(e.Reason)
		switch {
		case e.WillRun:
			simulate(it, vars, &m)
			setEnv()
			if p, ok := it.Props.(*sequence.SetVariable); ok {
				setUnknown(p.Variable, false)
			}
			if p, ok := it.Props.(*sequence.RunCommandLine); ok && p.OutputVariable != "" {
				setUnknown(p.OutputVariable, true) // what it prints
			}
			code, fails := failCode(in)
			if fails {
				e.Reason += fmt.Sprintf("; assumed to fail with exit code %s (--assume-fail)", Decimal(code))
			}
			fallthrough
		case wrongEnv:
			code, fails := failCode(in)
			if wrongEnv {
				code, fails = CodeNotSupported, true
			}
			lastAction(it, code, true)
			if fails && !successCode(it, code) {
				if !it.ContinueOnError {
					// As the engine: the first enclosing group that
					// continues on error skips its rest; none ends the run.
					g := -1
					for p := in.parent; p >= 0; p = table[p].parent {
						if table[p].item.ContinueOnError {
							g = p
							break
						}
					}
					if g >= 0 {
						skippedUntil, skippedWhy, skippedKnown = table[g].end, "skipped after "+it.Name+" failed in the group "+table[g].item.Name, true
					} else {
						ended, endedWhy = in.index, "not run: the sequence fails at "+it.Name
					}
				}
			}
		case !e.Known:
			// The step may or may not run: what it would change is
			// unknown from here on.
			if p, ok := it.Props.(*sequence.SetVariable); ok {
				setUnknown(p.Variable, true)
			}
			if p, ok := it.Props.(*sequence.RunCommandLine); ok && p.OutputVariable != "" {
				setUnknown(p.OutputVariable, true)
			}
			for _, n := range []string{"_SMSTSLastActionName", "_SMSTSLastActionRetCode", "_SMSTSLastActionSucceeded"} {
				setUnknown(n, true)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// planEnv answers a plan's conditions: the variables it knows, unknown
// for those only the run can know.
type planEnv struct {
	condEnv
	unknown map[string]bool
}

func (p planEnv) VarUnknown(name string) bool {
	return p.unknown[strings.ToLower(strings.TrimSpace(name))]
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
