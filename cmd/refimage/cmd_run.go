package main

import (
	"github.com/refimage/refimage/wizard"

	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/media"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/tui"
)

func init() {
	register(&command{
		name:    "run",
		usage:   "refimage run FILE [--offline DIR [--yes]] [--resume | --fresh] [--state DIR] [--log DIR] [--log-format cmtrace|json] [--ignore-log-errors] [--var K=V]... [--check] [--debug] [--env winpe|full-os] [--uefi|--bios] [--media] [--plain] [--accessible] [--theme NAME] [--theme-file FILE] [--no-color] [--lang en|ko]",
		summary: "Run a task sequence.",
		help: `Runs the sequence with Configuration Manager's semantics and shows its
progress (with --plain or --accessible, with REFIMAGE_ACCESSIBLE=1 or
TERM=dumb, or when stderr is not a terminal, as plain lines a screen
reader follows). The progress view takes --theme, --theme-file,
--no-color (NO_COLOR) and --lang like the wizard (docs/themes.md); in
Windows PE it uses the ascii theme at 80x25.

The state is saved after every step: after a restart, a crash or ctrl+c,
'refimage run --resume' continues where the run stopped (a step that was
interrupted runs again). ctrl+c asks first; a second ctrl+c stops the
running step's processes.

On Windows the engine detects Windows PE (the MiniNT key) and UEFI (the
firmware type) and keeps its state in C:\_SMSTaskSequence once the target
disk has it (X:\_SMSTaskSequence before). Elsewhere the machine is
simulated: --env (default winpe) and --uefi/--bios (default UEFI); the
state goes to --state DIR, DIR/_SMSTaskSequence with --offline DIR, or the
user's config folder; steps that need a running Windows fail clearly.
Apply Operating System deletes what --offline DIR holds (but the state
folder) before applying the image: when DIR is not empty, run asks on a
terminal and otherwise needs --yes, saying how much would be deleted.

smsts.log (CMTrace format) goes to --log DIR or follows the environment;
--log-format json adds smsts.jsonl beside it. Secrets are masked in every
log; prompt secrets are asked for before the run starts. A log that
cannot be written (a full disk) stops the run unless --ignore-log-errors;
a state that cannot be saved always stops it (exit 1). One run at a time
holds a state folder: a second run or resume there is refused (exit 2).

Exit codes: 0 the run succeeded (or the computer is restarting to go on),
1 it failed or needs a restart this platform cannot do, 2 bad input,
130 stopped with ctrl+c.`,
		flags: runFlags,
	})
}

// runNow runs a sequence file the wizard just wrote, in the same process
// (the Completion page's "Run now"), with the wizard's screen settings:
// after the accessible wizard the run reports in plain lines too.
func runNow(env *cmdEnv, file string, ui uiSettings) error {
	return runWith(env, commands["run"], func(fs *flag.FlagSet) runFunc { return runFlagsUI(fs, &ui) }, []string{file})
}

func runFlags(fs *flag.FlagSet) runFunc { return runFlagsUI(fs, nil) }

