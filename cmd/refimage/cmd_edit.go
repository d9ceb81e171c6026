package main

import (
	"flag"
	"fmt"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/tui"
)

func init() {
	register(&command{
		name:    "edit",
		usage:   "refimage edit FILE [--theme NAME] [--theme-file FILE] [--no-color] [--lang en|ko] [--accessible]",
		summary: "Open the task sequence editor.",
		help: `The editor shows the sequence's groups and steps as a tree, and the selected
item's Properties and Options (disable, continue on error, success codes,
time-out, retries, condition) as the Configuration Manager editor does. Add
steps from the catalogue, add groups, remove, move, copy and paste items and
conditions, undo and redo; the problems of the whole sequence show live.
ctrl+s saves atomically; leaving with unsaved changes asks. Keys: ? in the
editor, or docs/editor.md.

A file that cannot be read or decoded is refused with its problems (exit
2); a file that decodes but has errors opens, with the errors listed.
ctrl+c leaves at once (after asking if there are unsaved changes) and exits
130; SIGTERM and SIGHUP leave without saving (the file stays as it was)
and exit 143 and 129.

The screens take --theme, --theme-file, --no-color (NO_COLOR) and --lang
like the wizard (docs/themes.md); in Windows PE the ascii theme at 80x25.
New steps are named in the screen's language. The editor needs a
full-screen terminal: in accessible mode (--accessible,
REFIMAGE_ACCESSIBLE=1, TERM=dumb) it says so and exits 2; edit the TOML
file in a text editor and check it with refimage validate.`,
		flags: editFlags,
	})
}

func editFlags(fs *flag.FlagSet) runFunc { return editFlagsUI(fs, nil) }

// editFlagsUI is refimage edit; inherited, when not nil, are the screen
// settings of the command that opened the editor (flags given here still
// win).
func editFlagsUI(fs *flag.FlagSet, inherited *uiSettings) runFunc {
	uf := addUIFlags(fs)
	return func(env *cmdEnv, files []string) error {
		var err error
		if len(files) != 1 {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("give one sequence file to edit")}}
		}
		// Opened from the wizard (Open in editor), the editor keeps the
		// wizard's screen settings unless flags are given here.
		var ui uiSettings
		if inherited != nil && !uiFlagSet(fs) {
			ui = *inherited
		} else {
			if ui, err = resolveUI(env, uf); err != nil {
				return err
			}
			for _, wn := range ui.warnings {
				fmt.Fprintf(env.stderr, "refimage edit: warning: %s\n", wn)
			}
		}
		file := files[0]
		seq, probs := sequence.Load(file)
		if seq == nil {
			for _, p := range probs {
				fmt.Fprintln(safeText{env.stderr}, p.String())
			}
			fmt.Fprintf(env.stderr, "refimage edit: %s cannot be opened; nothing changed\n", file)
			return reportedError{code: exitUsage}
		}
		if ui.accessible {
			fmt.Fprintln(env.stderr, fmt.Sprintf(tui.EditorText(ui.lang, "accessible"), file))
			return reportedError{code: exitUsage}
		}
		if !env.isTerminal() {
			return usageErrorf("no terminal to show the editor on (stdin and stderr must be a terminal); check a file with refimage validate %s", file)
		}
		opt := tui.EditorOptions{Theme: tui.ThemeFor(ui.theme, env.stderr, ui.noColor), Lang: ui.lang}
		if ui.winpe {
			opt.MaxWidth, opt.MaxHeight = 80, 25
		}
		sigs, stop := screenSignals()
		opt.Signals = sigs
		res, err := tui.RunEditorWith(seq, file, opt, env.stdin, env.stderr)
		stop()
		if err != nil {
			return failedf("%v", err)
		}
		if res.Cancelled {
			return errCancelled
		}
		return nil
	}
}
