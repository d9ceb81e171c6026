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
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// CaptureOptions describe a capture.
type CaptureOptions struct {
	Name               string // default: the source folder's name
	Description        string
	DisplayName        string
	DisplayDescription string
	Flags              string // <FLAGS>, e.g. an edition ID
	CreatedBy          string
	ImageVersion       string
	Compression        Compression // new WIMs only; appends keep the WIM's
	ChunkSize          int         // new compressed WIMs only: 0 is 32768, the size Microsoft software reads
	Threads            int
	Config             *Config // nil: DISM's default exclusions
	Append             bool    // add an image to an existing WIM
	Boot               bool    // mark the new image bootable
	NoIntegrity        bool
	Progress           ProgressFunc
	// Context cancels the operation (nil: never); a cancelled write leaves
	// no file behind.
	Context context.Context
}

// CaptureStats count what a scan found and skipped.
type CaptureStats struct {
	Dirs, Files, Symlinks, HardLinks uint64
	Excluded, SkippedSpecial         uint64
	// Warnings name what was skipped (special files) or was captured
	// but cannot be applied everywhere (names Windows cannot create),
	// one line each; after maxWarnings lines only WarningCount grows.
	Warnings     []string
	WarningCount int
}

const maxWarnings = 100

func (s *CaptureStats) warn(format string, args ...any) {
	s.WarningCount++
	if len(s.Warnings) < maxWarnings {
		s.Warnings = append(s.Warnings, fmt.Sprintf(format, args...))
	}
}

// CaptureResult is what Capture wrote.
type CaptureResult struct {
	WriteResult
	CaptureStats
	Index int // the new image's index
}

// Capture captures the directory src as a new image in wimPath: a new WIM,
// or with Append the next image of an existing one. The WIM is written to
// a temporary file and renamed into place when complete.
func Capture(src, wimPath string, opts CaptureOptions) (*CaptureResult, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", src)
	}
	name := opts.Name
	if name == "" {
		abs, _ := filepath.Abs(src)
		name = filepath.Base(abs)
	}
	spec := &buildSpec{path: wimPath, ctype: opts.Compression, chunkSize: opts.ChunkSize, integrity: !opts.NoIntegrity, threads: opts.Threads, progress: opts.Progress, op: "capture", ctx: opts.Context}
	var old *WIM
	if opts.Append {
		old, err = Open(wimPath)
		if err != nil {
			return nil, err
		}
		// Windows cannot rename the new file over one still open: the old
		// WIM is closed just before (found by the Wine lane).
		closed := false
		defer func() {
			if !closed {
				old.Close()
			}
		}()
		spec.beforeRename = func() { old.Close(); closed = true }
		if old.Header.TotalParts > 1 {
			return nil, fmt.Errorf("cannot append to a split WIM")
		}
		spec.ctype = old.Compression()
		spec.chunkSize = int(old.Header.ChunkSize)
		spec.guid = &old.Header.GUID
		spec.extraFlags = old.Header.Flags & HdrFlagRPFix
		spec.bootIndex = int(old.Header.BootIndex)
		spec.wimXML = old.xml
		spec.integrity = !opts.NoIntegrity
		for _, im := range old.Images() {
			if im.Name == name {
				return nil, fmt.Errorf("%s already has an image named %q (image %d)", wimPath, name, im.Index)
			}
		}
		if err := addExistingImages(spec, old, nil); err != nil {
			return nil, err
		}
	} else if spec.ctype == CompressLZMS {
		return nil, fmt.Errorf("cannot write %s WIMs (supported: none, xpress and lzx)", spec.ctype)
	}
	m := newMatcher(opts.Config)
	// Like wimlib, new WIMs get RP_FIX: absolute links that point inside
	// the captured tree are stored relative to the image root, so they
	// still point inside the tree wherever it is applied.
	if !opts.Append {
		spec.extraFlags |= HdrFlagRPFix
	}
	m.rpfix = spec.extraFlags&HdrFlagRPFix != 0
	// Never capture the WIM being written (or its temporary file).
	if abs, err := filepath.Abs(wimPath); err == nil {
		m.skipDir, m.skipName = filepath.Dir(abs), filepath.Base(abs)
		m.skipDirInfo, _ = os.Stat(m.skipDir)
	}
	// The scan streams what it finds to the writer, so reading and
	// compressing start at once. Duplicates are recognised by their SHA-1
	// once written and dropped again (the output is rewound), so every
	// file is read exactly once.
	tracker := newTracker(opts.Progress, "capture", 0, 0)
	spec.tracker = tracker
	meta := &Metadata{}
	var (
		stats    *CaptureStats
		scanErr  error
		fixLinks func()
		found    = make(chan *blobSrc, 1024)
		scanned  = make(chan struct{})
		stop     = make(chan struct{})
	)
	defer close(stop)
	go func() {
		defer close(scanned)
		defer close(found)
		emit := func(s *blobSrc) bool {
			if s.kind == srcFile {
				tracker.addTotal(s.size, 1)
			}
			select {
			case found <- s:
				return true
			case <-stop:
				return false
			}
		}
		meta.Root, stats, fixLinks, scanErr = scanTree(src, m, tracker, emit)
	}()
	spec.stream = func(yield func(*blobSrc) bool) {
		for s := range found {
			if !yield(s) {
				return
			}
		}
	}
	spec.finish = func() error {
		<-scanned
		if scanErr != nil {
			return scanErr
		}
		fixLinks()
		return nil
	}
	x := &xmlNode{Name: "IMAGE"}
	x.set("NAME", name)
	x.set("DESCRIPTION", opts.Description)
	x.set("DISPLAYNAME", opts.DisplayName)
	x.set("DISPLAYDESCRIPTION", opts.DisplayDescription)
	x.set("FLAGS", opts.Flags)
	x.set("CREATEDBY", opts.CreatedBy)
	x.set("IMAGEVERSION", opts.ImageVersion)
	spec.images = append(spec.images, &outImage{meta: meta, xml: x, touched: true})
	index := len(spec.images)
	if opts.Boot {
		spec.bootIndex = index
	}
	wr, err := build(spec)
	if err != nil {
		return nil, err
	}
	tracker.finish()
	wr.BytesIn = wr.ImageBytes[index-1] // this image only
	return &CaptureResult{WriteResult: *wr, CaptureStats: *stats, Index: index}, nil
}

