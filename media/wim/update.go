package wim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// AddSpec adds the host file or folder Src at Dest inside the image.
type AddSpec struct {
	Src, Dest string
}

// UpdateOptions describe changes to one image.
type UpdateOptions struct {
	Adds        []AddSpec
	Deletes     []string // image paths; folders are deleted with their contents
	Threads     int
	NoIntegrity bool
	Progress    ProgressFunc
	// Context cancels the operation (nil: never); a cancelled write leaves
	// no file behind.
	Context context.Context
}

// Update changes image index of wimPath: deletions first, then additions
// (which replace existing files of the same name). Every untouched
// resource is copied raw; the result replaces wimPath only when complete.
func Update(wimPath string, index int, opts UpdateOptions) (*WriteResult, error) {
	old, err := Open(wimPath)
	if err != nil {
		return nil, err
	}
	closed := false
	defer func() {
		if !closed {
			old.Close()
		}
	}()
	if old.Header.TotalParts > 1 {
		return nil, fmt.Errorf("cannot update a split WIM")
	}
	if index < 1 || index > old.ImageCount() {
		return nil, fmt.Errorf("image %d does not exist (the WIM has %d)", index, old.ImageCount())
	}
	spec := &buildSpec{path: wimPath, ctype: old.Compression(), chunkSize: int(old.Header.ChunkSize), integrity: !opts.NoIntegrity, threads: opts.Threads, progress: opts.Progress, op: "update", ctx: opts.Context,
		guid: &old.Header.GUID, extraFlags: old.Header.Flags & HdrFlagRPFix, bootIndex: int(old.Header.BootIndex), wimXML: old.xml,
		beforeRename: func() { old.Close(); closed = true }}
	if err := addExistingImages(spec, old, nil); err != nil {
		return nil, err
	}
	im := spec.images[index-1]
	im.rawMeta = nil
	im.touched = true
	m := im.meta
	for _, p := range opts.Deletes {
		parent, d, err := lookup(m.Root, p)
		if err != nil {
			return nil, err
		}
		if parent == nil {
			return nil, fmt.Errorf("delete %q: cannot delete the root of the image", p)
		}
		removeChild(parent, d)
	}
	linkBase := maxLinkID(m.Root)
	var fixes []func() // hard-link hashes, once the data is stored
	var newSrcs []*blobSrc
	for _, a := range opts.Adds {
		srcs, next, err := addToTree(m.Root, a, linkBase, old.Header.Flags&HdrFlagRPFix != 0, &fixes)
		if err != nil {
			return nil, err
		}
		linkBase = next
		newSrcs = append(newSrcs, srcs...)
	}
	if err := prehashSameSize(newSrcs, opts.Threads); err != nil {
		return nil, err
	}
	// Keep only the old blobs some image still uses.
	used := map[SHA1]bool{}
	for _, oi := range spec.images {
		oi.meta.Root.Walk(func(_ string, d *Dentry) error {
			for _, h := range dentryHashes(d) {
				used[h] = true
			}
			return nil
		})
	}
	kept := spec.blobs[:0]
	for _, s := range spec.blobs {
		if used[s.hash] {
			kept = append(kept, s)
		}
	}
	spec.blobs = append(kept, newSrcs...)
	spec.finish = func() error {
		for _, f := range fixes {
			f()
		}
		return nil
	}
	return build(spec)
}

