package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/refimage/refimage/internal/bytesize"
	"github.com/refimage/refimage/media/wim"
)

// The `refimage wim` command: native WIM capture, apply, info, verify,
// update, split and export.

var wimSubcommands = []*command{
	{name: "wim info", usage: "refimage wim info WIM [INDEX] [--json]", summary: "Show the images of a WIM: index, name, description, counts, size, compression, boot index.", flags: wimJob(wimInfoFlags)},
	{name: "wim capture", usage: "refimage wim capture SRC OUT.wim [--name N] [--description D] [--created-by X] [--image-version V] [--flags F] [--compress none|xpress|lzx] [--chunk-size N] [--threads N] [--config FILE] [--append] [--boot] [--no-integrity] [--quiet]", summary: "Capture a folder into a new WIM, or as a new image of an existing one (--append).", flags: wimJob(wimCaptureFlags)},
	{name: "wim apply", usage: "refimage wim apply WIM [INDEX] DEST [--force] [--threads N] [--quiet]", summary: "Extract an image into a folder (INDEX may be left out when the WIM holds one image); files already there are not replaced without --force.", flags: wimJob(wimApplyFlags)},
	{name: "wim verify", usage: "refimage wim verify WIM [--threads N] [--quiet]", summary: "Check the integrity table, parse every image and check every blob's SHA-1.", flags: wimJob(wimVerifyFlags)},
	{name: "wim update", usage: "refimage wim update WIM [INDEX] --add SRC=DEST... --delete PATH... [--no-integrity] [--threads N] [--quiet]", summary: "Add, replace and delete files and folders in an image; untouched data is copied raw.", flags: wimJob(wimUpdateFlags)},
	{name: "wim split", usage: "refimage wim split WIM OUT.swm --part-size MiB [--quiet]", summary: "Split a WIM into .swm parts of at most the given size.", flags: wimJob(wimSplitFlags)},
	{name: "wim export", usage: "refimage wim export SRC.wim INDEX DEST.wim [--compress none|xpress|lzx] [--chunk-size N] [--threads N] [--name N] [--description D] [--boot] [--no-integrity] [--quiet]", summary: "Copy an image (or 'all') into another WIM, new or existing.", flags: wimJob(wimExportFlags)},
}

func init() {
	var lines []string
	for _, c := range wimSubcommands {
		lines = append(lines, "  "+c.usage, "      "+c.summary)
	}
	register(&command{
		name:        "wim",
		usage:       "refimage wim info|capture|apply|verify|update|split|export ...",
		summary:     "Read and write WIM images natively.",
		help:        "Subcommands:\n" + strings.Join(lines, "\n") + "\n\nProgress goes to stderr, results to stdout. Invalid or corrupt WIM input exits 2 with the offset of the problem.",
		subcommands: wimSubcommands,
	})
}

// wimJob runs a wim subcommand: ctrl+c, SIGTERM and SIGHUP cancel it
// cleanly (no half-written WIM is left behind), memory is bounded and
// errors get their exit codes.
func wimJob(flags func(*flag.FlagSet) runFunc) func(*flag.FlagSet) runFunc {
	return func(fs *flag.FlagSet) runFunc {
		do := flags(fs)
		return func(env *cmdEnv, args []string) error {
			ctx, stop := jobContext()
			defer stop()
			// Keep resident memory well under 200 MiB on trees of hundreds
			// of thousands of files: the GC works harder instead of letting
			// the heap double. GOMEMLIMIT in the environment wins.
			if os.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(150 << 20)
			}
			wimCtx = ctx
			return wimError(do(env, args))
		}
	}
}

