package wim

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	Threads  int // decompression workers; 0 = number of CPUs
	Progress ProgressFunc
	// Context cancels the operation (nil: never); a cancelled write leaves
	// no file behind.
	Context context.Context
}

// ApplyStats counts what Apply did and what it could not keep.
type ApplyStats struct {
	Dirs, Files, Symlinks, HardLinks uint64
	Bytes                            uint64
	// NTFS-only metadata this platform could not keep.
	SkippedSecurity    uint64 // security descriptors
	SkippedStreams     uint64 // alternate data streams
	SkippedShortNames  uint64
	SkippedReparse     uint64 // reparse points that are not symlinks/junctions
	SkippedAttributes  uint64 // hidden/system/... attributes
	SkippedLinkTargets uint64 // links the file system refused
	// Special files of a wimlib --unix-data image (sockets, devices, and
	// FIFOs where the system cannot make them): never turned into
	// regular files.
	SkippedSpecial uint64
	// FIFOs made from UNIX data, and UNIX modes applied.
	FIFOs, UnixModes uint64
	// Warnings name each skipped special file (the first 100).
	Warnings []string
}

// Skipped is the total count of metadata items not applied.
func (s *ApplyStats) Skipped() uint64 {
	return s.SkippedSecurity + s.SkippedStreams + s.SkippedShortNames + s.SkippedReparse + s.SkippedAttributes + s.SkippedLinkTargets + s.SkippedSpecial
}

type applyFile struct {
	path     string // host path
	rel      string
	d        *Dentry
	timesSet bool // its times were set when it was written
}

// outputFile is a file being applied.
type outputFile interface {
	io.Writer
	Close() error
	// setTimes sets d's times on the open file, last thing before Close;
	// false: not done (they are set by path afterwards).
	setTimes(d *Dentry) bool
}

// maxCopyOuts is how many paths of one blob are written at once, from the
// decoded data; further paths are copied from the first file.
const maxCopyOuts = 16

// Apply extracts image index into the directory dest (created if needed).
// Names that could escape dest are refused before anything is written.
func (w *WIM) Apply(index int, dest string, opts ApplyOptions) (*ApplyStats, error) {
	m, err := w.Metadata(index)
	if err != nil {
		return nil, err
	}
	return w.applyTree(index, m, dest, opts)
}

