package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/refimage/refimage/engine/sequence"
)

// Files in the state folder.
const (
	StateFile    = "state.json"
	ResultsFile  = "results.jsonl"
	SequenceFile = "sequence.toml"
	stateFormat  = 1
)

// State is what the engine keeps across restarts: the instruction
// pointer, the environment and the step in progress. It is written after
// each step (and before each step that touches the machine) atomically:
// temporary file, fsync, rename. The results go line by line into
// results.jsonl beside it, and the sequence itself into sequence.toml
// (secrets as references only, never revealed values).
type State struct {
	Format   int    `json:"format"`
	RunID    string `json:"run_id"`
	Sequence string `json:"sequence"`         // its name
	Source   string `json:"source,omitempty"` // the file it was started from
	SHA256   string `json:"sha256"`           // of sequence.toml
	Size     int    `json:"instructions"`     // instruction table size
	Pointer  int    `json:"pointer"`          // next instruction
	// InProgress is the step that was running when the state was saved:
	// if the process dies, resume runs it again.
	InProgress *Attempt     `json:"in_progress,omitempty"`
	Reboot     *RebootState `json:"reboot,omitempty"`
	// Debug is debug mode's breakpoints and mode (docs/debugger.md).
	Debug  *DebugState `json:"debug,omitempty"`
	Status Status      `json:"status"`
	Vars   []StateVar  `json:"variables"`
	// Sealed are the variables that hold secrets, encrypted with a key
	// derived from the sequence's own secrets (revealed again when the
	// run resumes) and Salt; never in clear.
	Sealed []StateVar `json:"sealed,omitempty"`
	Salt   string     `json:"salt,omitempty"`
	// OmittedSecrets are variables that held secrets and could not be
	// sealed (the sequence has no secret to derive a key from); give
	// them again with --var when resuming.
	OmittedSecrets []string `json:"omitted_secrets,omitempty"`
	// Journal is the last record of results.jsonl this state includes;
	// LoadState applies the records after it (a step finished after the
	// last durable write).
	Journal int64 `json:"journal,omitempty"`
	// Processes are the commands the step in progress started, so a
	// resume can end what a dead engine left running.
	Processes []ProcessRef  `json:"processes,omitempty"`
	Started   time.Time     `json:"started"`
	Saved     time.Time     `json:"saved"`
	Elapsed   time.Duration `json:"elapsed"` // before the current process
	LogDir    string        `json:"log_dir,omitempty"`
}

// Attempt is a step in progress.
type Attempt struct {
	Index    int `json:"index"`
	Attempts int `json:"attempts"`
}

// RebootState is a restart the engine asked for.
type RebootState struct {
	Target string `json:"target"`
	Step   string `json:"step"`
	Retry  bool   `json:"retry"` // SMSTSRetryRequested: run the step again
}

// ProcessRef names a process group a step started: its leader's
// process id and, where the OS tells, the leader's start time (so a
// reused id is never mistaken for it).
type ProcessRef struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start,omitempty"`
}

// StateVar is a saved variable.
type StateVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// running statuses are not final.
const statusRunning Status = "running"

// ParseState reads state.json strictly: unknown format, a pointer out of
// range or broken variables are errors.
func ParseState(data []byte) (*State, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var st State
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("the state file is damaged: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the state file is damaged: data after the state")
	}
	switch {
	case st.Format != stateFormat:
		return nil, fmt.Errorf("the state file has format %d; this refimage reads %d", st.Format, stateFormat)
	case st.Size < 0 || st.Size > 1<<24:
		return nil, fmt.Errorf("the state file is damaged: %d instructions", st.Size)
	case st.Pointer < 0 || st.Pointer > st.Size:
		return nil, fmt.Errorf("the state file is damaged: pointer %d outside 0..%d", st.Pointer, st.Size)
	case st.InProgress != nil && (st.InProgress.Index < 0 || st.InProgress.Index >= st.Size || st.InProgress.Attempts < 1):
		return nil, errors.New("the state file is damaged: bad step in progress")
	}
	switch st.Status {
	case statusRunning, StatusSucceeded, StatusFailed, StatusCancelled, StatusRestarting, StatusRestartNeeded:
	default:
		return nil, fmt.Errorf("the state file is damaged: unknown status %q", st.Status)
	}
	vars := NewVars()
	for _, v := range st.Vars {
		if err := vars.SetReadOnly(v.Name, v.Value); err != nil {
			return nil, fmt.Errorf("the state file is damaged: variable %q: %v", v.Name, err)
		}
	}
	for _, v := range st.Sealed {
		if !validAnyName(v.Name) || !strings.HasPrefix(v.Value, "seal:v1:") {
			return nil, fmt.Errorf("the state file is damaged: sealed variable %q", v.Name)
		}
	}
	if st.Journal < 0 {
		return nil, errors.New("the state file is damaged: negative journal position")
	}
	return &st, nil
}

// ParseResults reads results.jsonl. A torn last line (the process died
// while writing it) is ignored; a later result for the same instruction
// replaces an earlier one.
func ParseResults(data []byte) []StepResult {
	var out []StepResult
	at := map[int]int{}
	for _, line := range bytes.Split(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r StepResult
		if json.Unmarshal(line, &r) != nil || r.Index < 0 || r.Started || r.Outcome == "" {
			continue // torn, a start, a pointer move or a process record
		}
		if i, ok := at[r.Index]; ok {
			out[i] = r
			continue
		}
		at[r.Index] = len(out)
		out = append(out, r)
	}
	return out
}

