package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
)

func init() {
	register(&command{
		name:    "plan",
		usage:   "refimage plan FILE [--env winpe|full-os] [--uefi|--bios] [--media none|boot|full] [--var K=V]... [--json]",
		summary: "Show what a run would do, step by step (dry run).",
		help: `Nothing is run and nothing is written. Every group and step is listed in
execution order with its condition in plain words, whether it would run on
the simulated machine and why, and the concrete actions it would take.
The environment follows the sequence's own restarts (Restart in Windows PE,
Setup Windows and ConfigMgr, Prepare Windows for Capture) and its
set-variable steps. --var may also set read-only _SMSTS* variables to
simulate the machine (e.g. --var _SMSTSClientCache=C:\Windows\ccmcache).
--json prints one array with an object per group and step (docs/plan.md).`,
		run: runPlan,
	})
}

// varFlags parses repeated --var NAME=VALUE in order.
func varFlags(vals []string) ([]sequence.Variable, error) {
	var out []sequence.Variable
	for _, v := range vals {
		k, val, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usageErrorf("--var %q: want NAME=VALUE", v)
		}
		out = append(out, sequence.Variable{Name: strings.TrimSpace(k), Value: val})
	}
	return out, nil
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

func runPlan(env *cmdEnv, args []string) error {
	c := commands["plan"]
	fs := newFlagSet(c)
	envName := fs.String("env", "winpe", "where the run starts: winpe or full-os")
	uefi := fs.Bool("uefi", false, "UEFI firmware (the default)")
	bios := fs.Bool("bios", false, "BIOS firmware")
	media := fs.String("media", "none", "started from media: none, boot (BootMedia) or full (FullMedia)")
	offline := fs.String("offline", "", "plan an offline run on the folder `DIR`")
	asJSON := fs.Bool("json", false, "print one JSON array")
	var vars multiFlag
	fs.Var(&vars, "var", "set a variable (repeatable): `NAME=VALUE`")
	files, err := parseFlags(c, fs, env.stderr, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("give one sequence file")}}
	}
	isBIOS, err := firmwareFlag(*uefi, *bios)
	if err != nil {
		return err
	}
	vs, err := varFlags(vars)
	if err != nil {
		return err
	}
	seq, err := loadSequence(files[0])
	if err != nil {
		return err
	}
	opts := engine.PlanOptions{Env: *envName, BIOS: isBIOS, Media: *media, Vars: vs, Offline: *offline}
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
	return engine.WritePlan(env.stdout, seq, opts, entries)
}
