package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// maxThreads caps --threads: more workers than this only cost memory.
const maxThreads = 256

// errHelp is returned after --help was printed; it exits 0.
var errHelp = errors.New("help printed")

type flagProblem struct{ err error }

func (f flagProblem) Error() string { return f.err.Error() }

func isFlagProblem(err error) bool {
	var fp flagProblem
	return errors.As(err, &fp)
}

// newFlagSet makes the flag set of a command. Errors are returned, never
// printed by the flag package itself.
func newFlagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args with flags and positional arguments in any order
// ("plan FILE --json" and "plan --json FILE" alike). Everything after "--"
// is positional. --help prints the command's help to w and returns errHelp.
func parseFlags(c *command, fs *flag.FlagSet, w io.Writer, args []string) ([]string, error) {
	var pos, rest []string
	for i, a := range args {
		if a == "--" { // the flag package would swallow it
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(w, c, fs)
			return nil, errHelp
		}
		if err != nil {
			return nil, &exitError{code: exitUsage, err: flagProblem{err}}
		}
		left := fs.Args()
		if len(left) == 0 {
			if f := fs.Lookup("threads"); f != nil {
				if n, err := strconv.Atoi(f.Value.String()); err != nil || n < 0 || n > maxThreads {
					return nil, &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("--threads %s: give 0 (all CPUs) to %d", f.Value.String(), maxThreads)}}
				}
			}
			return append(pos, rest...), nil
		}
		pos = append(pos, left[0])
		args = left[1:]
	}
}

func printCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", c.usage, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(c.help, "\n"))
	}
	if fs == nil {
		fs = newFlagSet(c)
	}
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprintln(w, "\nOptions:")
		fs.VisitAll(func(f *flag.Flag) {
			name, usage := flag.UnquoteUsage(f)
			dash := "--"
			if len(f.Name) == 1 {
				dash = "-"
			}
			line := "  " + dash + f.Name
			if name != "" {
				line += " " + name
			}
			fmt.Fprintf(w, "%-28s %s\n", line, usage)
		})
	}
}

// multiFlag collects a repeatable flag such as --var K=V.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// parseVars turns K=V strings into a map, refusing malformed ones.
func parseVars(vals []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range vals {
		k, val, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usageErrorf("--var %q: want NAME=VALUE", v)
		}
		if err := varControl(k, val); err != nil {
			return nil, err
		}
		out[strings.TrimSpace(k)] = val
	}
	return out, nil
}

// varControl refuses a control character in a --var name or value: a
// variable is one line of text (docs/errors.md).
func varControl(name, value string) error {
	if m := sequence.CheckLine(name); !m.IsZero() {
		return usageErrorf("--var %q: the name: %s", name, m)
	}
	if m := sequence.CheckLine(value); !m.IsZero() {
		return usageErrorf("--var %s: the value: %s", name, m)
	}
	return nil
}

// lineFlag refuses a control character in a flag that takes one line of
// text (a command line, a label).
func lineFlag(flag, value string) error {
	if m := sequence.CheckLine(value); !m.IsZero() {
		return usageErrorf("%s: %s", flag, m)
	}
	return nil
}