// runFlagsUI is refimage run; inherited, when not nil, are the screen
// settings of the command that started it (flags given here still win).
func runFlagsUI(fs *flag.FlagSet, inherited *uiSettings) runFunc {
	offline := fs.String("offline", "", "the folder `DIR` stands for the target's OS volume")
	resume := fs.Bool("resume", false, "continue the run kept in the state folder")
	fresh := fs.Bool("fresh", false, "start over even if an unfinished run is kept")
	yes := fs.Bool("yes", false, "with --offline DIR: allow Apply Operating System to delete what DIR holds")
	stateDir := fs.String("state", "", "keep the state in `DIR`")
	logDir := fs.String("log", "", "write smsts.log in `DIR`")
	logFormat := fs.String("log-format", "cmtrace", "cmtrace, or json to add smsts.jsonl")
	checkOnly := fs.Bool("check", false, "only check what the sequence needs from this machine (pre-flight), run nothing")
	debug := fs.Bool("debug", false, "debug mode: step, breakpoints, variables (docs/debugger.md)")
	ignoreLogErrors := fs.Bool("ignore-log-errors", false, "go on when smsts.log cannot be written (reported once)")
	plain := fs.Bool("plain", false, "plain lines instead of the progress view")
	envName := fs.String("env", "winpe", "simulated environment off Windows and with --offline: winpe or full-os")
	uefi := fs.Bool("uefi", false, "simulated UEFI firmware (the default off Windows)")
	bios := fs.Bool("bios", false, "simulated BIOS firmware")
	fromMedia := fs.Bool("media", false, "started from refimage media in Windows PE (winpeshl.ini)")
	var vars multiFlag
	fs.Var(&vars, "var", "set a variable (repeatable): `NAME=VALUE`")
	uf := addUIFlags(fs)
	return func(env *cmdEnv, files []string) error {
		var err error
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		var ui uiSettings
		if inherited != nil && !uiFlagSet(fs) {
			ui = *inherited
		} else {
			if ui, err = resolveUI(env, uf); err != nil {
				return err
			}
			for _, wn := range ui.warnings {
				fmt.Fprintf(env.stderr, "refimage run: warning: %s\n", wn)
			}
		}
		if len(files) > 1 || len(files) == 0 && !*resume && !*fromMedia {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("give one sequence file (or --resume)")}}
		}
		if *resume && *fresh {
			return usageErrorf("--resume and --fresh exclude each other")
		}
		if *logFormat != "cmtrace" && *logFormat != "json" {
			return usageErrorf("--log-format is cmtrace or json, not %q", *logFormat)
		}
		if *envName != "winpe" && *envName != "full-os" {
			return usageErrorf("--env is winpe or full-os, not %q", *envName)
		}
		isBIOS, err := firmwareFlag(*uefi, *bios)
		if err != nil {
			return err
		}
		vs, err := parseVars(vars)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if m := sequence.ValidateVariableName(v.Name); m != "" {
				return usageErrorf("--var %s: %s", v.Name, m)
			}
		}
		if *offline != "" {
			if fi, err := os.Stat(*offline); err != nil || !fi.IsDir() {
				return usageErrorf("--offline %s: not a folder", *offline)
			}
		}
		for _, d := range []struct{ flag, dir string }{{"--state", *stateDir}, {"--log", *logDir}} {
			if err := checkFolderFlag(d.flag, d.dir); err != nil {
				return err
			}
		}

		// The machine: detected on Windows (flags override when given),
		// simulated elsewhere and offline.
		var mach *engine.Machine
		if simulatedMachine(runtime.GOOS, *offline != "", set) {
			mach = &engine.Machine{InWinPE: *envName == "winpe", UEFI: !isBIOS, SecureBoot: "NA"}
		}
		opts := engine.Options{
			Platform: engine.Live(engine.LiveOptions{Machine: mach}),
			StateDir: *stateDir,
			LogDir:   *logDir,
			JSONLog:  *logFormat == "json",
			Vars:     vs,

			IgnoreLogErrors: *ignoreLogErrors,
			Offline:         *offline,
		}
		resolver := &secret.StdResolver{
			Lookup: func(n string) (string, bool) { v := env.getenv(n); return v, v != "" },
		}
		if env.isTerminal() {
			resolver.Ask = func(label string) (string, error) { return askSecret(env, label+": ") }
		}
		var res secret.Resolver = resolver
		var file string
		// F8 opens a command prompt in the run view; media allow it only
		// when built with --allow-console.
		allowConsole := true
		if len(files) == 1 {
			file = files[0]
		}
		if *fromMedia {
			f, r, err := startFromMedia(env, &opts, resolver, &allowConsole)
			if err != nil {
				return err
			}
			file, res = f, r
			// A medium built with the variable RefimageDebug=true starts its
			// run in debug mode (docs/debugger.md).
			for _, v := range opts.Vars {
				if strings.EqualFold(v.Name, "RefimageDebug") && strings.EqualFold(strings.TrimSpace(v.Value), "true") {
					*debug = true
				}
			}
		}
		opts.Source = file

		ctx := context.Background()
		var seq *sequence.Sequence
		if file != "" {
			if seq, err = loadSequence(file); err != nil {
				return err
			}
			if abs, err := filepath.Abs(file); err == nil {
				opts.Source = abs
			}
		}
		st, dir, err := engine.Unfinished(ctx, opts)
		var locked *engine.LockedError
		if errors.As(err, &locked) {
			return usageErrorf("%v", err)
		}
		if err != nil && (*resume || !*fresh) {
			return failedf("%v", err)
		}
		switch {
		case *resume || *fromMedia && st != nil:
			opts.Resume = true
			kept, err := engine.ResumeSequence(ctx, opts)
			if err != nil {
				if errors.Is(err, engine.ErrNothingToResume) {
					return usageErrorf("%v", err)
				}
				return failedf("%v", err)
			}
			if seq == nil {
				seq = kept
			}
		case st != nil && !*fresh:
			return usageErrorf("an unfinished run of %q is kept in %s (status %s): continue it with --resume, or start over with --fresh", st.Sequence, dir, st.Status)
		}
		if *offline != "" && !opts.Resume && !*checkOnly && seq != nil && appliesImage(seq) {
			if err := confirmOfflineWipe(env, *offline, *yes); err != nil {
				return err
			}
		}
		var checkLines []engine.CheckLine
		if *checkOnly || *debug && !opts.Resume {
			checkSeq := seq
			if checkSeq == nil {
				if checkSeq, err = engine.ResumeSequence(ctx, opts); err != nil {
					return failedf("%v", err)
				}
			}
			lines, err := engine.Check(ctx, checkSeq, opts)
			if err != nil {
				return failedf("%v", err)
			}
			checkLines = lines
			// In the run view the check is debug mode's first page.
			if inView := !*checkOnly && !*plain && !ui.accessible && env.isTerminal(); !inView {
				failing := printCheck(env, lines)
				if *checkOnly {
					if failing > 0 {
						return reportedError{code: exitFailed}
					}
					return nil
				}
			}
		}
		// Every secret is revealed (asked for) now, before the progress view.
		check := seq
		if opts.Resume {
			if check, err = engine.ResumeSequence(ctx, opts); err != nil {
				return failedf("%v", err)
			}
		}
		if res, err = engine.Preresolve(check, res); err != nil {
			return usageErrorf("the sequence's secrets: %v", err)
		}
		opts.Resolver = res
		if opts.Resume {
			seq = nil // the engine continues with the copy kept in the state
			if file != "" {
				seq, _ = loadSequence(file) // only compared with the kept copy
			}
		}

		var result *engine.Result
		lines := *plain || ui.accessible || !env.isTerminal()
		switch {
		case lines && (*debug || opts.Resume && kept(ctx, opts)):
			// In plain lines the debugger reads line commands.
			ld := &lineDebugger{in: bufio.NewReader(env.stdin), out: env.stderr, lang: ui.lang}
			checkOpts := opts
			ld.check = func() ([]engine.CheckLine, error) {
				s := seq
				if s == nil {
					var err error
					if s, err = engine.ResumeSequence(ctx, checkOpts); err != nil {
						return nil, err
					}
				}
				return engine.Check(ctx, s, checkOpts)
			}
			opts.Debug = &engine.Debug{Enabled: *debug, Pause: ld.pause}
		case *debug:
			// The run view draws the debugger (and d enters it anyway).
			opts.Debug = &engine.Debug{Enabled: true}
		}
		if lines {
			result, err = runPlain(env, ui.lang, seq, opts)
		} else {
			th := tui.ThemeFor(ui.theme, env.stderr, ui.noColor)
			vo := tui.RunViewOptions{Theme: th, Lang: ui.lang, AllowConsole: allowConsole, Check: checkLines}
			if ui.winpe {
				vo.MaxWidth, vo.MaxHeight = 80, 25
			}
			// SIGTERM and SIGHUP stop the run as a second ctrl+c does, then
			// the command exits 128+N (ctrl+c itself is a key in the view).
			sigs, stop := screenSignals()
			vo.Signals = sigs
			result, err = tui.RunInTerminal(seq, opts, vo, env.stdin, env.stderr)
			stop()
			if result != nil {
				printEnd(env, ui.lang, result, th)
			}
			if result == nil && err == nil {
				return errCancelled
			}
		}
		if err != nil {
			if errors.Is(err, engine.ErrNothingToResume) || errors.As(err, &locked) {
				return usageErrorf("%v", err)
			}
			return failedf("%v", err)
		}
		switch result.Status {
		case engine.StatusSucceeded:
			return nil
		case engine.StatusRestarting:
			fmt.Fprintln(env.stderr, "refimage run: "+tui.RunText(ui.lang, "cli.restarts"))
			return nil
		case engine.StatusCancelled:
			fmt.Fprintf(env.stderr, "refimage run: "+tui.RunText(ui.lang, "cli.stopped")+"\n", result.StateDir)
			return errCancelled
		case engine.StatusRestartNeeded:
			fmt.Fprintln(env.stderr, "refimage run: "+result.Message)
			return reportedError{code: exitFailed}
		}
		return reportedError{code: exitFailed}
	}
}

