package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/interop"
)

func init() {
	register(&command{
		name:    "import",
		usage:   "refimage import FILE [-o OUT.toml] [--package-map FILE]",
		summary: "Read a Configuration Manager or MDT task sequence and write it as refimage's TOML.",
		help: `FILE is ConfigMgr task sequence XML (<sequence version="3.00"|"3.10">, e.g.
from SMS_TaskSequencePackage.GetSequence), an exported package's object.xml,
the whole .zip the console exports, or an MDT ts.xml
(DeploymentShare\Control\<ID>\ts.xml).

Groups, steps, options and conditions become refimage's; each step type
refimage runs becomes its step with its properties. Other steps (user state,
BitLocker, MDT scripts, child task sequences…) are kept verbatim as foreign
steps: validate warns about them, plan says they would fail, run fails on
them unless they are disabled, and export gives them back unchanged.

Package IDs become paths through --package-map (a TOML file of
PACKAGEID = 'path' lines); an unmapped package is kept as 'package:ID'.
Secrets are never in an export: refimage asks for them (prompt).

Without -o the TOML goes to stdout. What was mapped, kept and not found is
reported on stderr. Bad input (malformed XML, an unknown root, a condition
refimage cannot express, duplicate variables, an encrypted or binary
package, a .zip without a task sequence) exits 2 with the element path and
writes nothing. See docs/interop.md.`,
		flags: importFlags,
	})
}

func loadPackageMap(path string) (*interop.PackageMap, error) {
	if path == "" {
		return nil, nil
	}
	pm, err := interop.LoadPackageMap(path)
	if err != nil {
		return nil, usageErrorf("--package-map: %v", err)
	}
	return pm, nil
}

func importFlags(fs *flag.FlagSet) runFunc {
	out := fs.String("o", "", "write the TOML to `OUT.toml` (default: stdout)")
	pmFile := fs.String("package-map", "", "`FILE` mapping package IDs to paths (PACKAGEID = 'path')")
	return func(env *cmdEnv, files []string) error {
		var err error
		if len(files) != 1 {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("give one task sequence file")}}
		}
		if *out != "" {
			if a, err1 := os.Stat(files[0]); err1 == nil {
				if b, err2 := os.Stat(*out); err2 == nil && os.SameFile(a, b) {
					return usageErrorf("-o %s is the file being imported: write the TOML elsewhere", *out)
				}
			}
		}
		pm, err := loadPackageMap(*pmFile)
		if err != nil {
			return err
		}
		res, err := interop.ImportFile(files[0], interop.ImportOptions{Packages: pm})
		if err != nil {
			var xe *interop.XMLError
			if errors.As(err, &xe) || errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
				return usageErrorf("%v", err)
			}
			return usageErrorf("%s: %v", files[0], err)
		}
		seq, rep := res.Seq, res.Report
		data, err := sequence.Marshal(seq, sequence.SaveOptions{})
		if err != nil {
			return failedf("refimage import: %v", err)
		}
		name := "(stdout)"
		if *out != "" {
			name = *out
		}
		// What validate will say about the result, at its positions.
		_, probs := sequence.Parse(name, data)
		if *out != "" {
			if err := sequence.WriteFileAtomic(*out, data, 0o644); err != nil {
				return failedf("refimage import: %v", err)
			}
		} else if _, err := env.stdout.Write(data); err != nil {
			return failedf("refimage import: %v", err)
		}
		w := env.stderr
		format := "Configuration Manager"
		if rep.Format == interop.FormatMDT {
			format = "MDT"
		}
		fmt.Fprintf(w, "refimage import: %s task sequence %q from %s: %d steps mapped, %d kept as foreign steps\n", format, seq.Name, rep.Source, rep.Steps, len(rep.Foreign))
		for _, f := range rep.Foreign {
			fmt.Fprintf(w, "  foreign: %s\n", f)
		}
		for _, s := range rep.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", s)
		}
		if len(rep.Unmapped) > 0 {
			fmt.Fprintf(w, "  packages without a path (kept as package:ID; add them to --package-map): %v\n", rep.Unmapped)
		}
		if n := len(probs.Errors()); n > 0 {
			fmt.Fprintf(w, "  %d problem(s) to fix before it runs (refimage edit %s):\n", n, name)
			for _, p := range probs.Errors() {
				fmt.Fprintf(w, "    %s\n", p)
			}
		}
		if *out != "" {
			fmt.Fprintf(w, "Wrote %s\n", *out)
		}
		return nil
	}
}
