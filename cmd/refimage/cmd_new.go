package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/tui"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/wimimages"
)

func init() {
	register(&command{
		name:    "new",
		usage:   "refimage new [-o FILE] [--answers FILE] [--save-answers FILE] [--force] [--plaintext] [--lang en|ko] [--theme NAME] [--theme-file FILE] [--no-color] [--accessible]",
		summary: "Open the Create Task Sequence Wizard and write a sequence.",
		help: `The wizard walks the pages of "Build and capture a reference operating
system image" or of the custom sequence that captures an existing reference
computer, or opens an existing sequence, and writes a TOML task sequence.
The screens are drawn on stderr; the path of the written file is printed on
stdout.

Without a terminal, --answers FILE gives every answer (docs/answers.md): the
same pages, defaults and validation, with no screen. Errors name the field
(page.key) and exit 2.

The output is -o FILE, else ./<slug of the name>.toml. An existing file is
never replaced unless you tick Overwrite on the Summary page or give --force.

--save-answers FILE also writes the answers, so that
refimage new --answers FILE repeats the wizard without the screens (secrets
typed in clear are left out as comments to fill in).

Passwords and product keys you type are encrypted with a passphrase (asked
for, or REFIMAGE_PASSPHRASE); env:NAME and prompt references are stored as
they are. --plaintext writes typed secrets in clear text (not recommended).

--accessible (or REFIMAGE_ACCESSIBLE=1, or TERM=dumb) asks the same
questions as plain lines a screen reader can follow, reading every answer
from stdin (answers may be piped in); the end of input before a required
answer exits 2 naming the field. --lang en|ko (else LC_ALL, LC_MESSAGES,
LANG) chooses the language, --theme/--theme-file the look, --no-color (or
NO_COLOR) turns color and escape sequences off; all of them can be set in
<user config dir>/refimage/config.toml (docs/themes.md). In Windows PE the
ascii theme and an 80x25 layout are the defaults.`,
		flags: newFlags,
	})
}

func newFlags(fs *flag.FlagSet) runFunc {
	out := fs.String("o", "", "write the task sequence to `FILE` (default ./<slug of the name>.toml)")
	answers := fs.String("answers", "", "take every answer from `FILE` instead of the screens (docs/answers.md)")
	saveAnswers := fs.String("save-answers", "", "also write the answers to `FILE`, to repeat this without the screens")
	force := fs.Bool("force", false, "replace the output file (and the saved answers) if they exist")
	plaintext := fs.Bool("plaintext", false, "write typed secrets in clear text (not recommended)")
	uf := addUIFlags(fs)
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) > 0 {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("unexpected argument %q (the output file is -o FILE)", pos[0])}}
		}
		ui, err := resolveUI(env, uf)
		if err != nil {
			return err
		}
		for _, wn := range ui.warnings {
			fmt.Fprintf(env.stderr, "refimage new: warning: %s\n", wn)
		}
		wenv := wizard.DefaultEnv()
		wenv.Images = wimimages.Lister{}
		wenv.Getenv = env.getenv
		w := wizard.New(wenv, ui.lang)
		w.SetAllowPlaintext(*plaintext)
		if *plaintext {
			fmt.Fprintln(env.stderr, "refimage new: warning: --plaintext writes the passwords you type in clear text; anyone who can read the file can read them")
		}
		if *saveAnswers != "" {
			if _, err := os.Lstat(*saveAnswers); err == nil && !*force {
				return usageErrorf("%s exists: give --force to replace it, or --save-answers another file", *saveAnswers)
			}
		}
		if *answers != "" {
			if err := newFromAnswers(env, w, *answers, *out, *force, *plaintext); err != nil {
				return err
			}
			return saveAnswersFile(env, w, *saveAnswers, w.Written)
		}
		if *out != "" {
			w.A.Output = *out
		}
		w.A.Overwrite = *force
		avail, notes := completionActions()
		commands := func(path string) []string { return nextCommands(path, *saveAnswers) }
		wopt := tui.WizardOptions{Theme: ui.theme, Available: avail, Notes: notes, Commands: commands, NoColor: ui.noColor}
		if ui.winpe {
			wopt.MaxWidth, wopt.MaxHeight = 80, 25
		}
		if ui.accessible {
			return newAccessible(env, w, wopt, *saveAnswers, ui)
		}
		if !env.isTerminal() {
			return usageErrorf("no terminal to show the wizard on (stdin and stderr must be a terminal); give the answers with --answers FILE (see docs/answers.md)")
		}
		sigs, stop := screenSignals()
		wopt.Signals = sigs
		res, err := tui.RunWizard(w, wopt, "", env.stdin, env.stderr)
		stop()
		if err != nil {
			return failedf("%v", err)
		}
		if res.Written != "" {
			fmt.Fprintln(env.stdout, res.Written)
			if err := saveAnswersFile(env, w, *saveAnswers, ""); err != nil {
				return err
			}
			printNextTime(env.stderr, ui.lang, res.Written, *saveAnswers)
		}
		if res.Cancelled {
			return errCancelled
		}
		return runAction(withPassphrase(env, w.A.Passphrase), res, ui)
	}
}