// addExistingImages queues the images of old (all, or only those for
// which keep returns true) with their blobs, for raw copying.
func addExistingImages(spec *buildSpec, old *WIM, keep func(i int) bool) error {
	need := map[SHA1]bool{}
	for i := 1; i <= old.ImageCount(); i++ {
		if keep != nil && !keep(i) {
			continue
		}
		m, err := old.Metadata(i)
		if err != nil {
			return err
		}
		if err := checkTreeNames(old.Path, i, m); err != nil {
			return err
		}
		var missing error
		m.Root.Walk(func(p string, d *Dentry) error {
			for _, h := range dentryHashes(d) {
				if old.Blob(h) == nil && missing == nil {
					missing = fmt.Errorf("image %d:/%s: data %s is missing from %s", i, p, h, old.Path)
				}
				need[h] = true
			}
			return nil
		})
		if missing != nil {
			return missing
		}
		spec.images = append(spec.images, &outImage{meta: m, rawMeta: old.metas[i-1], xml: cloneXML(old.xml.images()[i-1])})
	}
	for _, b := range old.Blobs() {
		if need[b.Hash] {
			spec.blobs = append(spec.blobs, &blobSrc{kind: srcWIM, wim: old, blob: b, size: b.Size(), hash: b.Hash, hashed: true, path: ""})
		}
	}
	return nil
}

func cloneXML(n *xmlNode) *xmlNode {
	c := &xmlNode{Name: n.Name, Attrs: append([]xmlAttr(nil), n.Attrs...), Text: n.Text}
	for _, k := range n.Kids {
		c.Kids = append(c.Kids, cloneXML(k))
	}
	return c
}