// refuseOverwrite is a usage error when applying the image to dest
// would replace what is there: it lists the files and folders of the
// image that already exist in dest (the first ten, and how many).
func refuseOverwrite(w *wim.WIM, index int, dest string) error {
	ents, err := os.ReadDir(dest)
	if err != nil || len(ents) == 0 {
		return nil
	}
	m, err := w.Metadata(index)
	if err != nil {
		return err
	}
	var clash []string
	m.Root.Walk(func(p string, d *wim.Dentry) error {
		if p == "" {
			return nil
		}
		info, err := os.Lstat(filepath.Join(dest, filepath.FromSlash(p)))
		if err == nil && !(info.IsDir() && d.IsDir()) {
			clash = append(clash, p)
		}
		return nil
	})
	if len(clash) == 0 {
		return nil
	}
	shown := clash
	if len(shown) > 10 {
		shown = shown[:10]
	}
	more := ""
	if len(clash) > len(shown) {
		more = fmt.Sprintf("\n  … and %d more", len(clash)-len(shown))
	}
	return usageErrorf("applying to %s would replace %d existing files:\n  %s%s\ngive --force to replace them, or apply to an empty folder", dest, len(clash), strings.Join(shown, "\n  "), more)
}

// openWIM opens a WIM named on the command line; a missing file, a
// folder or a device is a usage error.
func openWIM(path string) (*wim.WIM, error) {
	if err := checkInput(path, "WIM file"); err != nil {
		return nil, err
	}
	return wim.Open(path)
}

// existingParts lists the files a split into first would write over:
// first itself and its numbered siblings (OUT2.swm, OUT3.swm, ...).
func existingParts(first string) []string {
	var out []string
	if _, err := os.Lstat(first); err == nil {
		out = append(out, first)
	}
	ext := filepath.Ext(first)
	base := strings.TrimSuffix(first, ext)
	matches, _ := filepath.Glob(globEscape(base) + "[0-9]*" + globEscape(ext))
	for _, m := range matches {
		n := strings.TrimSuffix(strings.TrimPrefix(m, base), ext)
		if strings.Trim(n, "0123456789") == "" && n != "" && n[0] != '0' {
			out = append(out, m)
		}
	}
	return out
}

// globEscape quotes the characters filepath.Match treats specially
// (Windows has no escape character: names there cannot hold * ? [ anyway).
func globEscape(s string) string {
	if filepath.Separator == '\\' {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// wimError maps library errors to exit codes: bad WIM input is 2.
func wimError(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) || errors.Is(err, errHelp) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return errCancelled
	}
	var fe *wim.FormatError
	var ie *wim.IntegrityError
	var be *wim.BadBlobError
	var in *wim.InputError
	if errors.As(err, &fe) || errors.As(err, &ie) || errors.As(err, &be) || errors.As(err, &in) || errors.Is(err, wim.ErrSolid) {
		return &exitError{code: exitUsage, err: err}
	}
	return &exitError{code: exitFailed, err: err}
}

// progressPrinter reports progress on stderr: a rewritten line on a
// terminal, a line per 10% otherwise.
func progressPrinter(env *cmdEnv, quiet bool) wim.ProgressFunc {
	if quiet {
		return nil
	}
	tty := env.isTerminal != nil && env.isTerminal()
	lastStep := map[string]int{}
	start := time.Now()
	return func(p wim.Progress) {
		if p.Op == "scan" {
			if tty {
				fmt.Fprintf(env.stderr, "\r\033[Kscan: %d entries, %s", p.FilesDone, bytesize.FormatUint(p.BytesDone))
				if p.Done {
					fmt.Fprintln(env.stderr)
				}
			} else if p.Done {
				fmt.Fprintf(env.stderr, "scan: %d entries, %s\n", p.FilesDone, bytesize.FormatUint(p.BytesDone))
			}
			return
		}
		pct := 0 // a streaming capture knows its total only as the scan goes
		if p.Done {
			pct = 100
		} else if p.BytesTotal > 0 {
			pct = min(int(p.BytesDone*100/p.BytesTotal), 100) // a file that grew while read
		}
		line := fmt.Sprintf("%s: %3d%%  %s / %s", p.Op, pct, bytesize.FormatUint(p.BytesDone), bytesize.FormatUint(p.BytesTotal))
		if p.FilesTotal > 0 {
			line += fmt.Sprintf("  %d/%d files", p.FilesDone, p.FilesTotal)
		}
		if tty {
			path := p.Path
			if len(path) > 40 {
				path = "…" + path[len(path)-39:]
			}
			fmt.Fprintf(env.stderr, "\r\033[K%s  %s", line, path)
			if p.Done {
				fmt.Fprintf(env.stderr, "\r\033[K%s  (%.1fs)\n", line, time.Since(start).Seconds())
			}
			return
		}
		step := pct/10 + 1
		if step > lastStep[p.Op] {
			lastStep[p.Op] = step
			fmt.Fprintln(env.stderr, line)
		}
	}
}

