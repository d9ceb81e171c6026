package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/interop"
)

func init() {
	register(&command{
		name:    "export",
		usage:   "refimage export FILE --format configmgr|mdt [-o OUT] [--package-map FILE]",
		summary: "Write a task sequence as Configuration Manager task sequence XML (with a PowerShell import script) or an MDT ts.xml.",
		help: `--format configmgr writes <sequence version="3.10"> with the step types,
action command lines and variable names ConfigMgr writes, conditions as
ConfigMgr expressions, and — with -o OUT.xml — OUT.ps1 beside it: run on the
site server, it asks for the secrets and creates the task sequence
(SMS_TaskSequencePackage.ImportSequence, then SetSequence).
--format mdt writes an MDT ts.xml (version 3.00).

Paths become package IDs through --package-map (the file import uses);
a path it does not know is reported and its ID left empty, never invented.
Secrets are never written. Properties ConfigMgr has no place for travel in
a <!-- refimage … --> comment that ConfigMgr ignores, so importing the file
again gives back the same sequence. Without -o the XML goes to stdout.
See docs/interop.md.`,
		flags: exportFlags,
	})
}

func exportFlags(fs *flag.FlagSet) runFunc {
	format := fs.String("format", "", "configmgr or mdt")
	out := fs.String("o", "", "write the XML to `OUT` (default: stdout; configmgr also writes OUT.ps1)")
	pmFile := fs.String("package-map", "", "`FILE` mapping package IDs to paths (PACKAGEID = 'path')")
	return func(env *cmdEnv, files []string) error {
		var err error
		if len(files) != 1 {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("give one sequence file")}}
		}
		if *format != interop.FormatConfigMgr && *format != interop.FormatMDT {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("--format is configmgr or mdt")}}
		}
		pm, err := loadPackageMap(*pmFile)
		if err != nil {
			return err
		}
		seq, probs := sequence.Load(files[0])
		if seq == nil || len(probs.Errors()) > 0 {
			for _, p := range probs.Errors() {
				fmt.Fprintln(safeText{env.stderr}, p.String())
			}
			return reportedError{code: exitUsage}
		}
		data, rep, err := interop.Export(seq, interop.ExportOptions{Format: *format, Packages: pm})
		if err != nil {
			return usageErrorf("%s: %v", files[0], err)
		}
		var script []byte
		scriptName := ""
		if *out != "" && *format == interop.FormatConfigMgr {
			scriptName = strings.TrimSuffix(*out, filepath.Ext(*out)) + ".ps1"
			boot := ""
			if seq.BootImage.Path != "" {
				if id, ok := pm.ID(seq.BootImage.Path); ok {
					boot = id
				} else {
					rep.Notes = append(rep.Notes, fmt.Sprintf("the boot image '%s' is not a ConfigMgr package: add it to --package-map, or pass -BootImageID to the script", seq.BootImage.Path))
				}
			}
			script = []byte(interop.ImportScript(seq.Name, seq.Description, filepath.Base(*out), boot, rep))
		}
		if *out != "" {
			if err := sequence.WriteFileAtomic(*out, data, 0o644); err != nil {
				return failedf("refimage export: %v", err)
			}
			if script != nil {
				if err := sequence.WriteFileAtomic(scriptName, script, 0o644); err != nil {
					return failedf("refimage export: %v", err)
				}
			}
		} else if _, err := env.stdout.Write(data); err != nil {
			return failedf("refimage export: %v", err)
		}
		w := env.stderr
		for _, n := range rep.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, s := range rep.Secrets {
			fmt.Fprintf(w, "  secret not exported: %s (%s) %s — the import script asks for it\n", s.StepPath, s.StepName, s.Variable)
		}
		if *out != "" {
			fmt.Fprintf(w, "Wrote %s", *out)
			if scriptName != "" {
				fmt.Fprintf(w, " and %s (run it on the site server)", scriptName)
			}
			fmt.Fprintln(w)
		}
		return nil
	}
}