// withPassphrase hands the passphrase typed on the Summary to what runs
// next (Run now), so it is not asked for again.
func withPassphrase(env *cmdEnv, pass string) *cmdEnv {
	if pass == "" {
		return env
	}
	e := *env
	e.getenv = func(k string) string {
		if k == secret.PassphraseEnv {
			return pass
		}
		return env.getenv(k)
	}
	return &e
}

// completionActions says which Completion actions run in this process:
// each hands the written file to its registered command in this process
// (run, edit, media: the media wizard); one that is not registered shows
// the command line to run instead.
func completionActions() (map[tui.Action]bool, map[tui.Action]string) {
	avail := map[tui.Action]bool{}
	notes := map[tui.Action]string{}
	if _, ok := commands["run"]; ok {
		avail[tui.ActionRun] = true
	}
	if _, ok := commands["edit"]; ok {
		avail[tui.ActionEdit] = true
	}
	if _, ok := commands["media"]; ok {
		avail[tui.ActionMedia] = true
	}
	return avail, notes
}

func runAction(env *cmdEnv, res tui.WizardResult, ui uiSettings) error {
	switch res.Action {
	case tui.ActionRun:
		fmt.Fprintf(env.stderr, "refimage new: refimage run %s\n", res.Written)
		return runNow(env, res.Written, ui)
	case tui.ActionEdit:
		fmt.Fprintf(env.stderr, "refimage new: refimage edit %s\n", res.Written)
		return runWith(env, commands["edit"], func(fs *flag.FlagSet) runFunc { return editFlagsUI(fs, &ui) }, []string{res.Written})
	case tui.ActionMedia:
		fmt.Fprintf(env.stderr, "refimage new: refimage media %s\n", res.Written)
		return mediaWizardUI(env, res.Written, nil, ui)
	}
	return nil
}

// nextCommands are the command lines that repeat each action later; with
// saved answers, also the one that repeats the wizard.
func nextCommands(path, answers string) []string {
	cmds := tui.DefaultCommands(path)
	if answers != "" {
		cmds = append(cmds, "refimage new --answers "+answers+" -o "+path)
	}
	return cmds
}

func printNextTime(w io.Writer, l wizard.Lang, path, answers string) {
	fmt.Fprintln(w, tui.Text(l, "next.time"))
	for _, c := range nextCommands(path, answers) {
		fmt.Fprintln(w, "  "+c)
	}
}

