package iso

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

const (
	sectorSize = 2048
	// maxExtent is the largest extent of a multi-extent file: the largest
	// multiple of the sector size a 32-bit length holds (libisofs uses the
	// same), so that every extent but the last ends on a sector boundary.
	maxExtent = 0xFFFFF800
	// maxSingle is the largest file that fits one extent.
	maxSingle = 0xFFFFFFFF
	// maxISOName is the longest primary-tree identifier (level 2).
	maxISOName = 31
	// maxJolietName is the longest Joliet name in UCS-2 characters.
	maxJolietName = 64
	// maxLBA is the last addressable sector (32-bit LBAs).
	maxLBA = 0xFFFFFFFF
)

// node is a file or directory of the image.
type node struct {
	name    string  // the name as given (Joliet)
	jname   []byte  // the Joliet identifier, UCS-2 big-endian
	isoName string  // the primary identifier
	parent  *node   // nil for the root
	dir     bool    // a directory
	file    *File   // the file, for a file
	kids    []*node // children, in insertion order
	byFold  map[string]*node
	pKids   []*node // children in primary-tree order
	jKids   []*node // children in Joliet order

	// layout
	lba      uint32 // first sector of the file data
	sectors  int64  // sectors allocated to the file data
	pLBA     uint32 // primary directory extent
	pSize    uint32 // its size in bytes
	jLBA     uint32 // Joliet directory extent
	jSize    uint32
	pNum     int // primary path table number
	jNum     int // Joliet path table number
	input    int // index in the input, for a file
	extents  int // directory records of a file (> 1: multi-extent)
	bootLoad int64

	// UDF
	udfFE      uint32 // sector of the file entry
	udfDirLBA  uint32 // first sector of a directory's FIDs
	udfDirSize int64  // their size in bytes
	udfID      uint64 // unique ID
	udfHidden  bool   // the FID has the hidden flag
}

func (n *node) path() string {
	if n.parent == nil {
		return ""
	}
	if n.parent.parent == nil {
		return n.name
	}
	return n.parent.path() + "/" + n.name
}

func newDir(name string, parent *node) *node {
	return &node{name: name, parent: parent, dir: true, byFold: map[string]*node{}}
}

// fold is the key under which two names are the same name on a
// case-insensitive file system (the primary tree, FAT, Windows).
func fold(s string) string { return strings.ToUpper(s) }

// buildTree checks the files and builds the directory tree. Hidden files
// are not in it: they are returned by their folded path.
func buildTree(files []File) (*node, []*node, map[string]*node, error) {
	root := newDir("", nil)
	nodes := make([]*node, 0, len(files))
	hidden := map[string]*node{}
	for i := range files {
		f := &files[i]
		if f.Size < 0 {
			return nil, nil, nil, fmt.Errorf("iso: %s: negative size %d", f.Path, f.Size)
		}
		if f.Source == "" {
			return nil, nil, nil, fmt.Errorf("iso: %s: no source file", f.Path)
		}
		if f.Hidden {
			key := fold(strings.Trim(f.Path, "/"))
			if key == "" || hidden[key] != nil {
				return nil, nil, nil, fmt.Errorf("iso: hidden file %q: empty or given twice", f.Path)
			}
			n := &node{name: f.Path, file: f, input: i}
			hidden[key] = n
			nodes = append(nodes, n)
			continue
		}
		parts, err := splitPath(f.Path)
		if err != nil {
			return nil, nil, nil, err
		}
		d := root
		for j, name := range parts {
			last := j == len(parts)-1
			key := fold(name)
			if c, ok := d.byFold[key]; ok {
				switch {
				case last && c.dir:
					return nil, nil, nil, fmt.Errorf("iso: %s: a directory of that name (%s) is already in the image", f.Path, c.path())
				case last:
					return nil, nil, nil, fmt.Errorf("iso: duplicate path %s and %s (names in the image are case-insensitive)", c.path(), f.Path)
				case !c.dir:
					return nil, nil, nil, fmt.Errorf("iso: %s: %s is a file in the image, not a directory", f.Path, c.path())
				}
				d = c
				continue
			}
			var c *node
			if last {
				c = &node{name: name, parent: d, file: f, input: i}
				nodes = append(nodes, c)
			} else {
				c = newDir(name, d)
			}
			d.byFold[key] = c
			d.kids = append(d.kids, c)
			d = c
		}
	}
	if err := nameTree(root); err != nil {
		return nil, nil, nil, err
	}
	return root, nodes, hidden, nil
}

// splitPath splits an image path into checked names.
func splitPath(p string) ([]string, error) {
	q := strings.TrimPrefix(p, "/")
	if q == "" {
		return nil, fmt.Errorf("iso: empty path %q", p)
	}
	parts := strings.Split(q, "/")
	for _, name := range parts {
		if err := checkName(name); err != nil {
			return nil, fmt.Errorf("iso: path %q: %w", p, err)
		}
	}
	return parts, nil
}

