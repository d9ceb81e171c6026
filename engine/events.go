package engine

import (
	"time"
)

// Event is something the engine reports. The engine never prints: a
// reporter (LineReporter, the TUI's progress view) turns events into
// output. Events are delivered synchronously, in order, from the
// goroutine that runs the sequence.
type Event interface{ isEvent() }

// RunStarted starts a run (or its continuation after a restart).
type RunStarted struct {
	Sequence string // the sequence's name
	Total    int    // steps counted in progress (no groups, no disabled steps)
	Done     int    // steps already behind the pointer (resume)
	Resumed  bool
	LogPath  string
	StateDir string
	Machine  Machine
	Time     time.Time
}

// GroupStarted says a group's condition held and its steps follow.
type GroupStarted struct {
	Path, Name string
}

// GroupSkipped says a group and everything in it was skipped.
type GroupSkipped struct {
	Path, Name string
	Reason     string
	Steps      int // counted steps it skipped (for progress)
}

// StepStarted says a step starts.
type StepStarted struct {
	Number  int // 1-based among counted steps
	Total   int
	Path    string
	Name    string
	Type    string
	Attempt int // 1, or more when it runs again after an interruption
	Time    time.Time
}

// StepProgress is a step's progress: Done of Total units (bytes when
// Unit is "bytes"); Total 0 means unknown.
type StepProgress struct {
	Path        string
	Done, Total int64
	Unit        string
	Message     string
}

// StepOutput is one line of a step's output.
type StepOutput struct {
	Path   string
	Line   string
	Stderr bool
}

// StepFinished says a step ended: succeeded, failed, skipped.
type StepFinished struct {
	Result StepResult
}

// Log is a line written to smsts.log (already redacted).
type Log struct {
	Entry LogEntry
}

// Restarting says the engine restarts the machine and continues after.
type Restarting struct {
	Target  string // WinPE, HD or ""
	Message string
	Delay   time.Duration
	Step    string // the step that asked for it
}

// RunFinished ends a run; Result has the table of every step.
type RunFinished struct {
	Result *Result
}

func (RunStarted) isEvent()   {}
func (GroupStarted) isEvent() {}
func (GroupSkipped) isEvent() {}
func (StepStarted) isEvent()  {}
func (StepProgress) isEvent() {}
func (StepOutput) isEvent()   {}
func (StepFinished) isEvent() {}
func (Log) isEvent()          {}
func (Restarting) isEvent()   {}
func (RunFinished) isEvent()  {}

// Outcome of a step.
type Outcome string

const (
	Succeeded   Outcome = "succeeded"
	Failed      Outcome = "failed"
	FailedCont  Outcome = "failed (continued)" // failed, and continue-on-error let the run go on
	Skipped     Outcome = "skipped"            // false condition, or its group was skipped
	Disabled    Outcome = "disabled"
	NotRun      Outcome = "not run" // after the run stopped
	Cancelled   Outcome = "cancelled"
	Interrupted Outcome = "interrupted" // the process ended while the step ran (resume runs it again)
)

// StepResult is one row of the run's result table.
type StepResult struct {
	Index    int           `json:"index"` // instruction pointer
	Number   int           `json:"number"`
	Path     string        `json:"path"`
	Name     string        `json:"name"`
	Type     string        `json:"type"`
	Outcome  Outcome       `json:"outcome"`
	ExitCode int64         `json:"exit_code"`
	Duration time.Duration `json:"duration"`
	Message  string        `json:"message,omitempty"` // why it failed or was skipped
	Output   []string      `json:"output,omitempty"`  // the tail of its output (redacted)
	Attempt  int           `json:"attempt,omitempty"`
	// Started marks a start record in results.jsonl (written before a
	// step touches the machine, so a resume knows it was interrupted).
	Started bool `json:"started,omitempty"`
}

// Status of a run.
type Status string

const (
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
	// StatusRestarting: the machine is restarting; run --resume continues.
	StatusRestarting Status = "restarting"
	// StatusRestartNeeded: a step asked for a restart this platform cannot
	// do; restart and run --resume.
	StatusRestartNeeded Status = "restart-needed"
)

// Result is the outcome of a run.
type Result struct {
	Sequence string
	Status   Status
	Code     int64 // the code the run failed with (0 on success)
	Steps    []StepResult
	// Failed is the step that failed the run, if any.
	Failed   *StepResult
	LogPath  string
	StateDir string
	Elapsed  time.Duration
	Message  string // one sentence for the end of the run
}
