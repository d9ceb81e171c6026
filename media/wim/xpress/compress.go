package xpress

import (
	"encoding/binary"
	"math/bits"
)

// Match finder: hash chains over 5-byte strings, plus a single-entry table
// of the latest position of each 3-byte string for the short matches the
// chains miss.
const (
	hashBits  = 15
	hash3Bits = 14

	maxOff3    = 2048  // length-3 matches farther than this are not worth it
	lazyDepth  = 2     // chain positions the lazy search examines after a match ≥ good
	maxMatch   = 65538 // longest match the format can code
	minLazyGap = 2
	skipShift  = 6 // after 1<<skipShift fruitless searches, step by 2, and so on

	// Inside a match longer than maxInsert only its last insertTail
	// positions are inserted into the hash tables: in runs of one byte
	// and long repeats, inserting every position cost more than all the
	// searching, and the skipped positions are rarely the best source of
	// a later match (the run's end, kept, usually is). At 32 (it was
	// 256) a capture of the bench tree takes ~6 % less CPU for +0.16 %
	// of size: log lines and repeated source lines are such matches.
	maxInsert  = 32
	insertTail = 16
)

// seq is a run of literals followed by a match (length 0 for the final
// literal run).
type seq struct {
	lits   uint32 // number of literals before the match
	length uint32 // match length (0: none)
	offset uint32
}

// Compressor compresses XPRESS chunks. It keeps its match finder and
// scratch space between chunks; it is not safe for concurrent use.
type Compressor struct {
	// head and head3 hold ^pos of the latest position with each hash, so that a cleared entry reads as position 65535, which is
	// never inserted (a position needs 8 bytes after it). They are
	// cleared for every chunk.
	head   [1 << hashBits]uint16
	head3  [1 << hash3Bits]uint16
	prev   [maxChunkSize]uint16 // per inserted position, the head entry it replaced: ^ of the previous position with the same 5-byte hash
	seqs   []seq
	seqBuf [maxChunkSize/minMatchLen + 2]seq // backs seqs: every match is ≥ 3 bytes
	freq   [numSymbols]uint32
	lens   [numSymbols]uint8
	codes  [numSymbols]uint16
	huff   huffBuilder
	ubuf   [maxChunkSize + 8]byte // encode's bitstream units, before the byte groups are merged in
	grpBuf [4096]group            // encode's byte groups: at most one per 18 bytes of a chunk

	depth, nice, good, lazy int // parser parameters
	huge                    int // parse's count of matches with 3 extra length bytes
}

// NewCompressor returns a Compressor.
func NewCompressor() *Compressor {
	c := &Compressor{depth: defaultDepth, nice: defaultNice, good: defaultGood, lazy: defaultLazy}
	return c
}

func hash5(v uint64) uint32 {
	return uint32(((v << 24) * 0x9E3779B97F4A7C15) >> (64 - hashBits))
}
func hash3(v uint32) uint32 { return ((v << 8) * 0x9E3779B1) >> (32 - hash3Bits) }

// Compress compresses src (at most 64 KiB) into dst, which must be at least
// len(src) bytes long, and returns the compressed size. It returns 0 if the
// compressed chunk would not be smaller than src; the caller then stores
// the chunk raw.
func (c *Compressor) Compress(dst, src []byte) int {
	n := len(src)
	if n == 0 || n > maxChunkSize || len(dst) < n || n <= tableLenBytes+4 {
		return 0
	}
	c.head = [1 << hashBits]uint16{}
	c.head3 = [1 << hash3Bits]uint16{}
	c.freq = [numSymbols]uint32{}
	c.parse(src)
	c.freq[256]++ // end of data

	c.huff.makeLengths(&c.freq, &c.lens)
	makeCodes(&c.lens, &c.codes)

	// Exact output size: 256-byte table, two 16-bit slots reserved up
	// front, one more slot per 16 bits after the first 16, and the extra
	// length bytes.
	nbits := uint64(0)
	for s, f := range c.freq[:256] {
		nbits += uint64(f) * uint64(c.lens[s])
	}
	extra := 2 * c.huge // a match of 270 bytes or more has 2 more
	for s, f := range c.freq[256:] {
		nbits += uint64(f) * uint64(int(c.lens[256+s])+s>>4)
		if s&15 == 15 {
			extra += int(f) // its length needs a byte at least
		}
	}
	size := tableLenBytes + 4 + 2*int((nbits-1)/16) + extra
	if size >= n {
		return 0
	}
	c.encode(dst[:size], src)
	return size
}

