package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// crashHook, set by tests only, is called after every durable state
// write and every journal line: a test makes it stop the run there as
// a kill -9 would (nothing more is written).
var crashHook func()

// StateError is a failure to keep the run's state: the run stops, since
// a resume could no longer know what ran (docs/engine.md).
type StateError struct {
	Path string
	Err  error
}

func (e *StateError) Error() string {
	return fmt.Sprintf("cannot save the task sequence state in %s: %v", e.Path, errors.Unwrap(e.Err))
}

func (e *StateError) Unwrap() error { return e.Err }

// initSealer prepares the key that seals secret variables in the state:
// derived from the sequence's own secrets, in the order the sequence
// holds them, which every start reveals again; nil when the sequence has
// none (secret variables are then only named, not kept).
func (r *runner) initSealer() error {
	var material []string
	r.seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		for _, f := range secretFields(it.Props) {
			if s, ok := r.secrets[f.v]; ok && s != "" {
				material = append(material, it.Name+"\x00"+f.key+"\x00"+s)
			}
		}
		return true
	})
	if len(material) == 0 {
		return nil
	}
	if r.st.Salt == "" {
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return err
		}
		r.st.Salt = hex.EncodeToString(salt)
	}
	salt, err := hex.DecodeString(r.st.Salt)
	if err != nil {
		return errors.New("the state's salt is damaged")
	}
	r.sealer, err = secret.NewSealer(material, salt)
	return err
}

// restoreSealed opens the sealed variables of a resumed state; those
// that do not open (another secret given this time) are reported.
func (r *runner) restoreSealed() {
	for _, v := range r.st.Sealed {
		if r.sealer == nil {
			r.log.warn(EngineComponent, "The variable %s held a secret sealed with the sequence's secrets, which this start does not have; give it again with --var to have it.", v.Name)
			continue
		}
		clear, err := r.sealer.Open(v.Name, v.Value)
		if err == nil {
			err = r.vars.setSecret(v.Name, clear)
		}
		if err != nil {
			r.log.warn(EngineComponent, "The variable %s held a secret that could not be restored (%v); give it again with --var to have it.", v.Name, err)
		}
	}
}

// secretVar seals a secret variable for the state or the journal; ok is
// false when it can only be named.
func (r *runner) secretVar(name, value string) (StateVar, bool, error) {
	if r.sealer == nil {
		return StateVar{}, false, nil
	}
	s, err := r.sealer.Seal(name, value)
	if err != nil {
		return StateVar{}, false, err
	}
	return StateVar{Name: name, Value: s}, true, nil
}

// snapshot fills the state's variable lists from the environment.
func (r *runner) snapshot() error {
	r.st.Vars = r.st.Vars[:0]
	r.st.Sealed = r.st.Sealed[:0]
	r.st.OmittedSecrets = r.st.OmittedSecrets[:0]
	for _, v := range r.vars.All() {
		if strings.EqualFold(v.Name, "_SMSTSCurrentActionName") {
			continue
		}
		if !r.vars.IsSecret(v.Name) {
			r.st.Vars = append(r.st.Vars, StateVar{Name: v.Name, Value: v.Value})
			continue
		}
		sv, ok, err := r.secretVar(v.Name, v.Value)
		if err != nil {
			return err
		}
		if ok {
			r.st.Sealed = append(r.st.Sealed, sv)
		} else {
			r.st.OmittedSecrets = append(r.st.OmittedSecrets, v.Name)
		}
	}
	r.vars.takeChanges()
	return nil
}

// save writes the state durably (pointer, variables, step in progress).
// A failure stops the run: it is kept in r.storeErr and returned.
func (r *runner) save() error {
	if r.store == nil || r.storeErr != nil {
		return r.storeErr
	}
	if err := r.snapshot(); err != nil {
		r.storeErr = &StateError{Path: r.store.dir, Err: err}
		return r.storeErr
	}
	r.st.Saved = r.now()
	r.st.LogDir = r.log.dir
	r.st.Journal = r.jseq
	if err := r.store.save(r.st); err != nil {
		r.storeErr = &StateError{Path: r.store.statePath(), Err: err}
		r.log.error(EngineComponent, "Failed to save the task sequence state: %v", r.storeErr)
		return r.storeErr
	}
	if crashHook != nil {
		crashHook()
	}
	return nil
}

// journal appends one line to results.jsonl with the variables changed
// since the last line or state write.
func (r *runner) journal(jl journalLine) error {
	return r.journalLine(jl, true)
}

