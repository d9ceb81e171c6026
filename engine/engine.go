package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// Options configure a run.
type Options struct {
	// Platform is how steps reach the machine (Live, or a fake in tests).
	Platform Platform
	// StateDir keeps the state across restarts; "" uses the platform's
	// (Windows: C:\_SMSTaskSequence once it exists, X:\ before) or,
	// with Offline, DIR/_SMSTaskSequence.
	StateDir string
	// NoState runs without saving any state (no resume possible).
	NoState bool
	// NoSync skips fsync of the state (tests and benchmarks only).
	NoSync bool
	// LogDir is where smsts.log goes; "" follows the environment.
	LogDir string
	// JSONLog also writes smsts.jsonl beside smsts.log.
	JSONLog bool
	// Debug runs in debug mode (nil: never; docs/debugger.md).
	Debug *Debug
	// Console, when set, is kept up to date with the environment a
	// command prompt opened from the run view gets (F8).
	Console *Console
	// IgnoreLogErrors lets the run go on when smsts.log cannot be
	// written (a full disk under --log); the failure is still reported
	// once. Without it the run stops.
	IgnoreLogErrors bool
	// Resume continues the run kept in the state folder.
	Resume bool
	// Vars are set before the first step (--var), after the sequence's
	// own variables; on resume they are set again.
	Vars []sequence.Variable
	// Offline is the folder that stands for the target's OS volume.
	Offline string
	// MediaType (_SMSTSMediaType: BootMedia, FullMedia, OEMMedia) and
	// LaunchMode (_SMSTSLaunchMode: UFD, CD, HD…) when run from media.
	MediaType, LaunchMode string
	// ReadOnlyVars are engine variables set at every start (they may
	// start with _), e.g. what a medium sets: _RefimageMediaRoot and the
	// media variables.
	ReadOnlyVars []sequence.Variable
	// OrgName is _SMSTSOrgName (default "IT Organization").
	OrgName string
	// Source is the file the sequence came from (for the state).
	Source string
	// Resolver reveals the sequence's secrets when the run starts.
	// nil reads env: references from the process environment only.
	Resolver secret.Resolver
	// Events receives the run's events (may be nil).
	Events func(Event)
	// Now and Thread fix the clock and the log's thread id (tests).
	Now    func() time.Time
	Thread int
}

// instr is one entry of the instruction table: every group and step in
// depth-first order, as ConfigMgr numbers them (Pointer).
type instr struct {
	item    *sequence.Item
	index   int
	parent  int // enclosing group's index, -1 at the root
	end     int // groups: the index after the last item in it
	path    string
	number  int  // 1-based among counted steps; 0 when not counted
	off     bool // disabled, or inside a disabled group
	cond    condition.Expr
	condErr error
}

func buildTable(seq *sequence.Sequence) (table []*instr, total int) {
	var walk func(items []*sequence.Item, parent int, prefix string, off bool)
	walk = func(items []*sequence.Item, parent int, prefix string, off bool) {
		for _, it := range items {
			in := &instr{item: it, index: len(table), parent: parent, path: prefix + it.Name, off: off || it.Disabled}
			if strings.TrimSpace(it.Condition) != "" {
				in.cond, in.condErr = condition.Parse(it.Condition)
			}
			table = append(table, in)
			if it.IsGroup() {
				walk(it.Steps, in.index, in.path+"/", in.off)
				in.end = len(table)
				continue
			}
			in.end = in.index + 1
			if !in.off {
				total++
				in.number = total
			}
		}
	}
	walk(seq.Steps, -1, "", false)
	return table, total
}

type runner struct {
	opts    Options
	seq     *sequence.Sequence
	table   []*instr
	total   int
	vars    *Vars
	red     *secret.Redactor
	log     *logger
	plat    Platform
	mach    Machine
	st      *State
	store   *store
	results []StepResult
	resIdx  map[int]int // instruction index -> results index
	secrets map[*secret.Value]string
	start   time.Time
	now     func() time.Time
	changed string // resume: the given file differs from the kept copy (its path)
	// jseq is the journal's last sequence number; storeErr the first
	// failure to keep the state (it stops the run); sealer seals secret
	// variables; lock holds the state folder.
	jseq     int64
	storeErr error
	sealer   *secret.Sealer
	lock     *dirLock
	// logReported: the log failure was reported on the console.
	logReported bool
	// debugReason is why the next debug stop happens ("start",
	// "resumed"); debugChoice the operator's answer to a failure.
	debugReason string
	debugChoice DebugOp
	ctx         context.Context
	// continued is the instruction that asked to run again after a
	// restart (SMSTSRetryRequested), -1 when none: it may continue in the
	// other environment (Setup Windows and ConfigMgr starts in WinPE and
	// finishes in the installed OS).
	continued int
}

func (r *runner) emit(e Event) {
	if r.opts.Events != nil {
		r.opts.Events(e)
	}
}

// ErrNothingToResume is returned by Run with Resume when the kept run
// already ended.
var ErrNothingToResume = errors.New("nothing to resume")

