package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/internal/bytesize"
	"github.com/refimage/refimage/internal/tempfile"
	"github.com/refimage/refimage/media"
	"github.com/refimage/refimage/media/usb"
	"github.com/refimage/refimage/tui"
	"github.com/refimage/refimage/wizard/mediawiz"
)

func init() {
	register(&command{
		name:    "media",
		usage:   "refimage media FILE --winpe SRC (--iso OUT | --usb OUT | --device DEV) [--fwfiles DIR] [--usb-layout mbr|gpt] [--usb-sector-size 512|4096] [--require-2023-ca] [--standalone] [--password | --password-env NAME] [--label L] [--var K=V]... [--prestart CMD] [--allow-console] [--exe PATH] [--yes] [--theme NAME] [--theme-file FILE] [--no-color] [--lang en|ko] [--accessible]",
		summary: "Write bootable WinPE media that starts the sequence by itself.",
		help: `Without --iso, --usb or --device, on a terminal, the Task Sequence Media
Wizard opens: media type, target (with a list of removable disks), security,
boot image, customisation, summary, progress and completion, which prints
the command line that repeats it. The other options fill its pages.
--theme, --theme-file, --no-color, --lang and --accessible (and their
environment variables and config file keys, docs/themes.md) set how it
looks and speaks; --accessible asks the same questions as plain lines,
also from piped answers.

SRC is the folder copype made (media\ and fwfiles\ inside), or a media
folder with --fwfiles DIR. Bootable media carry the boot image and the
sequence; --standalone media also carry every file the sequence needs.

Every secret of the sequence is encrypted on the medium with a key derived
from the media password (asked with --password, or read from the
environment variable named by --password-env). Without a password the
sequence may hold no secret other than "prompt".

refimage.exe for the boot image's architecture comes from --exe, or
refimage-windows-<arch>.exe beside this program (build it with
GOOS=windows GOARCH=amd64 go build -o refimage-windows-amd64.exe ./cmd/refimage).

Nothing appears under the requested name until it is complete. --device
writes a USB stick: Linux a whole-disk block device such as /dev/sdX or
/dev/disk/by-id/usb-… (links are followed; a file, folder or partition
is refused); Windows \\.\PhysicalDriveN, or PhysicalDriveN, or N as
diskpart's list disk numbers it (run as administrator). It refuses system
disks, disks neither removable nor on USB, and (Linux) disks in use: a
mount, swap, or an open LUKS, LVM or RAID holder on it or its partitions.
It shows the disk (model, size, partitions, mount points) and asks (or
--yes), looks at it again right before writing (refusing if it changed),
opens it exclusively, then reads it back to verify. Linux refuses a
mounted disk (unmount it first); Windows locks and dismounts the stick's
volumes itself. macOS: write --usb OUT.img and copy
it. USB media start on UEFI computers; legacy BIOS boots the ISO only
(docs/media.md). A USB medium has an MBR with one active FAT32 partition
covering it, as MakeWinPEMedia /UFD writes; --usb-layout gpt writes a GPT
with one basic data partition instead. Either gets a drive letter in
Windows PE. --device lays the medium out for the disk's logical sector
size (4096 bytes on a 4Kn stick); --usb-sector-size 4096 makes a --usb
image for such a stick (the default, 512, is every other stick's).

The boot managers' Authenticode signatures are read and the CA that signed
each is printed (and recorded in media.toml). A boot manager signed only by
the Microsoft Windows Production PCA 2011, which Secure Boot is revoking
(CVE-2023-24932), gets a warning; --require-2023-ca refuses to write media
whose boot managers are not signed by the Windows UEFI CA 2023.`,
		flags: mediaFlags,
	})
}

