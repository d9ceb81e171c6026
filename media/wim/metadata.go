package wim

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// Filetime is a Windows FILETIME: 100 ns intervals since 1601-01-01 UTC.
type Filetime uint64

const filetimeUnixOffset = 116444736000000000

// Dentry is one directory entry of an image, with everything the WIM
// keeps for it.
type Dentry struct {
	Name       string
	ShortName  string
	Attributes uint32
	SecurityID int32 // index into the image's security descriptors, or -1

	CreationTime   Filetime
	LastAccessTime Filetime
	LastWriteTime  Filetime

	Hash SHA1 // unnamed data stream; zero when empty

	ReparseTag      uint32
	ReparseReserved uint16
	RPFlags         uint16
	ReparseHash     SHA1 // reparse data (without the 8-byte header)

	LinkID  uint64 // hard-link group; 0 when not linked
	Streams []NamedStream

	Unknown54 uint32
	Tagged    []byte // wimlib "tagged items", kept opaque

	Children []*Dentry

	name16, short16 []uint16 // exact on-disk names (may hold unpaired surrogates)
}

// NamedStream is an alternate data stream.
type NamedStream struct {
	Name   string
	Hash   SHA1
	name16 []uint16
}

// IsDir reports whether the entry is a directory.
func (d *Dentry) IsDir() bool { return d.Attributes&AttrDirectory != 0 }

// isRealDir reports whether the entry is a directory that is not a
// reparse point (a symlink or junction to a folder is not): only those
// have child lists, and only those lack an unnamed data stream.
func (d *Dentry) isRealDir() bool { return d.IsDir() && !d.IsReparse() }

// IsReparse reports whether the entry is a reparse point.
func (d *Dentry) IsReparse() bool { return d.Attributes&AttrReparsePoint != 0 }

// Metadata is a parsed metadata resource: the security descriptors and the
// directory tree of one image.
type Metadata struct {
	Security [][]byte
	Root     *Dentry
}

// Limits that keep hostile metadata from costing unbounded time or memory.
const (
	maxTreeDepth    = 1024
	maxSecurityDesc = 1 << 20
)

// ParseMetadata decodes an uncompressed metadata resource. Offsets in
// errors are offsets inside the resource.
func ParseMetadata(buf []byte) (*Metadata, error) {
	m := &Metadata{}
	le := binary.LittleEndian
	if len(buf) < 8 {
		return nil, formatErr(0, "metadata resource of %d bytes is too short for the security data", len(buf))
	}
	total := uint64(le.Uint32(buf))
	num := uint64(le.Uint32(buf[4:]))
	if total == 0 {
		total = 8
	}
	if total > uint64(len(buf)) || total < 8 {
		return nil, formatErr(0, "security data length %d does not fit the %d-byte metadata resource", total, len(buf))
	}
	if num > (total-8)/8 {
		return nil, formatErr(4, "security data claims %d descriptors in %d bytes", num, total)
	}
	p := uint64(8 + 8*num)
	m.Security = make([][]byte, 0, num)
	for i := uint64(0); i < num; i++ {
		sz := le.Uint64(buf[8+8*i:])
		if sz > maxSecurityDesc || sz > total-p {
			return nil, formatErr(int64(8+8*i), "security descriptor %d of %d bytes overruns the security data (%d bytes)", i, sz, total)
		}
		m.Security = append(m.Security, slices.Clone(buf[p:p+sz]))
		p += sz
	}
	rootOff := uint64(align8(int(total)))
	if rootOff > uint64(len(buf)) {
		return nil, formatErr(int64(rootOff), "root dentry lies outside the metadata resource")
	}
	ps := &dentryParser{buf: buf, seen: map[uint64]bool{}, nsec: len(m.Security)}
	root, _, err := ps.parse(rootOff, 0)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, formatErr(int64(rootOff), "image has no root directory")
	}
	if !root.IsDir() {
		return nil, formatErr(int64(rootOff), "root dentry is not a directory (attributes 0x%x)", root.Attributes)
	}
	root.Name, root.name16, root.ShortName, root.short16 = "", nil, "", nil
	m.Root = root
	return m, nil
}

type dentryParser struct {
	buf  []byte
	seen map[uint64]bool
	nsec int
}

