package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
)

func init() {
	register(&command{
		name:    "plan",
		usage:   "refimage plan FILE [--env winpe|full-os] [--uefi|--bios] [--media none|boot|full] [--var K=V]... [--assume-fail STEP[=CODE]]... [--offline DIR] [--json]",
		summary: "Show what a run would do, step by step (dry run).",
		help: `Nothing is run and nothing is written. Every group and step is listed in
execution order with its condition in plain words, whether it would run on
the simulated machine and why, and the concrete actions it would take.
The environment follows the sequence's own restarts (Restart in Windows PE,
Setup Windows and ConfigMgr, Prepare Windows for Capture) and its
set-variable steps. --var may also set read-only _SMSTS* variables to
simulate the machine (e.g. --var _SMSTSClientCache=C:\Windows\ccmcache).
The engine's own variables follow the plan as a run sets them
(_SMSTSLastActionName, _SMSTSLastActionRetCode, _SMSTSLastActionSucceeded
after every step that runs, assumed to succeed unless --assume-fail names
it: a step name or path, with the exit code it fails with, 1 when not
given). What only the run can know (a command's output variable, the
machine's name, the log path) makes a condition "unknown", never false.
--json prints one array with an object per group and step (docs/plan.md).`,
		flags: planFlags,
	})
}

// firmwareFlag turns --uefi/--bios into "bios" (true) or not.
func firmwareFlag(uefi, bios bool) (isBIOS bool, err error) {
	if uefi && bios {
		return false, usageErrorf("--uefi and --bios exclude each other")
	}
	return bios, nil
}

func loadSequence(file string) (*sequence.Sequence, error) {
	seq, probs := sequence.Load(file)
	if seq == nil || len(probs.Errors()) > 0 {
		var b strings.Builder
		for _, p := range probs.Errors() {
			b.WriteString("\n  " + p.String())
		}
		return nil, usageErrorf("%s is not a valid task sequence:%s", file, b.String())
	}
	return seq, nil
}

func planFlags(fs *flag.FlagSet) runFunc {
	envName := fs.String("env", "winpe", "where the run starts: winpe or full-os")
	uefi := fs.Bool("uefi", false, "UEFI firmware (the default)")
	bios := fs.Bool("bios", false, "BIOS firmware")
	media := fs.String("media", "none", "started from media: none, boot (BootMedia) or full (FullMedia)")
	offline := fs.String("offline", "", "plan an offline run on the folder `DIR`")
	asJSON := fs.Bool("json", false, "print one JSON array")
	var vars multiFlag
	fs.Var(&vars, "var", "set a variable (repeatable): `NAME=VALUE`")
	var fails multiFlag
	fs.Var(&fails, "assume-fail", "assume this step fails (repeatable): `STEP[=CODE]`")
	return func(env *cmdEnv, files []string) error {
		var err error
		if len(files) != 1 {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("give one sequence file")}}
		}
		isBIOS, err := firmwareFlag(*uefi, *bios)
		if err != nil {
			return err
		}
		vs, err := parseVars(vars)
		if err != nil {
			return err
		}
		seq, err := loadSequence(files[0])
		if err != nil {
			return err
		}
		opts := engine.PlanOptions{Env: *envName, BIOS: isBIOS, Media: *media, Vars: vs, Offline: *offline}
		if len(fails) > 0 {
			opts.AssumeFail = map[string]int64{}
			known := map[string]bool{}
			seq.Walk(func(it *sequence.Item, parents []*sequence.Item) bool {
				known[it.Name] = true
				p := ""
				for _, g := range parents {
					p += g.Name + "/"
				}
				known[p+it.Name] = true
				return true
			})
			for _, f := range fails {
				name, code := f, int64(1)
				if i := strings.LastIndexByte(f, '='); i >= 0 {
					n, err := strconv.ParseInt(strings.TrimSpace(f[i+1:]), 0, 64)
					if err != nil || n < -1<<31 || n > 1<<32-1 {
						return usageErrorf("--assume-fail %q: the exit code after = is not a number", f)
					}
					name, code = f[:i], n
				}
				if !known[name] {
					return usageErrorf("--assume-fail %q: the sequence has no step of that name or path", name)
				}
				if code == 0 {
					return usageErrorf("--assume-fail %q: exit code 0 is success", f)
				}
				opts.AssumeFail[name] = code
			}
		}
		entries, err := engine.Plan(seq, opts)
		if err != nil {
			return usageErrorf("%v", err)
		}
		if *asJSON {
			b, err := json.MarshalIndent(entries, "", "  ")
			if err != nil {
				return failedf("%v", err)
			}
			_, err = env.stdout.Write(append(b, '\n'))
			return err
		}
		return engine.WritePlan(safeText{env.stdout}, seq, opts, entries)
	}
}