// parse runs the lazy parser over src, filling c.seqs and c.freq.
//
// The match search is a function of its own (find): the parser's loop
// then keeps its few values in registers, and so does the search.
func (c *Compressor) parse(src []byte) {
	n := len(src)
	seqs := &c.seqBuf
	ns := 0
	freq := &c.freq
	// Positions ≥ last have fewer than 8 bytes left and are not hashed.
	last := n - 7
	litStart := 0
	miss := 0 // positions searched since the last match
	huge := 0 // matches of 270 bytes or more: 3 extra length bytes
	i := 0    // every byte before i is counted in freq or is in a match
	for i < last {
		// A position whose 5-byte and 3-byte strings were never seen
		// is inserted here, without calling find.
		v8 := load64(src, i)
		h, h3 := hash5(v8), hash3(uint32(v8))
		l, off := 0, 0
		if c.head[h]|c.head3[h3] == 0 {
			c.head[h] = ^uint16(i)
			c.prev[uint16(i)] = 0
			c.head3[h3] = ^uint16(i)
		} else {
			l, off = c.find(src, i, 2, c.depth)
		}
		if l == 0 {
			// In data without matches, search ever more sparsely
			// (positions skipped are not inserted either), as data
			// that is already compressed gains nothing from effort.
			// Literals are counted as they are passed (no loop over
			// each literal run, whose end mispredicts).
			miss++
			freq[src[i]]++
			i++
			if miss >= 1<<skipShift {
				for end := min(i+miss>>skipShift, n); i < end; i++ {
					freq[src[i]]++
				}
			}
			continue
		}
		miss = 0
		// Lazy evaluation: a better match one byte later turns the
		// byte at i into a literal.
		next := i + 1 // first position not yet inserted
		for l < c.lazy && i+1 < last {
			depth := c.depth
			if l >= c.good {
				depth = lazyDepth
			}
			l2, off2 := c.find(src, i+1, l, depth)
			next = i + 2
			if l2 == 0 || !lazyBetter(l2, off2, l, off) {
				break
			}
			freq[src[i]]++
			i++
			l, off = l2, off2
		}
		adj := l - minMatchLen
		k := bits.Len32(uint32(off)) - 1
		freq[256+k<<4+min(adj, 15)]++
		if adj >= 15+255 {
			huge++
		}
		seqs[ns] = seq{lits: uint32(i - litStart), length: uint32(l), offset: uint32(off)}
		ns++
		litStart = i + l
		c.skipMatch(src, next, min(litStart, last))
		i = litStart
	}
	for _, b := range src[min(i, n):] {
		freq[b]++
	}
	seqs[ns] = seq{lits: uint32(n - litStart)}
	c.seqs = seqs[:ns+1]
	c.huge = huge
}

// find inserts position i (which has at least 8 bytes after it) into the
// hash tables and returns the longest match found at i that is longer
// than better, examining at most depth positions of the hash chain, or
// (0, 0).
func (c *Compressor) find(src []byte, i, better, depth int) (length, offset int) {
	v8 := load64(src, i)
	v := uint32(v8)
	h := hash5(v8)
	hv := c.head[h]
	c.head[h] = ^uint16(i)
	c.prev[uint16(i)] = hv
	h3 := hash3(v)
	cand3 := int(^c.head3[h3])
	c.head3[h3] = ^uint16(i)
	limit := len(src) - i // ≤ 65536: every match fits the format
	if cp := int(^hv); cp < i && better < limit {
		bl := better
		// The 4 bytes ending at bl must match for a longer match
		// (from 0 when bl is 2; without a branch, as bl is random).
		tailAt := bl - 3
		tailAt &^= tailAt >> 63
		tail := load32(src, i+tailAt)
		stop := min(c.nice, limit) // a match this long ends the search
		for {
			if load32(src, cp+tailAt) == tail {
				// The first 8 bytes in one comparison (i has 8 bytes
				// after it); most matches end there.
				l := 0
				if x := load64(src, cp) ^ v8; x != 0 {
					l = bits.TrailingZeros64(x) >> 3
				} else {
					l = 8 + matchLenAt(src, cp+8, i+8)
				}
				if l > bl {
					bl, offset = l, i-cp
					if l >= stop {
						break
					}
					tailAt = bl - 3
					tail = load32(src, i+tailAt)
				}
			}
			depth--
			next := int(^c.prev[uint16(cp)])
			if next >= cp || depth <= 0 {
				break
			}
			cp = next
		}
		if offset != 0 {
			return bl, offset
		}
	}
	if better < 4 {
		// The latest position of the same 3 bytes gives the short
		// matches the 5-byte chains cannot. Whether there is one, and
		// whether it is near enough for 3 bytes, only set the length
		// it needs (an absent one is compared at 0 and needs more than
		// the 8 bytes one load shows); the compiler makes conditional
		// moves of the last two, a branch of the distance test.
		c3, need := cand3, 4
		if i-c3 <= maxOff3 {
			need = 3
		}
		if better >= 3 {
			need = 4
		}
		if c3 >= i {
			c3, need = 0, 9
		}
		l := bits.TrailingZeros64(load64(src, c3)^v8) >> 3
		if l >= need {
			if l == 8 {
				l += matchLenAt(src, c3+8, i+8)
			}
			return l, i - c3
		}
	}
	return 0, 0
}