// journalLine appends a line; withVars adds the variables changed since
// the last line (a process record leaves them to the step's end).
func (r *runner) journalLine(jl journalLine, withVars bool) error {
	if r.store == nil || r.storeErr != nil {
		return r.storeErr
	}
	var changes []varChange
	if withVars {
		changes = r.vars.takeChanges()
	}
	for _, c := range changes {
		switch {
		case c.Deleted:
			jl.Delete = append(jl.Delete, c.Name)
		case c.Secret:
			sv, ok, err := r.secretVar(c.Name, c.Value)
			if err != nil {
				r.storeErr = &StateError{Path: r.store.dir, Err: err}
				return r.storeErr
			}
			if ok {
				jl.Sealed = append(jl.Sealed, sv)
			} else {
				jl.Omitted = append(jl.Omitted, c.Name)
			}
		default:
			jl.Set = append(jl.Set, StateVar{Name: c.Name, Value: c.Value})
		}
	}
	r.jseq++
	jl.Seq = r.jseq
	if err := r.store.append(jl); err != nil {
		r.storeErr = &StateError{Path: r.store.resultsPath(), Err: err}
		r.log.error(EngineComponent, "Failed to save the task sequence state: %v", r.storeErr)
		return r.storeErr
	}
	if crashHook != nil {
		crashHook()
	}
	return nil
}

// commit records that an item ended: its result (nil for a move of the
// pointer alone), the pointer after it and what it changed.
func (r *runner) commit(res *StepResult, next int) error {
	jl := journalLine{Next: &next}
	if res != nil {
		jl.StepResult = *res
	} else {
		jl.Index = -1
	}
	r.st.Pointer = next
	return r.journal(jl)
}

// record appends a result that moves nothing (steps of a skipped group).
func (r *runner) record(res StepResult) error {
	return r.journal(journalLine{StepResult: res})
}

// stateFailed ends the run after its state could not be kept.
func (r *runner) stateFailed() *Result {
	r.st.InProgress = nil
	return r.finish(StatusFailed, CodeOf(r.storeErr), nil, r.storeErr.Error()+"; the run stopped, since a resume could no longer know what ran")
}

// logFailed reports, once, that smsts.log could not be written, and
// returns the failure unless the run may go on without its log.
func (r *runner) logFailed() error {
	err := r.log.failure()
	if err == nil {
		return nil
	}
	if !r.logReported {
		r.logReported = true
		what := "the run stops (refimage run --ignore-log-errors goes on without the log)"
		if r.opts.IgnoreLogErrors {
			what = "the run goes on without it (--ignore-log-errors)"
		}
		if r.log.sink != nil {
			r.log.sink(LogEntry{Time: r.now(), Type: LogWarning, Component: EngineComponent, Thread: r.log.thread,
				Message: r.red.Redact(fmt.Sprintf("The log could not be written: %v; %s.", errors.Unwrap(err), what))})
		}
	}
	if r.opts.IgnoreLogErrors {
		return nil
	}
	return fmt.Errorf("the log could not be written: %w", err)
}

// endStale ends the commands a dead engine left running for the step in
// progress, before that step runs again (two DISM applies on one volume
// must never happen).
func (r *runner) endStale() {
	if len(r.st.Processes) == 0 {
		return
	}
	name := ""
	if in := r.st.InProgress; in != nil && in.Index < len(r.table) {
		name = r.table[in.Index].item.Name
	}
	ender, ok := r.plat.(ProcessEnder)
	for _, p := range r.st.Processes {
		if !ok {
			r.log.warn(EngineComponent, "The action (%s) had started process %d before the engine stopped; this platform cannot tell whether it still runs.", name, p.PID)
			continue
		}
		ended, err := ender.EndProcessGroup(p)
		switch {
		case err != nil:
			r.log.warn(EngineComponent, "The action (%s) had started process %d before the engine stopped; it could not be ended: %v", name, p.PID, err)
		case ended:
			r.log.warn(EngineComponent, "The action (%s) had started process %d before the engine stopped, and it was still running: it was ended before the action runs again.", name, p.PID)
		default:
			r.log.info(EngineComponent, "The process %d the interrupted action (%s) had started is no longer running.", p.PID, name)
		}
	}
	r.st.Processes = nil
}

// tracked is the platform a step sees: every command it starts is
// journaled with its process group.
type tracked struct {
	Platform
	r     *runner
	index int
}

func (t tracked) Run(ctx context.Context, c Command) (int64, error) {
	prev := c.Started
	c.Started = func(p ProcessRef) {
		t.r.st.Processes = append(t.r.st.Processes, p)
		t.r.journalLine(journalLine{StepResult: StepResult{Index: t.index}, Process: &p}, false)
		if prev != nil {
			prev(p)
		}
	}
	return t.Platform.Run(ctx, c)
}