// checkLineText is one line of the pre-flight check as printed.
func checkLineText(l engine.CheckLine) string {
	step := ""
	if l.Step != "" {
		step = " [" + l.Step + "]"
	}
	return fmt.Sprintf("  %-9s %s%s", l.Status, l.What, step)
}

// printCheck prints the pre-flight check and returns how many lines will
// fail.
func printCheck(env *cmdEnv, lines []engine.CheckLine) int {
	n := 0
	fmt.Fprintln(env.stderr, "Pre-flight check:")
	for _, l := range lines {
		fmt.Fprintln(env.stderr, checkLineText(l))
		if l.Status == engine.CheckWillFail {
			n++
		}
	}
	return n
}

// kept reports whether the unfinished run is in debug mode (it resumes
// in debug mode).
func kept(ctx context.Context, opts engine.Options) bool {
	st, _, err := engine.Unfinished(ctx, opts)
	return err == nil && st != nil && st.Debug != nil && st.Debug.Enabled
}

// printEnd repeats how the run ended after the progress view closed (it
// drew on the alternate screen), in the screen's language.
func printEnd(env *cmdEnv, lang wizard.Lang, res *engine.Result, th *themes.Theme) {
	for _, l := range tui.RunEndLines(res, lang, th, 80) {
		fmt.Fprintln(env.stderr, l)
	}
}