// parse reads the dentry at off and, for directories, its children. It
// returns nil for an end-of-directory marker, plus the offset of the next
// sibling.
func (ps *dentryParser) parse(off uint64, depth int) (*Dentry, uint64, error) {
	buf := ps.buf
	le := binary.LittleEndian
	if depth > maxTreeDepth {
		return nil, 0, formatErr(int64(off), "directory tree deeper than %d levels", maxTreeDepth)
	}
	if off > uint64(len(buf)) || uint64(len(buf))-off < 8 {
		return nil, 0, formatErr(int64(off), "dentry lies outside the metadata resource (%d bytes)", len(buf))
	}
	length := le.Uint64(buf[off:])
	if length == 0 {
		return nil, off + 8, nil
	}
	if ps.seen[off] {
		return nil, 0, formatErr(int64(off), "dentry is reached twice (cycle or shared directory list)")
	}
	ps.seen[off] = true
	if length < dentryFixedSize || length > uint64(len(buf))-off {
		return nil, 0, formatErr(int64(off), "dentry length %d is impossible (resource has %d bytes left)", length, uint64(len(buf))-off)
	}
	b := buf[off : off+length]
	d := &Dentry{
		Attributes:     le.Uint32(b[0x08:]),
		SecurityID:     int32(le.Uint32(b[0x0C:])),
		CreationTime:   Filetime(le.Uint64(b[0x28:])),
		LastAccessTime: Filetime(le.Uint64(b[0x30:])),
		LastWriteTime:  Filetime(le.Uint64(b[0x38:])),
		Unknown54:      le.Uint32(b[0x54:]),
	}
	if d.SecurityID < -1 || int(d.SecurityID) >= ps.nsec {
		d.SecurityID = -1
	}
	subdir := le.Uint64(b[0x10:])
	var mainHash SHA1
	copy(mainHash[:], b[0x40:0x54])
	if d.IsReparse() {
		d.ReparseTag = le.Uint32(b[0x58:])
		d.ReparseReserved = le.Uint16(b[0x5C:])
		d.RPFlags = le.Uint16(b[0x5E:])
	} else {
		d.LinkID = le.Uint64(b[0x58:])
	}
	nextra := int(le.Uint16(b[0x60:]))
	shortBytes := uint64(le.Uint16(b[0x62:]))
	nameBytes := uint64(le.Uint16(b[0x64:]))
	if nameBytes%2 != 0 || shortBytes%2 != 0 {
		return nil, 0, formatErr(int64(off), "dentry name length %d or short name length %d is odd", nameBytes, shortBytes)
	}
	p := uint64(dentryFixedSize)
	if nameBytes > 0 {
		if p+nameBytes+2 > length {
			return nil, 0, formatErr(int64(off), "dentry name (%d bytes) overruns the dentry length %d", nameBytes, length)
		}
		d.Name, d.name16 = decodeName(b[p : p+nameBytes])
		p += nameBytes + 2
	}
	if shortBytes > 0 {
		if p+shortBytes+2 > length {
			return nil, 0, formatErr(int64(off), "dentry short name (%d bytes) overruns the dentry length %d", shortBytes, length)
		}
		d.ShortName, d.short16 = decodeName(b[p : p+shortBytes])
		p += shortBytes + 2
	}
	if t := uint64(align8(int(p))); t < length {
		d.Tagged = slices.Clone(b[t:length])
	}
	// Extra stream entries follow the dentry.
	next := off + length
	type rawStream struct {
		name16 []uint16
		hash   SHA1
	}
	var extras []rawStream
	for i := 0; i < nextra; i++ {
		if next > uint64(len(buf)) || uint64(len(buf))-next < extraStreamFixed {
			return nil, 0, formatErr(int64(next), "extra stream entry %d of dentry at %d lies outside the metadata resource", i, off)
		}
		sl := le.Uint64(buf[next:])
		if sl < extraStreamFixed || sl > uint64(len(buf))-next {
			return nil, 0, formatErr(int64(next), "extra stream entry length %d is impossible", sl)
		}
		var s rawStream
		copy(s.hash[:], buf[next+16:next+36])
		nb := uint64(le.Uint16(buf[next+36:]))
		if nb%2 != 0 || extraStreamFixed+nb > sl {
			return nil, 0, formatErr(int64(next), "extra stream name of %d bytes overruns the entry length %d", nb, sl)
		}
		if nb > 0 {
			s.name16 = utf16le(buf[next+extraStreamFixed : next+extraStreamFixed+nb])
		}
		extras = append(extras, s)
		next += uint64(align8(int(sl)))
	}
	// Assign stream roles (main hash first; reparse data before file data).
	hasUnnamedExtra := false
	for _, s := range extras {
		if len(s.name16) == 0 {
			hasUnnamedExtra = true
		}
	}
	all := make([]rawStream, 0, len(extras)+1)
	if !mainHash.IsZero() || !hasUnnamedExtra {
		all = append(all, rawStream{hash: mainHash})
	}
	all = append(all, extras...)
	haveReparse, haveData := false, false
	for _, s := range all {
		if len(s.name16) != 0 {
			d.Streams = append(d.Streams, NamedStream{Name: string(utf16.Decode(s.name16)), Hash: s.hash, name16: s.name16})
			continue
		}
		switch {
		case d.IsReparse() && !haveReparse:
			d.ReparseHash, haveReparse = s.hash, true
		case !haveData:
			d.Hash, haveData = s.hash, true
		}
	}
	// Only real folders (and the root) have children; a link to a folder
	// has none, whatever its subdirectory offset says.
	if (d.isRealDir() || depth == 0) && subdir != 0 {
		for childOff := subdir; ; {
			c, nx, err := ps.parse(childOff, depth+1)
			if err != nil {
				return nil, 0, err
			}
			if c == nil {
				break
			}
			if c.Name == "" {
				return nil, 0, formatErr(int64(childOff), "dentry below the root has no name")
			}
			d.Children = append(d.Children, c)
			childOff = nx
		}
	}
	return d, next, nil
}