// Run runs a task sequence, or with opts.Resume continues the one kept in
// the state folder (seq may then be nil: the state keeps a copy). The
// returned error means the run could not start (bad options, unreadable
// state, unresolvable secrets); how the run went is in the Result.
func Run(ctx context.Context, seq *sequence.Sequence, opts Options) (*Result, error) {
	if opts.Platform == nil {
		return nil, errors.New("engine: no platform")
	}
	r := &runner{opts: opts, plat: opts.Platform, red: &secret.Redactor{}, now: opts.Now, secrets: map[*secret.Value]string{}, continued: -1}
	if r.now == nil {
		r.now = time.Now
	}
	r.start = r.now()
	mach, err := r.plat.Machine(ctx)
	if err != nil {
		return nil, fmt.Errorf("detect the machine: %w", err)
	}
	r.mach = mach
	stateDir := r.stateDir()
	fresh := !opts.Resume
	var seqData []byte
	if opts.Resume && (opts.NoState || stateDir == "") {
		return nil, errors.New("resume needs a state folder (--state DIR)")
	}
	if !opts.NoState && stateDir != "" {
		// One engine per state folder, for the whole run (a second run
		// or resume is refused; a dead holder's lock is taken over).
		lock, err := lockStateDir(stateDir, opts.Resume)
		if err != nil {
			return nil, err
		}
		if lock != nil {
			r.lock = lock
			defer func() { r.lock.release() }()
		}
	}
	if opts.Resume {
		st, err := LoadState(stateDir)
		if err != nil {
			return nil, err
		}
		switch st.Status {
		case StatusSucceeded, StatusFailed:
			return nil, fmt.Errorf("%w: the run of %q in %s already %s", ErrNothingToResume, st.Sequence, stateDir, st.Status)
		}
		saved, err := LoadStateSequence(stateDir, st)
		if err != nil {
			return nil, err
		}
		if seq != nil {
			if data, err := storableSequence(seq); err == nil && checksum(data) != st.SHA256 {
				r.changed = filepath.Join(stateDir, SequenceFile)
			}
		}
		seq = saved
		r.st = st
	} else {
		if seq == nil {
			return nil, errors.New("engine: no sequence")
		}
		seqData, err = storableSequence(seq)
		if err != nil {
			return nil, fmt.Errorf("keep the sequence in the state folder: %w", err)
		}
	}
	if probs := sequence.Validate(seq).Errors(); len(probs) > 0 {
		return nil, fmt.Errorf("the sequence is not valid: %v", probs)
	}
	r.seq = seq
	r.table, r.total = buildTable(seq)
	if r.st != nil && r.st.Size != len(r.table) {
		return nil, fmt.Errorf("the state does not fit the sequence (%d instructions, the sequence has %d)", r.st.Size, len(r.table))
	}
	r.vars = NewVars()
	r.vars.onSecret = r.red.Add
	r.vars.holdsSecret = r.red.Contains

	// Secrets first: every one is revealed (asked for) now, not an hour
	// into the run, and registered for masking before anything logs.
	if err := r.revealSecrets(); err != nil {
		return nil, err
	}
	for _, v := range opts.Vars {
		if m := sequence.ValidateVariableName(v.Name); m != "" {
			return nil, fmt.Errorf("--var %s: %s", v.Name, m)
		}
		if IsSecretVariable(v.Name) {
			r.red.Add(v.Value, strings.EqualFold(v.Name, "OSDProductKey"))
		}
	}

	// Logs.
	r.log = &logger{json: opts.JSONLog, red: r.red, now: r.now, thread: opts.Thread, sink: func(e LogEntry) { r.emit(Log{Entry: e}) }}
	if r.log.thread == 0 {
		r.log.thread = os.Getpid()
	}
	logDir := r.logDir(stateDir)
	if err := r.log.open(logDir, opts.Resume); err != nil {
		return nil, fmt.Errorf("open the log: %w", err)
	}
	defer r.log.close()

	// State.
	if fresh {
		id := make([]byte, 8)
		rand.Read(id)
		r.st = &State{Format: stateFormat, RunID: hex.EncodeToString(id), Sequence: seq.Name, Source: opts.Source,
			SHA256: checksum(seqData), Size: len(r.table), Status: statusRunning, Started: r.start}
	}
	r.jseq = r.st.Journal
	if err := r.initSealer(); err != nil {
		return nil, fmt.Errorf("prepare the sealing of secret variables: %w", err)
	}
	if !opts.NoState && stateDir != "" {
		s, err := openStore(stateDir, fresh, seqData, !opts.NoSync)
		if err != nil {
			return nil, err
		}
		r.store = s
		defer s.close()
	}
	r.results = make([]StepResult, 0, r.total)
	byIndex := map[int]int{}
	r.resIdx = byIndex
	for _, in := range r.table {
		if in.item.IsGroup() {
			continue
		}
		res := StepResult{Index: in.index, Number: in.number, Path: in.path, Name: in.item.Name, Type: in.item.Type, Outcome: NotRun}
		if in.off {
			res.Outcome = Disabled
		}
		byIndex[in.index] = len(r.results)
		r.results = append(r.results, res)
	}
	if opts.Resume && r.store != nil {
		if data, err := os.ReadFile(filepath.Join(stateDir, ResultsFile)); err == nil {
			for _, res := range ParseResults(data) {
				if i, ok := byIndex[res.Index]; ok {
					r.results[i] = res
				}
			}
		}
	}
	return r.run(ctx, stateDir)
}

// stateDir is where the state goes.
func (r *runner) stateDir() string {
	if r.opts.NoState && !r.opts.Resume {
		return ""
	}
	return StateDirFor(r.opts, r.mach)
}

// StateDirFor is the state folder a run with these options uses on this
// machine: --state, DIR/_SMSTaskSequence with --offline, or the
// platform's (Windows: C:\_SMSTaskSequence once it exists, X:\ before).
func StateDirFor(opts Options, m Machine) string {
	switch {
	case opts.StateDir != "":
		return opts.StateDir
	case opts.Offline != "":
		return filepath.Join(opts.Offline, "_SMSTaskSequence")
	}
	return m.StateDir
}

