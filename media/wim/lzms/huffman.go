package lzms

// adaptiveCode is one of LZMS's five Huffman codes. It starts from equal
// frequencies; every decoded symbol counts, and after rebuildEvery
// symbols the code is rebuilt from the counts, which are then halved
// (f/2 + 1) so that the code follows the recent data.
//
// Rebuilds are most of the cost of the codes (the offset code rebuilds
// ~730 symbols every 1024 offsets), so build works on fixed arrays in a
// few linear passes: a counting sort, the tree built in place in the
// sorted weights, and a decode table filled in codeword order.
type adaptiveCode struct {
	nsyms        int
	rebuildEvery int
	untilRebuild int
	tableBits    uint

	// Decoding state of the current code. table is indexed by the next
	// tableBits bits: len<<11 | sym for codewords up to tableBits long,
	// 0 when the codeword is longer (then the canonical tables below
	// finish the job).
	table  [1 << maxTableBits]uint16
	count  [maxCodeLen + 1]uint32 // codewords of each length
	first  [maxCodeLen + 1]uint32 // first codeword of each length
	index  [maxCodeLen + 1]uint32 // position of that codeword's symbol in sorted
	sorted [maxSyms]uint16        // symbols in codeword order
	lens   [maxSyms]uint8
	freqs  [symSlots]uint32 // indexed modulo symSlots: no bounds checks

	// Scratch of build: the symbols in (frequency, symbol) order and
	// their weights, which then hold the tree; the counting sort's
	// buckets, all zero between builds.
	order   [maxSyms]uint16
	weights [maxSyms + 1]uint32
	buckets [maxFreq + 1]uint16
}

const (
	maxSyms      = maxOffsetSyms
	symSlots     = 1024 // a power of two above maxSyms
	maxTableBits = 10

	// maxFreq bounds a symbol's count at a rebuild: halving (f/2+1)
	// after a rebuild and at most maxRebuild counts before the next
	// keep f <= 2*maxRebuild+2 (a fixed point of f -> f/2+1+maxRebuild).
	maxRebuild = 1024
	maxFreq    = 2*maxRebuild + 2
)

// init starts a code of nsyms (<= maxSyms) symbols rebuilt every
// rebuildEvery (<= maxRebuild) symbols, decoded through a table of
// 2^tableBits (<= 2^maxTableBits) entries.
func (c *adaptiveCode) init(nsyms, rebuildEvery int, tableBits uint) {
	c.nsyms = nsyms
	c.rebuildEvery = rebuildEvery
	c.tableBits = tableBits
	for i := range c.freqs[:nsyms] {
		c.freqs[i] = 1
	}
	c.build()
}

// entry looks up the codeword at the top of buf (which holds at least
// maxCodeLen valid bits) in a code whose tableBits is maxTableBits: its
// symbol and length, or a length of 0 when the codeword is longer than
// the table's bits (then lookupLong finds it).
func (c *adaptiveCode) entry(buf uint64) (sym uint32, l uint) {
	e := c.table[buf>>(64-maxTableBits)]
	return uint32(e & 0x7FF), uint(e >> 11)
}

// lookupLong finds a codeword longer than the table's bits.
//
//go:noinline
func (c *adaptiveCode) lookupLong(buf uint64) (sym uint32, l uint, ok bool) {
	v := uint32(buf >> (64 - maxCodeLen))
	for l := c.tableBits + 1; l <= maxCodeLen; l++ {
		code := v >> (maxCodeLen - l)
		if d := code - c.first[l]; d < c.count[l] {
			return uint32(c.sorted[c.index[l]+d]), l, true
		}
	}
	return 0, 0, false
}

// countSym counts a decoded symbol, rebuilding the code when its period
// is over.
func (c *adaptiveCode) countSym(sym uint32) {
	c.freqs[sym%symSlots]++
	c.untilRebuild--
	if c.untilRebuild == 0 {
		c.build()
	}
}

