package lzx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
)

// The compressor works on one chunk at a time, as WIM requires:
//
//  1. The chunk is copied and E8-translated (the decoder always undoes the
//     translation, so the compressor must always apply it).
//  2. The chunk is cut into blocks. For each block a binary-tree match
//     finder lists, at every position, the matches of increasing length
//     (plus the latest length-2 match with a small offset); where a match
//     reaches niceLen it is taken as it is and the positions it covers are
//     only inserted into the tree.
//  3. A forward minimum-cost parse over the block chooses literals,
//     explicit matches and repeat-offset matches. Every position carries
//     the repeat-offset queue of the cheapest path that reaches it, so
//     repeat matches are priced exactly along that path. A greedy parse
//     gives the first statistics; each pass is priced with the Huffman
//     code lengths of the pass before, and all passes but the last offer
//     only the repeat matches at their full length and the longest
//     explicit match (they only refine statistics).
//  4. The chosen items are coded as a verbatim or an aligned-offset block,
//     whichever is smaller, with code lengths sent as pretree-coded deltas
//     from the previous block's.
const (
	maxMatchLen = minMatchLen + numPrimaryLens + numLenSyms - 1 // 257
	hashBits    = 16
	maxLen2Off  = 1024 // length-2 matches farther than this never pay
	costShift   = 4    // costs are in 1/16 bit
	infCost     = math.MaxUint32

	// Positions of the match-finding table.
	posNormal = 0
	posLong   = 1 // only the longest match is listed; taken greedily
	posInside = 2 // inside a long match: not a parse decision point

	mainMaxLen    = 16
	lenMaxLen     = 16
	alignedMaxLen = 7
	preMaxLen     = 15
)

// Level presets: search depth, nice length, parse passes.
type params struct {
	depth, nice, passes int
	blockSize           int // nominal block size for chunks larger than 32 KiB
}

var defaultParams = params{depth: 16, nice: 32, passes: 2, blockSize: 32768} // 32 KiB chunks: one block each

type match struct {
	length uint32
	offset uint32
}

// seqItem is one chosen item: a literal (length 0, f = the byte) or a match.
type seqItem struct {
	length uint32
	f      uint32
}

// Compressor compresses WIM LZX chunks for one window (chunk) size. It keeps
// its match finder and scratch space between chunks; it is not safe for
// concurrent use.
type Compressor struct {
	window   int
	n        int // current chunk's length
	order    int
	nMain    int
	bigBlock bool
	cheap    bool // parse: a statistics pass (matches at their full length only)
	p        params

	buf   []byte   // E8-translated chunk, 8 zero bytes of padding
	head  []uint32 // latest gen+position+1 per 3-byte hash
	head2 []uint32 // latest gen+position+1 per 2-byte value
	gen   uint32   // entries ≤ gen are from earlier chunks: empty
	child []uint32 // binary tree: 2 entries per position (position+1, 0 = none)
	// 32 KiB windows: the tree in 16-bit entries, and the chunk in an
	// array whose masked indexes need no bounds checks (btFind16).
	child16 *[2 * 32768]uint16
	buf16   *[buf16Len]byte
	mstart  []uint32 // per block position: first match in ms
	kind    []uint8  // per block position: posNormal, posLong, posInside
	ms      []match
	node    []uint64    // parse: per position, cheapest known cost << 32 | the item ending that path (f<<9 | length)
	nodeQ   [][3]uint32 // repeat queue of the cheapest path to each node
	seq     []seqItem

	mainCost [maxMainSyms]uint32
	lenCost  [256]uint32 // numLenSyms used; 256 so that a masked index needs no check

	mainFreq [maxMainSyms]uint32
	lenFreq  [numLenSyms]uint32
	alFreq   [numAlignedSyms]uint32
	mainLens [maxMainSyms]uint8
	lenLens  [numLenSyms]uint8
	alLens   [numAlignedSyms]uint8
	mainCode [maxMainSyms]uint32
	lenCode  [numLenSyms]uint32
	alCode   [numAlignedSyms]uint32
	prevMain [maxMainSyms]uint8
	prevLen  [numLenSyms]uint8
	extraSum uint64 // countAndBuild: the offsets' extra bits
	huff     huffBuilder
	pre      []preItem

	out  []byte
	acc  uint64
	nacc uint
}

// NewCompressor returns a compressor for chunks of windowSize bytes (a power
// of two from 32 KiB to 2 MiB, the WIM chunk size).
func NewCompressor(windowSize int) (*Compressor, error) {
	order := bits.Len(uint(windowSize)) - 1
	if order < minWindowOrder || order > maxWindowOrder || 1<<order != windowSize {
		return nil, errWindowSize
	}
	c := &Compressor{
		window:   windowSize,
		order:    order,
		nMain:    numChars + 8*numOffsetSlots[order],
		bigBlock: order > minWindowOrder,
		p:        defaultParams,
		head:     make([]uint32, 1<<hashBits),
		head2:    make([]uint32, 1<<16),
	}
	if !c.bigBlock {
		c.buf16 = new([buf16Len]byte)
		c.buf = c.buf16[:windowSize+8]
		c.child16 = new([2 * 32768]uint16)
	} else {
		c.buf = make([]byte, windowSize+8)
		c.child = make([]uint32, 2*windowSize)
		// Large chunks: matches lie farther apart (a deeper search
		// pays) and 128 KiB blocks spend less on code tables than
		// 32 KiB ones (1 MiB chunks of the test corpus: 1.027× wimlib's
		// size with 32 KiB blocks and depth 16, 1.012× like this).
		c.p.depth = 24
		c.p.blockSize = 131072
	}
	return c, nil
}