// Unfinished returns the state of an unfinished run in the folder the
// options point at, or nil when there is none.
func Unfinished(ctx context.Context, opts Options) (*State, string, error) {
	if opts.Platform == nil {
		return nil, "", errors.New("engine: no platform")
	}
	m, err := opts.Platform.Machine(ctx)
	if err != nil {
		return nil, "", err
	}
	dir := StateDirFor(opts, m)
	if dir == "" {
		return nil, "", nil
	}
	if err := checkLock(dir); err != nil {
		return nil, dir, err
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile)); err != nil {
		return nil, dir, nil
	}
	st, err := LoadState(dir)
	if err != nil {
		return nil, dir, err
	}
	if st.Status == StatusSucceeded || st.Status == StatusFailed {
		return nil, dir, nil
	}
	return st, dir, nil
}

// ResumeSequence loads the sequence kept with the unfinished run the
// options point at (for revealing its secrets before resuming).
func ResumeSequence(ctx context.Context, opts Options) (*sequence.Sequence, error) {
	st, dir, err := Unfinished(ctx, opts)
	if err != nil {
		return nil, err
	}
	if st == nil {
		if dir == "" {
			return nil, fmt.Errorf("%w: no state folder (give --state DIR)", ErrNothingToResume)
		}
		return nil, fmt.Errorf("%w: no unfinished run in %s", ErrNothingToResume, dir)
	}
	return LoadStateSequence(dir, st)
}

// Preresolve reveals every secret of the sequence now (asking for the
// prompt ones and the passphrase once) and returns a resolver that
// answers the run from what it learned, so a progress view never has to
// stop for a prompt. Nothing is written.
func Preresolve(seq *sequence.Sequence, res secret.Resolver) (secret.Resolver, error) {
	c := &cachedResolver{inner: res, env: map[string]string{}, prompts: map[string]string{}}
	var errs []error
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		for _, f := range secretFields(it.Props) {
			if f.v.IsSet() {
				if _, err := f.v.Reveal(it.Name+": "+f.key, c); err != nil {
					errs = append(errs, err)
				}
			}
		}
		return true
	})
	return c, errors.Join(errs...)
}

type cachedResolver struct {
	inner   secret.Resolver
	env     map[string]string
	prompts map[string]string
	pass    *string
	passErr error
}

func (c *cachedResolver) Getenv(name string) (string, bool) {
	if v, ok := c.env[name]; ok {
		return v, true
	}
	v, ok := c.inner.Getenv(name)
	if ok {
		c.env[name] = v
	}
	return v, ok
}

func (c *cachedResolver) Prompt(field string) (string, error) {
	if v, ok := c.prompts[field]; ok {
		return v, nil
	}
	v, err := c.inner.Prompt(field)
	if err == nil {
		c.prompts[field] = v
	}
	return v, err
}

func (c *cachedResolver) Passphrase() (string, error) {
	if c.pass == nil && c.passErr == nil {
		p, err := c.inner.Passphrase()
		c.pass, c.passErr = &p, err
	}
	if c.passErr != nil {
		return "", c.passErr
	}
	return *c.pass, nil
}

// logDir is where smsts.log goes: --log, the platform's location for
// this phase, or the state folder's Logs\Smstslog.
func (r *runner) logDir(stateDir string) string {
	switch {
	case r.opts.LogDir != "":
		return r.opts.LogDir
	case r.opts.StateDir == "" && r.opts.Offline == "" && r.mach.LogDir != "":
		return r.mach.LogDir
	case stateDir != "":
		return filepath.Join(stateDir, "Logs", "Smstslog")
	}
	return ""
}

func (r *runner) revealSecrets() error {
	res := r.opts.Resolver
	if res == nil {
		res = &secret.StdResolver{Lookup: os.LookupEnv}
	}
	var errs []error
	r.seq.Walk(func(it *sequence.Item, parents []*sequence.Item) bool {
		for _, f := range secretFields(it.Props) {
			if !f.v.IsSet() {
				continue
			}
			clear, err := f.v.Reveal(it.Name+": "+f.key, res)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			r.red.Add(clear, f.productKey)
			r.secrets[f.v] = clear
		}
		return true
	})
	return errors.Join(errs...)
}

func (r *runner) secret(it *sequence.Item, v *secret.Value) (string, error) {
	if s, ok := r.secrets[v]; ok {
		return s, nil
	}
	if !v.IsSet() {
		return "", nil
	}
	return "", &Error{Code: CodeInvalidParam, Msg: "a secret of the step was not resolved when the run started"}
}

// setEngineVars sets the read-only variables that describe the machine
// and the run (configmgr.md §3.5).
func (r *runner) setEngineVars(logDir, stateDir string) {
	set := func(k, v string) { r.vars.SetReadOnly(k, v) }
	set("_SMSTSInWinPE", strconv.FormatBool(r.mach.InWinPE))
	set("_SMSTSBootUEFI", strconv.FormatBool(r.mach.UEFI))
	set("_TSSecureBoot", r.mach.SecureBoot)
	set("_SMSTSMachineName", r.mach.Name)
	set("_SMSTSPackageName", r.seq.Name)
	set("_SMSTSType", "2")
	org := r.opts.OrgName
	if org == "" {
		org = "IT Organization"
	}
	set("_SMSTSOrgName", org)
	set("_SMSTSMediaType", r.opts.MediaType)
	set("_SMSTSLaunchMode", r.opts.LaunchMode)
	set("_SMSTSLogPath", logDir)
	set("_SMSTSMDataPath", stateDir)
	set("_SMSTSInstructionTableSize", strconv.Itoa(len(r.table)))
	for _, v := range r.opts.ReadOnlyVars {
		set(v.Name, v.Value)
	}
}