func splitImagePath(p string) []string {
	p = strings.ReplaceAll(p, `\`, "/")
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// findChild finds a child by exact name, else case-insensitively.
func findChild(d *Dentry, name string) *Dentry {
	for _, c := range d.Children {
		if c.Name == name {
			return c
		}
	}
	n16 := utf16.Encode([]rune(name))
	for _, c := range d.Children {
		if collateFold(c.Name, n16) {
			return c
		}
	}
	return nil
}

func collateFold(a string, b []uint16) bool {
	a16 := utf16.Encode([]rune(a))
	if len(a16) != len(b) {
		return false
	}
	for i := range a16 {
		if upcase16(a16[i]) != upcase16(b[i]) {
			return false
		}
	}
	return true
}

func lookup(root *Dentry, p string) (parent, d *Dentry, err error) {
	parts := splitImagePath(p)
	d = root
	for _, c := range parts {
		if c == ".." {
			return nil, nil, fmt.Errorf("path %q: '..' is not allowed", p)
		}
		next := findChild(d, c)
		if next == nil {
			return nil, nil, fmt.Errorf("path %q does not exist in the image", p)
		}
		parent, d = d, next
	}
	return parent, d, nil
}

func removeChild(parent, d *Dentry) {
	for i, c := range parent.Children {
		if c == d {
			parent.Children = append(parent.Children[:i], parent.Children[i+1:]...)
			return
		}
	}
}

func maxLinkID(d *Dentry) uint64 {
	var m uint64
	d.Walk(func(_ string, x *Dentry) error {
		if !x.IsReparse() && x.LinkID > m {
			m = x.LinkID
		}
		return nil
	})
	return m
}

// addToTree adds a host file or folder to the tree at a.Dest, creating
// missing folders; it returns the new streams.
func addToTree(root *Dentry, a AddSpec, linkBase uint64, rpfix bool, fixes *[]func()) ([]*blobSrc, uint64, error) {
	fi, err := os.Stat(a.Src)
	if err != nil {
		return nil, linkBase, err
	}
	parts := splitImagePath(a.Dest)
	for _, c := range parts {
		if err := checkImageName(c); err != nil {
			return nil, linkBase, fmt.Errorf("add %s=%s: %v", a.Src, a.Dest, err)
		}
	}
	// Walk/create the parent folders.
	dir := root
	mk := func(name string) (*Dentry, error) {
		c := findChild(dir, name)
		if c == nil {
			c = &Dentry{Name: name, Attributes: AttrDirectory, SecurityID: -1}
			now := FiletimeFromTime(fi.ModTime())
			c.CreationTime, c.LastAccessTime, c.LastWriteTime = now, now, now
			dir.Children = append(dir.Children, c)
		} else if !c.IsDir() || c.IsReparse() {
			return nil, fmt.Errorf("add %s=%s: %q is not a folder in the image", a.Src, a.Dest, name)
		}
		return c, nil
	}
	if fi.IsDir() {
		for _, c := range parts {
			if dir, err = mk(c); err != nil {
				return nil, linkBase, err
			}
		}
		m := newMatcher(&Config{})
		m.rpfix = rpfix
		var srcs []*blobSrc
		root, _, fix, err := scanTree(a.Src, m, nil, func(s *blobSrc) bool { srcs = append(srcs, s); return true })
		if err != nil {
			return nil, linkBase, err
		}
		*fixes = append(*fixes, fix)
		next := shiftLinks(root, linkBase)
		mergeInto(dir, root)
		return srcs, next, nil
	}
	if len(parts) == 0 {
		parts = []string{filepath.Base(a.Src)}
	}
	for _, c := range parts[:len(parts)-1] {
		if dir, err = mk(c); err != nil {
			return nil, linkBase, err
		}
	}
	name := parts[len(parts)-1]
	if ex := findChild(dir, name); ex != nil && ex.IsDir() && !ex.IsReparse() {
		dir, name = ex, filepath.Base(a.Src)
	}
	lfi, err := os.Lstat(a.Src)
	if err != nil {
		return nil, linkBase, err
	}
	d := dentryFromInfo(name, lfi)
	if ex := findChild(dir, name); ex != nil {
		d.SecurityID = ex.SecurityID
		removeChild(dir, ex)
	}
	dir.Children = append(dir.Children, d)
	var srcs []*blobSrc
	if fi.Size() > 0 {
		srcs = append(srcs, &blobSrc{kind: srcFile, path: a.Src, size: uint64(fi.Size()), refs: []*SHA1{&d.Hash}})
	}
	return srcs, linkBase, nil
}

func shiftLinks(root *Dentry, base uint64) uint64 {
	max := base
	root.Walk(func(_ string, d *Dentry) error {
		if !d.IsReparse() && d.LinkID != 0 {
			d.LinkID += base
			if d.LinkID > max {
				max = d.LinkID
			}
		}
		return nil
	})
	return max
}

// mergeInto merges the children of src into dst; files replace entries
// of the same name, folders merge.
func mergeInto(dst, src *Dentry) {
	for _, c := range src.Children {
		ex := findChild(dst, c.Name)
		switch {
		case ex == nil:
			dst.Children = append(dst.Children, c)
		case ex.IsDir() && !ex.IsReparse() && c.IsDir() && !c.IsReparse():
			mergeInto(ex, c)
		default:
			c.SecurityID = ex.SecurityID
			removeChild(dst, ex)
			dst.Children = append(dst.Children, c)
		}
	}
}