// errNotSmaller is internal: the output would not be smaller than the input.
var errNotSmaller = errors.New("lzx: not compressible")

// Compress compresses src (at most the window size) into dst and returns the
// compressed size. It returns 0 when the result would not be smaller than
// src, or dst is too small; the caller then stores the chunk raw.
func (c *Compressor) Compress(dst, src []byte) int {
	n := len(src)
	if n == 0 || n > c.window {
		return 0
	}
	c.n = n
	buf := c.buf[:n+8]
	copy(buf, src)
	clear(buf[n:])
	e8Forward(buf[:n])
	// Start a new generation instead of clearing the tables (which
	// cost more than 16 bytes per input byte on 32 KiB chunks).
	if c.gen > math.MaxUint32-uint32(2*c.window+2) {
		clear(c.head)
		clear(c.head2)
		c.gen = 0
	} else {
		c.gen += uint32(c.window + 1)
	}
	c.prevMain = [maxMainSyms]uint8{}
	c.prevLen = [numLenSyms]uint8{}
	c.out = c.out[:0]
	c.acc, c.nacc = 0, 0
	limit := min(len(dst), n-1)
	q := [3]uint32{1, 1, 1}
	for bs := 0; bs < n; {
		be := n
		if n-bs > c.p.blockSize && c.bigBlock {
			be = bs + c.p.blockSize
			if n-be < c.p.blockSize/4 {
				be = n // no small tail block
			}
		}
		c.findMatches(bs, be)
		// A greedy parse gives the first statistics; each optimal
		// pass is priced with the codes of the pass before. Passes
		// before the last only refine those statistics: they offer
		// the repeat matches at their full length and the longest
		// explicit match alone, which costs a fraction of a full pass
		// and gives the last pass most of what a full pass would
		// (codec corpus: 2,303,272 bytes against 2,300,590 with two
		// full passes and 2,313,776 with one; 8 MB of an executable:
		// 2,549,182, 2,548,458 and 2,567,812).
		c.greedy(bs, be, q)
		c.countAndBuild()
		if bs == 0 && be == n && n >= 16384 && c.greedyBits() >= uint64(8*n) {
			// A chunk of one block that the greedy parse does not
			// shrink (random or compressed data) is stored raw
			// without the optimal passes: they would not make it
			// smaller either (GOROOT: 1,192 bytes more in all, on
			// 68 MB; 24 MiB of random bytes: 1.4 s → 0.78 s).
			return 0
		}
		for pass := 0; pass < c.p.passes; pass++ {
			c.costsFromLens()
			c.cheap = pass < c.p.passes-1
			c.parse(bs, be, q)
			c.countAndBuild()
		}
		q = c.nodeQ[be-bs]
		c.writeBlock(be - bs)
		if len(c.out) > limit {
			return 0
		}
		bs = be
	}
	c.flushBits()
	if len(c.out) > limit {
		return 0
	}
	return copy(dst, c.out)
}

// e8Forward applies the x86 call translation that the decoder's undoE8
// reverses.
func e8Forward(b []byte) {
	if len(b) <= 10 {
		return
	}
	end := len(b) - 10
	for i := 0; i < end; i++ {
		if b[i] != 0xE8 {
			j := bytes.IndexByte(b[i:end], 0xE8)
			if j < 0 {
				return
			}
			i += j
		}
		rel := int32(binary.LittleEndian.Uint32(b[i+1:]))
		if rel >= -int32(i) && rel < e8FileSize {
			var abs int32
			if rel < e8FileSize-int32(i) {
				abs = rel + int32(i)
			} else {
				abs = rel - e8FileSize
			}
			binary.LittleEndian.PutUint32(b[i+1:], uint32(abs))
		}
		i += 4
	}
}

func hash3(v uint32) uint32 { return ((v << 8) * 0x9E3779B1) >> (32 - hashBits) }

// extend returns how far b[a:] and b[p:] agree, from l up to limit.
func extend(b []byte, a, p, l, limit int) int {
	for l+8 <= limit {
		x := binary.LittleEndian.Uint64(b[a+l:]) ^ binary.LittleEndian.Uint64(b[p+l:])
		if x != 0 {
			return l + bits.TrailingZeros64(x)/8
		}
		l += 8
	}
	for l < limit && b[a+l] == b[p+l] {
		l++
	}
	return l
}