func mediaFlags(fs *flag.FlagSet) runFunc {
	winpe := fs.String("winpe", "", "the WinPE source: copype's folder, or a media folder")
	fwfiles := fs.String("fwfiles", "", "the folder with etfsboot.com and efisys.bin, the ISO's El Torito images; it wins over files of those names in the media folder (default: SRC\\fwfiles)")
	isoOut := fs.String("iso", "", "write an ISO image to `OUT.iso`")
	usbOut := fs.String("usb", "", "write a USB disk image to `OUT.img`")
	device := fs.String("device", "", `write a USB stick, e.g. /dev/sdb or \\.\PhysicalDrive2`)
	require2023 := fs.Bool("require-2023-ca", false, "refuse boot managers not signed by the Windows UEFI CA 2023")
	usbLayout := fs.String("usb-layout", "mbr", "USB partitioning: `mbr` (one active FAT32 partition, as MakeWinPEMedia writes) or gpt")
	usbSector := fs.Int("usb-sector-size", 0, "logical sector size of the stick a --usb image is for: 512 (the default) or `4096` (4Kn sticks); --device uses the disk's own")
	standalone := fs.Bool("standalone", false, "put all the content the sequence needs on the medium")
	askPass := fs.Bool("password", false, "protect the medium with a password (asked for)")
	passEnv := fs.String("password-env", "", "read the media password from the environment variable `NAME`")
	label := fs.String("label", "", "volume label: letters, digits, _ and -; at most 32 characters on an ISO, 11 on USB (default REFIMAGE)")
	prestart := fs.String("prestart", "", "command run in Windows PE before the sequence starts")
	allowConsole := fs.Bool("allow-console", false, "let the operator open a command prompt (F8) from the run view")
	exe := fs.String("exe", "", "refimage.exe for the boot image's architecture")
	yes := fs.Bool("yes", false, "do not ask before overwriting a device")
	uf := addUIFlags(fs)
	var vars multiFlag
	fs.Var(&vars, "var", "media variable `NAME=VALUE` (repeatable)")
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) != 1 {
			return &exitError{code: exitUsage, err: flagProblem{errors.New("give one sequence FILE")}}
		}
		targets := 0
		for _, t := range []string{*isoOut, *usbOut, *device} {
			if t != "" {
				targets++
			}
		}
		if targets == 0 {
			ui, err := resolveUI(env, uf)
			if err != nil {
				return err
			}
			if ui.accessible || env.isTerminal() {
				for _, wn := range ui.warnings {
					fmt.Fprintf(env.stderr, "refimage media: warning: %s\n", wn)
				}
				vs, err := parseVars(vars)
				if err != nil {
					return err
				}
				mvars := varMap(vs)
				if *askPass && *passEnv != "" {
					return &exitError{code: exitUsage, err: flagProblem{errors.New("give --password or --password-env, not both")}}
				}
				preset := func(a *mediawiz.Answers) {
					a.WinPE, a.FWFiles, a.Exe, a.Prestart = *winpe, *fwfiles, *exe, *prestart
					if *standalone {
						a.Kind = mediawiz.Standalone
					}
					if *label != "" {
						a.Label = *label
					}
					if *passEnv != "" {
						a.Password = "env:" + *passEnv
					}
					for k, v := range mvars {
						a.Vars = append(a.Vars, k+"="+v)
					}
					sort.Strings(a.Vars)
				}
				return mediaWizardUI(env, pos[0], preset, ui)
			}
			return &exitError{code: exitUsage, err: flagProblem{errors.New("give a target: --iso OUT, --usb OUT or --device DEV")}}
		}
		if targets > 1 {
			return &exitError{code: exitUsage, err: flagProblem{errors.New("give only one of --iso, --usb and --device")}}
		}
		if *winpe == "" {
			return &exitError{code: exitUsage, err: flagProblem{errors.New("--winpe SRC is required")}}
		}
		for _, out := range []string{*isoOut, *usbOut} {
			if out != "" {
				if err := checkOutput(out, "medium"); err != nil {
					return err
				}
			}
		}
		if *label != "" {
			if err := media.ValidateLabel(*label, *isoOut == ""); err != nil {
				return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("--label: %w", err)}}
			}
		}
		layout, err := usb.ParseLayout(*usbLayout)
		if err != nil {
			return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("--usb-layout: %w", err)}}
		}
		if *isoOut != "" && layout != usb.LayoutMBR {
			return &exitError{code: exitUsage, err: flagProblem{errors.New("--usb-layout is for --usb and --device, not --iso")}}
		}
		if *usbSector != 0 {
			if *usbOut == "" {
				return &exitError{code: exitUsage, err: flagProblem{errors.New("--usb-sector-size is for --usb (--device lays the medium out for the disk's own sectors)")}}
			}
			if !slices.Contains(usb.SectorSizes, *usbSector) {
				return &exitError{code: exitUsage, err: flagProblem{fmt.Errorf("--usb-sector-size %d: a bootable FAT32 medium has 512, 1024, 2048 or 4096-byte sectors", *usbSector)}}
			}
		}
		vs, err := parseVars(vars)
		if err != nil {
			return err
		}
		mvars := varMap(vs)
		if err := lineFlag("--prestart", *prestart); err != nil {
			return err
		}

		// Check everything before writing anything.
		seq, probs := sequence.Load(pos[0])
		if seq == nil || len(probs.Errors()) > 0 {
			for _, p := range probs {
				fmt.Fprintln(safeText{env.stderr}, p.String())
			}
			return reportedError{code: exitUsage}
		}
		src, err := media.FindSource(*winpe, *fwfiles)
		if err != nil {
			return usageErrorf("%v", err)
		}
		bootFiles := media.CheckBootFiles(src)
		for _, bf := range bootFiles {
			fmt.Fprintf(env.stderr, "Secure Boot: %s\n", bf.Describe())
		}
		if *require2023 {
			if err := media.Require2023(bootFiles); err != nil {
				return usageErrorf("%v", err)
			}
		} else {
			for _, bf := range bootFiles {
				if w := bf.Warning(); w != "" {
					fmt.Fprintf(env.stderr, "refimage media: warning: %s\n", w)
				}
			}
		}
		for _, out := range []string{*isoOut, *usbOut} {
			if out == "" {
				continue
			}
			if _, err := os.Stat(out); err == nil && !*yes {
				if !confirm(env, fmt.Sprintf("%s exists. Replace it?", out)) {
					return usageErrorf("%s exists: give --yes to replace it", out)
				}
			}
		}
		var dev *usb.Device
		if *device != "" {
			disks := nativeDisks()
			if disks == nil {
				return usageErrorf("writing a device directly works on Linux and Windows; on %s write --usb OUT.img and copy it with your imaging tool", runtime.GOOS)
			}
			dev, err = disks.Inspect(*device)
			if err != nil {
				return usageErrorf("%v", err)
			}
			if err := dev.Refusal(); err != nil {
				return usageErrorf("%v", err)
			}
		}
		password := ""
		switch {
		case *passEnv != "":
			v, ok := os.LookupEnv(*passEnv)
			if !ok || v == "" {
				return usageErrorf("--password-env %s: the variable is not set", *passEnv)
			}
			password = v
		case *askPass:
			password, err = askNewSecret(env, "Media password: ", "password", "no terminal to ask for the password on: use --password-env NAME")
			if err != nil {
				return err
			}
		}

		ctx, stop := jobContext()
		defer stop()
		kind := media.Bootable
		if *standalone {
			kind = media.Standalone
		}
		opt := media.Options{
			Sequence: seq, Source: src, Kind: kind, ISO: *isoOut, USBImage: *usbOut, USBLayout: layout,
			Label: *label, Password: password, Variables: mvars, Prestart: *prestart, AllowConsole: *allowConsole, Exe: *exe, Require2023CA: *require2023,
			Resolver: &secret.StdResolver{Lookup: os.LookupEnv, Ask: func(l string) (string, error) { return askSecret(env, l+": ") }},
			Progress: mediaProgress(env), SectorSize: *usbSector,
		}
		if dev != nil {
			tempfile.Sweep(os.TempDir())
			tmp, err := os.MkdirTemp("", tempfile.Pattern("device", ""))
			if err != nil {
				return failedf("%v", err)
			}
			defer os.RemoveAll(tmp)
			opt.USBImage = filepath.Join(tmp, "medium.img")
			// Laid out for the whole stick: the partition runs to its end.
			opt.DiskSize = dev.Size
			// and for its logical sectors (4096 bytes on a 4Kn stick).
			opt.SectorSize = dev.SectorSize
		}
		res, err := media.Build(ctx, opt)
		if err != nil {
			if ctx.Err() != nil {
				return errCancelled
			}
			var ie *media.InputError
			if errors.As(err, &ie) || errors.Is(err, usb.ErrTooSmall) {
				return usageErrorf("%v", err)
			}
			return failedf("%v", err)
		}
		if dev != nil {
			info, _ := os.Stat(opt.USBImage)
			if info != nil && info.Size() > dev.Size {
				return usageErrorf("the medium needs %d MB but %s holds %d MB", info.Size()/1e6, dev.Path, dev.Size/1e6)
			}
			fmt.Fprintf(env.stderr, "Everything on this disk will be lost:\n  %s\n", strings.Join(dev.Details(), "\n  "))
			if !*yes && !confirm(env, "Write the medium to it?") {
				return errCancelled
			}
			// The build took a while and the prompt waited: look at the disk
			// again right before writing. WriteDevice then opens it
			// exclusively (O_EXCL on Linux; locked volumes on Windows).
			again, err := nativeDisks().Inspect(*device)
			if err != nil {
				return usageErrorf("%v; nothing was written", err)
			}
			if what := dev.Changed(again); what != "" {
				return usageErrorf("%s changed since it was checked: %s; nothing was written", *device, what)
			}
			if err := again.Refusal(); err != nil {
				return usageErrorf("%v; nothing was written", err)
			}
			prog := mediaProgress(env)
			if err := usb.WriteDevice(ctx, dev.Path, opt.USBImage, func(phase string, d, t int64) { prog(media.Progress{Phase: phase, Done: d, Total: t}) }); err != nil {
				if errors.Is(err, usb.ErrRewrite) {
					fmt.Fprintf(env.stderr, "%s holds a partly written medium: write it again before use.\n", dev.Path)
				}
				if ctx.Err() != nil {
					return errCancelled
				}
				return failedf("%v", err)
			}
			res.Path = dev.Path
		}
		fmt.Fprintf(env.stdout, "%s\n", res.Path)
		for _, e := range res.ElTorito {
			fmt.Fprintf(env.stderr, "El Torito %s entry: %s (hidden from the file tree)\n", e.Platform, e.Source)
		}
		fmt.Fprintf(env.stderr, "Wrote %s medium %s (%d files, %.1f MB, id %s).\n", kind, res.Path, res.Files, float64(res.Size)/1e6, res.ID)
		if kind == media.Standalone {
			fmt.Fprintf(env.stderr, "Content: %d files, listed with SHA-256 in %s on the medium.\n", len(res.Manifest), media.ManifestPath)
		}
		return nil
	}
}