// wimCtx is cancelled by Ctrl-C while a wim subcommand runs.
var wimCtx = context.Background()

func wimInfoFlags(fs *flag.FlagSet) runFunc {
	asJSON := fs.Bool("json", false, "print JSON")
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) < 1 || len(pos) > 2 {
			return usageErrorf("want WIM [INDEX]")
		}
		// info reads the header, the blob table and the XML, keeps all of
		// it to the end and exits: a collection started when the heap
		// passes 4 MB only burns CPU (a quarter of the command's). The
		// memory limit wimJob set still bounds the heap.
		if os.Getenv("GOGC") == "" {
			defer debug.SetGCPercent(debug.SetGCPercent(-1))
		}
		w, err := openWIM(pos[0])
		if err != nil {
			return err
		}
		defer w.Close()
		images := w.Images()
		if len(pos) == 2 {
			idx, err := w.ImageIndex(pos[1])
			if err != nil {
				return usageErrorf("%v", err)
			}
			images = images[idx-1 : idx]
		}
		st, _ := os.Stat(pos[0])
		type jsonImage struct {
			Index              int    `json:"index"`
			Name               string `json:"name"`
			Description        string `json:"description,omitempty"`
			DisplayName        string `json:"display_name,omitempty"`
			DisplayDescription string `json:"display_description,omitempty"`
			Flags              string `json:"flags,omitempty"`
			CreatedBy          string `json:"created_by,omitempty"`
			ImageVersion       string `json:"image_version,omitempty"`
			Directories        uint64 `json:"directories"`
			Files              uint64 `json:"files"`
			TotalBytes         uint64 `json:"total_bytes"`
			HardLinkBytes      uint64 `json:"hard_link_bytes"`
			Created            string `json:"created,omitempty"`
			Modified           string `json:"modified,omitempty"`
			Boot               bool   `json:"boot"`
			Windows            *struct {
				Arch        string `json:"arch,omitempty"`
				ProductName string `json:"product_name,omitempty"`
				EditionID   string `json:"edition_id,omitempty"`
				Version     string `json:"version,omitempty"`
				Language    string `json:"language,omitempty"`
			} `json:"windows,omitempty"`
		}
		type jsonSolid struct {
			Offset      uint64 `json:"offset"`
			StoredSize  uint64 `json:"stored_size"`
			Size        uint64 `json:"size"`
			Compression string `json:"compression"`
			ChunkSize   uint64 `json:"chunk_size"`
			Blobs       int    `json:"blobs"`
		}
		type jsonWIM struct {
			Path        string      `json:"path"`
			Size        int64       `json:"size"`
			GUID        string      `json:"guid"`
			Compression string      `json:"compression"`
			ChunkSize   uint32      `json:"chunk_size"`
			Part        int         `json:"part"`
			TotalParts  int         `json:"total_parts"`
			ImageCount  int         `json:"image_count"`
			BootIndex   int         `json:"boot_index"`
			Integrity   bool        `json:"integrity"`
			Solid       []jsonSolid `json:"solid,omitempty"`
			Images      []jsonImage `json:"images"`
		}
		ft := func(t wim.Filetime) string {
			if t == 0 {
				return ""
			}
			return t.Time().Format(time.RFC3339)
		}
		out := jsonWIM{Path: pos[0], GUID: fmt.Sprintf("%x", w.Header.GUID), Compression: w.Compression().String(), ChunkSize: w.Header.ChunkSize,
			Part: int(w.Header.PartNumber), TotalParts: int(w.Header.TotalParts), ImageCount: w.ImageCount(), BootIndex: int(w.Header.BootIndex),
			Integrity: w.Header.Integrity.OrigSize > 0, Images: []jsonImage{}}
		if st != nil {
			out.Size = st.Size()
		}
		for _, r := range w.SolidResources() {
			out.Solid = append(out.Solid, jsonSolid{r.Offset, r.StoredSize, r.Size, r.Compression.String(), r.ChunkSize, r.Blobs})
		}
		for _, im := range images {
			out.Images = append(out.Images, jsonImage{Index: im.Index, Name: im.Name, Description: im.Description, DisplayName: im.DisplayName,
				DisplayDescription: im.DisplayDescription, Flags: im.Flags, CreatedBy: im.CreatedBy, ImageVersion: im.ImageVersion,
				Directories: im.DirCount, Files: im.FileCount, TotalBytes: im.TotalBytes, HardLinkBytes: im.HardLinkBytes,
				Created: ft(im.CreationTime), Modified: ft(im.ModificationTime), Boot: im.Index == int(w.Header.BootIndex)})
			if im.WindowsArch != "" || im.WindowsProductName != "" || im.WindowsEditionID != "" || im.WindowsVersion != "" {
				j := &out.Images[len(out.Images)-1]
				j.Windows = &struct {
					Arch        string `json:"arch,omitempty"`
					ProductName string `json:"product_name,omitempty"`
					EditionID   string `json:"edition_id,omitempty"`
					Version     string `json:"version,omitempty"`
					Language    string `json:"language,omitempty"`
				}{wim.WindowsArchName(im.WindowsArch), im.WindowsProductName, im.WindowsEditionID, im.WindowsVersion, im.WindowsLanguage}
			}
		}
		if *asJSON {
			enc := json.NewEncoder(env.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}
		o := env.stdout
		fmt.Fprintf(o, "Path:         %s\n", out.Path)
		fmt.Fprintf(o, "Size:         %d bytes\n", out.Size)
		fmt.Fprintf(o, "GUID:         %s\n", out.GUID)
		if w.Compression() == wim.CompressNone {
			fmt.Fprintf(o, "Compression:  none\n")
		} else {
			fmt.Fprintf(o, "Compression:  %s (%d-byte chunks)\n", out.Compression, out.ChunkSize)
		}
		for _, r := range out.Solid {
			fmt.Fprintf(o, "Solid:        %d streams, %d bytes (%d stored) at offset %d, %s (%d-byte chunks)\n", r.Blobs, r.Size, r.StoredSize, r.Offset, r.Compression, r.ChunkSize)
		}
		fmt.Fprintf(o, "Part:         %d of %d\n", out.Part, out.TotalParts)
		fmt.Fprintf(o, "Images:       %d\n", out.ImageCount)
		boot := "none"
		if out.BootIndex > 0 {
			boot = strconv.Itoa(out.BootIndex)
		}
		fmt.Fprintf(o, "Boot index:   %s\n", boot)
		fmt.Fprintf(o, "Integrity:    %v\n", map[bool]string{true: "yes", false: "no"}[out.Integrity])
		for _, im := range out.Images {
			fmt.Fprintf(o, "\nIndex:        %d%s\n", im.Index, map[bool]string{true: " (boot)", false: ""}[im.Boot])
			fmt.Fprintf(o, "Name:         %s\n", im.Name)
			if im.Description != "" {
				fmt.Fprintf(o, "Description:  %s\n", im.Description)
			}
			if im.DisplayName != "" {
				fmt.Fprintf(o, "Display name: %s\n", im.DisplayName)
			}
			if im.Flags != "" {
				fmt.Fprintf(o, "Flags:        %s\n", im.Flags)
			}
			if im.CreatedBy != "" {
				fmt.Fprintf(o, "Created by:   %s\n", im.CreatedBy)
			}
			if im.ImageVersion != "" {
				fmt.Fprintf(o, "Version:      %s\n", im.ImageVersion)
			}
			fmt.Fprintf(o, "Directories:  %d\n", im.Directories)
			fmt.Fprintf(o, "Files:        %d\n", im.Files)
			fmt.Fprintf(o, "Total bytes:  %d\n", im.TotalBytes)
			if im.Created != "" {
				fmt.Fprintf(o, "Created:      %s\n", im.Created)
			}
			if im.Modified != "" {
				fmt.Fprintf(o, "Modified:     %s\n", im.Modified)
			}
			if wi := im.Windows; wi != nil {
				fmt.Fprintf(o, "Windows:      %s\n", strings.Join(nonEmpty(wi.ProductName, wi.EditionID, wi.Version, wi.Arch, wi.Language), ", "))
			}
		}
		return nil
	}
}