// runPlain runs with the plain line reporter, in the screen's language
// and in ASCII (a screen reader would spell out box-drawing rules). The
// first ctrl+c says what a second one does; the second stops the running
// step.
func runPlain(env *cmdEnv, l wizard.Lang, seq *sequence.Sequence, opts engine.Options) (*engine.Result, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, stopSignals...)
	defer signal.Stop(sig)
	lr := &tui.PlainReporter{W: safeText{env.stderr}, Width: 80, Lang: l}
	go func() {
		n := 0
		for s := range sig {
			n++
			if s != os.Interrupt {
				// SIGTERM, SIGHUP: nobody to ask; stop the step now.
				noteSignal(s)
				cancel()
				return
			}
			if n == 1 {
				lr.Note(tui.RunText(l, "plain.ctrlc"))
				continue
			}
			cancel()
			return
		}
	}()
	opts.Events = lr.Event
	return engine.Run(ctx, seq, opts)
}

// simulatedMachine tells whether the run uses the machine of --env,
// --uefi and --bios instead of detecting the one it runs on: always off
// Windows; on Windows when one of them is given, and with --offline,
// where the folder stands for the target and this computer's own state
// (a full Windows, not Windows PE) has nothing to say about it — as plan
// --offline assumes, and as the same command does on Linux. (Detecting
// made the offline example fail on Windows at Apply Operating System,
// "runs only in Windows PE", found by the Wine lane.)
func simulatedMachine(goos string, offline bool, set map[string]bool) bool {
	return goos != "windows" || offline || set["env"] || set["uefi"] || set["bios"]
}