// nativeDisks is where --device looks its disk up: usb.NativeDisks (Linux
// /sys, Windows physical drives; nil on macOS). Tests replace it.
var nativeDisks = usb.NativeDisks

// mediaWizardUI opens the Task Sequence Media Wizard for the sequence in
// file (refimage media FILE without a target; "Write bootable media" on
// the Completion page of refimage new) with the resolved UI settings:
// theme, color, language, accessible mode, and the 80x25
// cap of Windows PE. preset fills pages from flags.
func mediaWizardUI(env *cmdEnv, file string, preset func(*mediawiz.Answers), ui uiSettings) error {
	seq, probs := sequence.Load(file)
	if seq == nil || len(probs.Errors()) > 0 {
		for _, p := range probs {
			fmt.Fprintln(safeText{env.stderr}, p.String())
		}
		return reportedError{code: exitUsage}
	}
	menv := tui.DefaultMediaEnv(ui.lang)
	// The environment as this command sees it: after refimage new, the
	// passphrase typed on its Summary (withPassphrase).
	menv.LookupEnv = func(k string) (string, bool) {
		if v := env.getenv(k); v != "" {
			return v, true
		}
		return os.LookupEnv(k)
	}
	mopt := tui.MediaOptions{Env: menv, Answers: preset, Theme: ui.theme, Lang: ui.lang, NoColor: ui.noColor}
	if ui.winpe {
		mopt.MaxWidth, mopt.MaxHeight = 80, 25
	}
	if ui.accessible {
		return mediaAccessible(env, seq, file, mopt)
	}
	if !env.isTerminal() {
		return usageErrorf("no terminal to show the media wizard on (stdin and stderr must be a terminal); give a target (--iso OUT, --usb OUT or --device DEV), or --accessible for plain questions")
	}
	sigs, stop := screenSignals()
	mopt.Signals = sigs
	res, err := tui.RunMediaWizard(seq, file, mopt, "", env.stdin, env.stderr)
	stop()
	if err != nil {
		return failedf("%v", err)
	}
	for _, n := range res.Notes {
		fmt.Fprintln(env.stderr, n)
	}
	if res.Written != "" {
		fmt.Fprintln(env.stdout, res.Written)
		fmt.Fprintf(env.stderr, tui.MediaText(ui.lang, "answers.cli")+"\n", res.Written, res.Command)
		return nil
	}
	if res.Cancelled {
		return errCancelled
	}
	return nil
}