func parseCompressFlag(s string) (wim.Compression, error) {
	c, err := wim.ParseCompression(strings.ToLower(s))
	if err != nil || c == wim.CompressLZMS {
		return 0, usageErrorf("--compress %q: want none, xpress or lzx", s)
	}
	return c, nil
}

func wimCaptureFlags(fs *flag.FlagSet) runFunc {
	name := fs.String("name", "", "image name (default: the source folder's name)")
	desc := fs.String("description", "", "image description")
	createdBy := fs.String("created-by", "", "who or what made the image (kept in the XML)")
	version := fs.String("image-version", "", "image version (kept in the XML)")
	flags := fs.String("flags", "", "the image's <FLAGS> value, e.g. an edition ID")
	compress := fs.String("compress", "xpress", "compression: none, xpress (fast) or lzx (maximum, what DISM and ConfigMgr captures use)")
	chunkSize := fs.Int("chunk-size", 0, "compression chunk size in bytes (default 32768, the only size Microsoft software reads reliably)")
	threads := fs.Int("threads", 0, "compression threads (0: all CPUs)")
	config := fs.String("config", "", "WimScript.ini capture configuration (default: DISM's exclusions)")
	appendImg := fs.Bool("append", false, "add the image to an existing WIM")
	boot := fs.Bool("boot", false, "mark the image bootable")
	noInteg := fs.Bool("no-integrity", false, "do not write an integrity table")
	quiet := fs.Bool("quiet", false, "no progress")
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) != 2 {
			return usageErrorf("want SRC OUT.wim")
		}
		comp, err := parseCompressFlag(*compress)
		if err != nil {
			return err
		}
		if *threads < 0 {
			return usageErrorf("--threads must be 0 or more")
		}
		if err := wim.CheckChunkSize(comp, *chunkSize); err != nil {
			return usageErrorf("--chunk-size: %v", err)
		}
		opts := wim.CaptureOptions{Name: *name, Description: *desc, CreatedBy: *createdBy, ImageVersion: *version, Flags: *flags,
			Compression: comp, ChunkSize: *chunkSize, Threads: *threads, Append: *appendImg, Boot: *boot, NoIntegrity: *noInteg, Progress: progressPrinter(env, *quiet), Context: wimCtx}
		if *config != "" {
			cfg, err := wim.LoadConfig(*config)
			if err != nil {
				return usageErrorf("--config: %v", err)
			}
			opts.Config = cfg
		}
		if st, err := os.Stat(pos[0]); err != nil || !st.IsDir() {
			return usageErrorf("source %s is not a folder", pos[0])
		}
		if err := checkOutput(pos[1], "WIM file"); err != nil {
			return err
		}
		if !*appendImg {
			if _, err := os.Stat(pos[1]); err == nil {
				return usageErrorf("%s exists; use --append to add an image to it", pos[1])
			}
		}
		res, err := wim.Capture(pos[0], pos[1], opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: image %d captured: %d folders, %d files, %d symlinks, %d hard links, %d bytes in, %d bytes written (%d excluded)\n",
			res.Path, res.Index, res.Dirs, res.Files, res.Symlinks, res.HardLinks, res.BytesIn, res.Size, res.Excluded)
		for _, w := range res.Warnings {
			fmt.Fprintf(env.stderr, "warning: %s\n", w)
		}
		if n := res.WarningCount - len(res.Warnings); n > 0 {
			fmt.Fprintf(env.stderr, "warning: %d more like these\n", n)
		}
		return nil
	}
}