// build makes the canonical Huffman code of the current frequencies and
// then halves them. The format fixes the tree: the classic "merge the two
// lightest nodes" construction, symbols ordered by (frequency, symbol),
// and a leaf wins a tie against an internal node; the longest codewords
// go to the lightest symbols. Codewords never need more than 15 bits in
// valid data; should the tree be deeper, the lengths are limited the
// usual way (a too-deep node is moved up to the deepest level that still
// has room). refLens in the tests is the plain construction this must
// match.
func (c *adaptiveCode) build() {
	c.untilRebuild = c.rebuildEvery
	n := c.nsyms
	freqs := c.freqs[:n]
	lens := c.lens[:n]
	if n < 2 {
		if n == 1 {
			lens[0] = 1
			freqs[0] = freqs[0]>>1 + 1
		}
		c.makeTables()
		return
	}

	// Counting sort by frequency (symbols ascending within one), the
	// halving done on the way.
	b := &c.buckets
	maxF := uint32(0)
	for _, f := range freqs {
		b[min(f, maxFreq)]++
		maxF = max(maxF, f)
	}
	maxF = min(maxF, maxFreq)
	sum := uint16(0)
	for f, k := range b[:maxF+1] {
		b[f] = sum
		sum += k
	}
	w := c.weights[:n]
	order := c.order[:n]
	for s, f := range freqs {
		fb := min(f, maxFreq)
		k := b[fb]
		b[fb] = k + 1
		w[k] = f
		order[k] = uint16(s)
		freqs[s] = f>>1 + 1
	}
	clear(b[:maxF+1])

	// The tree, built in place in w (Moffat and Katajainen): internal
	// node k replaces w[k] with its weight; a node merged into a parent
	// has its weight replaced by the parent's index. leaf is the next
	// unmerged leaf, root the next unmerged internal node.
	// w[n] is a sentinel leaf heavier than any node: once the leaves
	// are used up, the internal nodes win every comparison.
	ws := c.weights[:n+1]
	ws[n] = ^uint32(0)
	leaf, root := 0, 0
	for next := 0; next < n-1; next++ {
		var s uint32
		if root < next && ws[root] < ws[leaf] {
			s = ws[root]
			ws[root] = uint32(next)
			root++
		} else {
			s = ws[leaf]
			leaf++
		}
		if root < next && ws[root] < ws[leaf] {
			s += ws[root]
			ws[root] = uint32(next)
			root++
		} else {
			s += ws[leaf]
			leaf++
		}
		ws[next] = s
	}
	// Depths from the root down, counting leaves per length. The root's
	// two children sit at depth 1; each internal node turns one slot of
	// its depth into two of the next.
	var lc [maxCodeLen + 2]int32
	lc[1] = 2
	w[n-2] = 0
	for k := n - 3; k >= 0; k-- {
		d := w[w[k]] + 1
		w[k] = d
		if d < maxCodeLen {
			lc[d]--
			lc[d+1] += 2
			continue
		}
		l := maxCodeLen - 1
		for l > 1 && lc[l] == 0 {
			l--
		}
		lc[l]--
		lc[l+1] += 2
	}
	clear(lens)
	c.count = [maxCodeLen + 1]uint32{}
	i := 0
	for l := maxCodeLen; l >= 1; l-- {
		for j := lc[l]; j > 0 && i < n; j-- {
			lens[order[i]] = uint8(l)
			c.count[l]++
			i++
		}
	}
	c.fillTables()
}

// makeTables derives the canonical codewords from c.lens.
func (c *adaptiveCode) makeTables() {
	c.count = [maxCodeLen + 1]uint32{}
	for _, l := range c.lens[:c.nsyms] {
		c.count[l&maxCodeLen]++
	}
	c.count[0] = 0
	c.fillTables()
}

// fillTables derives the canonical codewords from c.lens and c.count
// (the codewords of each length). One pass over the symbols puts them in
// sorted in codeword order (by length, then symbol), which lookupLong
// uses for the codewords longer than tableBits. The shorter ones fill the
// table in that order, each its 2^(tableBits-len) entries right after
// the previous one's: runs of the same size per length, so the fill's
// loops are predictable. The table's end (after the short codewords'
// entries) belongs to the long ones.
func (c *adaptiveCode) fillTables() {
	code, idx := uint32(0), uint32(0)
	for l := 1; l <= maxCodeLen; l++ {
		c.first[l] = code
		c.index[l] = idx
		code = (code + c.count[l]) << 1
		idx += c.count[l]
	}
	pos := c.index
	for s, l := range c.lens[:c.nsyms] {
		if l != 0 {
			l &= maxCodeLen
			c.sorted[pos[l]] = uint16(s)
			pos[l]++
		}
	}
	tb := c.tableBits
	size := 1 << tb
	t := c.table[:size]
	p, i := 0, 0
	for l := uint(1); l <= tb; l++ {
		r := size >> l
		k := min(int(c.count[l]), (size-p)/r) // over-subscribed: never for a code build makes
		syms := c.sorted[i : i+k]
		i += int(c.count[l])
		tag := uint16(l) << 11
		switch r {
		case 1:
			run := t[p : p+k]
			for j, s := range syms {
				run[j] = tag | s
			}
		case 2:
			run := t[p : p+2*k]
			for j, s := range syms {
				e := tag | s
				run[2*j] = e
				run[2*j+1] = e
			}
		default:
			for j, s := range syms {
				e := tag | s
				run := t[p+j*r : p+(j+1)*r]
				for x := range run {
					run[x] = e
				}
			}
		}
		p += k * r
	}
	clear(t[p:])
}
