package xpress

import (
	"encoding/binary"
	"math/bits"
)

// Matchfinder and parser parameters.
const (
	hashBits   = 15
	hash3Bits  = 12
	maxDepth   = 24   // hash-chain positions examined per search
	niceLen    = 48   // a match this long is taken without further search
	maxOff3    = 4096 // length-3 matches farther than this are not worth it
	baseLimit  = 1 << 30
	maxOffset  = 65535
	maxMatch   = 65538
	minLazyGap = 2
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
	head  [1 << hashBits]int32
	head3 [1 << hash3Bits]int32
	prev  [maxChunkSize]uint16 // distance to the previous position with the same hash4; 0 = none
	base  int32                // absolute position of the current chunk's byte 0
	seqs  []seq
	freq  [numSymbols]uint32
	lens  [numSymbols]uint8
	codes [numSymbols]uint16
	huff  huffBuilder
}

// NewCompressor returns a Compressor.
func NewCompressor() *Compressor {
	c := &Compressor{base: 1}
	c.seqs = make([]seq, 0, 4096)
	return c
}

func hash4(v uint32) uint32 { return (v * 0x9E3779B1) >> (32 - hashBits) }
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
	if c.base > baseLimit {
		c.head = [1 << hashBits]int32{}
		c.head3 = [1 << hash3Bits]int32{}
		c.base = 1
	}
	c.freq = [numSymbols]uint32{}
	c.parse(src)
	c.base += int32(n) + 1
	c.freq[256]++ // end of data

	c.huff.makeLengths(&c.freq, &c.lens)
	makeCodes(&c.lens, &c.codes)

	// Exact output size: 256-byte table, two 16-bit slots reserved up
	// front, one more slot per 16 bits after the first 16, and the extra
	// length bytes.
	nbits := uint64(0)
	for s, f := range c.freq {
		nbits += uint64(f) * uint64(c.lens[s])
		if s >= 256 {
			nbits += uint64(f) * uint64((s-256)>>4)
		}
	}
	extra := 0
	for _, q := range c.seqs {
		if q.length != 0 {
			if adj := q.length - minMatchLen; adj >= 15 {
				extra++
				if adj-15 >= 255 {
					extra += 2
				}
			}
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
func (c *Compressor) parse(src []byte) {
	n := len(src)
	seqs := c.seqs[:0]
	freq := &c.freq
	head := &c.head
	head3 := &c.head3
	prev := &c.prev
	base := c.base
	// Positions ≥ last have fewer than 4 bytes left and are not hashed.
	last := n - 3

	litStart := 0
	i := 0
	emit := func(pos, length, offset int) {
		for _, b := range src[litStart:pos] {
			freq[b]++
		}
		adj := length - minMatchLen
		k := bits.Len32(uint32(offset)) - 1
		freq[256+k<<4+min(adj, 15)]++
		seqs = append(seqs, seq{lits: uint32(pos - litStart), length: uint32(length), offset: uint32(offset)})
		litStart = pos + length
	}
	// insert adds position p (< last) to the hash chains.
	insert := func(p int) {
		v := binary.LittleEndian.Uint32(src[p:])
		h := hash4(v)
		cand := head[h]
		head[h] = base + int32(p)
		d := 0
		if cand >= base {
			d = p - int(cand-base)
		}
		prev[p] = uint16(d)
		head3[hash3(v)] = base + int32(p)
	}
	// find inserts p and returns the longest match at p longer than
	// better (0 if none).
	find := func(p, better int) (int, int) {
		v := binary.LittleEndian.Uint32(src[p:])
		h := hash4(v)
		cand := head[h]
		head[h] = base + int32(p)
		h3 := hash3(v)
		cand3 := head3[h3]
		head3[h3] = base + int32(p)
		bestLen, bestOff := better, 0
		limit := n - p
		if limit > maxMatch {
			limit = maxMatch
		}
		cur := src[p:]
		if cand < base {
			prev[p] = 0
		} else {
			cp := int(cand - base)
			prev[p] = uint16(p - cp)
			for depth := maxDepth; ; {
				if binary.LittleEndian.Uint32(src[cp:]) == v && (bestLen < 4 || (bestLen < limit && src[cp+bestLen] == cur[bestLen])) {
					l := 4 + matchLen(src[cp+4:], cur[4:limit])
					if l > bestLen {
						bestLen, bestOff = l, p-cp
						if l >= niceLen || l >= limit {
							break
						}
					}
				}
				depth--
				d := int(prev[cp])
				if d == 0 || depth == 0 {
					break
				}
				cp -= d
				if p-cp > maxOffset {
					break
				}
			}
		}
		if bestOff == 0 && better < 3 && cand3 >= base {
			cp := int(cand3 - base)
			if off := p - cp; off <= maxOff3 && src[cp] == cur[0] && src[cp+1] == cur[1] && src[cp+2] == cur[2] {
				return 3, off
			}
		}
		if bestOff == 0 {
			return 0, 0
		}
		return bestLen, bestOff
	}

outer:
	for i < last {
		curLen, curOff := find(i, 2)
		if curLen == 0 {
			i++
			continue
		}
		// Lazy evaluation: while the match at the next position is
		// better, emit a literal instead.
		for curLen < niceLen && i+1 < last {
			nextLen, nextOff := find(i+1, curLen)
			if nextLen == 0 || !lazyBetter(nextLen, nextOff, curLen, curOff) {
				// i+1 has been inserted; insert the rest of the match.
				emit(i, curLen, curOff)
				end := min(i+curLen, last)
				for p := i + 2; p < end; p++ {
					insert(p)
				}
				i += curLen
				continue outer
			}
			i++
			curLen, curOff = nextLen, nextOff
		}
		emit(i, curLen, curOff)
		{
			end := min(i+curLen, last)
			for p := i + 1; p < end; p++ {
				insert(p)
			}
		}
		i += curLen
	}
	for _, b := range src[litStart:] {
		freq[b]++
	}
	seqs = append(seqs, seq{lits: uint32(n - litStart)})
	c.seqs = seqs
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

// encode writes the table and the bitstream for c.seqs into dst, whose
// length is the exact compressed size.
func (c *Compressor) encode(dst, src []byte) {
	for i := 0; i < tableLenBytes; i++ {
		dst[i] = c.lens[2*i] | c.lens[2*i+1]<<4
	}
	out := dst[tableLenBytes:]
	// The bit writer keeps two 16-bit slots reserved ahead of the byte
	// position, as the decoder reads two units ahead.
	slot0, slot1, pos := 0, 2, 4
	var acc uint64
	nb := uint(0)
	codes := &c.codes
	lens := &c.lens
	put := func(v uint32, n uint) {
		acc = acc<<n | uint64(v)
		nb += n
		if nb > 16 {
			nb -= 16
			binary.LittleEndian.PutUint16(out[slot0:], uint16(acc>>nb))
			slot0, slot1 = slot1, pos
			pos += 2
		}
	}
	p := 0
	for _, q := range c.seqs {
		for _, b := range src[p : p+int(q.lits)] {
			put(uint32(codes[b]), uint(lens[b]))
		}
		p += int(q.lits)
		if q.length == 0 {
			continue
		}
		adj := int(q.length) - minMatchLen
		off := q.offset
		k := uint(bits.Len32(off) - 1)
		sym := 256 + int(k)<<4 + min(adj, 15)
		put(uint32(codes[sym]), uint(lens[sym]))
		if adj >= 15 {
			if adj-15 >= 255 {
				out[pos] = 255
				binary.LittleEndian.PutUint16(out[pos+1:], uint16(adj))
				pos += 3
			} else {
				out[pos] = byte(adj - 15)
				pos++
			}
		}
		if k > 0 {
			put(off-1<<k, k)
		}
		p += int(q.length)
	}
	put(uint32(codes[256]), uint(lens[256]))
	binary.LittleEndian.PutUint16(out[slot0:], uint16(acc<<(16-nb)))
	binary.LittleEndian.PutUint16(out[slot1:], 0)
}
