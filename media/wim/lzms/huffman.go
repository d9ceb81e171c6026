package lzms

import "slices"

// adaptiveCode is one of LZMS's five Huffman codes. It starts from equal
// frequencies; every decoded symbol counts, and after rebuildEvery
// symbols the code is rebuilt from the counts, which are then halved
// (f/2 + 1) so that the code follows the recent data.
type adaptiveCode struct {
	nsyms        int
	rebuildEvery int
	untilRebuild int
	freqs        []uint32

	// Decoding state of the current code. table is indexed by the next
	// tableBits bits: len<<11 | sym for codewords up to tableBits long,
	// 0 when the codeword is longer (then the canonical tables below
	// finish the job).
	table     [1 << tableBits]uint16
	count     [maxCodeLen + 1]uint32 // codewords of each length
	first     [maxCodeLen + 1]uint32 // first codeword of each length
	index     [maxCodeLen + 1]uint32 // position of that codeword's symbol in sorted
	sorted    []uint16               // symbols in codeword order
	lens      []uint8
	order     []uint32 // scratch: freq<<10 | sym, sorted
	nodes     []node   // scratch: internal nodes of the Huffman tree
	buckets   []uint16 // scratch: counting sort by frequency
	lenCounts [maxCodeLen + 2]int
}

const tableBits = 10

type node struct {
	weight uint32
	parent int32
	depth  int32
}

func (c *adaptiveCode) init(nsyms, rebuildEvery int) {
	c.nsyms = nsyms
	c.rebuildEvery = rebuildEvery
	if cap(c.freqs) < nsyms {
		c.freqs = make([]uint32, nsyms)
		c.lens = make([]uint8, nsyms)
		c.sorted = make([]uint16, nsyms)
		c.order = make([]uint32, nsyms)
		c.nodes = make([]node, nsyms)
	}
	c.freqs = c.freqs[:nsyms]
	c.lens = c.lens[:nsyms]
	c.sorted = c.sorted[:nsyms]
	c.order = c.order[:nsyms]
	for i := range c.freqs {
		c.freqs[i] = 1
	}
	c.build()
}

// decode reads one symbol from br and counts it.
func (c *adaptiveCode) decode(br *bitReader) (int, bool) {
	br.ensure(maxCodeLen)
	e := c.table[br.buf>>(64-tableBits)]
	var sym int
	if e != 0 {
		br.consume(uint(e >> 11))
		sym = int(e & 0x7FF)
	} else {
		v := uint32(br.buf >> (64 - maxCodeLen))
		ok := false
		for l := tableBits + 1; l <= maxCodeLen; l++ {
			code := v >> (maxCodeLen - l)
			if d := code - c.first[l]; d < c.count[l] {
				sym = int(c.sorted[c.index[l]+d])
				br.consume(uint(l))
				ok = true
				break
			}
		}
		if !ok {
			return 0, false
		}
	}
	c.freqs[sym]++
	c.untilRebuild--
	if c.untilRebuild == 0 {
		c.build()
		for i, f := range c.freqs {
			c.freqs[i] = f>>1 + 1
		}
	}
	return sym, true
}

// build makes the canonical Huffman code of the current frequencies. The
// format fixes the tree: the classic "merge the two lightest nodes"
// construction, symbols ordered by (frequency, symbol), and a leaf wins a
// tie against an internal node; the longest codewords go to the lightest
// symbols. Codewords never need more than 15 bits in valid data; should
// the tree be deeper, the lengths are limited the usual way (a too-deep
// node is moved up to the deepest level that still has room).
func (c *adaptiveCode) build() {
	c.untilRebuild = c.rebuildEvery
	n := c.nsyms
	for i := range c.lens {
		c.lens[i] = 0
	}
	switch n {
	case 0:
		c.makeTables()
		return
	case 1:
		c.lens[0] = 1
		c.makeTables()
		return
	}
	c.sortSymbols()
	// Two queues: leaves in order, internal nodes in creation order
	// (their weights never decrease).
	nodes := c.nodes[:n-1]
	li, ni := 0, 0 // next leaf, next unmerged internal node
	for k := 0; k < n-1; k++ {
		var w uint32
		for pick := 0; pick < 2; pick++ {
			if li < n && (ni >= k || c.order[li]>>10 <= nodes[ni].weight) {
				w += c.order[li] >> 10
				li++
			} else {
				w += nodes[ni].weight
				nodes[ni].parent = int32(k)
				ni++
			}
		}
		nodes[k] = node{weight: w, parent: -1}
	}
	// Depths from the root down, counting leaves per length. The root's
	// two children sit at depth 1; each internal node turns one slot of
	// its depth into two of the next.
	lc := c.lenCounts[:]
	for i := range lc {
		lc[i] = 0
	}
	lc[1] = 2
	root := n - 2
	nodes[root].depth = 0
	for k := root - 1; k >= 0; k-- {
		d := nodes[nodes[k].parent].depth + 1
		nodes[k].depth = d
		l := int(d)
		if l >= maxCodeLen {
			l = maxCodeLen - 1
			for lc[l] == 0 {
				l--
			}
		}
		lc[l]--
		lc[l+1] += 2
	}
	i := 0
	for l := maxCodeLen; l >= 1; l-- {
		for j := 0; j < lc[l]; j++ {
			c.lens[c.order[i]&0x3FF] = uint8(l)
			i++
		}
	}
	c.makeTables()
}

// makeTables derives the canonical codewords from c.lens.
func (c *adaptiveCode) makeTables() {
	for l := range c.count {
		c.count[l] = 0
	}
	for _, l := range c.lens {
		c.count[l]++
	}
	c.count[0] = 0
	code, idx := uint32(0), uint32(0)
	for l := 1; l <= maxCodeLen; l++ {
		c.first[l] = code
		c.index[l] = idx
		code = (code + c.count[l]) << 1
		idx += c.count[l]
	}
	next := c.index
	for s, l := range c.lens {
		if l != 0 {
			c.sorted[next[l]] = uint16(s)
			next[l]++
		}
	}
	c.table = [1 << tableBits]uint16{}
	var cw [maxCodeLen + 1]uint32
	copy(cw[:], c.first[:])
	for i := uint32(0); i < idx; i++ {
		s := c.sorted[i]
		l := uint32(c.lens[s])
		w := cw[l]
		cw[l]++
		if l > tableBits {
			continue
		}
		start := w << (tableBits - l)
		e := uint16(l<<11) | s
		for j := start; j < start+1<<(tableBits-l); j++ {
			c.table[j] = e
		}
	}
}

// sortSymbols fills c.order with freq<<10 | sym in increasing order.
// Frequencies stay small (halved at every rebuild), so a counting sort by
// frequency, symbols ascending within one frequency, does it in linear
// time.
func (c *adaptiveCode) sortSymbols() {
	maxF := uint32(0)
	for _, f := range c.freqs {
		maxF = max(maxF, f)
	}
	if maxF >= 1<<16 {
		for s, f := range c.freqs {
			c.order[s] = f<<10 | uint32(s)
		}
		slices.Sort(c.order)
		return
	}
	if cap(c.buckets) < int(maxF)+2 {
		c.buckets = make([]uint16, maxF+2)
	}
	b := c.buckets[:maxF+2]
	clear(b)
	for _, f := range c.freqs {
		b[f+1]++
	}
	for i := 1; i < len(b); i++ {
		b[i] += b[i-1]
	}
	for s, f := range c.freqs {
		c.order[b[f]] = f<<10 | uint32(s)
		b[f]++
	}
}
