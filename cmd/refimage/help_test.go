package main

import (
	"flag"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// allCommands are the registered commands and their subcommands.
func allCommands() []*command {
	var out []*command
	for _, c := range commands {
		out = append(out, c)
		out = append(out, c.subcommands...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// Every command declares its options when registered: 'refimage help
// CMD' and 'refimage CMD --help' print the same help, whose Options list
// every flag the command parses, and the usage line names every flag and
// no flag the command does not have.
func TestHelpListsEveryFlag(t *testing.T) {
	usageFlag := regexp.MustCompile(`(?:^|[\s\[(|])--?([a-z][a-z0-9-]*)`)
	for _, c := range allCommands() {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			words := strings.Fields(c.name)
			code, _, help := run(t, append([]string{"help"}, words...)...)
			if code != exitOK {
				t.Fatalf("help exit %d", code)
			}
			code, _, help2 := run(t, append(words, "--help")...)
			if code != exitOK || help2 != help {
				t.Errorf("%s --help (exit %d) differs from refimage help %s:\n%s\n---\n%s", c.name, code, c.name, help2, help)
			}
			if !strings.HasPrefix(help, "usage: "+c.usage+"\n") {
				t.Errorf("help does not start with the usage line:\n%s", help)
			}
			fs := commandFlags(c)
			n := 0
			_, opts, _ := strings.Cut(help, "\nOptions:\n")
			fs.VisitAll(func(f *flag.Flag) {
				n++
				dash := "--"
				if len(f.Name) == 1 {
					dash = "-"
				}
				if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(dash+f.Name) + `\b`).MatchString(opts) {
					t.Errorf("the options do not list %s%s:\n%s", dash, f.Name, help)
				}
				if !regexp.MustCompile(`[\s\[(|]` + regexp.QuoteMeta(dash+f.Name) + `\b`).MatchString(c.usage) {
					t.Errorf("the usage line lacks %s%s: %s", dash, f.Name, c.usage)
				}
			})
			if n > 0 && opts == "" {
				t.Errorf("%d flags and no Options section", n)
			}
			for _, m := range usageFlag.FindAllStringSubmatch(c.usage, -1) {
				if fs.Lookup(m[1]) == nil {
					t.Errorf("the usage line names --%s, which %s does not have", m[1], c.name)
				}
			}
		})
	}
}

// The flags a command declares are the ones it parses: an option listed
// in the help is accepted, an unknown one is refused with the usage.
func TestHelpFlagsAreParsed(t *testing.T) {
	code, _, errs := run(t, "plan", "--offline")
	if code != exitUsage || !strings.Contains(errs, "flag needs an argument: -offline") {
		t.Errorf("plan --offline without DIR: exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "plan", "--no-such-flag", "x.toml")
	if code != exitUsage || !strings.Contains(errs, "usage: refimage plan") {
		t.Errorf("plan --no-such-flag: exit %d\n%s", code, errs)
	}
	_, _, help := run(t, "help", "plan")
	for _, w := range []string{"--offline DIR", "--assume-fail", "--var NAME=VALUE", "--json"} {
		if !strings.Contains(help, w) {
			t.Errorf("refimage help plan lacks %q:\n%s", w, help)
		}
	}
}
