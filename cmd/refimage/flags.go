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
			printCommandHelp(w, c)
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

// commandFlags is the flag set of c with every option it declares.
func commandFlags(c *command) *flag.FlagSet {
	fs := newFlagSet(c)
	if c.flags != nil {
		c.flags(fs)
	}
	return fs
}

// printCommandHelp prints the usage, the help and every option of c.
func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", c.usage, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(c.help, "\n"))
	}
	fs := commandFlags(c)
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

// parseVars is the one parser of --var NAME=VALUE (plan, run, media):
// the variables in the order given, refusing malformed ones.
func parseVars(vals []string) ([]sequence.Variable, error) {
	var out []sequence.Variable
	for _, v := range vals {
		k, val, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usageErrorf("--var %q: want NAME=VALUE", v)
		}
		if err := varControl(k, val); err != nil {
			return nil, err
		}
		out = append(out, sequence.Variable{Name: strings.TrimSpace(k), Value: val})
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

// varMap is the variables by name; a later one wins.
func varMap(vs []sequence.Variable) map[string]string {
	out := make(map[string]string, len(vs))
	for _, v := range vs {
		out[v.Name] = v.Value
	}
	return out
}
