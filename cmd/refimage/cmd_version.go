package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func init() {
	register(&command{
		name:    "version",
		usage:   "refimage version",
		summary: "Print the version and the commit it was built from.",
		flags:   func(*flag.FlagSet) runFunc { return runVersion },
	})
}

func runVersion(env *cmdEnv, pos []string) error {
	if len(pos) > 0 {
		return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("version takes no arguments (got %q)", pos[0])}}
	}
	commit, dirty := "unknown", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = " (modified)"
				}
			}
		}
	}
	fmt.Fprintf(env.stdout, "refimage %s commit %s%s %s/%s %s\n", version, commit, dirty, runtime.GOOS, runtime.GOARCH, runtime.Version())
	return nil
}
