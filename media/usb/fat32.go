package usb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// A write-once FAT32 formatter: it lays out the whole tree first (every
// directory and file gets a contiguous run of clusters, in the order they
// are written), then writes the boot sectors, FSInfo, both FATs, and the
// data area in one sequential pass. go-diskfs's FAT32 writer leaves
// problems fsck.fat reports (".." of first-level folders, clusters on
// empty files, no free-cluster count), so media use this one.

const (
	fatReserved = 32
	fatCount    = 2
	dirEntSize  = 32
	eoc         = 0x0FFFFFFF
	minClusters = 65525
)

type fatNode struct {
	name     string
	src      string
	size     int64
	dir      bool
	mtime    time.Time
	children []*fatNode
	parent   *fatNode
	first    uint32 // first cluster (0 for empty files)
	clusters uint32
	short    [11]byte
	lfn      bool   // long-name entries precede the short entry
	ntCase   byte   // NT lower-case flags of a short-only name
	entries  []byte // directory contents (dirs only)
}

type fatLayout struct {
	bytesPerSector    uint32 // the disk's logical sector size
	sectorsPerCluster uint32
	fatSectors        uint32
	totalSectors      uint32
	clusterCount      uint32
	nextFree          uint32
	label             string
	hidden            uint32
	root              *fatNode
	order             []*fatNode // allocation order
}

// clusterSize is the sectors per cluster of a partition of that many
// sectors of ss bytes: Microsoft's FAT32 defaults by size in bytes (512
// B to 260 MB, 4 KiB to 8 GB, 8 KiB to 16 GB, 16 KiB to 32 GB, then 32
// KiB), and never less than one sector.
func clusterSize(sectors uint64, ss uint32) uint32 {
	bytes := sectors * uint64(ss)
	var cluster uint64
	switch {
	case bytes <= 260<<20:
		cluster = 512
	case bytes <= 8<<30:
		cluster = 4096
	case bytes <= 16<<30:
		cluster = 8192
	case bytes <= 32<<30:
		cluster = 16384
	default:
		cluster = 32768
	}
	return uint32(max(cluster/uint64(ss), 1))
}