// LoadState reads the state of the run kept in dir. A step that started
// (its start record is in results.jsonl) and never finished is the step
// in progress.
func LoadState(dir string) (*State, error) {
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("there is no run to resume in %s (no %s)", dir, StateFile)
	}
	if err != nil {
		return nil, err
	}
	st, err := ParseState(data)
	if err != nil {
		return nil, err
	}
	if st.Status == StatusSucceeded || st.Status == StatusFailed {
		return st, nil
	}
	res, err := os.ReadFile(filepath.Join(dir, ResultsFile))
	if err != nil {
		return st, nil
	}
	if !replayJournal(st, res) && st.InProgress == nil {
		// A state written before the journal had sequence numbers.
		if a := InProgress(res); a != nil && a.Index >= st.Pointer && a.Index < st.Size {
			st.InProgress = a
		}
	}
	return st, nil
}

// InProgress finds in results.jsonl the last step that started and has
// no result after its start record.
func InProgress(data []byte) *Attempt {
	var last *Attempt
	for _, line := range bytes.Split(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r StepResult
		if json.Unmarshal(line, &r) != nil || r.Index < 0 {
			continue
		}
		switch {
		case r.Started:
			a := r.Attempt
			if a < 1 {
				a = 1
			}
			last = &Attempt{Index: r.Index, Attempts: a}
		case last != nil && r.Index == last.Index && r.Outcome != "":
			last = nil
		}
	}
	return last
}

// LoadStateSequence reads the copy of the sequence kept with the state
// and checks it against the state's checksum.
func LoadStateSequence(dir string, st *State) (*sequence.Sequence, error) {
	path := filepath.Join(dir, SequenceFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the sequence of the run is missing from the state folder: %w", err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != st.SHA256 {
		return nil, fmt.Errorf("%s was changed since the run started (checksum mismatch)", path)
	}
	seq, probs := sequence.Parse(path, data)
	if seq == nil || len(probs.Errors()) > 0 {
		return nil, fmt.Errorf("the saved sequence does not load: %v", probs.Errors())
	}
	return seq, nil
}

// writeStateFile writes state.json (tests replace it to inject a full
// disk).
var writeStateFile = sequence.WriteFileAtomic

// store writes state files in a folder.
type store struct {
	dir     string
	results *os.File
	sync    bool
	seq     []byte // sequence.toml, kept in memory so a move never depends on the old folder
}

func openStore(dir string, fresh bool, seqData []byte, sync bool) (*store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state folder: %w", err)
	}
	removeStaleTemps(dir)
	s := &store{dir: dir, sync: sync, seq: seqData}
	if !fresh {
		data, err := os.ReadFile(filepath.Join(dir, SequenceFile))
		if err != nil {
			return nil, fmt.Errorf("state folder: %w", err)
		}
		s.seq = data
	}
	if fresh {
		if err := sequence.WriteFileAtomic(filepath.Join(dir, SequenceFile), seqData, 0o600); err != nil {
			return nil, fmt.Errorf("state folder: %w", err)
		}
		os.Remove(filepath.Join(dir, ResultsFile))
	}
	f, err := os.OpenFile(filepath.Join(dir, ResultsFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state folder: %w", err)
	}
	s.results = f
	return s, nil
}

// save writes state.json atomically. The results appended before it are
// synced first when the state is final or a restart follows; between
// steps the state file alone is synced (one atomic write per step): a
// power cut may lose the last result rows, never the pointer.
func (s *store) save(st *State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if s.sync && st.Status != statusRunning {
		s.results.Sync()
	}
	if !s.sync {
		return os.WriteFile(filepath.Join(s.dir, StateFile), data, 0o600)
	}
	return writeStateFile(filepath.Join(s.dir, StateFile), data, 0o600)
}

// append writes one journal line. It is not synced: the kernel keeps
// it when the process dies; the next durable state write covers a power
// cut.
func (s *store) append(jl journalLine) error {
	b, err := json.Marshal(jl)
	if err != nil {
		return err
	}
	_, err = s.results.Write(append(b, '\n'))
	return err
}

func (s *store) statePath() string   { return filepath.Join(s.dir, StateFile) }
func (s *store) resultsPath() string { return filepath.Join(s.dir, ResultsFile) }

// removeStaleTemps removes what interrupted atomic writes left in the
// state folder (.state.json.tmp-*, …): no other process writes there
// while the engine holds the folder's lock.
func removeStaleTemps(dir string) {
	for _, name := range []string{StateFile, ResultsFile, SequenceFile} {
		matches, _ := filepath.Glob(filepath.Join(dir, "."+name+".tmp-*"))
		for _, m := range matches {
			os.Remove(m)
		}
	}
}

func (s *store) close() {
	if s != nil && s.results != nil {
		s.results.Close()
	}
}

// move continues the state in dir. Everything is written from memory
// (the sequence, the results so far; the caller saves the state next),
// so the old folder may already be gone (a disk being repartitioned).
func (s *store) move(dir string, results []StepResult) error {
	if dir == s.dir {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := sequence.WriteFileAtomic(filepath.Join(dir, SequenceFile), s.seq, 0o600); err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, r := range results {
		if r.Outcome == NotRun || r.Outcome == "" {
			continue
		}
		b, _ := json.Marshal(r)
		buf.Write(append(b, '\n'))
	}
	if err := sequence.WriteFileAtomic(filepath.Join(dir, ResultsFile), buf.Bytes(), 0o600); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, ResultsFile), os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	s.results.Close()
	s.results = f
	s.dir = dir
	return nil
}

func checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