func (w *WIM) applyTree(index int, m *Metadata, dest string, opts ApplyOptions) (*ApplyStats, error) {
	st := &ApplyStats{}
	var dirs, links, all []applyFile
	byHash := map[SHA1][]applyFile{}
	linkGroups := map[uint64]string{} // LinkID -> first path
	var hardlinks [][2]string
	var empties, fifos []applyFile
	var total uint64
	var walk func(d *Dentry, rel, host string) error
	walk = func(d *Dentry, rel, host string) error {
		seen := make(map[string]bool, len(d.Children))
		for _, c := range d.Children {
			crel := c.Name
			if rel != "" {
				crel = rel + "/" + c.Name
			}
			if err := checkName(c.Name); err != nil {
				// Named as verify and export name it: the WIM, the image
				// and the entry's path in it.
				return &InputError{fmt.Errorf("%s: image %d:/%s: refusing to apply: %v", w.Path, index, crel, err)}
			}
			if seen[c.Name] {
				return &InputError{fmt.Errorf("%s: image %d:/%s: refusing to apply: the name appears twice in one directory", w.Path, index, crel)}
			}
			seen[c.Name] = true
			ch := filepath.Join(host, c.Name)
			f := applyFile{path: ch, rel: crel, d: c}
			all = append(all, f)
			if c.SecurityID >= 0 {
				st.SkippedSecurity++
			}
			if c.ShortName != "" {
				st.SkippedShortNames++
			}
			st.SkippedStreams += uint64(len(c.Streams))
			if c.Attributes&(AttrHidden|AttrSystem|AttrReadOnly|AttrEncrypted|AttrCompressed) != 0 {
				st.SkippedAttributes++
			}
			switch {
			case c.IsReparse() && (c.ReparseTag == ReparseTagSymlink || c.ReparseTag == ReparseTagMountPoint):
				links = append(links, f)
			case c.IsDir():
				if c.IsReparse() {
					st.SkippedReparse++
				}
				dirs = append(dirs, f)
				if err := walk(c, crel, ch); err != nil {
					return err
				}
			default:
				if c.IsReparse() {
					st.SkippedReparse++
				}
				if ud, ok := c.UnixData(); ok && !c.IsReparse() {
					if kind := ud.special(); kind != "" {
						// A wimlib --unix-data special file: its entry
						// looks like an empty file; never make it one.
						if ud.Mode&unixTypeMask == unixFIFO && canMakeFIFO {
							fifos = append(fifos, f)
						} else {
							st.SkippedSpecial++
							if len(st.Warnings) < 100 {
								st.Warnings = append(st.Warnings, fmt.Sprintf("%s: skipped: a %s", crel, kind))
							}
						}
						continue
					}
				}
				if c.LinkID != 0 {
					if first, ok := linkGroups[c.LinkID]; ok {
						hardlinks = append(hardlinks, [2]string{first, ch})
						continue
					}
					linkGroups[c.LinkID] = ch
				}
				if c.Hash.IsZero() {
					empties = append(empties, f)
					continue
				}
				b := w.Blob(c.Hash)
				if b == nil {
					return &InputError{fmt.Errorf("%s: file data %s is missing from the WIM", crel, c.Hash)}
				}
				if len(byHash[c.Hash]) == 0 {
					total += b.Size()
				}
				byHash[c.Hash] = append(byHash[c.Hash], f)
			}
		}
		return nil
	}
	if err := walk(m.Root, "", dest); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if err := makeDir(d.path); err != nil {
			return nil, err
		}
		st.Dirs++
	}
	for i := range empties {
		f := &empties[i]
		fh, err := createOut(f.path)
		if err != nil {
			return nil, err
		}
		f.timesSet = fh.setTimes(f.d)
		if err := fh.Close(); err != nil {
			return nil, err
		}
		st.Files++
	}
	for _, f := range fifos {
		if err := replaceWith(f.path, func() error { return makeFIFO(f.path) }); err != nil {
			return nil, fmt.Errorf("%s: %v", f.rel, err)
		}
		st.FIFOs++
	}
	// File data, one blob per job, in file order for sequential reads.
	blobs := make([]*Blob, 0, len(byHash))
	for h := range byHash {
		blobs = append(blobs, w.Blob(h))
	}
	sortBlobs(blobs)
	prog := newTracker(opts.Progress, "apply", total, uint64(len(blobs)))
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	ctx := ctxOf(opts.Context)
	if w.hasSolid {
		// Workers waiting for a solid chunk to decode give up at once
		// when the apply is cancelled.
		defer context.AfterFunc(ctx, w.solid.wake)()
	}
	// Workers take the next blob from a shared counter: no hand-off per
	// blob (a channel cost a futex wake-up or two per file). Without
	// solid resources they take segments of blobs that lie far apart in
	// the list, so that they create files in different folders: creating
	// a file takes its folder's lock in the kernel, and two workers in
	// one folder spent a quarter of an apply's CPU spinning on it. Solid
	// blobs are taken one by one in order (they share decoded chunks).
	var (
		mu       sync.Mutex
		firstErr error
		failed   atomic.Bool
		next     atomic.Int64
		wg       sync.WaitGroup
		segs     [][2]int64
	)
	if !w.hasSolid {
		segs = stripedSegments(len(blobs), threads)
	}
	for range min(threads, max(len(blobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := &scratch{async: true, ctx: ctx}
			var files, bytes uint64
			var seg [2]int64 // the rest of this worker's segment
			for !failed.Load() {
				var i int64
				if w.hasSolid {
					// Solid blobs share decoded chunks: claim the
					// blob's first one as it is taken (see solidCache).
					i = w.solid.take(&next, blobs, sc)
				} else {
					if seg[0] >= seg[1] {
						k := next.Add(1) - 1
						if k >= int64(len(segs)) {
							break
						}
						seg = segs[k]
					}
					i = seg[0]
					seg[0]++
				}
				if i >= int64(len(blobs)) {
					break
				}
				b := blobs[i]
				fs := byHash[b.Hash]
				err := ctx.Err()
				if err == nil {
					err = w.extractBlob(ctx, b, fs, sc, prog)
				}
				w.solid.drop(sc)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					failed.Store(true)
				}
				files += uint64(len(fs))
				bytes += b.Size() * uint64(len(fs))
			}
			mu.Lock()
			st.Files += files
			st.Bytes += bytes
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return st, firstErr
	}
	for _, hl := range hardlinks {
		if err := replaceWith(hl[1], func() error { return os.Link(hl[0], hl[1]) }); err != nil {
			if err := copyFile(hl[0], hl[1]); err != nil {
				return st, err
			}
			st.SkippedLinkTargets++
		} else {
			st.HardLinks++
		}
		st.Files++
	}
	// Symbolic links last: nothing is ever written through them.
	absDest, err := filepath.Abs(dest)
	if err != nil {
		return st, err
	}
	for _, l := range links {
		b := w.Blob(l.d.ReparseHash)
		if b == nil {
			return st, &InputError{fmt.Errorf("%s: reparse data %s is missing from the WIM", l.rel, l.d.ReparseHash)}
		}
		data, err := w.readBlobAll(b, 64<<10, "reparse data of "+l.rel)
		if err != nil {
			return st, err
		}
		target, relative, err := parseLinkReparse(l.d.ReparseTag, data)
		if err != nil {
			return st, fmt.Errorf("%s: %v", l.rel, err)
		}
		if !relative && w.Header.Flags&HdrFlagRPFix != 0 && l.d.RPFlags&1 == 0 {
			// A fixed link: its target is relative to the image root.
			target = filepath.ToSlash(absDest) + target
		}
		if err := replaceWith(l.path, func() error { return os.Symlink(filepath.FromSlash(target), l.path) }); err != nil {
			st.SkippedLinkTargets++
			continue
		}
		st.Symlinks++
	}
	// Named streams where the platform has them (they change file times).
	if err := w.applyStreams(all, st); err != nil {
		return st, err
	}
	// Timestamps: files and links first, then directories deepest first.
	set := func(f applyFile) {
		if !f.timesSet {
			_ = setFileTimes(f.path, f.d, f.d.IsReparse())
		}
	}
	for _, fs := range byHash {
		for _, f := range fs {
			set(f)
		}
	}
	for _, f := range empties {
		set(f)
	}
	for _, f := range links {
		set(f)
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		set(dirs[i])
	}
	_ = setFileTimes(dest, m.Root, false)
	applyAttributes(all, st)
	// UNIX modes of a --unix-data image, last (a read-only folder must
	// not stop its files being written); chmod keeps the times.
	if canMakeFIFO {
		for _, f := range all {
			ud, ok := f.d.UnixData()
			if !ok || f.d.IsReparse() || ud.special() != "" && ud.Mode&unixTypeMask != unixFIFO {
				continue
			}
			if os.Chmod(f.path, os.FileMode(ud.Mode&0o777)|unixModeBits(ud.Mode)) == nil {
				st.UnixModes++
			}
		}
	}
	prog.finish()
	return st, nil
}