// findMatches fills c.ms, c.mstart and c.kind for positions [bs, be).
func (c *Compressor) findMatches(bs, be int) {
	n := be - bs
	if cap(c.mstart) < n+1 {
		c.mstart = make([]uint32, n+1)
		c.kind = make([]uint8, n+1)
	}
	mstart, kind := c.mstart[:n+1], c.kind[:n+1]
	ms := c.ms[:0]
	buf := c.buf
	nice := c.p.nice
	inside := 0
	for i := 0; i < n; i++ {
		pos := bs + i
		mstart[i] = uint32(len(ms))
		// The tree compares up to the chunk's end so that its order
		// stays consistent across blocks; lengths are then cut at the
		// block's end.
		treeLimit := min(maxMatchLen, c.n-pos)
		limit := min(maxMatchLen, be-pos)
		if inside > 0 {
			inside--
			kind[i] = posInside
			if treeLimit >= 3 {
				if c.buf16 != nil {
					c.btInsert16(pos, treeLimit)
				} else {
					c.btInsert(pos, treeLimit)
				}
			}
			continue
		}
		kind[i] = posNormal
		if limit < 2 {
			if treeLimit >= 3 {
				if c.buf16 != nil {
					c.btInsert16(pos, treeLimit)
				} else {
					c.btInsert(pos, treeLimit)
				}
			}
			continue
		}
		first := len(ms)
		v := binary.LittleEndian.Uint16(buf[pos:])
		if e := c.head2[v]; e > c.gen && pos-int(e-c.gen-1) <= maxLen2Off {
			ms = append(ms, match{2, uint32(pos - int(e-c.gen-1))})
		}
		c.head2[v] = c.gen + uint32(pos+1)
		if treeLimit < 3 {
			continue
		}
		k0 := len(ms)
		if c.buf16 != nil {
			ms = c.btFind16(ms, pos, treeLimit)
		} else {
			ms = c.btFind(ms, pos, treeLimit)
		}
		if limit < treeLimit {
			k := k0
			for _, m := range ms[k0:] {
				m.length = min(m.length, uint32(limit))
				if m.length < 3 || k > first && ms[k-1].length >= m.length {
					continue
				}
				ms[k] = m
				k++
			}
			ms = ms[:k]
		}
		if k := len(ms); k > first {
			if best := int(ms[k-1].length); best >= nice || best == limit && best > 16 {
				ms[first] = ms[k-1]
				ms = ms[:first+1]
				kind[i] = posLong
				inside = best - 1
			}
		}
	}
	mstart[n] = uint32(len(ms))
	c.ms = ms
}

// btFind inserts pos into the binary tree and appends the matches it finds
// there (lengths 3 and more, increasing) to ms.
func (c *Compressor) btFind(ms []match, pos, limit int) []match {
	buf, child := c.buf, c.child
	h := hash3(binary.LittleEndian.Uint32(buf[pos:]))
	cur := c.head[h]
	if cur <= c.gen {
		cur = 0
	} else {
		cur -= c.gen
	}
	c.head[h] = c.gen + uint32(pos+1)
	lessSlot, moreSlot := 2*pos, 2*pos+1
	lenLess, lenMore := 0, 0
	best := 2
	nice := c.p.nice
	maxOff := c.window - 3 // the largest offset the slots can code
	for depth := c.p.depth; cur != 0 && depth > 0; depth-- {
		p := int(cur - 1)
		l := extend(buf, pos, p, min(lenLess, lenMore), limit)
		if l > best && pos-p <= maxOff {
			best = l
			ms = append(ms, match{uint32(l), uint32(pos - p)})
		}
		if l >= limit || l >= nice {
			child[lessSlot] = child[2*p]
			child[moreSlot] = child[2*p+1]
			return ms
		}
		if buf[p+l] < buf[pos+l] {
			child[lessSlot] = cur
			lessSlot = 2*p + 1
			cur = child[lessSlot]
			lenLess = l
		} else {
			child[moreSlot] = cur
			moreSlot = 2 * p
			cur = child[moreSlot]
			lenMore = l
		}
	}
	child[lessSlot] = 0
	child[moreSlot] = 0
	return ms
}

// btInsert inserts pos into the tree without collecting matches.
func (c *Compressor) btInsert(pos, limit int) {
	buf, child := c.buf, c.child
	h := hash3(binary.LittleEndian.Uint32(buf[pos:]))
	cur := c.head[h]
	if cur <= c.gen {
		cur = 0
	} else {
		cur -= c.gen
	}
	c.head[h] = c.gen + uint32(pos+1)
	lessSlot, moreSlot := 2*pos, 2*pos+1
	lenLess, lenMore := 0, 0
	nice := c.p.nice
	for depth := c.p.depth; cur != 0 && depth > 0; depth-- {
		p := int(cur - 1)
		l := extend(buf, pos, p, min(lenLess, lenMore), limit)
		if l >= limit || l >= nice {
			child[lessSlot] = child[2*p]
			child[moreSlot] = child[2*p+1]
			return
		}
		if buf[p+l] < buf[pos+l] {
			child[lessSlot] = cur
			lessSlot = 2*p + 1
			cur = child[lessSlot]
			lenLess = l
		} else {
			child[moreSlot] = cur
			moreSlot = 2 * p
			cur = child[moreSlot]
			lenMore = l
		}
	}
	child[lessSlot] = 0
	child[moreSlot] = 0
}

// buf16Len is the size of a 32 KiB compressor's chunk array: indexes
// masked to 16 bits, plus 8 bytes for a word read at the last one. Real
// indexes never wrap: positions are below 32768 and match lengths
// at most 257.
const buf16Len = 1<<16 + 8