// decodeName decodes a UTF-16LE name. The exact code units are kept only
// when the string cannot represent them (unpaired surrogates).
func decodeName(b []byte) (string, []uint16) {
	u := utf16le(b)
	for _, c := range u {
		if c >= 0xD800 && c < 0xE000 {
			s := string(utf16.Decode(u))
			if slices.Equal(utf16.Encode([]rune(s)), u) {
				return s, nil
			}
			return s, u
		}
	}
	buf := make([]rune, len(u))
	for i, c := range u {
		buf[i] = rune(c)
	}
	return string(buf), nil
}

func utf16le(b []byte) []uint16 {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return u
}

func toUTF16(s string) []uint16 { return utf16.Encode([]rune(s)) }

func (d *Dentry) names16() (name, short []uint16) {
	name, short = d.name16, d.short16
	if name == nil || string(utf16.Decode(name)) != d.Name {
		name = toUTF16(d.Name)
	}
	if short == nil || string(utf16.Decode(short)) != d.ShortName {
		short = toUTF16(d.ShortName)
	}
	return
}

// collate orders names as wimlib and Windows do: case-insensitively by
// upcased UTF-16 code units, ties broken case-sensitively.
func collate(a, b []uint16) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ua, ub := upcase16(a[i]), upcase16(b[i])
		if ua != ub {
			return int(ua) - int(ub)
		}
	}
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return slices.Compare(a, b)
}

func upcase16(c uint16) uint16 {
	if c < 0x80 {
		if 'a' <= c && c <= 'z' {
			return c - 32
		}
		return c
	}
	if c >= 0xD800 && c < 0xE000 {
		return c
	}
	u := []rune(strings.ToUpper(string(rune(c))))
	if len(u) == 1 && u[0] < 0x10000 {
		return uint16(u[0])
	}
	return c
}

// SortChildren puts every directory's children in collation order.
func (d *Dentry) SortChildren() {
	if len(d.Children) > 1 {
		keys := make(map[*Dentry][]uint16, len(d.Children))
		for _, c := range d.Children {
			n, _ := c.names16()
			keys[c] = n
		}
		slices.SortStableFunc(d.Children, func(a, b *Dentry) int { return collate(keys[a], keys[b]) })
	}
	for _, c := range d.Children {
		c.SortChildren()
	}
}

// streamsForDisk lists the streams a dentry stores, in the DISM-compatible
// order: reparse data, unnamed data (files only), named streams.
func (d *Dentry) streamsForDisk() []NamedStream {
	var s []NamedStream
	if d.IsReparse() {
		s = append(s, NamedStream{Hash: d.ReparseHash})
	}
	if !d.isRealDir() {
		s = append(s, NamedStream{Hash: d.Hash})
	}
	s = append(s, d.Streams...)
	return s
}

func (d *Dentry) diskLength() int {
	name, short := d.names16()
	n := dentryFixedSize
	if len(name) > 0 {
		n += 2*len(name) + 2
	}
	if len(short) > 0 {
		n += 2*len(short) + 2
	}
	return align8(n) + align8(len(d.Tagged))
}

func (d *Dentry) streamsLength() int {
	ss := d.streamsForDisk()
	if len(ss) == 1 && ss[0].Name == "" {
		return 0
	}
	n := 0
	for _, s := range ss {
		nl := 0
		if s.Name != "" {
			nl = 2*len(s.nameOrEncode()) + 2
		}
		n += align8(extraStreamFixed + nl)
	}
	return n
}

func (s NamedStream) nameOrEncode() []uint16 {
	if s.name16 != nil && string(utf16.Decode(s.name16)) == s.Name {
		return s.name16
	}
	return toUTF16(s.Name)
}