// skipMatch inserts the positions [from, to) covered by a match into the
// hash tables, only the last insertTail of them if there are more than
// maxInsert.
func (c *Compressor) skipMatch(src []byte, from, to int) {
	if to-from > maxInsert {
		from = to - insertTail
	}
	c.skip(src, from, to)
}

// skip inserts positions [from, to) into the hash tables. The slice
// shrinks by one byte per position, so the 8-byte load at each position
// needs no bounds check of its own.
func (c *Compressor) skip(src []byte, from, to int) {
	if from >= to {
		return
	}
	head, head3, prev := &c.head, &c.head3, &c.prev
	s := src[from : to+7]
	p := uint16(from)
	for len(s) >= 8 {
		v8 := binary.LittleEndian.Uint64(s)
		h := hash5(v8)
		prev[p] = head[h]
		head[h] = ^p
		head3[hash3(uint32(v8))] = ^p
		p++
		s = s[1:]
	}
}

// lazyBetter reports whether the match (l2, o2) one byte later is worth a
// literal compared with the match (l1, o1): each extra byte of length is
// worth about four offset bits.
func lazyBetter(l2, o2, l1, o1 int) bool {
	if l2 <= l1 {
		return false
	}
	gain := 4*(l2-l1) + bits.Len32(uint32(o1)) - bits.Len32(uint32(o2))
	return gain > minLazyGap
}

// matchLen returns the number of equal leading bytes of a and b, with
// len(b) ≤ len(a).
func matchLen(a, b []byte) int {
	n := 0
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(a) ^ binary.LittleEndian.Uint64(b)
		if x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		a, b = a[8:], b[8:]
		n += 8
	}
	for i := range b {
		if a[i] != b[i] {
			return n + i
		}
	}
	return n + len(b)
}

// matchLenAt returns the number of equal bytes at src[p:] and src[q:],
// with p < q: a match at q from p, up to the end of src. Indices instead
// of slices spare the pointer arithmetic of re-slicing.
func matchLenAt(src []byte, p, q int) int {
	n := 0
	for q+8 <= len(src) {
		if x := load64(src, p) ^ load64(src, q); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		p, q, n = p+8, q+8, n+8
	}
	for q < len(src) && src[p] == src[q] {
		p, q, n = p+1, q+1, n+1
	}
	return n
}

// load32 and load64 read little-endian words at src[i:]; the explicit
// window needs one bounds check and no re-slicing of src.
func load32(src []byte, i int) uint32 { return binary.LittleEndian.Uint32(src[i : i+4]) }
func load64(src []byte, i int) uint64 { return binary.LittleEndian.Uint64(src[i : i+8]) }