// extend16 is extend on a 32 KiB compressor's chunk array. It compares
// whole words, also past limit (the array is larger than any index it
// reads), and cuts the result at limit.
func extend16(b *[buf16Len]byte, a, p, l, limit int) int {
	for l < limit {
		i, j := (a+l)&0xFFFF, (p+l)&0xFFFF
		if x := binary.LittleEndian.Uint64(b[i:i+8]) ^ binary.LittleEndian.Uint64(b[j:j+8]); x != 0 {
			return min(l+bits.TrailingZeros64(x)/8, limit)
		}
		l += 8
	}
	return limit
}

// btFind16 is btFind for 32 KiB windows: the same tree with 16-bit
// entries (position+1, 0 = none), half the memory traffic, and no
// bounds checks.
func (c *Compressor) btFind16(ms []match, pos, limit int) []match {
	buf, child := c.buf16, c.child16
	h := hash3(binary.LittleEndian.Uint32(buf[pos&0xFFFF : pos&0xFFFF+4]))
	cur := int(c.head[h])
	if cur <= int(c.gen) {
		cur = 0
	} else {
		cur -= int(c.gen)
	}
	c.head[h] = c.gen + uint32(pos+1)
	lessSlot, moreSlot := uint16(2*pos), uint16(2*pos+1)
	lenLess, lenMore := 0, 0
	best := 2
	nice := c.p.nice
	for depth := c.p.depth; cur != 0 && depth > 0; depth-- {
		p := cur - 1
		l := extend16(buf, pos, p, min(lenLess, lenMore), limit)
		if l > best {
			// Offsets below 32765 (the largest the slots code):
			// always, since positions are below 32768 and l ≥ 3
			// needs p ≤ pos-1 with 3 bytes left.
			best = l
			ms = append(ms, match{uint32(l), uint32(pos - p)})
		}
		if l >= limit || l >= nice {
			child[lessSlot] = child[uint16(2*p)]
			child[moreSlot] = child[uint16(2*p+1)]
			return ms
		}
		if buf[(p+l)&0xFFFF] < buf[(pos+l)&0xFFFF] {
			child[lessSlot] = uint16(cur)
			lessSlot = uint16(2*p + 1)
			cur = int(child[lessSlot])
			lenLess = l
		} else {
			child[moreSlot] = uint16(cur)
			moreSlot = uint16(2 * p)
			cur = int(child[moreSlot])
			lenMore = l
		}
	}
	child[lessSlot] = 0
	child[moreSlot] = 0
	return ms
}

// btInsert16 is btInsert for 32 KiB windows.
func (c *Compressor) btInsert16(pos, limit int) {
	buf, child := c.buf16, c.child16
	h := hash3(binary.LittleEndian.Uint32(buf[pos&0xFFFF : pos&0xFFFF+4]))
	cur := int(c.head[h])
	if cur <= int(c.gen) {
		cur = 0
	} else {
		cur -= int(c.gen)
	}
	c.head[h] = c.gen + uint32(pos+1)
	lessSlot, moreSlot := uint16(2*pos), uint16(2*pos+1)
	lenLess, lenMore := 0, 0
	nice := c.p.nice
	for depth := c.p.depth; cur != 0 && depth > 0; depth-- {
		p := cur - 1
		l := extend16(buf, pos, p, min(lenLess, lenMore), limit)
		if l >= limit || l >= nice {
			child[lessSlot] = child[uint16(2*p)]
			child[moreSlot] = child[uint16(2*p+1)]
			return
		}
		if buf[(p+l)&0xFFFF] < buf[(pos+l)&0xFFFF] {
			child[lessSlot] = uint16(cur)
			lessSlot = uint16(2*p + 1)
			cur = int(child[lessSlot])
			lenLess = l
		} else {
			child[moreSlot] = uint16(cur)
			moreSlot = uint16(2 * p)
			cur = int(child[moreSlot])
			lenMore = l
		}
	}
	child[lessSlot] = 0
	child[moreSlot] = 0
}

// slotOf returns the offset slot of formatted offset f.
func slotOf(f uint32) int {
	if f < 4 {
		return int(f)
	}
	if f >= 262144 {
		return 36 + int((f-262144)>>17)
	}
	hb := bits.Len32(f) - 1
	return 2*hb + int(f>>(hb-1)&1)
}

// greedy fills c.seq with a quick parse of [bs, be): the longest match of
// length 3 or more at each position, as a repeat match when its offset is
// in the queue.
func (c *Compressor) greedy(bs, be int, q [3]uint32) {
	n := be - bs
	seq := c.seq[:0]
	ms, mstart := c.ms, c.mstart
	buf := c.buf
	for i := 0; i < n; {
		a, b := mstart[i], mstart[i+1]
		if b > a && ms[b-1].length >= 3 {
			m := ms[b-1]
			f := m.offset + 2
			switch m.offset {
			case q[0]:
				f = 0
			case q[1]:
				f = 1
				q[0], q[1] = q[1], q[0]
			case q[2]:
				f = 2
				q[0], q[2] = q[2], q[0]
			default:
				q = [3]uint32{m.offset, q[0], q[1]}
			}
			seq = append(seq, seqItem{m.length, f})
			i += int(m.length)
			continue
		}
		seq = append(seq, seqItem{0, uint32(buf[bs+i])})
		i++
	}
	c.seq = seq
}

