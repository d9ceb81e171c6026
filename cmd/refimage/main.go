// Command refimage is a guided terminal wizard for building and capturing
// Windows reference images. This file is deliberately thin: it parses the
// command line, calls the packages and maps errors to exit codes.
//
// Exit codes: 0 success, 1 the run failed, 2 usage error or invalid input,
// 130 cancelled by the user.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes of the command-line contract.
const (
	exitOK        = 0
	exitFailed    = 1
	exitUsage     = 2
	exitCancelled = 130
)

// command is one subcommand. Each lives in its own file and registers itself
// from init, so adding a command never touches this file.
type command struct {
	name    string
	usage   string // one line: "refimage validate FILE..."
	summary string // what it does, one sentence
	help    string // longer help, printed by --help (optional)
	// flags declares every option of the command on fs and returns what
	// runs the command once fs is parsed, given the positional
	// arguments. Declared at registration, the options are what
	// 'refimage help CMD' and 'CMD --help' list.
	flags func(fs *flag.FlagSet) runFunc
	// subcommands (wim) take the first argument as their name: the
	// command's own flags are theirs.
	subcommands []*command
}

// runFunc runs a command with its options parsed.
type runFunc func(env *cmdEnv, args []string) error

// run parses the command's options in args and runs it.
func (c *command) run(env *cmdEnv, args []string) error {
	if c.subcommands != nil {
		return runSubcommand(env, c, args)
	}
	return runWith(env, c, c.flags, args)
}

// runWith parses args with the options flags declares (c's, or the same
// with settings handed over by the command that runs c) and runs c.
func runWith(env *cmdEnv, c *command, flags func(*flag.FlagSet) runFunc, args []string) error {
	fs := newFlagSet(c)
	do := flags(fs)
	pos, err := parseFlags(c, fs, env.stderr, args)
	if err != nil {
		return err
	}
	return do(env, pos)
}

// subcommand is c's subcommand called name, or nil.
func (c *command) subcommand(name string) *command {
	for _, s := range c.subcommands {
		if s.name == c.name+" "+name {
			return s
		}
	}
	return nil
}

// runSubcommand runs the subcommand args[0] of c with the rest.
func runSubcommand(env *cmdEnv, c *command, args []string) error {
	if len(args) == 0 {
		printCommandHelp(env.stderr, c)
		return usageErrorf("missing subcommand (%s)", subcommandNames(c))
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		printCommandHelp(env.stderr, c)
		return errHelp
	}
	sub := c.subcommand(args[0])
	if sub == nil {
		return usageErrorf("unknown subcommand %q (want %s)", args[0], subcommandNames(c))
	}
	return sub.run(env, args[1:])
}

func subcommandNames(c *command) string {
	var names []string
	for _, s := range c.subcommands {
		names = append(names, strings.TrimPrefix(s.name, c.name+" "))
	}
	return strings.Join(names, ", ")
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("duplicate command " + c.name)
	}
	commands[c.name] = c
}

// cmdEnv is what a command may touch: its streams and the environment.
type cmdEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// isTerminal reports whether stdin and stderr are terminals.
	isTerminal func() bool
}

// exitError carries an exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func failedf(format string, args ...any) error {
	return &exitError{code: exitFailed, err: fmt.Errorf(format, args...)}
}

// errCancelled is returned when the user cancels; it exits 130.
var errCancelled = &exitError{code: exitCancelled, err: errors.New("cancelled")}

// errReported means the command already printed its problems.
type reportedError struct{ code int }

func (r reportedError) Error() string { return fmt.Sprintf("exit %d", r.code) }

func main() {
	env := &cmdEnv{
		stdin:      os.Stdin,
		stdout:     os.Stdout,
		stderr:     os.Stderr,
		getenv:     os.Getenv,
		isTerminal: stdioIsTerminal,
	}
	os.Exit(runMain(env, os.Args[1:]))
}

// runMain runs the command line and returns the exit code.
func runMain(env *cmdEnv, args []string) int {
	name := "new"
	if len(args) > 0 {
		switch args[0] {
		case "-h", "--help", "help":
			if len(args) > 1 && args[0] == "help" {
				if c, ok := commands[args[1]]; ok {
					if len(args) > 2 {
						if sub := c.subcommand(args[2]); sub != nil {
							c = sub
						}
					}
					printCommandHelp(env.stderr, c)
					return exitOK
				}
			}
			printUsage(env.stderr)
			return exitOK
		case "-v", "--version":
			name = "version"
			args = args[1:]
		default:
			if !strings.HasPrefix(args[0], "-") {
				name = args[0]
				args = args[1:]
			}
		}
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.stderr, "refimage: unknown command %q\n\n", name)
		printUsage(env.stderr)
		return exitUsage
	}
	return exitCode(env, c, c.run(env, args))
}

func exitCode(env *cmdEnv, c *command, err error) int {
	if s := caughtSignal(); s != nil && s != os.Interrupt {
		// SIGTERM or SIGHUP stopped a job, which cleaned up: 128+N,
		// whatever error the cancelled job returned.
		fmt.Fprintf(env.stderr, "refimage %s: stopped by %v; partial output removed\n", c.name, s)
		return signalExit(s)
	}
	if err == nil {
		return exitOK
	}
	var rep reportedError
	if errors.As(err, &rep) {
		return rep.code
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.code == exitCancelled {
			fmt.Fprintln(env.stderr, "refimage: cancelled")
			return exitCancelled
		}
		fmt.Fprintf(safeText{env.stderr}, "refimage %s: %v\n", c.name, ee.err)
		if ee.code == exitUsage && isFlagProblem(ee.err) {
			fmt.Fprintf(env.stderr, "usage: %s\nRun 'refimage %s --help' for more.\n", c.usage, c.name)
		}
		return ee.code
	}
	fmt.Fprintf(safeText{env.stderr}, "refimage %s: %v\n", c.name, err)
	return exitFailed
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "refimage: build and capture Windows reference images, guided.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return commandOrder(names[i]) < commandOrder(names[j]) })
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  %s\n      %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Without a command, refimage opens the wizard (refimage new).")
	fmt.Fprintln(w, "Run 'refimage COMMAND --help' for a command's options.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 run failed, 2 usage error or invalid input, 130 cancelled.")
}

var order = []string{"new", "edit", "validate", "plan", "run", "media", "wim", "themes", "version"}

func commandOrder(n string) string {
	for i, o := range order {
		if o == n {
			return fmt.Sprintf("%02d", i)
		}
	}
	return "99" + n
}