func wimApplyFlags(fs *flag.FlagSet) runFunc {
	threads := fs.Int("threads", 0, "threads (0: all CPUs)")
	force := fs.Bool("force", false, "apply into a folder even if that replaces files there")
	quiet := fs.Bool("quiet", false, "no progress")
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) < 2 || len(pos) > 3 {
			return usageErrorf("want WIM [INDEX] DEST")
		}
		w, err := openWIM(pos[0])
		if err != nil {
			return err
		}
		defer w.Close()
		index := 1
		dest := pos[len(pos)-1]
		if len(pos) == 3 {
			if index, err = w.ImageIndex(pos[1]); err != nil {
				return usageErrorf("%v", err)
			}
		} else if w.ImageCount() != 1 {
			return usageErrorf("%s holds %d images; give the INDEX to apply", pos[0], w.ImageCount())
		}
		if info, err := os.Stat(dest); err == nil && !info.IsDir() {
			return usageErrorf("%s is a file; give a folder to apply to", dest)
		}
		if !*force {
			if err := refuseOverwrite(w, index, dest); err != nil {
				return err
			}
		}
		_, statErr := os.Lstat(dest)
		created := errors.Is(statErr, iofs.ErrNotExist)
		st, err := w.Apply(index, dest, wim.ApplyOptions{Threads: *threads, Progress: progressPrinter(env, *quiet), Context: wimCtx})
		if err != nil {
			if created {
				// The folder is ours: a failed or cancelled apply leaves
				// nothing half applied behind.
				os.RemoveAll(dest)
			}
			return err
		}
		fmt.Fprintf(env.stdout, "%s: image %d applied to %s: %d folders, %d files, %d symlinks, %d hard links, %d bytes\n",
			pos[0], index, dest, st.Dirs, st.Files, st.Symlinks, st.HardLinks, st.Bytes)
		if n := st.Skipped() - st.SkippedSpecial; n > 0 {
			fmt.Fprintf(env.stderr, "note: %d NTFS-only items not kept on this platform (security descriptors %d, streams %d, short names %d, other reparse points %d, attributes %d, links refused %d)\n",
				n, st.SkippedSecurity, st.SkippedStreams, st.SkippedShortNames, st.SkippedReparse, st.SkippedAttributes, st.SkippedLinkTargets)
		}
		for _, w := range st.Warnings {
			fmt.Fprintf(env.stderr, "warning: %s\n", w)
		}
		if n := st.SkippedSpecial - uint64(len(st.Warnings)); st.SkippedSpecial > uint64(len(st.Warnings)) {
			fmt.Fprintf(env.stderr, "warning: %d more special files skipped\n", n)
		}
		return nil
	}
}