// greedyBits estimates the coded size in bits of c.seq with the codes
// countAndBuild made: the symbols, the extra bits and the code tables.
func (c *Compressor) greedyBits() uint64 {
	var b uint64
	for s, f := range c.mainFreq[:c.nMain] {
		b += uint64(f) * uint64(c.mainLens[s])
	}
	for s, f := range c.lenFreq {
		b += uint64(f) * uint64(c.lenLens[s])
	}
	return b + c.extraSum + 4*uint64(c.nMain+numLenSyms)
}

// costsFromLens prices symbols with the codes of the previous pass.
func (c *Compressor) costsFromLens() {
	for s := 0; s < c.nMain; s++ {
		l := uint32(c.mainLens[s])
		if l == 0 {
			l = 15
		}
		c.mainCost[s] = l << costShift
	}
	for s := range numLenSyms {
		l := uint32(c.lenLens[s])
		if l == 0 {
			l = 12
		}
		c.lenCost[s] = l << costShift
	}
}

// parse finds the cheapest item sequence for positions [bs, be) starting
// with repeat queue q, leaving it in c.seq and the final queue in
// c.nodeQ[be-bs]. With c.cheap it is a statistics pass (parseStats).
//
// The parse keeps, per position, one word (c.node, dense so that relaxing
// a run of lengths reads consecutive words): the cost of the cheapest
// known path to it in the high 32 bits, the item that ends that path
// there in the low ones (the formatted offset f << 9 | the length, 1 for
// a literal whose f is the byte). A relaxation is then a min of two words,
// without a branch; of two paths of equal cost the one with the smaller
// item wins. c.node has parseWin entries of slack after the block, so
// that the nodes a position can reach are a fixed-size window indexed by
// a masked length, which needs no bounds check.
func (c *Compressor) parse(bs, be int, q [3]uint32) {
	n := be - bs
	c.parseInit(n, q)
	if c.cheap {
		c.parseStats(bs, n)
	} else {
		c.parseFull(bs, n)
	}
	c.parseEnd(n)
}

func (c *Compressor) parseInit(n int, q [3]uint32) {
	if cap(c.node) < n+parseWin {
		c.node = make([]uint64, n+parseWin)
		c.nodeQ = make([][3]uint32, n+1)
	}
	node := c.node[:n+1]
	for i := range node {
		node[i] = math.MaxUint64
	}
	node[0] = 0
	c.nodeQ[0] = q
}

// nodeQueue returns the repeat queue after the item that ends the
// cheapest path to node i > 0, and records it as node i's.
func nodeQueue(node []uint64, nodeQ [][3]uint32, i int) [3]uint32 {
	it := uint32(node[i])
	ln := it & itemLenMask
	cq := nodeQ[i-int(ln)]
	if ln != 1 {
		if f := it >> itemLenBits; f < 3 {
			cq[0], cq[f] = cq[f], cq[0]
		} else {
			cq = [3]uint32{f - 2, cq[0], cq[1]}
		}
	}
	nodeQ[i] = cq
	return cq
}

// parseLong relaxes the one match listed at a posLong position: taken
// whole, as a repeat match when a queued offset gives the same length.
func (c *Compressor) parseLong(nw *[parseWin]uint64, m match, pos int, base uint32, cq [3]uint32) {
	l := int(m.length)
	mainCost, lenCost := &c.mainCost, &c.lenCost
	best, bestF := uint32(infCost), uint32(0)
	for k := 0; k < 3; k++ {
		off := int(cq[k])
		if off <= pos && extend(c.buf, pos, pos-off, 0, l) == l {
			if cst := base + matchCost(mainCost, lenCost, k, l); cst < best {
				best, bestF = cst, uint32(k)
			}
		}
	}
	f := m.offset + 2
	slot := slotOf(f)
	if cst := base + matchCost(mainCost, lenCost, slot, l) + uint32(extraBits[slot])<<costShift; cst < best {
		best, bestF = cst, f
	}
	nw[l&parseMask] = min(nw[l&parseMask], uint64(best)<<32|uint64(bestF<<itemLenBits|uint32(l)))
}