// scanTree builds the dentry tree of src and the list of its streams.
// scanTree builds the dentry tree of src and passes each stream to emit
// as soon as it is found (emit returns false to stop). Later names of a
// hard-linked file get their hash from fixLinks, to be called once every
// stream is stored.
func scanTree(src string, m *matcher, prog *progressTracker, emit func(*blobSrc) bool) (root *Dentry, stats *CaptureStats, fixLinks func(), err error) {
	stats = &CaptureStats{}
	fi, err := os.Lstat(src)
	if err != nil {
		return nil, nil, nil, err
	}
	rootAbs, _ := filepath.Abs(src)
	if r, err := filepath.EvalSymlinks(rootAbs); err == nil {
		rootAbs = r
	}
	root = dentryFromInfo("", fi)
	root.Attributes = AttrDirectory
	var links [][2]*Dentry // later link, first link
	errStop := errors.New("stopped")
	type inode struct {
		src  *blobSrc
		id   uint64
		dent *Dentry
	}
	inodes := map[[2]uint64]*inode{}
	nextLink := uint64(1)
	reparse := map[SHA1]bool{}
	var walk func(dir string, rel string, d *Dentry) error
	walk = func(dir, rel string, d *Dentry) error {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			crel := e.Name()
			if rel != "" {
				crel = rel + "/" + e.Name()
			}
			if m.excluded(crel) || m.isOutput(dir, e.Name()) {
				stats.Excluded++
				continue
			}
			p := filepath.Join(dir, e.Name())
			if !utf8.ValidString(e.Name()) {
				// WIM names are UTF-16: the bytes cannot be kept, and
				// replacing them would change the name silently (two
				// such names would even collide).
				return &InputError{fmt.Errorf("%s: the name is not valid UTF-8 (%q), so it cannot be stored in a WIM; rename it or exclude it", p, e.Name())}
			}
			if why := windowsNameProblem(e.Name()); why != "" {
				stats.warn("%s: the name %s: Windows cannot apply it (Linux and macOS can)", crel, why)
			}
			fi, err := os.Lstat(p)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return err
			}
			c := dentryFromInfo(e.Name(), fi)
			prog.add(0, 0, crel) // the path only: the writer counts the bytes and files it stores
			switch mode := fi.Mode(); {
			case mode.IsDir():
				c.Attributes |= AttrDirectory
				stats.Dirs++
				d.Children = append(d.Children, c)
				if err := walk(p, crel, c); err != nil {
					return err
				}
			case mode&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				fixed := false
				if m.rpfix {
					target, fixed = fixLinkTarget(target, rootAbs)
				}
				data := makeSymlinkReparse(target)
				h := SHA1(sha1.Sum(data))
				c.Attributes = AttrReparsePoint
				if tfi, err := os.Stat(p); err == nil && tfi.IsDir() {
					c.Attributes |= AttrDirectory
				}
				c.ReparseTag = ReparseTagSymlink
				c.RPFlags = 1 // not fixed
				if fixed {
					c.RPFlags = 0
				}
				c.ReparseHash = h
				if !reparse[h] {
					reparse[h] = true
					if !emit(&blobSrc{kind: srcBytes, data: data, size: uint64(len(data)), hash: h, hashed: true, path: crel}) {
						return errStop
					}
				}
				stats.Symlinks++
				d.Children = append(d.Children, c)
			case mode.IsRegular():
				stats.Files++
				d.Children = append(d.Children, c)
				dev, ino, nlink, _, _ := hostInfo(fi)
				if nlink > 1 && ino != 0 {
					key := [2]uint64{dev, ino}
					if in := inodes[key]; in != nil {
						c.LinkID = in.id
						in.dent.LinkID = in.id
						stats.HardLinks++
						links = append(links, [2]*Dentry{c, in.dent})
						continue
					}
					in := &inode{id: nextLink, dent: c}
					nextLink++
					inodes[key] = in
					if fi.Size() > 0 {
						in.src = &blobSrc{kind: srcFile, path: p, size: uint64(fi.Size()), refs: []*SHA1{&c.Hash}, noCompress: m.noCompress(crel)}
						if !emit(in.src) {
							return errStop
						}
					}
					continue
				}
				if fi.Size() > 0 {
					if !emit(&blobSrc{kind: srcFile, path: p, size: uint64(fi.Size()), refs: []*SHA1{&c.Hash}, noCompress: m.noCompress(crel)}) {
						return errStop
					}
				}
			default:
				stats.SkippedSpecial++
				stats.warn("%s: skipped: a %s (a WIM image holds files, folders and links only)", crel, specialKind(mode))
			}
		}
		return nil
	}
	if err := walk(src, "", root); err != nil {
		return nil, nil, nil, err
	}
	fixLinks = func() {
		for _, l := range links {
			l[0].Hash = l[1].Hash
		}
	}
	return root, stats, fixLinks, nil
}

func dentryFromInfo(name string, fi os.FileInfo) *Dentry {
	_, _, _, atime, btime := hostInfo(fi)
	d := &Dentry{Name: name, SecurityID: -1,
		LastWriteTime:  FiletimeFromTime(fi.ModTime()),
		LastAccessTime: atime,
		CreationTime:   btime,
	}
	attrs := hostAttributes(fi)
	if fi.Mode().IsRegular() {
		if fi.Mode().Perm()&0o222 == 0 {
			attrs |= AttrReadOnly
		}
		if attrs == 0 {
			attrs = AttrNormal
		}
	}
	d.Attributes = attrs
	return d
}

// prehashSameSize hashes, in parallel, the files whose size another file
// shares: only they can be duplicates, so every other file is read once.
func prehashSameSize(srcs []*blobSrc, threads int) error {
	bySize := map[uint64][]*blobSrc{}
	for _, s := range srcs {
		if s.kind == srcFile && !s.hashed {
			bySize[s.size] = append(bySize[s.size], s)
		}
	}
	var todo []*blobSrc
	for _, g := range bySize {
		if len(g) > 1 {
			todo = append(todo, g...)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].path < todo[j].path })
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		jobs  = make(chan *blobSrc)
	)
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			for s := range jobs {
				f, err := openRead(s.path)
				if err == nil {
					h := sha1.New()
					var n int64
					n, err = io.CopyBuffer(h, io.LimitReader(f, int64(s.size)), buf)
					f.Close()
					if err == nil && uint64(n) != s.size {
						err = fmt.Errorf("%s: file shrank while being captured", s.path)
					}
					if err == nil {
						h.Sum(s.hash[:0])
						s.hashed = true
					}
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, s := range todo {
		jobs <- s
	}
	close(jobs)
	wg.Wait()
	return first
}

// fixLinkTarget rewrites an absolute target inside root as a path from
// the image root ("/d/f"); it reports whether it did.
func fixLinkTarget(target, root string) (string, bool) {
	if !filepath.IsAbs(target) || root == "" {
		return target, false
	}
	rel, err := filepath.Rel(root, filepath.Clean(target))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return target, false
	}
	if rel == "." {
		return "/", true
	}
	return "/" + filepath.ToSlash(rel), true
}

func specialKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	}
	return "special file"
}
