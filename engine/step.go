package engine

import (
	"context"
	"strings"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// Action is what a step type does. Each type registers one from its own
// file (step_<type>.go).
type Action interface {
	// Run does the step and returns its exit code, which the engine
	// checks against the step's success codes. An error fails the step
	// with CodeOf(err) (an *Error carries its own code).
	Run(ctx context.Context, sc *StepContext) (int64, error)
	// Plan lists the concrete actions the step would take (commands,
	// files written), secrets masked. It must not touch the machine.
	Plan(pc *PlanContext) []string
}

// quickAction is implemented by actions that do not touch the machine
// (set-variable): the engine does not save its state before them.
type quickAction interface{ quick() }

var actions = map[string]Action{}

// Register registers the action of a step type. It panics on a duplicate
// or an unknown type.
func Register(typ string, a Action) {
	if _, ok := sequence.LookupStep(typ); !ok {
		panic("engine: Register of unknown step type " + typ)
	}
	if _, dup := actions[typ]; dup {
		panic("engine: step type registered twice: " + typ)
	}
	actions[typ] = a
}

func component(typ string) string {
	if si, ok := sequence.LookupStep(typ); ok && si.Component != "" {
		return si.Component
	}
	return EngineComponent
}

// StepContext is what a running step can use.
type StepContext struct {
	// Item is the step; Props are its properties with %VAR% expanded and
	// action-variable overrides applied (a copy: change it freely).
	Item  *sequence.Item
	Props sequence.Props
	// Path is the step's path (group names and its name joined by /).
	Path     string
	Platform Platform
	Vars     *Vars
	Machine  Machine
	// Offline is the folder that stands for the target's OS volume
	// (--offline DIR), "" on a live run.
	Offline   string
	BootImage string
	// Timeout is the step's timeout (0: none); Run applies it.
	Timeout time.Duration

	r    *runner
	tail []string
}

// Log writes an information line to smsts.log with the step's component.
func (sc *StepContext) Log(format string, args ...any) {
	sc.r.log.write(1, LogInfo, component(sc.Item.Type), sprintf(format, args...))
}

// Warn writes a warning line.
func (sc *StepContext) Warn(format string, args ...any) {
	sc.r.log.write(1, LogWarning, component(sc.Item.Type), sprintf(format, args...))
}

// Error writes an error line.
func (sc *StepContext) Error(format string, args ...any) {
	sc.r.log.write(1, LogError, component(sc.Item.Type), sprintf(format, args...))
}

// maxTail is how many output lines a result keeps.
const maxTail = 20

// Output records a line of the step's output: into smsts.log, the events
// and the tail shown if the step fails. Secrets are masked.
func (sc *StepContext) Output(line string, stderr bool) {
	line = sc.r.red.Redact(line)
	sc.tail = append(sc.tail, line)
	if len(sc.tail) > maxTail*2 {
		sc.tail = append(sc.tail[:0], sc.tail[len(sc.tail)-maxTail:]...)
	}
	sc.r.log.write(1, LogInfo, component(sc.Item.Type), line)
	sc.r.emit(StepOutput{Path: sc.Path, Line: line, Stderr: stderr})
}

// OutputTail is the last lines of output.
func (sc *StepContext) OutputTail() []string {
	if len(sc.tail) > maxTail {
		return append([]string(nil), sc.tail[len(sc.tail)-maxTail:]...)
	}
	return append([]string(nil), sc.tail...)
}

// Progress reports progress: done of total units ("bytes" shows rates).
func (sc *StepContext) Progress(done, total int64, unit, message string) {
	sc.r.emit(StepProgress{Path: sc.Path, Done: done, Total: total, Unit: unit, Message: sc.r.red.Redact(message)})
}

// Secret returns the clear value of one of the step's secrets (resolved
// when the run started; see Options.Resolver). The value is registered
// for masking.
func (sc *StepContext) Secret(v *secret.Value) (string, error) {
	// v points into the step's copy of its properties: find the same
	// field in the original, whose value was revealed at start.
	copies, originals := secretFields(sc.Props), secretFields(sc.Item.Props)
	for i := range copies {
		if copies[i].v == v && i < len(originals) {
			return sc.r.secret(sc.Item, originals[i].v)
		}
	}
	return sc.r.secret(sc.Item, v)
}

// Redact masks every known secret in s.
func (sc *StepContext) Redact(s string) string { return sc.r.red.Redact(s) }

// RequestReboot asks for a restart after the step: target WinPE or HD,
// as setting SMSTSRebootRequested does.
func (sc *StepContext) RequestReboot(target string) {
	sc.Vars.Set("SMSTSRebootRequested", target)
}

// MoveState moves the engine's state folder (and, unless --log was given,
// smsts.log) to dir now, written from memory. A step that is about to
// wipe the disk holding the state (partition-disk in Windows PE) moves it
// to X:\_SMSTaskSequence first, and to <new volume>\_SMSTaskSequence once
// the volume exists. Without a kept state (--offline, --state, tests
// with NoState) it does nothing and returns nil.
func (sc *StepContext) MoveState(dir string) error {
	if sc.r.store == nil || sc.r.opts.StateDir != "" || sc.r.opts.Offline != "" {
		return nil
	}
	return sc.r.moveState(dir, "")
}

// Run runs a command line through the platform with the step's timeout;
// its output goes through Output.
func (sc *StepContext) Run(ctx context.Context, c Command) (int64, error) {
	if c.Timeout == 0 {
		c.Timeout = sc.Timeout
	}
	c.Output = sc.Output
	return sc.Platform.Run(ctx, c)
}

// PlanContext is what a step's Plan can use. Nothing in it touches the
// machine.
type PlanContext struct {
	Item      *sequence.Item
	Props     sequence.Props // expanded, overrides applied
	Vars      *Vars
	Machine   Machine
	Offline   string
	BootImage string
}

// Masked is a secret's masked form for a plan.
func (pc *PlanContext) Masked(v secret.Value) string {
	switch v.Kind() {
	case secret.None:
		return "(none)"
	case secret.Env:
		return "(from the environment variable " + v.EnvName() + ")"
	case secret.Prompt:
		return "(asked for when the run starts)"
	}
	return v.String()
}

// Env is "Windows PE" or "the full OS".
func (pc *PlanContext) Env() string {
	if pc.Machine.InWinPE {
		return "Windows PE"
	}
	return "the full OS"
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