// parseStats is the statistics pass: the repeat matches at their full
// length and the longest explicit match alone (all of them, each at its
// full length, in large chunks).
func (c *Compressor) parseStats(bs, n int) {
	node, nodeQ := c.node[:n+parseWin], c.nodeQ[:n+1]
	buf := c.buf
	mainCost, lenCost := &c.mainCost, &c.lenCost
	ms, mstart, kind := c.ms, c.mstart[:n+1], c.kind[:n]
	allMatches := c.bigBlock
	for i := range kind {
		base := uint32(node[i] >> 32)
		if base == infCost || kind[i] == posInside {
			continue
		}
		pos := bs + i
		cq := nodeQ[0]
		if i > 0 {
			cq = nodeQueue(node, nodeQ, i)
		}
		nw := (*[parseWin]uint64)(node[i:])
		if kind[i] == posLong {
			c.parseLong(nw, ms[mstart[i]], pos, base, cq)
			continue
		}
		b := buf[pos]
		nw[1] = min(nw[1], uint64(base+mainCost[b])<<32|uint64(uint32(b)<<itemLenBits|1))
		limit := min(maxMatchLen, n-i)
		if limit < 2 {
			continue
		}
		cur2 := binary.LittleEndian.Uint16(buf[pos:])
		if off := int(cq[0]); off <= pos && binary.LittleEndian.Uint16(buf[pos-off:]) == cur2 {
			l := extend(buf, pos, pos-off, 2, limit)
			nw[l&parseMask] = min(nw[l&parseMask], uint64(base+matchCost(mainCost, lenCost, 0, l))<<32|uint64(uint32(l)))
		}
		if off := int(cq[1]); off <= pos && binary.LittleEndian.Uint16(buf[pos-off:]) == cur2 && cq[1] != cq[0] {
			l := extend(buf, pos, pos-off, 2, limit)
			nw[l&parseMask] = min(nw[l&parseMask], uint64(base+matchCost(mainCost, lenCost, 1, l))<<32|uint64(1<<itemLenBits|uint32(l)))
		}
		if off := int(cq[2]); off <= pos && binary.LittleEndian.Uint16(buf[pos-off:]) == cur2 && cq[2] != cq[0] && cq[2] != cq[1] {
			l := extend(buf, pos, pos-off, 2, limit)
			nw[l&parseMask] = min(nw[l&parseMask], uint64(base+matchCost(mainCost, lenCost, 2, l))<<32|uint64(2<<itemLenBits|uint32(l)))
		}
		a, e := mstart[i], mstart[i+1]
		if a == e {
			continue
		}
		if !allMatches {
			a = e - 1
		}
		for _, m := range ms[a:e] {
			if m.offset == cq[0] || m.offset == cq[1] || m.offset == cq[2] {
				continue
			}
			l := int(m.length)
			f := m.offset + 2
			slot := slotOf(f)
			nw[l&parseMask] = min(nw[l&parseMask], uint64(base+uint32(extraBits[slot])<<costShift+matchCost(mainCost, lenCost, slot, l))<<32|uint64(f<<itemLenBits|uint32(l)))
		}
	}
}

// parseFull is the last pass: every length of every repeat and explicit
// match, each length with the first (cheapest-to-code) offset that
// reaches it. Lengths up to 8 are priced by the main symbol alone, longer
// ones by the main symbol of header 7 and a length symbol.
func (c *Compressor) parseFull(bs, n int) {
	node, nodeQ := c.node[:n+parseWin], c.nodeQ[:n+1]
	buf := c.buf
	mainCost := &c.mainCost
	ms, mstart, kind := c.ms, c.mstart[:n+1], c.kind[:n]
	for i := range kind {
		base := uint32(node[i] >> 32)
		if base == infCost || kind[i] == posInside {
			continue
		}
		pos := bs + i
		cq := nodeQ[0]
		if i > 0 {
			cq = nodeQueue(node, nodeQ, i)
		}
		nw := (*[parseWin]uint64)(node[i:])
		if kind[i] == posLong {
			c.parseLong(nw, ms[mstart[i]], pos, base, cq)
			continue
		}
		b := buf[pos]
		nw[1] = min(nw[1], uint64(base+mainCost[b])<<32|uint64(uint32(b)<<itemLenBits|1))
		limit := min(maxMatchLen, n-i)
		if limit < 2 {
			continue
		}
		cur2 := binary.LittleEndian.Uint16(buf[pos:])
		rep0 := minMatchLen - 1
		if off := int(cq[0]); off <= pos && binary.LittleEndian.Uint16(buf[pos-off:]) == cur2 {
			rep0 = extend(buf, pos, pos-off, 2, limit)
			c.relaxRep(nw, 0, rep0, base)
		}
		if off := int(cq[1]); off <= pos && binary.LittleEndian.Uint16(buf[pos-off:]) == cur2 && cq[1] != cq[0] {
			c.relaxRep(nw, 1, extend(buf, pos, pos-off, 2, limit), base)
		}
		if off := int(cq[2]); off <= pos && binary.LittleEndian.Uint16(buf[pos-off:]) == cur2 && cq[2] != cq[0] && cq[2] != cq[1] {
			c.relaxRep(nw, 2, extend(buf, pos, pos-off, 2, limit), base)
		}
		if a, e := mstart[i], mstart[i+1]; a < e {
			c.relaxMatches(nw, ms[a:e], base, &cq, rep0)
		}
	}
}

// relaxRep offers repeat match k at every length from 2 to l.
func (c *Compressor) relaxRep(nw *[parseWin]uint64, k, l int, base uint32) {
	mc := (*[8]uint32)(c.mainCost[numChars+k*8:])
	lenCost := &c.lenCost
	fl := uint32(k) << itemLenBits
	ln := minMatchLen
	for ; ln <= min(l, minMatchLen+numPrimaryLens-1); ln++ {
		nw[ln&parseMask] = min(nw[ln&parseMask], uint64(base+mc[(ln-minMatchLen)&7])<<32|uint64(fl|uint32(ln)))
	}
	b7 := base + mc[numPrimaryLens]
	for ; ln <= l; ln++ {
		nw[ln&parseMask] = min(nw[ln&parseMask], uint64(b7+lenCost[(ln-minMatchLen-numPrimaryLens)&255])<<32|uint64(fl|uint32(ln)))
	}
}

