package engine

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The journal is results.jsonl: one JSON object a line, appended as the
// run goes and never rewritten in place. Every line the engine writes
// has a sequence number (seq). Besides the step results the tools read,
// a line may carry what the step changed:
//
//   - next: the instruction pointer after it;
//   - set / delete: the variables it changed (engine variables too);
//   - sealed / omitted: the secret variables it changed, sealed, or
//     only named when they cannot be sealed;
//   - process: a process group the step in progress started.
//
// state.json is written durably (temporary file, fsync, rename) before
// every step that touches the machine, and names the last journal line
// it includes. A step that finishes appends one line and pays no fsync:
// the kernel keeps the line when the engine is killed, and LoadState
// applies the lines after the state's. A power cut may lose journal
// lines written since the last durable write; the run then resumes at
// the step that was in progress, which runs again (never a step that
// had not started, never skipping one).
type journalLine struct {
	StepResult
	Seq     int64       `json:"seq,omitempty"`
	Next    *int        `json:"next,omitempty"`
	Set     []StateVar  `json:"set,omitempty"`
	Delete  []string    `json:"delete,omitempty"`
	Sealed  []StateVar  `json:"sealed,omitempty"`
	Omitted []string    `json:"omitted,omitempty"`
	Process *ProcessRef `json:"process,omitempty"`
}

// replayJournal applies to st the journal lines written after it. It
// reports whether the journal has sequence numbers at all.
func replayJournal(st *State, data []byte) bool {
	numbered := false
	for _, line := range bytes.Split(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var jl journalLine
		if json.Unmarshal(line, &jl) != nil {
			break // a torn line is the last one the process wrote
		}
		if jl.Seq == 0 {
			continue
		}
		numbered = true
		if jl.Seq <= st.Journal {
			continue
		}
		if jl.Seq != st.Journal+1 {
			break // a gap: nothing after it can be trusted
		}
		st.Journal = jl.Seq
		switch {
		case jl.Started:
			if jl.Index >= 0 && jl.Index < st.Size {
				a := jl.Attempt
				if a < 1 {
					a = 1
				}
				st.InProgress = &Attempt{Index: jl.Index, Attempts: a}
				st.Pointer = jl.Index
				st.Processes = nil
			}
		case jl.Process != nil:
			if st.InProgress != nil && jl.Index == st.InProgress.Index {
				st.Processes = append(st.Processes, *jl.Process)
			}
		case jl.Outcome != "" && st.InProgress != nil && jl.Index == st.InProgress.Index:
			st.InProgress = nil
			st.Processes = nil
		}
		applyVarChanges(st, jl)
		if jl.Next != nil && *jl.Next >= 0 && *jl.Next <= st.Size {
			st.Pointer = *jl.Next
		}
	}
	return numbered
}

// applyVarChanges applies a line's variable changes to the state's
// lists (names compare case-insensitively).
func applyVarChanges(st *State, jl journalLine) {
	drop := func(name string) {
		st.Vars = dropVar(st.Vars, name)
		st.Sealed = dropVar(st.Sealed, name)
		for i, n := range st.OmittedSecrets {
			if strings.EqualFold(n, name) {
				st.OmittedSecrets = append(st.OmittedSecrets[:i], st.OmittedSecrets[i+1:]...)
				break
			}
		}
	}
	// A damaged line cannot bring in what the engine never writes.
	for _, n := range jl.Delete {
		drop(n)
	}
	for _, v := range jl.Set {
		if validAnyName(v.Name) {
			drop(v.Name)
			st.Vars = append(st.Vars, v)
		}
	}
	for _, v := range jl.Sealed {
		if validAnyName(v.Name) && strings.HasPrefix(v.Value, "seal:v1:") {
			drop(v.Name)
			st.Sealed = append(st.Sealed, v)
		}
	}
	for _, n := range jl.Omitted {
		if validAnyName(n) {
			drop(n)
			st.OmittedSecrets = append(st.OmittedSecrets, n)
		}
	}
}

func dropVar(vs []StateVar, name string) []StateVar {
	for i, v := range vs {
		if strings.EqualFold(v.Name, name) {
			return append(vs[:i], vs[i+1:]...)
		}
	}
	return vs
}