func wimVerifyFlags(fs *flag.FlagSet) runFunc {
	threads := fs.Int("threads", 0, "threads (0: all CPUs)")
	quiet := fs.Bool("quiet", false, "no progress")
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) != 1 {
			return usageErrorf("want WIM")
		}
		w, err := openWIM(pos[0])
		if err != nil {
			return err
		}
		defer w.Close()
		res, err := w.Verify(wim.VerifyOptions{Threads: *threads, Progress: progressPrinter(env, *quiet), Context: wimCtx})
		if err != nil {
			return err
		}
		integ := "no integrity table"
		if res.Integrity {
			integ = "integrity table OK"
		}
		fmt.Fprintf(env.stdout, "%s: OK: %d images, %d blobs, %d bytes checked, %s\n", pos[0], res.Images, res.Blobs, res.Bytes, integ)
		return nil
	}
}

func wimUpdateFlags(fs *flag.FlagSet) runFunc {
	var adds, dels multiFlag
	fs.Var(&adds, "add", "SRC=DEST: add the host file or folder SRC at DEST in the image (repeatable)")
	fs.Var(&dels, "delete", "PATH: delete a file or folder from the image (repeatable)")
	threads := fs.Int("threads", 0, "compression threads (0: all CPUs)")
	noInteg := fs.Bool("no-integrity", false, "do not write an integrity table")
	quiet := fs.Bool("quiet", false, "no progress")
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) < 1 || len(pos) > 2 {
			return usageErrorf("want WIM [INDEX]")
		}
		if len(adds) == 0 && len(dels) == 0 {
			return usageErrorf("nothing to do: give --add SRC=DEST or --delete PATH")
		}
		opts := wim.UpdateOptions{Deletes: dels, Threads: *threads, NoIntegrity: *noInteg, Progress: progressPrinter(env, *quiet), Context: wimCtx}
		for _, a := range adds {
			s, d, ok := strings.Cut(a, "=")
			if !ok || s == "" || d == "" {
				return usageErrorf("--add %q: want SRC=DEST", a)
			}
			if _, err := os.Stat(s); err != nil {
				return usageErrorf("--add %q: %v", a, err)
			}
			opts.Adds = append(opts.Adds, wim.AddSpec{Src: s, Dest: d})
		}
		w, err := openWIM(pos[0])
		if err != nil {
			return err
		}
		index := 1
		if len(pos) == 2 {
			index, err = w.ImageIndex(pos[1])
		} else if w.ImageCount() != 1 {
			err = fmt.Errorf("%s holds %d images; give the INDEX to update", pos[0], w.ImageCount())
		}
		w.Close()
		if err != nil {
			return usageErrorf("%v", err)
		}
		res, err := wim.Update(pos[0], index, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: image %d updated (%d added, %d deleted), %d bytes\n", res.Path, index, len(opts.Adds), len(opts.Deletes), res.Size)
		return nil
	}
}