// encode writes the table and the bitstream for c.seqs into dst, whose
// length is the exact compressed size.
//
// The format interleaves the extra length bytes of long matches with the
// bitstream's 16-bit units: a decoder holds two units ahead, so a byte
// written when the bits so far fill F units and part of one more
// (1 to 16 bits pending) comes after unit F+1. The units are written in
// order into c.ubuf with few branches (a flush stores 8 bytes, most
// significant first, and advances by the whole units among them; the
// state is the bits pending in acc and t, the number of bits so far),
// each byte group is recorded with the unit it follows, and at the end
// the units' bytes are put in little-endian order and merged with the
// byte groups into dst.
func (c *Compressor) encode(dst, src []byte) {
	for i := 0; i < tableLenBytes; i++ {
		dst[i] = c.lens[2*i] | c.lens[2*i+1]<<4
	}
	// sym packs codeword<<8 | length for every symbol (so that the
	// lengths of three symbols add up in the low byte); a literal
	// index with numSymbols added is an empty symbol (no bits).
	var sym [numSymbols + 256]uint32
	for s := range numSymbols {
		sym[s] = uint32(c.codes[s])<<8 | uint32(c.lens[s])
	}
	ub := &c.ubuf
	grps := &c.grpBuf
	ng := 0
	var acc uint64
	// t is the number of bits so far: the units below t>>4 are in ub,
	// the other t&15 bits are the low bits of acc. After n more bits
	// are added to acc, every pending bit is stored, from ub[t>>4*2],
	// and t advances by n: the whole units among them stay.
	t := 0
	p := 0
	seqs := c.seqs[:len(c.seqs)-1] // the last has no match
	for _, q := range seqs {
		end := p + int(q.lits)
		// Three literals (at most 45 bits) fit after a flush.
		for p+3 <= end {
			b := src[p : p+3]
			e0, e1, e2 := sym[b[0]], sym[b[1]], sym[b[2]]
			acc = acc<<(e0&63) | uint64(e0>>8)
			acc = acc<<(e1&63) | uint64(e1>>8)
			acc = acc<<(e2&63) | uint64(e2>>8)
			n := int((e0 + e1 + e2) & 255)
			binary.LittleEndian.PutUint64(ub[t>>4*2&0xFFFF:], bits.ReverseBytes64(acc<<(-(t&15+n)&63)))
			t += n
			p += 3
		}
		// The other 0 to 2 literals without a branch: a literal not
		// there is the empty symbol. (The match after them has at
		// least 3 bytes, so both loads are inside src.)
		b := src[p : p+2]
		r := end - p
		e0 := sym[int(b[0])|(r-1)>>63&numSymbols]
		e1 := sym[int(b[1])|(r-2)>>63&numSymbols]
		acc = acc<<(e0&63) | uint64(e0>>8)
		acc = acc<<(e1&63) | uint64(e1>>8)
		n := int((e0 + e1) & 255)
		binary.LittleEndian.PutUint64(ub[t>>4*2&0xFFFF:], bits.ReverseBytes64(acc<<(-(t&15+n)&63)))
		t += n
		// The match: its symbol, the extra length bytes if any
		// (recorded as a group; the entry is overwritten when the
		// match is short), its offset bits.
		adj := int(q.length) - minMatchLen
		off := q.offset
		k := uint(bits.Len32(off)-1) & 15
		e := sym[(256+int(k)<<4+min(adj, 15))&(numSymbols-1)]
		cl := int(e & 15)
		acc = acc<<(e&63) | uint64(e>>8)
		grps[ng&(len(grps)-1)] = group{at: uint32((t&15+cl-1)>>4 + 2 + t>>4), adj: uint32(adj)}
		if adj >= 15 {
			ng++
		}
		acc = acc<<k | uint64(off^1<<k)
		n = cl + int(k)
		binary.LittleEndian.PutUint64(ub[t>>4*2&0xFFFF:], bits.ReverseBytes64(acc<<(-(t&15+n)&63)))
		t += n
		p = end + int(q.length)
	}
	for ; p < len(src); p++ {
		e := sym[src[p]]
		acc = acc<<(e&63) | uint64(e>>8)
		n := int(e & 15)
		binary.LittleEndian.PutUint64(ub[t>>4*2&0xFFFF:], bits.ReverseBytes64(acc<<(-(t&15+n)&63)))
		t += n
	}
	// The end symbol, the last bits in a unit of their own (already
	// stored, zero-padded), and a zero unit (the decoder's second unit
	// ahead).
	e := sym[256]
	acc = acc<<(e&63) | uint64(e>>8)
	n := int(e & 15)
	binary.LittleEndian.PutUint64(ub[t>>4*2&0xFFFF:], bits.ReverseBytes64(acc<<(-(t&15+n)&63)))
	t += n
	wp := (t + 15) >> 4 * 2
	binary.LittleEndian.PutUint16(ub[wp:], 0)
	wp += 2
	// The units were stored most significant byte first: swap the bytes
	// of each. Then merge the units and the byte groups.
	for i := 0; i < wp; i += 8 {
		v := binary.LittleEndian.Uint64(ub[i : i+8])
		binary.LittleEndian.PutUint64(ub[i:i+8], v>>8&0x00FF00FF00FF00FF|v&0x00FF00FF00FF00FF<<8)
	}
	out := dst[tableLenBytes:]
	o, u := 0, 0
	for _, g := range grps[:ng] {
		at := int(g.at) * 2
		o += copy(out[o:], ub[u:at])
		u = at
		if g.adj-15 >= 255 {
			out[o] = 255
			binary.LittleEndian.PutUint16(out[o+1:], uint16(g.adj))
			o += 3
		} else {
			out[o] = byte(g.adj - 15)
			o++
		}
	}
	copy(out[o:], ub[u:wp])
}

// group is the extra length bytes of a long match, to be placed after
// the first at units of the bitstream.
type group struct {
	at, adj uint32
}

// Default parser parameters, chosen on Go sources and executables for
// wimlib-like output size at wimlib-like speed (docs/performance.md).
const (
	defaultDepth = 12 // hash-chain positions examined per search
	defaultNice  = 32 // a match this long is taken without further search
	defaultGood  = 4  // the lazy search examines lazyDepth positions once a match is this long
	defaultLazy  = 16 // a match this long is taken without trying the next position
)