// startFromMedia reads the sequence and identity from the boot image
// (X:\ in Windows PE), finds the medium, unlocks its password and sets
// the media variables.
func startFromMedia(env *cmdEnv, opts *engine.Options, std *secret.StdResolver, allowConsole *bool) (string, secret.Resolver, error) {
	boot := env.getenv("REFIMAGE_MEDIA_BOOT")
	var roots []string
	if boot == "" {
		if runtime.GOOS != "windows" {
			return "", nil, usageErrorf("--media runs in Windows PE from refimage media (or set REFIMAGE_MEDIA_BOOT to the boot image's root)")
		}
		boot = `X:\`
		for d := 'C'; d <= 'Z'; d++ {
			roots = append(roots, string(d)+`:\`)
		}
	} else {
		roots = []string{boot}
	}
	started, err := media.Locate(boot, roots, nil)
	if err != nil {
		return "", nil, failedf("%v", err)
	}
	var res secret.Resolver = std
	*allowConsole = started.Identity.AllowConsole
	if started.Identity.PasswordCheck != "" {
		pass, err := std.Passphrase()
		if err != nil {
			return "", nil, usageErrorf("the media password: %v", err)
		}
		if err := started.Identity.Unlock(pass); err != nil {
			return "", nil, usageErrorf("%v", err)
		}
	}
	for k, v := range started.Variables() {
		switch k {
		case "_SMSTSMediaType":
			opts.MediaType = v
		case "_SMSTSLaunchMode":
			opts.LaunchMode = v
		default:
			if strings.HasPrefix(k, "_") {
				opts.ReadOnlyVars = append(opts.ReadOnlyVars, sequence.Variable{Name: k, Value: v})
			} else {
				opts.Vars = append([]sequence.Variable{{Name: k, Value: v}}, opts.Vars...)
			}
		}
	}
	return started.SequencePath, res, nil
}

// appliesImage says whether an enabled Apply Operating System step, which
// deletes what the target holds first, is in the sequence.
func appliesImage(seq *sequence.Sequence) bool {
	found := false
	seq.Walk(func(it *sequence.Item, parents []*sequence.Item) bool {
		if it.Disabled {
			return false
		}
		if _, ok := it.Props.(*sequence.ApplyOSImage); ok {
			found = true
		}
		return true
	})
	return found
}

// confirmOfflineWipe asks before a run deletes what --offline DIR holds
// (everything but the state folder): on a terminal it asks, elsewhere it
// needs --yes; the refusal says how much would be deleted.
func confirmOfflineWipe(env *cmdEnv, dir string, yes bool) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return usageErrorf("--offline %s: %v", dir, unwrapPath(err))
	}
	var count int
	var size int64
	for _, e := range ents {
		if strings.EqualFold(e.Name(), "_SMSTaskSequence") || strings.EqualFold(e.Name(), "System Volume Information") {
			continue
		}
		filepath.WalkDir(filepath.Join(dir, e.Name()), func(_ string, d iofs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			count++
			if info, err := d.Info(); err == nil && d.Type().IsRegular() {
				size += info.Size()
			}
			return nil
		})
	}
	if count == 0 || yes {
		return nil
	}
	what := fmt.Sprintf("%s holds %d files and folders (%.1f MB); Apply Operating System deletes them before applying the image", dir, count, float64(size)/1e6)
	if env.isTerminal() {
		if confirm(env, what+". Delete them?") {
			return nil
		}
		return errCancelled
	}
	return usageErrorf("--offline %s: give --yes to allow it, or an empty folder", what)
}