// checkName checks that a name fits the Joliet tree (and Windows).
func checkName(name string) error {
	switch name {
	case "":
		return fmt.Errorf("empty name (doubled or trailing '/')")
	case ".", "..":
		return fmt.Errorf("name %q is not allowed", name)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("name %q is not valid UTF-8", name)
	}
	n := 0
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7F:
			return fmt.Errorf("name %q has a control character", name)
		case strings.ContainsRune(`*/:;?\<>"|`, r):
			return fmt.Errorf("name %q has %q, which Joliet and Windows names cannot hold", name, r)
		case r > 0xFFFF:
			return fmt.Errorf("name %q has %q, outside UCS-2 (the Basic Multilingual Plane)", name, r)
		}
		n++
	}
	if n > maxJolietName {
		return fmt.Errorf("name %q has %d characters; Joliet names hold at most %d", name, n, maxJolietName)
	}
	return nil
}

// nameTree gives every node its primary and Joliet identifiers and sorts
// the children of every directory for both trees.
func nameTree(d *node) error {
	for _, c := range d.kids {
		c.jname = ucs2(c.name)
	}
	// Primary names: mangle, then make unique in this directory. Mangle in
	// the order of the original names so the result does not depend on the
	// input order.
	kids := append([]*node(nil), d.kids...)
	sort.Slice(kids, func(i, j int) bool { return kids[i].name < kids[j].name })
	used := map[string]bool{}
	for _, c := range kids {
		base, ext := isoMangle(c.name, c.dir)
		id := joinISO(base, ext, c.dir)
		for i := 1; used[id]; i++ {
			suffix := "_" + strconv.Itoa(i)
			b, e := base, ext
			room := maxISOName - len(suffix)
			if !c.dir && e != "" {
				if len(e) > room-2 {
					e = e[:room-2] // keep room for the dot and a character
				}
				room -= 1 + len(e)
			}
			if len(b) > room {
				b = b[:room]
			}
			id = joinISO(b+suffix, e, c.dir)
		}
		used[id] = true
		c.isoName = id
	}
	d.pKids = append([]*node(nil), d.kids...)
	sort.SliceStable(d.pKids, func(i, j int) bool { return isoLess(d.pKids[i], d.pKids[j]) })
	d.jKids = append([]*node(nil), d.kids...)
	sort.SliceStable(d.jKids, func(i, j int) bool { return string(d.jKids[i].jname) < string(d.jKids[j].jname) })
	for _, c := range d.kids {
		if c.dir {
			if err := nameTree(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// isoMangle maps a name to primary-tree name and extension: upper case,
// d-characters (A-Z, 0-9, _) only, the last dot of a file separating the
// extension, at most 31 characters with the dot.
func isoMangle(name string, dir bool) (base, ext string) {
	if !dir {
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			base, ext = name[:i], name[i+1:]
		} else {
			base = name
		}
	} else {
		base = name
	}
	base, ext = dchars(base), dchars(ext)
	if dir {
		if len(base) > maxISOName {
			base = base[:maxISOName]
		}
		return base, ""
	}
	if ext == "" {
		if len(base) > maxISOName {
			base = base[:maxISOName]
		}
		if base == "" {
			base = "_"
		}
		return base, ""
	}
	if len(base)+1+len(ext) > maxISOName {
		if len(ext) > 8 {
			ext = ext[:8]
		}
		if len(base) > maxISOName-1-len(ext) {
			base = base[:maxISOName-1-len(ext)]
		}
	}
	return base, ext
}

func joinISO(base, ext string, dir bool) string {
	if dir || ext == "" {
		return base
	}
	return base + "." + ext
}

// dchars upper-cases s and replaces everything but A-Z, 0-9 and _ by _.
func dchars(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// isoLess orders primary identifiers as ECMA-119 9.3 asks: by name, then
// by extension, the shorter padded with spaces.
func isoLess(a, b *node) bool {
	an, ae := splitISO(a)
	bn, be := splitISO(b)
	if c := padCompare(an, bn); c != 0 {
		return c < 0
	}
	return padCompare(ae, be) < 0
}

func splitISO(n *node) (string, string) {
	if n.dir {
		return n.isoName, ""
	}
	if i := strings.IndexByte(n.isoName, '.'); i >= 0 {
		return n.isoName[:i], n.isoName[i+1:]
	}
	return n.isoName, ""
}

func padCompare(a, b string) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		ca, cb := byte(' '), byte(' ')
		if i < len(a) {
			ca = a[i]
		}
		if i < len(b) {
			cb = b[i]
		}
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ucs2 encodes s (checked to be in the BMP) as UCS-2 big-endian.
func ucs2(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i] = byte(c >> 8)
		b[2*i+1] = byte(c)
	}
	return b
}
