package main

import (
	"flag"
	"fmt"

	"github.com/refimage/refimage/engine/sequence"
)

func init() {
	register(&command{
		name:    "validate",
		usage:   "refimage validate FILE... [--quiet]",
		summary: "Check task sequence files; print FILE:LINE:COL: key.path: message for each problem.",
		help: `Every problem of every file is printed at once, errors and warnings alike.
The exit code is 2 if any file has an error, 0 otherwise (warnings alone do
not fail). Nothing is written.`,
		flags: validateFlags,
	})
}

func validateFlags(fs *flag.FlagSet) runFunc {
	quiet := fs.Bool("quiet", false, "print only errors, not warnings")
	return func(env *cmdEnv, files []string) error {
		if len(files) == 0 {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("no file given")}}
		}
		failed := 0
		for _, f := range files {
			if m := textInputProblem(f, "sequence file"); m != "" {
				fmt.Fprintf(env.stdout, "%s: %s\n", f, m)
				failed++
				continue
			}
			_, probs := sequence.Load(f)
			for _, p := range probs {
				if p.Warning && *quiet {
					continue
				}
				fmt.Fprintln(safeText{env.stdout}, p.String())
			}
			if len(probs.Errors()) > 0 {
				failed++
			}
		}
		if failed > 0 {
			fmt.Fprintf(env.stderr, "refimage validate: %d of %d file(s) have errors\n", failed, len(files))
			return reportedError{code: exitUsage}
		}
		return nil
	}
}