// parseEnd records the final queue and walks the cheapest path back from
// the end into c.seq.
func (c *Compressor) parseEnd(n int) {
	node, nodeQ := c.node[:n+1], c.nodeQ[:n+1]
	if n > 0 {
		nodeQueue(node, nodeQ, n)
	}
	seq := c.seq[:0]
	for j := n; j > 0; {
		it := uint32(node[j])
		ln := it & itemLenMask
		if ln == 1 {
			seq = append(seq, seqItem{0, it >> itemLenBits})
		} else {
			seq = append(seq, seqItem{ln, it >> itemLenBits})
		}
		j -= int(ln)
	}
	for a, b := 0, len(seq)-1; a < b; a, b = a+1, b-1 {
		seq[a], seq[b] = seq[b], seq[a]
	}
	c.seq = seq
}

const (
	itemLenBits = 9 // lengths are at most 257
	itemLenMask = 1<<itemLenBits - 1
	parseWin    = 512 // > maxMatchLen, a power of two
	parseMask   = parseWin - 1
)

// relaxMatches offers the explicit matches of one position (increasing
// lengths) to the nodes after it: each length above prev with the first
// match that reaches it. prev is the length of the repeat match at the
// queue's first offset, when there is one: at the lengths that repeat
// match reaches, an explicit one almost never costs less (the repeat's
// symbols are the most frequent and it has no extra bits). A match at an offset of the repeat queue
// cq is skipped (the repeat match, cheaper, has been offered).
func (c *Compressor) relaxMatches(nw *[parseWin]uint64, ms []match, base uint32, cq *[3]uint32, prev int) {
	mainCost, lenCost := &c.mainCost, &c.lenCost
	for _, m := range ms {
		l := int(m.length)
		if l <= prev {
			continue
		}
		if m.offset == cq[0] || m.offset == cq[1] || m.offset == cq[2] {
			prev = l
			continue
		}
		f := m.offset + 2
		slot := slotOf(f)
		mb := base + uint32(extraBits[slot])<<costShift
		mc := (*[8]uint32)(mainCost[numChars+slot*8:])
		fl := f << itemLenBits
		ln := prev + 1
		for ; ln <= min(l, minMatchLen+numPrimaryLens-1); ln++ {
			nw[ln&parseMask] = min(nw[ln&parseMask], uint64(mb+mc[(ln-minMatchLen)&7])<<32|uint64(fl|uint32(ln)))
		}
		b7 := mb + mc[numPrimaryLens]
		for ; ln <= l; ln++ {
			nw[ln&parseMask] = min(nw[ln&parseMask], uint64(b7+lenCost[(ln-minMatchLen-numPrimaryLens)&255])<<32|uint64(fl|uint32(ln)))
		}
		prev = l
	}
}

// matchCost is the cost of the main symbol and length symbol for a match
// of length l in slot.
func matchCost(mainCost *[maxMainSyms]uint32, lenCost *[256]uint32, slot, l int) uint32 {
	lh := l - minMatchLen
	if lh < numPrimaryLens {
		return mainCost[numChars+slot*8+lh]
	}
	return mainCost[numChars+slot*8+numPrimaryLens] + lenCost[lh-numPrimaryLens]
}

// countAndBuild counts the symbols of c.seq and builds the three codes.
func (c *Compressor) countAndBuild() {
	c.mainFreq = [maxMainSyms]uint32{}
	c.lenFreq = [numLenSyms]uint32{}
	c.alFreq = [numAlignedSyms]uint32{}
	var extra uint64
	for _, it := range c.seq {
		if it.length == 0 {
			c.mainFreq[it.f]++
			continue
		}
		slot := slotOf(it.f)
		lh := int(it.length) - minMatchLen
		if lh >= numPrimaryLens {
			c.lenFreq[lh-numPrimaryLens]++
			lh = numPrimaryLens
		}
		c.mainFreq[numChars+slot*8+lh]++
		extra += uint64(extraBits[slot])
		if extraBits[slot] >= alignedBits {
			c.alFreq[(it.f-slotBase[slot])&7]++
		}
	}
	c.extraSum = extra
	c.huff.makeLengths(c.mainFreq[:c.nMain], c.mainLens[:c.nMain], mainMaxLen, true)
	c.huff.makeLengths(c.lenFreq[:], c.lenLens[:], lenMaxLen, false)
	c.huff.makeLengths(c.alFreq[:], c.alLens[:], alignedMaxLen, true)
}

// putBits appends the low n (≤ 32) bits of v.
func (c *Compressor) putBits(v uint32, n uint) {
	c.acc = c.acc<<n | uint64(v)&(1<<n-1)
	c.nacc += n
	for c.nacc >= 16 {
		c.nacc -= 16
		w := uint16(c.acc >> c.nacc)
		c.out = append(c.out, byte(w), byte(w>>8))
	}
}