// planFAT lays out the tree on a partition of the given size.
func planFAT(entries []entry, totalSectors uint64, label string, hidden, ss uint32) (*fatLayout, error) {
	if totalSectors > 0xFFFFFFFF {
		return nil, errors.New("a FAT32 partition holds at most 2^32 - 1 sectors")
	}
	l := &fatLayout{bytesPerSector: ss, totalSectors: uint32(totalSectors), label: label, hidden: hidden}
	l.sectorsPerCluster = clusterSize(totalSectors, ss)
	// FAT size: solve iteratively (Microsoft's formula is an approximation).
	data := l.totalSectors - fatReserved
	for {
		clusters := (data - fatCount*l.fatSectors) / l.sectorsPerCluster
		need := ((clusters+2)*4 + ss - 1) / ss
		if need <= l.fatSectors {
			l.clusterCount = clusters
			break
		}
		l.fatSectors = need
	}
	if l.clusterCount < minClusters {
		return nil, fmt.Errorf("the partition is too small for FAT32 (%d clusters; at least %d are needed)", l.clusterCount, minClusters)
	}
	// Build the tree.
	l.root = &fatNode{dir: true, mtime: time.Now()}
	dirs := map[string]*fatNode{"": l.root}
	for _, e := range entries {
		parent := dirs[path.Dir(e.rel)]
		if path.Dir(e.rel) == "." {
			parent = l.root
		}
		if parent == nil {
			return nil, fmt.Errorf("%s: parent folder missing", e.rel)
		}
		mt := time.Now()
		if info, err := os.Stat(e.src); err == nil {
			mt = info.ModTime()
		}
		n := &fatNode{name: path.Base(e.rel), src: e.src, size: e.size, dir: e.dir, mtime: mt, parent: parent}
		parent.children = append(parent.children, n)
		if e.dir {
			dirs[e.rel] = n
		}
	}
	// Short names and directory contents, then allocation (breadth first
	// for directories so the root is cluster 2).
	clusterBytes := int64(l.sectorsPerCluster) * int64(ss)
	next := uint32(2)
	alloc := func(n *fatNode, size int64) error {
		c := uint32((size + clusterBytes - 1) / clusterBytes)
		if n.dir && c == 0 {
			c = 1
		}
		if c == 0 {
			return nil
		}
		if uint64(next)+uint64(c) > uint64(l.clusterCount)+2 {
			return errors.New("the media do not fit on the partition")
		}
		n.first, n.clusters = next, c
		next += c
		l.order = append(l.order, n)
		return nil
	}
	// Directory sizes depend only on names, so size them all first.
	var sizeDirs func(d *fatNode) error
	sizeDirs = func(d *fatNode) error {
		sort.Slice(d.children, func(i, j int) bool { return d.children[i].name < d.children[j].name })
		if err := assignShortNames(d); err != nil {
			return err
		}
		for _, c := range d.children {
			if c.dir {
				if err := sizeDirs(c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := sizeDirs(l.root); err != nil {
		return nil, err
	}
	queue := []*fatNode{l.root}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if err := alloc(d, dirBytes(d, d == l.root)); err != nil {
			return nil, err
		}
		for _, c := range d.children {
			if c.dir {
				queue = append(queue, c)
			}
		}
	}
	var files func(d *fatNode) error
	files = func(d *fatNode) error {
		for _, c := range d.children {
			if c.dir {
				if err := files(c); err != nil {
					return err
				}
			} else if err := alloc(c, c.size); err != nil {
				return err
			}
		}
		return nil
	}
	if err := files(l.root); err != nil {
		return nil, err
	}
	l.nextFree = next
	// Now every first cluster is known: build directory contents.
	var build func(d *fatNode)
	build = func(d *fatNode) {
		d.entries = dirEntries(d, d == l.root, l.label)
		for _, c := range d.children {
			if c.dir {
				build(c)
			}
		}
	}
	build(l.root)
	return l, nil
}

// dirBytes is the size of a directory's entries.
func dirBytes(d *fatNode, root bool) int64 {
	n := 0
	if root {
		n++ // volume label
	} else {
		n += 2 // . and ..
	}
	for _, c := range d.children {
		n += 1 + lfnCount(c)
	}
	return int64(n) * dirEntSize
}

func lfnCount(n *fatNode) int {
	if !n.lfn {
		return 0
	}
	u := utf16.Encode([]rune(n.name))
	return (len(u) + 12) / 13
}

// shortChars are the characters a short name may hold besides A-Z and
// 0-9 (fatgen103, "FAT Directory Structure").
const shortChars = "$%'-_@~`!(){}^#&"

// NT case flags in byte 12 of a short entry: Windows NT stores a name that
// fits 8.3 but whose base or extension is all lower case as a short name
// only, and remembers the case here.
const (
	ntLowerBase = 0x08
	ntLowerExt  = 0x10
)

func validShortChar(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(shortChars, r)
}

// basisName is fatgen103's basis-name generation: upper case, characters
// a short name cannot hold become '_' (a lossy conversion), spaces and
// leading periods go, the primary part is what comes before the first
// remaining period (at most 8 characters) and the extension what follows
// the last period (at most 3). fits reports whether the long name is the
// basis name itself, ignoring case: then no numeric tail is needed.
func basisName(name string) (base, ext string, fits bool) {
	up := strings.ToUpper(name)
	lossy := false
	var b strings.Builder
	for _, r := range up {
		switch {
		case r == ' ':
		case r == '.':
			b.WriteRune(r)
		case r < 0x80 && validShortChar(r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
			lossy = true
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	main, extPart := s, ""
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		main, extPart = s[:i], s[i+1:]
	}
	if i := strings.IndexByte(main, '.'); i >= 0 {
		main = main[:i]
	}
	base, ext = main, extPart
	if len(base) > 8 {
		base = base[:8]
	}
	if len(ext) > 3 {
		ext = ext[:3]
	}
	whole := base
	if ext != "" {
		whole += "." + ext
	}
	fits = !lossy && base != "" && whole == up
	return base, ext, fits
}

// oneCase reports whether the letters of s are all upper case (upper) or
// all lower case (lower); a string without letters is both.
func oneCase(s string) (upper, lower bool) {
	upper, lower = true, true
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			upper = false
		}
		if r >= 'A' && r <= 'Z' {
			lower = false
		}
	}
	return
}

func packShort(base, ext string) [11]byte {
	var sn [11]byte
	copy(sn[:], fmt.Sprintf("%-8s%-3s", base, ext))
	return sn
}

// assignShortNames gives every child of d its short name, the way Windows'
// FAT driver does:
//
//   - a name that is a valid 8.3 name and whose base and extension are each
//     all upper or all lower case is stored as a short name only, without
//     long-name entries (BOOTX64.EFI; bootx64.efi with the NT lower-case
//     flags);
//   - any other name gets long-name entries and a short alias: the basis
//     name itself when the long name fits 8.3 apart from case (Boot ->
//     BOOT), otherwise the basis name with the first numeric tail ~N that
//     is not taken in the folder (Program Files -> PROGRA~1).
//
// Plain short names are placed first, so an alias never takes the name of
// a file that needs it.
func assignShortNames(d *fatNode) error {
	used := map[[11]byte]string{}
	for _, c := range d.children {
		if strings.ContainsAny(c.name, "/\\:*?\"<>|\x00") || c.name == "." || c.name == ".." || strings.TrimRight(c.name, ". ") == "" {
			return fmt.Errorf("%q is not a valid FAT file name", c.name)
		}
		for _, r := range c.name {
			if r < 0x20 {
				return fmt.Errorf("%q is not a valid FAT file name (control character)", c.name)
			}
		}
		if len(utf16.Encode([]rune(c.name))) > 255 {
			return fmt.Errorf("%q is longer than FAT's 255 characters", c.name)
		}
	}
	var aliases []*fatNode
	for _, c := range d.children {
		base, ext, fits := basisName(c.name)
		c.short, c.lfn, c.ntCase = packShort(base, ext), true, 0
		if !fits {
			aliases = append(aliases, c)
			continue
		}
		nb, ne := c.name, ""
		if i := strings.LastIndexByte(c.name, '.'); i > 0 {
			nb, ne = c.name[:i], c.name[i+1:]
		}
		ub, lb := oneCase(nb)
		ue, le := oneCase(ne)
		if (ub || lb) && (ue || le) {
			c.lfn = false
			if !ub {
				c.ntCase |= ntLowerBase
			}
			if !ue {
				c.ntCase |= ntLowerExt
			}
			if prev, taken := used[c.short]; taken {
				return fmt.Errorf("%s and %s: the same name twice (FAT32 names ignore case)", prev, c.name)
			}
			used[c.short] = c.name
			continue
		}
		// Fits 8.3 but in mixed case: the basis name is the alias unless
		// a plain short name already has it.
		aliases = append(aliases, c)
	}
	for _, c := range aliases {
		base, ext, fits := basisName(c.name)
		if base == "" {
			base = "_"
		}
		sn := packShort(base, ext)
		if _, taken := used[sn]; !fits || taken {
			found := false
			for i := 1; i < 1000000 && !found; i++ {
				tail := "~" + strconv.Itoa(i)
				bb := base
				if len(bb)+len(tail) > 8 {
					bb = bb[:8-len(tail)]
				}
				sn = packShort(bb+tail, ext)
				_, taken := used[sn]
				found = !taken
			}
			if !found {
				return errors.New("too many similar names in one folder")
			}
		}
		used[sn] = c.name
		c.short = sn
	}
	return nil
}

func shortChecksum(sn [11]byte) byte {
	var sum byte
	for _, b := range sn {
		sum = (sum>>1 | sum<<7) + b
	}
	return sum
}

func fatTime(t time.Time) (date, tm uint16) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if t.Year() > 2107 {
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	date = uint16(t.Year()-1980)<<9 | uint16(t.Month())<<5 | uint16(t.Day())
	tm = uint16(t.Hour())<<11 | uint16(t.Minute())<<5 | uint16(t.Second()/2)
	return
}

func shortEntry(name [11]byte, attr byte, first uint32, size uint32, mt time.Time) []byte {
	e := make([]byte, dirEntSize)
	copy(e, name[:])
	e[11] = attr
	d, t := fatTime(mt)
	binary.LittleEndian.PutUint16(e[14:], t)
	binary.LittleEndian.PutUint16(e[16:], d)
	binary.LittleEndian.PutUint16(e[18:], d)
	binary.LittleEndian.PutUint16(e[20:], uint16(first>>16))
	binary.LittleEndian.PutUint16(e[22:], t)
	binary.LittleEndian.PutUint16(e[24:], d)
	binary.LittleEndian.PutUint16(e[26:], uint16(first))
	binary.LittleEndian.PutUint32(e[28:], size)
	return e
}

func lfnEntries(n *fatNode) []byte {
	u := utf16.Encode([]rune(n.name))
	count := (len(u) + 12) / 13
	padded := make([]uint16, count*13)
	for i := range padded {
		switch {
		case i < len(u):
			padded[i] = u[i]
		case i == len(u):
			padded[i] = 0
		default:
			padded[i] = 0xFFFF
		}
	}
	sum := shortChecksum(n.short)
	var out []byte
	for seq := count; seq >= 1; seq-- {
		e := make([]byte, dirEntSize)
		e[0] = byte(seq)
		if seq == count {
			e[0] |= 0x40
		}
		e[11] = 0x0F
		e[13] = sum
		chunk := padded[(seq-1)*13 : seq*13]
		offs := []int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}
		for i, o := range offs {
			binary.LittleEndian.PutUint16(e[o:], chunk[i])
		}
		out = append(out, e...)
	}
	return out
}

func dirEntries(d *fatNode, root bool, label string) []byte {
	var out []byte
	if root {
		var vl [11]byte
		copy(vl[:], fmt.Sprintf("%-11s", label))
		out = append(out, shortEntry(vl, 0x08, 0, 0, d.mtime)...)
	} else {
		var dot, dotdot [11]byte
		copy(dot[:], ".          ")
		copy(dotdot[:], "..         ")
		out = append(out, shortEntry(dot, 0x10, d.first, 0, d.mtime)...)
		parent := d.parent.first
		if d.parent.parent == nil {
			parent = 0 // ".." of a first-level folder points at the root as 0
		}
		out = append(out, shortEntry(dotdot, 0x10, parent, 0, d.mtime)...)
	}
	for _, c := range d.children {
		if c.lfn {
			out = append(out, lfnEntries(c)...)
		}
		var e []byte
		if c.dir {
			e = shortEntry(c.short, 0x10, c.first, 0, c.mtime)
		} else {
			e = shortEntry(c.short, 0x20, c.first, uint32(c.size), c.mtime)
		}
		e[12] = c.ntCase
		out = append(out, e...)
	}
	return out
}

func (l *fatLayout) bootSector() []byte {
	b := make([]byte, l.bytesPerSector) // the signature stays at 510 whatever the sector size
	copy(b, []byte{0xEB, 0x58, 0x90})
	copy(b[3:], "REFIMAGE")
	binary.LittleEndian.PutUint16(b[11:], uint16(l.bytesPerSector))
	b[13] = byte(l.sectorsPerCluster)
	binary.LittleEndian.PutUint16(b[14:], fatReserved)
	b[16] = fatCount
	b[21] = 0xF8
	binary.LittleEndian.PutUint16(b[24:], 63)  // sectors per track
	binary.LittleEndian.PutUint16(b[26:], 255) // heads
	binary.LittleEndian.PutUint32(b[28:], l.hidden)
	binary.LittleEndian.PutUint32(b[32:], l.totalSectors)
	binary.LittleEndian.PutUint32(b[36:], l.fatSectors)
	binary.LittleEndian.PutUint32(b[44:], 2) // root cluster
	binary.LittleEndian.PutUint16(b[48:], 1) // FSInfo
	binary.LittleEndian.PutUint16(b[50:], 6) // backup boot sector
	b[64] = 0x80
	b[66] = 0x29
	binary.LittleEndian.PutUint32(b[67:], uint32(time.Now().UnixNano()))
	copy(b[71:], fmt.Sprintf("%-11s", l.label))
	copy(b[82:], "FAT32   ")
	// Boot code: print a message and halt (this volume boots via UEFI).
	code := []byte{0x0E, 0x1F, 0xBE, 0x73, 0x7C, 0xAC, 0x22, 0xC0, 0x74, 0x0B, 0x56, 0xB4, 0x0E, 0xBB, 0x07, 0x00, 0xCD, 0x10, 0x5E, 0xEB, 0xF0, 0xFA, 0xF4, 0xEB, 0xFD}
	copy(b[90:], code)
	copy(b[90+len(code):], "This medium starts on UEFI computers only.\r\n\x00")
	b[510], b[511] = 0x55, 0xAA
	return b
}

func (l *fatLayout) fsInfo() []byte {
	b := make([]byte, l.bytesPerSector)
	binary.LittleEndian.PutUint32(b[0:], 0x41615252)
	binary.LittleEndian.PutUint32(b[484:], 0x61417272)
	binary.LittleEndian.PutUint32(b[488:], l.clusterCount+2-l.nextFree)
	binary.LittleEndian.PutUint32(b[492:], l.nextFree)
	binary.LittleEndian.PutUint32(b[508:], 0xAA550000)
	return b
}

// write writes the file system at offset off of w.
func (l *fatLayout) write(ctx context.Context, w io.WriterAt, off int64, buf []byte, progress func(int64)) error {
	ss := int64(l.bytesPerSector)
	at := func(s uint32) int64 { return off + int64(s)*ss }
	boot, info := l.bootSector(), l.fsInfo()
	for _, base := range []uint32{0, 6} {
		if _, err := w.WriteAt(boot, at(base)); err != nil {
			return err
		}
		if _, err := w.WriteAt(info, at(base+1)); err != nil {
			return err
		}
		sig := make([]byte, ss)
		sig[510], sig[511] = 0x55, 0xAA
		if _, err := w.WriteAt(sig, at(base+2)); err != nil {
			return err
		}
	}
	// FAT: chains of contiguous runs.
	fat := make([]byte, int64(l.fatSectors)*ss)
	binary.LittleEndian.PutUint32(fat[0:], 0x0FFFFFF8)
	binary.LittleEndian.PutUint32(fat[4:], 0x0FFFFFFF)
	for _, n := range l.order {
		for c := n.first; c < n.first+n.clusters; c++ {
			v := uint32(c + 1)
			if c == n.first+n.clusters-1 {
				v = eoc
			}
			binary.LittleEndian.PutUint32(fat[c*4:], v)
		}
	}
	for i := uint32(0); i < fatCount; i++ {
		if _, err := w.WriteAt(fat, at(fatReserved+i*l.fatSectors)); err != nil {
			return err
		}
	}
	dataStart := at(fatReserved + fatCount*l.fatSectors)
	clusterBytes := int64(l.sectorsPerCluster) * ss
	for _, n := range l.order {
		if err := ctx.Err(); err != nil {
			return err
		}
		pos := dataStart + int64(n.first-2)*clusterBytes
		span := int64(n.clusters) * clusterBytes
		if n.dir {
			b := make([]byte, span)
			copy(b, n.entries)
			if _, err := w.WriteAt(b, pos); err != nil {
				return err
			}
			continue
		}
		if err := copyAt(ctx, w, pos, n, buf, progress); err != nil {
			return fmt.Errorf("%s: %w", n.name, err)
		}
	}
	return nil
}

func copyAt(ctx context.Context, w io.WriterAt, pos int64, n *fatNode, buf []byte, progress func(int64)) error {
	f, err := os.Open(n.src)
	if err != nil {
		return err
	}
	defer f.Close()
	var done int64
	for done < n.size {
		if err := ctx.Err(); err != nil {
			return err
		}
		k, rerr := f.Read(buf)
		if int64(k) > n.size-done {
			k = int(n.size - done)
		}
		if k > 0 {
			if _, err := w.WriteAt(buf[:k], pos+done); err != nil {
				return err
			}
			done += int64(k)
			progress(int64(k))
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if done != n.size {
		return fmt.Errorf("changed while being copied (%d of %d bytes)", done, n.size)
	}
	return nil
}