func wimSplitFlags(fs *flag.FlagSet) runFunc {
	size := fs.Float64("part-size", 0, "largest part size in MiB")
	quiet := fs.Bool("quiet", false, "no progress")
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) != 2 {
			return usageErrorf("want WIM OUT.swm")
		}
		if !(*size > 0) || math.IsInf(*size, 0) {
			return usageErrorf("--part-size MiB is required and must be positive")
		}
		if *size < 1 || *size > 1<<20 {
			// Below 1 MiB every blob gets a part; past 1 TiB is no split.
			return usageErrorf("--part-size %g: give 1 to %d MiB", *size, 1<<20)
		}
		if err := checkInput(pos[0], "WIM file"); err != nil {
			return err
		}
		if err := checkOutput(pos[1], "first part"); err != nil {
			return err
		}
		if existing := existingParts(pos[1]); len(existing) > 0 {
			return usageErrorf("%s exist; remove them or choose another name (split never overwrites)", strings.Join(existing, ", "))
		}
		parts, err := wim.SplitContext(wimCtx, pos[0], pos[1], uint64(*size*(1<<20)), progressPrinter(env, *quiet))
		if err != nil {
			return err
		}
		for _, p := range parts {
			fmt.Fprintln(env.stdout, p)
		}
		return nil
	}
}

func wimExportFlags(fs *flag.FlagSet) runFunc {
	compress := fs.String("compress", "", "compression of a new DEST: none, xpress or lzx (default: the source's)")
	chunkSize := fs.Int("chunk-size", 0, "chunk size of a new DEST (default: the source's, or 32768 when the compression changes)")
	name := fs.String("name", "", "new image name")
	desc := fs.String("description", "", "new image description")
	boot := fs.Bool("boot", false, "mark the exported image bootable")
	threads := fs.Int("threads", 0, "compression threads (0: all CPUs)")
	noInteg := fs.Bool("no-integrity", false, "do not write an integrity table")
	quiet := fs.Bool("quiet", false, "no progress")
	return func(env *cmdEnv, pos []string) error {
		var err error
		if len(pos) != 3 {
			return usageErrorf("want SRC.wim INDEX DEST.wim")
		}
		opts := wim.ExportOptions{ChunkSize: *chunkSize, Name: *name, Description: *desc, Boot: *boot, NoIntegrity: *noInteg, Threads: *threads, Progress: progressPrinter(env, *quiet), Context: wimCtx}
		if *compress != "" {
			comp, err := parseCompressFlag(*compress)
			if err != nil {
				return err
			}
			opts.Compression = &comp
			if err := wim.CheckChunkSize(comp, *chunkSize); err != nil {
				return usageErrorf("--chunk-size: %v", err)
			}
		}
		w, err := openWIM(pos[0])
		if err != nil {
			return err
		}
		index := 0
		if !strings.EqualFold(pos[1], "all") {
			index, err = w.ImageIndex(pos[1])
		}
		w.Close()
		if err != nil {
			return usageErrorf("%v", err)
		}
		if err := checkOutput(pos[2], "WIM file"); err != nil {
			return err
		}
		res, err := wim.Export(pos[0], index, pos[2], opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: %d images, %d bytes\n", res.Path, res.Images, res.Size)
		return nil
	}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