func (c *Compressor) flushBits() {
	if c.nacc > 0 {
		c.putBits(0, 16-c.nacc)
	}
}

// writeBlock codes c.seq as one block of size bytes with the codes
// countAndBuild made.
func (c *Compressor) writeBlock(size int) {
	// Verbatim against aligned: they differ only in how the low 3 extra
	// bits of offsets are sent, and in the aligned code's 24-bit table.
	var alignedBitsVerb, alignedBitsAl uint64
	for s, f := range c.alFreq {
		alignedBitsVerb += uint64(f) * alignedBits
		alignedBitsAl += uint64(f) * uint64(c.alLens[s])
	}
	aligned := alignedBitsAl+8*alignedBits < alignedBitsVerb
	btype := uint32(blockVerbatim)
	if aligned {
		btype = blockAligned
	}
	c.putBits(btype, 3)
	if size == defaultBlockSize {
		c.putBits(1, 1)
	} else {
		c.putBits(0, 1)
		if c.bigBlock {
			c.putBits(uint32(size>>8), 16)
			c.putBits(uint32(size&0xff), 8)
		} else {
			c.putBits(uint32(size), 16)
		}
	}
	if aligned {
		for _, l := range c.alLens {
			c.putBits(uint32(l), 3)
		}
		makeCodes(c.alLens[:], c.alCode[:])
	}
	c.writeLens(c.mainLens[:numChars], c.prevMain[:numChars])
	c.writeLens(c.mainLens[numChars:c.nMain], c.prevMain[numChars:c.nMain])
	c.writeLens(c.lenLens[:], c.prevLen[:])
	makeCodes(c.mainLens[:c.nMain], c.mainCode[:c.nMain])
	makeCodes(c.lenLens[:], c.lenCode[:])
	copy(c.prevMain[:], c.mainLens[:])
	copy(c.prevLen[:], c.lenLens[:])

	for _, it := range c.seq {
		if it.length == 0 {
			c.putBits(c.mainCode[it.f], uint(c.mainLens[it.f]))
			continue
		}
		slot := slotOf(it.f)
		lh := int(it.length) - minMatchLen
		ls := -1
		if lh >= numPrimaryLens {
			ls = lh - numPrimaryLens
			lh = numPrimaryLens
		}
		sym := numChars + slot*8 + lh
		c.putBits(c.mainCode[sym], uint(c.mainLens[sym]))
		if ls >= 0 {
			c.putBits(c.lenCode[ls], uint(c.lenLens[ls]))
		}
		eb := uint(extraBits[slot])
		ext := it.f - slotBase[slot]
		if aligned && eb >= alignedBits {
			c.putBits(ext>>alignedBits, eb-alignedBits)
			a := ext & 7
			c.putBits(c.alCode[a], uint(c.alLens[a]))
		} else if eb > 0 {
			c.putBits(ext, eb)
		}
	}
}

// preItem is one pretree symbol with its extra bits; sym2 ≥ 0 follows for
// symbol 19.
type preItem struct {
	sym   uint8
	sym2  int8
	extra uint8
	nbits uint8
}

// writeLens sends cur as pretree-coded deltas from prev.
func (c *Compressor) writeLens(cur, prev []uint8) {
	items := c.pre[:0]
	delta := func(i int) uint8 { return uint8((int(prev[i]) - int(cur[i]) + 17) % 17) }
	for i := 0; i < len(cur); {
		v := cur[i]
		run := 1
		for i+run < len(cur) && cur[i+run] == v {
			run++
		}
		if v == 0 && run >= 4 {
			for run >= 4 {
				if run >= 20 {
					k := min(run, 51)
					items = append(items, preItem{sym: 18, sym2: -1, extra: uint8(k - 20), nbits: 5})
					i += k
					run -= k
				} else {
					k := min(run, 19)
					items = append(items, preItem{sym: 17, sym2: -1, extra: uint8(k - 4), nbits: 4})
					i += k
					run -= k
				}
			}
			continue
		}
		if run >= 4 {
			// Runs of 4 or 5 equal lengths, all set from the delta
			// against the first one's previous length.
			for run >= 4 {
				k := min(run, 5)
				items = append(items, preItem{sym: 19, sym2: int8(delta(i)), extra: uint8(k - 4), nbits: 1})
				i += k
				run -= k
			}
			continue
		}
		items = append(items, preItem{sym: delta(i), sym2: -1})
		i++
	}
	c.pre = items
	var freq [numPreSyms]uint32
	for _, it := range items {
		freq[it.sym]++
		if it.sym2 >= 0 {
			freq[it.sym2]++
		}
	}
	var lens [numPreSyms]uint8
	var codes [numPreSyms]uint32
	c.huff.makeLengths(freq[:], lens[:], preMaxLen, true)
	makeCodes(lens[:], codes[:])
	for _, l := range lens {
		c.putBits(uint32(l), 4)
	}
	for _, it := range items {
		c.putBits(codes[it.sym], uint(lens[it.sym]))
		if it.nbits > 0 {
			c.putBits(uint32(it.extra), uint(it.nbits))
		}
		if it.sym2 >= 0 {
			c.putBits(codes[it.sym2], uint(lens[it.sym2]))
		}
	}
}