// Marshal encodes the metadata resource (security data and tree).
// Directories' children are written in their current order.
func (m *Metadata) Marshal() ([]byte, error) {
	le := binary.LittleEndian
	secLen := 8 + 8*len(m.Security)
	for _, sd := range m.Security {
		secLen += len(sd)
	}
	if uint64(secLen) > 0xFFFFFFFF {
		return nil, fmt.Errorf("security data too large")
	}
	// Lay out: root, end marker, then each directory's children in pre-order.
	rootOff := align8(secLen)
	next := rootOff + m.Root.diskLength() + m.Root.streamsLength() + 8
	var dirs []*Dentry
	subdir := map[*Dentry]int{}
	var walk func(d *Dentry)
	walk = func(d *Dentry) {
		subdir[d] = next
		dirs = append(dirs, d)
		for _, c := range d.Children {
			next += c.diskLength() + c.streamsLength()
		}
		next += 8
		for _, c := range d.Children {
			if c.isRealDir() {
				walk(c)
			}
		}
	}
	walk(m.Root)
	out := make([]byte, next)
	le.PutUint32(out, uint32(secLen))
	le.PutUint32(out[4:], uint32(len(m.Security)))
	p := 8 + 8*len(m.Security)
	for i, sd := range m.Security {
		le.PutUint64(out[8+8*i:], uint64(len(sd)))
		copy(out[p:], sd)
		p += len(sd)
	}
	// wimlib rounds TotalLength up to 8.
	le.PutUint32(out, uint32(align8(secLen)))
	pos := rootOff
	pos = putDentry(out, pos, m.Root, subdir[m.Root], true)
	pos += 8
	// Children lists are emitted in the same pre-order as offsets were assigned.
	for _, d := range dirs {
		if pos != subdir[d] {
			return nil, fmt.Errorf("internal error: directory list at %d, expected %d", pos, subdir[d])
		}
		for _, c := range d.Children {
			pos = putDentry(out, pos, c, subdir[c], false)
		}
		pos += 8
	}
	return out, nil
}

func putDentry(out []byte, pos int, d *Dentry, subdir int, root bool) int {
	le := binary.LittleEndian
	b := out[pos:]
	length := d.diskLength()
	le.PutUint64(b, uint64(length))
	le.PutUint32(b[0x08:], d.Attributes)
	le.PutUint32(b[0x0C:], uint32(d.SecurityID))
	if d.isRealDir() || root {
		le.PutUint64(b[0x10:], uint64(subdir))
	}
	le.PutUint64(b[0x28:], uint64(d.CreationTime))
	le.PutUint64(b[0x30:], uint64(d.LastAccessTime))
	le.PutUint64(b[0x38:], uint64(d.LastWriteTime))
	ss := d.streamsForDisk()
	single := len(ss) == 1 && ss[0].Name == ""
	if single {
		copy(b[0x40:0x54], ss[0].Hash[:])
	}
	le.PutUint32(b[0x54:], d.Unknown54)
	if d.IsReparse() {
		le.PutUint32(b[0x58:], d.ReparseTag)
		le.PutUint16(b[0x5C:], d.ReparseReserved)
		le.PutUint16(b[0x5E:], d.RPFlags)
	} else {
		le.PutUint64(b[0x58:], d.LinkID)
	}
	if !single {
		le.PutUint16(b[0x60:], uint16(len(ss)))
	}
	name, short := d.names16()
	if root {
		name, short = nil, nil
	}
	le.PutUint16(b[0x62:], uint16(2*len(short)))
	le.PutUint16(b[0x64:], uint16(2*len(name)))
	p := dentryFixedSize
	if len(name) > 0 {
		for _, c := range name {
			le.PutUint16(b[p:], c)
			p += 2
		}
		p += 2
	}
	if len(short) > 0 {
		for _, c := range short {
			le.PutUint16(b[p:], c)
			p += 2
		}
		p += 2
	}
	if len(d.Tagged) > 0 {
		copy(b[align8(p):], d.Tagged)
	}
	pos += length
	if !single {
		for _, s := range ss {
			e := out[pos:]
			var nm []uint16
			if s.Name != "" {
				nm = s.nameOrEncode()
			}
			nl := 0
			if len(nm) > 0 {
				nl = 2*len(nm) + 2
			}
			el := align8(extraStreamFixed + nl)
			le.PutUint64(e, uint64(el))
			copy(e[16:36], s.Hash[:])
			le.PutUint16(e[36:], uint16(2*len(nm)))
			for i, c := range nm {
				le.PutUint16(e[extraStreamFixed+2*i:], c)
			}
			pos += el
		}
	}
	return pos
}

// Walk calls fn for every dentry below (and including) d with its path
// relative to the image root, using '/' as separator ("" for the root).
func (d *Dentry) Walk(fn func(path string, d *Dentry) error) error {
	return d.walk("", fn)
}

func (d *Dentry) walk(p string, fn func(string, *Dentry) error) error {
	if err := fn(p, d); err != nil {
		return err
	}
	for _, c := range d.Children {
		cp := c.Name
		if p != "" {
			cp = p + "/" + c.Name
		}
		if err := c.walk(cp, fn); err != nil {
			return err
		}
	}
	return nil
}