func (r *runner) run(ctx context.Context, stateDir string) (*Result, error) {
	r.ctx = ctx
	logDir := r.log.dir
	resumed := r.opts.Resume
	if resumed {
		for _, v := range r.st.Vars {
			r.vars.SetReadOnly(v.Name, v.Value)
		}
		r.restoreSealed()
	} else {
		for _, v := range r.seq.Variables {
			r.vars.Set(v.Name, v.Value)
		}
	}
	for _, v := range r.opts.Vars {
		if err := r.vars.Set(v.Name, v.Value); err != nil {
			return nil, fmt.Errorf("--var %s: %w", v.Name, err)
		}
	}
	r.setEngineVars(logDir, stateDir)

	r.log.info(EngineComponent, "Successfully initialized Logging for Task Sequence Manager.")
	if resumed {
		r.log.info(EngineComponent, "Resuming the task sequence (%s) at pointer %d of %d.", r.seq.Name, r.st.Pointer, len(r.table))
		if r.changed != "" {
			r.log.warn(EngineComponent, "The sequence file differs from the one the run started with; the run continues with the copy kept in %s", r.changed)
		}
		for _, name := range r.st.OmittedSecrets {
			if _, ok := r.vars.Get(name); !ok {
				r.log.warn(EngineComponent, "The variable %s held a secret and was not saved; give it again with --var to have it.", name)
			}
		}
		if rb := r.st.Reboot; rb != nil {
			r.log.info(EngineComponent, "The computer restarted as the action (%s) asked; continuing.", rb.Step)
			if strings.EqualFold(rb.Target, "WinPE") && !r.mach.InWinPE || strings.EqualFold(rb.Target, "HD") && r.mach.InWinPE {
				r.log.warn(EngineComponent, "The restart was meant to go to %s, but the task sequence is running in %s.", targetWords(rb.Target), envWords(r.mach))
			}
			if rb.Retry {
				r.continued = r.st.Pointer
			}
			r.st.Reboot = nil
		}
	} else {
		r.log.info(EngineComponent, "Starting the task sequence (%s): %d instructions, %d steps.", r.seq.Name, len(r.table), r.total)
	}
	r.log.info(EngineComponent, "Environment: %s, %s firmware, log %s, state %s.", envWords(r.mach), map[bool]string{true: "UEFI", false: "BIOS"}[r.mach.UEFI], orNone(r.log.path()), orNone(stateDir))
	r.st.Status = statusRunning
	if resumed {
		r.endStale()
	}
	if d := r.opts.Debug; d != nil && d.Pause != nil {
		switch {
		case r.st.Debug != nil && r.st.Debug.Enabled:
			r.debugReason = "resumed"
			r.log.info(DebuggerComponent, "The run resumes in debug mode at pointer %d with %d breakpoints.", r.st.Pointer, len(r.st.Debug.Breakpoints))
		case d.Enabled:
			r.st.Debug = &DebugState{Enabled: true, Mode: "step"}
			r.debugReason = "start"
			r.log.info(DebuggerComponent, "The run starts in debug mode.")
		}
	}
	// The state exists, durably, before the first instruction runs: a
	// crash in the very first step can be resumed.
	r.vars.trackChanges()
	var final *Result
	if err := r.save(); err != nil {
		final = r.stateFailed()
	}

	done := 0
	for _, in := range r.table {
		if in.index < r.st.Pointer && in.number > 0 {
			done++
		}
	}
	r.emit(RunStarted{Sequence: r.seq.Name, Total: r.total, Done: done, Resumed: resumed, LogPath: r.log.path(), StateDir: stateDir, Machine: r.mach, Time: r.start})

	for final == nil {
		if r.storeErr != nil {
			final = r.stateFailed()
			break
		}
		if err := r.logFailed(); err != nil {
			final = r.finish(StatusFailed, CodeOf(err), nil, err.Error())
			break
		}
		if r.st.Pointer >= len(r.table) {
			final = r.finish(StatusSucceeded, 0, nil, "")
			break
		}
		if ctx.Err() != nil {
			final = r.cancelled(nil)
			break
		}
		r.updateConsole()
		if final = r.debugBoundary(ctx); final != nil {
			break
		}
		if r.st.Pointer >= len(r.table) {
			continue // the operator moved past the end
		}
		in := r.table[r.st.Pointer]
		r.vars.SetReadOnly("_SMSTSNextInstructionPointer", strconv.Itoa(in.index))
		if in.item.IsGroup() {
			r.group(in)
			continue
		}
		final = r.step(ctx, in)
	}
	r.updateConsole()
	r.emit(RunFinished{Result: final})
	return final, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func envWords(m Machine) string {
	if m.InWinPE {
		return "Windows PE"
	}
	return "the full operating system"
}

func targetWords(t string) string {
	switch strings.ToLower(t) {
	case "winpe":
		return "Windows PE"
	case "hd":
		return "the installed operating system"
	}
	return "the default operating system"
}

// groupName is the name of the item's enclosing group, or the
// sequence's name at the root.
func (r *runner) groupName(in *instr) string {
	if in.parent >= 0 {
		return r.table[in.parent].item.Name
	}
	return r.seq.Name
}

func disabledFlag(in *instr) int {
	if in.item.Disabled {
		return 1
	}
	return 0
}

// cond evaluates an item's condition.
func (r *runner) cond(in *instr) (bool, string, error) {
	if in.condErr != nil {
		return false, "", in.condErr
	}
	if in.cond == nil {
		return true, "", nil
	}
	res, err := condition.Evaluate(in.cond, condEnv{v: r.vars, Facts: r.plat})
	return res.Value, res.Reason, err
}

func (r *runner) group(in *instr) {
	it := in.item
	r.log.info(EngineComponent, "Start executing an instruction. Instruction name: '%s'.  Pointer: %d. Type: ''. Disabled: %d", it.Name, in.index, disabledFlag(in))
	skip := func(reason string, outcome Outcome) {
		n := 0
		for j := in.index + 1; j < in.end; j++ {
			if r.table[j].number > 0 {
				n++
			}
			r.setResult(r.table[j], func(res *StepResult) {
				if res.Outcome == NotRun {
					res.Outcome = outcome
					res.Message = reason
				}
			}, true)
		}
		r.emit(GroupSkipped{Path: in.path, Name: it.Name, Reason: reason, Steps: n})
		r.commit(nil, in.end)
	}
	if it.Disabled {
		r.log.info(EngineComponent, "The group (%s) is disabled; its steps are skipped.", it.Name)
		skip("the group "+it.Name+" is disabled", Disabled)
		return
	}
	ok, reason, err := r.cond(in)
	if err != nil {
		r.log.error(EngineComponent, "The condition of the group (%s) could not be evaluated: %v", it.Name, err)
		r.log.info(EngineComponent, "The task sequence execution engine skipped the group (%s) because the condition could not be evaluated.", it.Name)
		skip("the condition of "+it.Name+" could not be evaluated: "+err.Error(), Skipped)
		return
	}
	if !ok {
		r.log.info(EngineComponent, "The task sequence execution engine skipped the group (%s) in the group (%s) because the condition was evaluated to be false", it.Name, r.groupName(in))
		skip("the condition of the group "+it.Name+" is false: "+reason, Skipped)
		return
	}
	r.log.info(EngineComponent, "The group (%s) has been successfully started", it.Name)
	r.emit(GroupStarted{Path: in.path, Name: it.Name})
	// Entering a group moves the pointer in memory only: the next
	// step's durable write (or its journal line) records where the run
	// is, and a resume never evaluates the group's condition again once
	// one of its steps started.
	r.advance(in.index + 1)
}

// advance moves the pointer in memory.
func (r *runner) advance(to int) { r.st.Pointer = to }

// setResult changes an item's result; record appends it to the journal
// without moving the pointer (a step's own end is committed instead).
func (r *runner) setResult(in *instr, fn func(*StepResult), record bool) {
	if i, ok := r.resIdx[in.index]; ok {
		fn(&r.results[i])
		if record {
			r.record(r.results[i])
		}
	}
}

func (r *runner) resultOf(in *instr) *StepResult {
	if i, ok := r.resIdx[in.index]; ok {
		return &r.results[i]
	}
	return nil
}

func successCode(it *sequence.Item, code int64) bool {
	codes := it.SuccessCodes
	if len(codes) == 0 {
		codes = sequence.DefaultSuccessCodes
	}
	for _, c := range codes {
		if SameCode(int64(c), code) {
			return true
		}
	}
	return false
}

func runsIn(it *sequence.Item, m Machine) bool {
	switch it.RunIn {
	case sequence.RunInWinPE:
		return m.InWinPE
	case sequence.RunInFullOS:
		return !m.InWinPE
	}
	return true
}

// step runs one step and returns the run's result when the run ends.
func (r *runner) step(ctx context.Context, in *instr) *Result {
	it := in.item
	comp := EngineComponent
	r.log.info(comp, "Start executing an instruction. Instruction name: '%s'.  Pointer: %d. Type: '%s'. Disabled: %d", it.Name, in.index, it.Type, disabledFlag(in))
	if in.off {
		r.log.info(comp, "The action (%s) is disabled and is skipped.", it.Name)
		r.setResult(in, func(res *StepResult) { res.Outcome = Disabled }, false)
		r.advance(in.index + 1)
		return nil
	}
	// The condition decides first whether the step runs at all; a step
	// that would run then must be able to run here.
	ok, reason, cerr := r.cond(in)
	if cerr == nil && !ok {
		r.log.info(comp, "The task sequence execution engine skipped the action (%s) in the group (%s) because the condition was evaluated to be false", it.Name, r.groupName(in))
		r.setResult(in, func(res *StepResult) {
			res.Outcome, res.Message, res.ExitCode, res.Duration = Skipped, "the condition is false: "+reason, 0, 0
		}, false)
		r.emit(StepFinished{Result: *r.resultOf(in)})
		r.commit(r.resultOf(in), in.index+1)
		return nil
	}
	attempt := 1
	if p := r.st.InProgress; p != nil && p.Index == in.index {
		attempt = p.Attempts + 1
	}
	r.st.InProgress = nil
	r.st.Processes = nil
	start := r.now()
	r.emit(StepStarted{Number: in.number, Total: r.total, Path: in.path, Name: it.Name, Type: it.Type, Attempt: attempt, Time: start})
	r.log.step = in.path
	defer func() { r.log.step = "" }()

	fail := func(code int64, msg string, tail []string) *Result {
		return r.failed(in, attempt, start, code, msg, tail)
	}
	if cerr != nil {
		return fail(CodeFail, "the condition could not be evaluated: "+cerr.Error(), nil)
	}
	if !runsIn(it, r.mach) && r.continued != in.index {
		return fail(CodeNotSupported, fmt.Sprintf("the action (%s) runs only in %s, and the task sequence is running in %s", it.Name, map[string]string{sequence.RunInWinPE: "Windows PE", sequence.RunInFullOS: "the full operating system"}[it.RunIn], envWords(r.mach)), nil)
	}
	if attempt > 1 {
		limit := it.RetryCount
		if limit < 1 {
			limit = 1
		}
		r.log.warn(comp, "The action (%s) was interrupted (the computer restarted or the engine stopped while it ran); it runs again (attempt %d of %d).", it.Name, attempt, limit+1)
		if attempt-1 > limit {
			return fail(CodeAbort, fmt.Sprintf("the action (%s) was interrupted %d times; retry_count allows %d", it.Name, attempt-1, limit), nil)
		}
	}
	action, ok := actions[it.Type]
	if !ok {
		return fail(CodeNotImplemented, "no action is registered for the step type "+it.Type, nil)
	}
	if _, quick := action.(quickAction); !quick && r.store != nil {
		// Durably, before the step touches the machine: this
		// instruction is running (attempt N). A crash from here on
		// resumes at it, inside its groups, whatever their conditions
		// say by then.
		r.st.Pointer = in.index
		r.st.InProgress = &Attempt{Index: in.index, Attempts: attempt}
		if r.save() != nil {
			return r.stateFailed()
		}
		if r.journal(journalLine{StepResult: StepResult{Index: in.index, Started: true, Attempt: attempt}}) != nil {
			return r.stateFailed()
		}
	}

	r.vars.SetReadOnly("_SMSTSCurrentActionName", it.Name)
	props := cloneProps(it.Props)
	expandProps(props, r.vars.Expand)
	pushed, overrides, bad := applyActionVars(it.Type, props, r.vars)
	for _, name := range overrides {
		r.log.info(comp, "The variable %s overrides the action's %s property.", name, ActionVariables(it.Type)[name])
	}
	for _, name := range bad {
		r.log.warn(comp, "The variable %s has a value the action's %s property cannot take; the property is kept.", name, ActionVariables(it.Type)[name])
	}
	stepCtx := ctx
	var cancel context.CancelFunc = func() {}
	if it.Timeout > 0 {
		stepCtx, cancel = context.WithTimeout(ctx, it.Timeout+2*time.Second)
	}
	sc := &StepContext{Item: it, Props: props, Path: in.path, Platform: tracked{Platform: r.plat, r: r, index: in.index}, Vars: r.vars, Machine: r.mach,
		Offline: r.opts.Offline, BootImage: r.bootImage(), Timeout: it.Timeout, r: r}
	code, err := action.Run(stepCtx, sc)
	cancel()

	// Reboot requests and their messages, read before the action
	// variables go.
	rebootTarget := r.vars.Value("SMSTSRebootRequested")
	retry := strings.EqualFold(r.vars.Value("SMSTSRetryRequested"), "true")
	rb := Reboot{Target: rebootTarget, BootImage: r.bootImage()}
	rb.Message = firstSet(r.vars.Value("SMSRebootMessage"), r.vars.Value("SMSTSRebootMessage"))
	if d, err := strconv.Atoi(firstSet(r.vars.Value("SMSRebootTimeout"), r.vars.Value("SMSTSRebootDelay"))); err == nil && d > 0 {
		rb.Delay = time.Duration(d) * time.Second
	}
	for _, name := range pushed {
		r.vars.Delete(name)
	}
	r.vars.Delete("SMSTSRebootRequested")
	r.vars.Delete("SMSTSRetryRequested")
	r.vars.Delete("_SMSTSCurrentActionName")

	switch {
	case errors.Is(err, ErrKilled) && ctx.Err() != nil:
		return r.cancelled(&stepRun{in: in, attempt: attempt, start: start, tail: sc.OutputTail()})
	case err != nil && it.Timeout > 0 && (errors.As(err, new(*TimeoutError)) || errors.Is(stepCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil):
		return fail(CodeTimeout, fmt.Sprintf("the action ran longer than its timeout of %s and was stopped", it.Timeout), sc.OutputTail())
	case err != nil:
		return fail(CodeOf(err), err.Error(), sc.OutputTail())
	case !successCode(it, code):
		return fail(code, codeMessage(code), sc.OutputTail())
	}

	// Success.
	r.log.info(comp, "Successfully completed the action (%s) with the exit win32 code %s", it.Name, Decimal(code))
	r.lastAction(it, code, true)
	dur := r.now().Sub(start)
	r.setResult(in, func(res *StepResult) {
		res.Outcome, res.ExitCode, res.Duration, res.Message, res.Output, res.Attempt = Succeeded, code, dur, "", sc.OutputTail(), attempt
	}, false)
	r.emit(StepFinished{Result: *r.resultOf(in)})
	next := in.index + 1
	if SameCode(code, CodeRebootRequired) && rebootTarget == "" {
		rebootTarget = "*"
	}
	if rebootTarget != "" {
		if rebootTarget == "*" {
			rebootTarget = ""
		}
		rb.Target = rebootTarget
		if retry {
			next = in.index
		}
		r.commit(r.resultOf(in), next)
		return r.reboot(ctx, in, next, rb, retry)
	}
	r.commit(r.resultOf(in), next)
	r.followEnvironment()
	return nil
}

// bootImage is the boot image a restart into Windows PE stages: the
// medium's sources\boot.wim when the run came from refimage media
// (_RefimageMediaRoot), else the sequence's [boot_image] path.
func (r *runner) bootImage() string {
	if root := r.vars.Value("_RefimageMediaRoot"); root != "" {
		return strings.TrimRight(root, `\/`) + `\sources\boot.wim`
	}
	return r.seq.BootImage.Path
}

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func codeMessage(code int64) string {
	if ci, ok := LookupCode(code); ok {
		return fmt.Sprintf("exit code %s: %s", Decimal(code), ci.Meaning)
	}
	return fmt.Sprintf("exit code %s is not one of the success codes", Decimal(code))
}

func (r *runner) lastAction(it *sequence.Item, code int64, ok bool) {
	r.vars.SetReadOnly("_SMSTSLastActionName", it.Name)
	r.vars.SetReadOnly("_SMSTSLastActionRetCode", Decimal(code))
	r.vars.SetReadOnly("_SMSTSLastActionSucceeded", strconv.FormatBool(ok))
}

// failed handles a failed step: continue on error, or let the parent
// group decide, up to the sequence (configmgr.md §3.2).
func (r *runner) failed(in *instr, attempt int, start time.Time, code int64, msg string, tail []string) *Result {
	it := in.item
	if r.debugOn() && !r.opts.Debug.KeepGoingOnFailure && r.ctx != nil {
		// Break on failure: the operator decides before the engine's
		// rules do.
		fr := StepResult{Index: in.index, Number: in.number, Path: in.path, Name: it.Name, Type: it.Type, Outcome: Failed,
			ExitCode: code, Message: msg, Output: tail, Attempt: attempt}
		r.debugChoice = DebugFail
		if res := r.debugStop(r.ctx, "failure", &fr); res != nil {
			return res
		}
		switch r.debugChoice {
		case DebugRetry:
			r.st.Pointer, r.st.InProgress = in.index, nil
			return nil
		case DebugIgnore:
			r.setResult(in, func(res *StepResult) {
				res.Outcome, res.ExitCode, res.Message, res.Output, res.Attempt = Skipped, code, "failed ("+msg+"); skipped by the operator (debug mode)", tail, attempt
			}, false)
			r.emit(StepFinished{Result: *r.resultOf(in)})
			r.commit(r.resultOf(in), in.index+1)
			return nil
		}
	}
	r.log.error(EngineComponent, "Failed to run the action: %s.\r\n%s (Error: %s; Source: Windows)", it.Name, msg, Hex(code))
	out := strings.Join(tail, "\n")
	r.log.error(EngineComponent, "The task sequence execution engine failed executing the action (%s) in the group (%s) with the error code %s\nAction output: %s", it.Name, r.groupName(in), Decimal(code), out)
	r.lastAction(it, code, false)
	dur := r.now().Sub(start)
	outcome := Failed
	if it.ContinueOnError {
		outcome = FailedCont
	}
	r.setResult(in, func(res *StepResult) {
		res.Outcome, res.ExitCode, res.Duration, res.Message, res.Output, res.Attempt = outcome, code, dur, msg, tail, attempt
	}, false)
	r.emit(StepFinished{Result: *r.resultOf(in)})
	if it.ContinueOnError {
		r.log.info(EngineComponent, "The action (%s) failed, and continue on error is set: the execution continues with the next item.", it.Name)
		r.commit(r.resultOf(in), in.index+1)
		return nil
	}
	for p := in.parent; p >= 0; p = r.table[p].parent {
		g := r.table[p]
		r.log.info(EngineComponent, "Let the parent group (%s) decide whether to continue execution", g.item.Name)
		if g.item.ContinueOnError {
			r.log.info(EngineComponent, "The group (%s) continues on error: its remaining steps are skipped and the execution continues after it.", g.item.Name)
			n := 0
			for j := in.index + 1; j < g.end; j++ {
				if r.table[j].number > 0 {
					n++
				}
				r.setResult(r.table[j], func(res *StepResult) {
					if res.Outcome == NotRun {
						res.Outcome, res.Message = Skipped, "skipped after "+it.Name+" failed in the group "+g.item.Name
					}
				}, true)
			}
			r.emit(GroupSkipped{Path: g.path, Name: g.item.Name, Reason: "the rest of the group is skipped after " + it.Name + " failed", Steps: n})
			r.commit(r.resultOf(in), g.end)
			return nil
		}
		r.log.error(EngineComponent, "The execution of the group (%s) has failed and the execution has been aborted. An action failed.", g.item.Name)
	}
	res := r.resultOf(in)
	r.record(*res)
	return r.finish(StatusFailed, code, res, "")
}

type stepRun struct {
	in      *instr
	attempt int
	start   time.Time
	tail    []string
}

// cancelled ends the run after the user stopped it. The pointer stays on
// the stopped step, so --resume runs it again.
func (r *runner) cancelled(sr *stepRun) *Result {
	if sr != nil {
		it := sr.in.item
		r.log.warn(EngineComponent, "The action (%s) was stopped by the user; its processes were ended. Run refimage run --resume to run it again.", it.Name)
		dur := r.now().Sub(sr.start)
		r.setResult(sr.in, func(res *StepResult) {
			res.Outcome, res.ExitCode, res.Duration, res.Output, res.Attempt, res.Message = Cancelled, CodeCancelled, dur, sr.tail, sr.attempt, "stopped by the user"
		}, true)
		r.st.Processes = nil
		r.emit(StepFinished{Result: *r.resultOf(sr.in)})
		r.st.Pointer = sr.in.index
	} else {
		r.log.warn(EngineComponent, "The task sequence was stopped by the user before the instruction at pointer %d.", r.st.Pointer)
	}
	r.st.InProgress = nil
	return r.finish(StatusCancelled, CodeCancelled, nil, "stopped by the user; refimage run --resume continues")
}

// reboot saves the state pointing at the next step and restarts.
func (r *runner) reboot(ctx context.Context, in *instr, next int, rb Reboot, retry bool) *Result {
	r.advance(next)
	r.st.InProgress = nil
	r.st.Reboot = &RebootState{Target: rb.Target, Step: in.item.Name, Retry: retry}
	r.st.Status = StatusRestarting
	if r.save() != nil {
		return r.stateFailed()
	}
	what := "the next step"
	if retry {
		what = "the same step (SMSTSRetryRequested)"
	}
	r.log.info(EngineComponent, "The action (%s) requested a restart to %s. The task sequence continues with %s after the restart.", in.item.Name, targetWords(rb.Target), what)
	r.emit(Restarting{Target: rb.Target, Message: rb.Message, Delay: rb.Delay, Step: in.path})
	err := r.plat.Reboot(ctx, rb)
	switch {
	case err == nil:
		return r.finish(StatusRestarting, 0, nil, "restarting; the run continues after the restart")
	case errors.Is(err, ErrRebootUnsupported):
		r.log.warn(EngineComponent, "This platform cannot restart the computer. Restart it, then run refimage run --resume to continue with %s.", what)
		return r.finish(StatusRestartNeeded, 0, nil, "a restart is needed: restart the computer, then run refimage run --resume")
	}
	r.log.error(EngineComponent, "The restart failed: %v", err)
	return r.finish(StatusFailed, CodeOf(err), r.resultOf(in), "the restart failed: "+err.Error())
}

// followEnvironment moves the state and log when the platform says they
// belong elsewhere now (WinPE: X:\ until the target disk has
// C:\_SMSTaskSequence).
func (r *runner) followEnvironment() {
	if r.opts.StateDir != "" || r.opts.Offline != "" || r.store == nil {
		return
	}
	m, err := r.plat.Machine(context.Background())
	if err != nil || m.StateDir == "" || m.StateDir == r.store.dir {
		return
	}
	r.moveState(m.StateDir, m.LogDir)
}

// moveState continues the state in stateDir and, unless --log was given,
// the log in logDir (what was logged so far is copied first).
func (r *runner) moveState(stateDir, logDir string) error {
	if r.store == nil {
		return errors.New("the run keeps no state")
	}
	old := r.store.dir
	// The new folder is locked before anything is written there.
	lock, err := lockStateDir(stateDir, false)
	if err != nil {
		r.log.warn(EngineComponent, "Could not move the task sequence state from %s to %s: %v", old, stateDir, err)
		return err
	}
	if err := r.store.move(stateDir, r.results); err != nil {
		lock.release()
		r.log.warn(EngineComponent, "Could not move the task sequence state from %s to %s: %v", old, stateDir, err)
		return err
	}
	r.lock.release()
	r.lock = lock
	r.mach.StateDir = stateDir
	if logDir == "" {
		logDir = filepath.Join(stateDir, "Logs", "Smstslog")
	}
	if r.opts.LogDir == "" {
		if err := r.log.move(logDir); err == nil {
			r.mach.LogDir = logDir
			r.vars.SetReadOnly("_SMSTSLogPath", logDir)
		}
	}
	r.vars.SetReadOnly("_SMSTSMDataPath", stateDir)
	r.log.info(EngineComponent, "The task sequence state moved from %s to %s.", old, stateDir)
	r.save()
	return nil
}

// finish ends the run.
func (r *runner) finish(status Status, code int64, failed *StepResult, msg string) *Result {
	r.st.Status = status
	if status == StatusSucceeded || status == StatusFailed {
		r.st.InProgress = nil
	}
	elapsed := r.st.Elapsed + r.now().Sub(r.start)
	switch status {
	case StatusSucceeded:
		r.log.info(EngineComponent, "The task sequence (%s) completed successfully.", r.seq.Name)
		msg = "the task sequence completed successfully"
	case StatusFailed:
		r.log.error(EngineComponent, "Task Sequence Engine failed! Code: enExecutionFail")
		r.log.error(EngineComponent, "Task sequence: %s has failed with the error code (0x%s).", r.seq.Name, Hex(code))
		if msg == "" && failed != nil {
			msg = fmt.Sprintf("failed at the step %q with %s", failed.Path, FormatCode(code))
		}
	}
	r.st.Elapsed = elapsed
	if status != StatusSucceeded && status != StatusFailed {
		// The step in progress (if any) is not running any more.
		r.st.Processes = nil
	}
	if err := r.save(); err != nil && status != StatusFailed {
		// The end could not be recorded: a resume would run steps
		// again, so the run has failed after all.
		status, code, msg = StatusFailed, CodeOf(err), err.Error()
		r.st.Status = status
	}
	res := &Result{Sequence: r.seq.Name, Status: status, Code: code, Steps: append([]StepResult(nil), r.results...),
		LogPath: r.log.path(), Elapsed: elapsed, Message: msg}
	if r.store != nil {
		res.StateDir = r.store.dir
	}
	if failed != nil {
		f := *failed
		res.Failed = &f
	}
	return res
}