// stripedSegments cuts n blobs into segments (at most 256 blobs, about
// 8 per worker and more for large images) and orders them so that the
// segments taken at about the same time by threads workers lie about
// n/threads blobs apart: segment 0, then the first of the second stripe,
// and so on, then segment 1.
func stripedSegments(n, threads int) [][2]int64 {
	threads = max(threads, 1)
	l := max(1, min(256, n/(threads*8)))
	nseg := (n + l - 1) / l
	per := (nseg + threads - 1) / threads
	segs := make([][2]int64, 0, nseg)
	for idx := range per {
		for stripe := range threads {
			if k := stripe*per + idx; k < nseg {
				segs = append(segs, [2]int64{int64(k * l), int64(min(n, (k+1)*l))})
			}
		}
	}
	return segs
}

// extractBlob writes blob b to its files (the first maxCopyOuts of them
// from the decoded data, further ones copied from the first), checking its
// SHA-1 on the way.
func (w *WIM) extractBlob(ctx context.Context, b *Blob, files []applyFile, sc *scratch, prog *progressTracker) (err error) {
	first := files[0]
	direct := files[:min(len(files), maxCopyOuts)]
	outs := make([]outputFile, 0, len(direct))
	defer func() {
		for _, o := range outs {
			o.Close()
		}
	}()
	for _, f := range direct {
		o, err := createOut(f.path)
		if err != nil {
			return err
		}
		outs = append(outs, o)
	}
	h := sha1.New()
	var done uint64
	err = w.forEachChunk(b, sc, func(p []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		h.Write(p)
		done += uint64(len(p))
		prog.add(uint64(len(p)), 0, first.rel)
		for _, o := range outs {
			if _, err := o.Write(p); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		for i, o := range outs {
			files[i].timesSet = o.setTimes(files[i].d)
		}
	}
	for i, o := range outs {
		if cerr := o.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("%s: %w", files[i].rel, cerr)
		}
	}
	outs = outs[:0]
	if err != nil {
		return fmt.Errorf("%s: %w", first.rel, err)
	}
	if done != b.Size() {
		return &InputError{fmt.Errorf("%s: blob %s gave %d bytes, want %d", first.rel, b.Hash, done, b.Size())}
	}
	var got SHA1
	h.Sum(got[:0])
	if got != b.Hash {
		return &InputError{fmt.Errorf("%s: file data has SHA-1 %s, want %s (corrupt WIM)", first.rel, got, b.Hash)}
	}
	for _, f := range files[len(direct):] {
		if err := copyFile(first.path, f.path); err != nil {
			return err
		}
	}
	prog.add(0, 1, "")
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := createFile(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// UnixNano converts a FILETIME to nanoseconds since the Unix epoch. It
// overflows after the year 2262; Unix and Time do not.
func (t Filetime) UnixNano() int64 { return (int64(t) - filetimeUnixOffset) * 100 }

// Unix converts a FILETIME to seconds and nanoseconds since the Unix
// epoch, exactly, for every FILETIME (1601 to 30828 and beyond).
func (t Filetime) Unix() (sec, nsec int64) {
	const ticksPerSec = 10000000
	sec = int64(uint64(t)/ticksPerSec) - filetimeUnixOffset/ticksPerSec
	nsec = int64(uint64(t)%ticksPerSec) * 100
	return sec, nsec
}

// Time converts a FILETIME to a time.Time (UTC).
func (t Filetime) Time() time.Time {
	sec, nsec := t.Unix()
	return time.Unix(sec, nsec).UTC()
}

// FiletimeFromUnix converts seconds and nanoseconds since the Unix epoch to
// a FILETIME without passing through int64 nanoseconds (which wrap after
// 2262). Times before 1601 become 0.
func FiletimeFromUnix(sec, nsec int64) Filetime {
	const ticksPerSec = 10000000
	sec += nsec / 1e9
	nsec %= 1e9
	if nsec < 0 {
		sec--
		nsec += 1e9
	}
	s := sec + filetimeUnixOffset/ticksPerSec
	if s < 0 {
		return 0
	}
	return Filetime(uint64(s)*ticksPerSec + uint64(nsec/100))
}

// FiletimeFromTime converts t to a FILETIME.
func FiletimeFromTime(t time.Time) Filetime { return FiletimeFromUnix(t.Unix(), int64(t.Nanosecond())) }

// FiletimeFromUnixNano converts Unix nanoseconds to a FILETIME.
func FiletimeFromUnixNano(ns int64) Filetime { return FiletimeFromUnix(0, ns) }

// createFile creates path for writing. Something already there is removed
// first rather than opened, so an existing symbolic link is never
// followed (a hostile earlier apply cannot redirect this one).
func createFile(path string) (*os.File, error) {
	var f *os.File
	err := replaceWith(path, func() error {
		var err error
		f, err = openExcl(path)
		return err
	})
	return f, err
}

// replaceWith runs create; if path exists it is removed (a file, a link
// or an empty folder) and create runs again.
func replaceWith(path string, create func() error) error {
	err := create()
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	if rerr := os.Remove(path); rerr != nil {
		return err
	}
	return create()
}

// makeDir creates a folder; an existing folder is fine, an existing link
// or file in its place is replaced, never followed.
func makeDir(path string) error {
	err := os.Mkdir(path, 0o755)
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, lerr := os.Lstat(path)
	if lerr == nil && fi.IsDir() {
		return nil
	}
	if rerr := os.Remove(path); rerr != nil {
		return err
	}
	return os.Mkdir(path, 0o755)
}