// saveAnswersFile writes the answers for --save-answers.
func saveAnswersFile(env *cmdEnv, w *wizard.Wizard, path, written string) error {
	if path == "" {
		return nil
	}
	if err := sequence.WriteFileAtomic(path, wizard.MarshalAnswers(w), 0o644); err != nil {
		return failedf("save the answers: %v", err)
	}
	if written != "" {
		fmt.Fprintf(env.stderr, "  refimage new --answers %s -o %s\n", path, written)
	}
	return nil
}

func newFromAnswers(env *cmdEnv, w *wizard.Wizard, answers, out string, force, plaintext bool) error {
	data, err := readTextInput(answers, "answers file")
	if err != nil {
		return err
	}
	if errs := w.ApplyAnswers(data); errs != nil {
		for _, e := range errs {
			at := answers
			if e.Pos.Line > 0 {
				at = fmt.Sprintf("%s:%d:%d", answers, e.Pos.Line, e.Pos.Col)
			}
			fmt.Fprintf(safeText{env.stderr}, "%s: %s\n", at, e.Error())
		}
		fmt.Fprintf(env.stderr, "refimage new: %d problem(s) in %s; nothing written\n", len(errs), answers)
		return reportedError{code: exitUsage}
	}
	if out == "" {
		out = w.DefaultOutput()
	}
	if !strings.HasSuffix(strings.ToLower(out), ".toml") {
		return usageErrorf("-o %s: a task sequence file ends in .toml", out)
	}
	if dir := filepath.Dir(out); !isDir(dir) {
		return usageErrorf("-o %s: the folder %s does not exist", out, dir)
	}
	if _, err := os.Lstat(out); err == nil && !force {
		return usageErrorf("%s exists: give --force to replace it, or -o another file", out)
	}
	pass := env.getenv(secret.PassphraseEnv)
	if w.HasClearSecrets() && !plaintext && pass == "" {
		pass, err = askPassphrase(env)
		if err != nil {
			return err
		}
	}
	probs, err := wizard.Write(w, out, wizard.WriteOptions{Passphrase: pass, AllowPlaintext: plaintext, Overwrite: force})
	for _, p := range probs.Warnings() {
		fmt.Fprintf(safeText{env.stderr}, "%s: %s\n", out, p.String())
	}
	if err != nil {
		if errors.Is(err, wizard.ErrExists) {
			return usageErrorf("%s exists: give --force to replace it, or -o another file", out)
		}
		return failedf("%v", err)
	}
	fmt.Fprintln(env.stdout, out)
	printNextTime(env.stderr, w.Lang, out, "")
	return nil
}

// askPassphrase asks twice for the passphrase that encrypts typed
// secrets, without echo, on the terminal.
func askPassphrase(env *cmdEnv) (string, error) {
	return askNewSecret(env, "Passphrase to encrypt the passwords: ", "passphrase",
		fmt.Sprintf("the answers hold passwords in clear text: set %s to encrypt them, write env:NAME or prompt instead, or give --plaintext", secret.PassphraseEnv))
}

// newAccessible runs the wizard as line prompts (--accessible): answers
// from stdin, questions on stderr, the written path on stdout.
func newAccessible(env *cmdEnv, w *wizard.Wizard, wopt tui.WizardOptions, saveAnswers string, ui uiSettings) error {
	aopt := tui.AccessibleOptions{WizardOptions: wopt}
	// Typed at a terminal: passwords without echo.
	aopt.ReadSecret = secretReader(env)
	res, err := tui.RunAccessible(w, aopt, env.stdin, env.stderr)
	var ended *tui.InputEndedError
	if errors.As(err, &ended) {
		return usageErrorf("%v", err)
	}
	if err != nil {
		return failedf("%v", err)
	}
	if res.Written != "" {
		fmt.Fprintln(env.stdout, res.Written)
		if err := saveAnswersFile(env, w, saveAnswers, ""); err != nil {
			return err
		}
	}
	if res.Cancelled {
		return errCancelled
	}
	return runAction(withPassphrase(env, w.A.Passphrase), res, ui)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
