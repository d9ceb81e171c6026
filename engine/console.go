package engine

import (
	"strings"
	"sync"
	"time"
)

// Console is what a command prompt opened during a run (the run view's
// F8, as ConfigMgr's command support on boot media) gets: the task
// sequence environment without its secrets, and a way to record its use
// in smsts.log. Safe for any goroutine.
type Console struct {
	mu      sync.Mutex
	vars    []string
	pending []string
}

// Env is the environment to add to the prompt's: NAME=VALUE of every
// task sequence variable that is not a secret.
func (c *Console) Env() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.vars...)
}

// Record notes a line about the prompt's use for smsts.log: the engine
// writes it at its next step boundary (or when the run ends), from its
// own goroutine, with the time it was noted.
func (c *Console) Record(msg string) {
	c.mu.Lock()
	c.pending = append(c.pending, time.Now().Format("15:04:05")+" "+msg)
	c.mu.Unlock()
}

// ConsoleComponent is the log component of the command prompt's use.
const ConsoleComponent = "TSConsole"

// updateConsole copies the environment (secrets left out) for the
// console.
func (r *runner) updateConsole() {
	c := r.opts.Console
	if c == nil {
		return
	}
	var env []string
	for _, v := range r.vars.All() {
		if r.vars.IsSecret(v.Name) || r.red.Contains(v.Value) || strings.ContainsAny(v.Name, "=\x00") {
			continue
		}
		env = append(env, v.Name+"="+v.Value)
	}
	c.mu.Lock()
	c.vars = env
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, p := range pending {
		r.log.warn(ConsoleComponent, "%s", p)
	}
}