// mediaAccessible runs the media wizard as plain line prompts: answers
// from stdin (piped or typed; passwords without echo on a terminal),
// questions on stderr, the written medium on stdout. Answers that end
// before a required field exit 2 naming it; ctrl+c stops the writing.
func mediaAccessible(env *cmdEnv, seq *sequence.Sequence, file string, mopt tui.MediaOptions) error {
	ctx, stop := jobContext()
	defer stop()
	aopt := tui.MediaAccessibleOptions{MediaOptions: mopt, Context: ctx}
	// Typed at a terminal: passwords without echo.
	aopt.ReadSecret = secretReader(env)
	res, err := tui.RunMediaAccessible(seq, file, aopt, env.stdin, env.stderr)
	var werr *tui.MediaWriteError
	switch {
	case errors.As(err, &werr):
		return failedf("%v", err)
	case err != nil:
		return usageErrorf("%v", err)
	case res.Written != "":
		fmt.Fprintln(env.stdout, res.Written)
		return nil
	case res.Cancelled || ctx.Err() != nil:
		return errCancelled
	}
	return nil
}

// mediaProgress prints bytes, rate and ETA for each phase on stderr: one
// rewritten line on a terminal, a line every 10% otherwise.
func mediaProgress(env *cmdEnv) func(media.Progress) {
	tty := env.isTerminal()
	type state struct {
		start time.Time
		step  int64
	}
	phases := map[string]*state{}
	last := time.Time{}
	return func(p media.Progress) {
		st := phases[p.Phase]
		if st == nil {
			st = &state{start: time.Now()}
			phases[p.Phase] = st
		}
		elapsed := time.Since(st.start).Seconds()
		rate := 0.0
		if elapsed > 0 {
			rate = float64(p.Done) / elapsed
		}
		pct := int64(100)
		if p.Total > 0 {
			pct = p.Done * 100 / p.Total
		}
		eta := ""
		if rate > 0 && p.Total > p.Done {
			eta = fmt.Sprintf("  ETA %s", (time.Duration(float64(p.Total-p.Done)/rate) * time.Second).Round(time.Second))
		}
		line := fmt.Sprintf("%-10s %3d%%  %s / %s  %s/s%s", p.Phase, pct, bytesize.Format(p.Done), bytesize.Format(p.Total), bytesize.Format(int64(rate)), eta)
		if tty {
			if time.Since(last) < 200*time.Millisecond && p.Done < p.Total {
				return
			}
			last = time.Now()
			end := ""
			if p.Done >= p.Total {
				end = "\n"
			}
			fmt.Fprintf(env.stderr, "\r\033[K%s%s", line, end)
			return
		}
		if step := pct / 10; step > st.step || (p.Done >= p.Total && st.step < 10) {
			st.step = max(step, st.step)
			if p.Done >= p.Total {
				st.step = 10
			}
			fmt.Fprintln(env.stderr, line)
		}
	}
}

// confirm asks a yes/no question on the terminal; without one it is no.
func confirm(env *cmdEnv, q string) bool {
	if !env.isTerminal() {
		return false
	}
	fmt.Fprintf(env.stderr, "%s [y/N] ", q)
	line, _ := bufio.NewReader(env.stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}
