package xpress

import "slices"

// huffBuilder computes length-limited Huffman codes. Its scratch space is
// reused between chunks.
// sortBuckets is the number of buckets of makeLengths' counting sort.
const sortBuckets = 256

type huffBuilder struct {
	keys   []uint32 // freq<<9 | sym, sorted, of the used symbols
	keyBuf [numSymbols]uint32
	parent []int32
	depth  []uint8
	nodes  []pmNode
	cur    []int32
	prev   []int32
	stack  []int32
}

// makeLengths sets lens[s] to the codeword length of symbol s for an optimal
// prefix code for freq with no codeword longer than maxCodeLen. Symbols
// with zero frequency get length 0. If fewer than two symbols are used, a
// partner is added so that the code is complete (decoders reject incomplete
// codes).
func (h *huffBuilder) makeLengths(freq *[numSymbols]uint32, lens *[numSymbols]uint8) {
	*lens = [numSymbols]uint8{}
	// Counting sort of the used symbols by frequency (capped at
	// sortBuckets-1), stable in symbol order, then a comparison sort of
	// the few frequent symbols that share the last bucket: the result is
	// the keys in increasing order, as a full sort would give, in a
	// fraction of its time.
	// Unused symbols are sorted too, into bucket 0 ahead of the others,
	// and dropped: no branch per symbol.
	var count [sortBuckets]uint16
	for _, f := range freq {
		count[min(f, sortBuckets-1)]++
	}
	all := h.keyBuf[:]
	sum := uint16(0)
	for b := 0; b < sortBuckets; b++ {
		c := count[b]
		count[b] = sum
		sum += c
	}
	for s, f := range freq {
		b := min(f, sortBuckets-1)
		all[count[b]&(numSymbols-1)] = f<<9 | uint32(s)
		count[b]++
	}
	keys := all[count[0]:]
	switch len(keys) {
	case 0:
		lens[0], lens[1] = 1, 1
		h.keys = keys
		return
	case 1:
		s := keys[0] & 511
		other := uint32(0)
		if s == 0 {
			other = 1
		}
		lens[s], lens[other] = 1, 1
		h.keys = keys
		return
	}
	// count[sortBuckets-2] is now where the last bucket starts.
	slices.Sort(all[count[sortBuckets-2]:])
	h.keys = keys
	n := len(keys)

	// Two-queue Huffman construction on the sorted leaves. Node i < n is
	// leaf i; internal nodes are n.. in order of creation, and their
	// weights are non-decreasing, so two queues suffice.
	total := 2*n - 1
	if cap(h.parent) < total {
		h.parent = make([]int32, total)
		h.depth = make([]uint8, total)
	}
	parent := h.parent[:total]
	depth := h.depth[:total]
	var wInt [2 * numSymbols]uint64
	for i := 0; i < n; i++ {
		wInt[i] = uint64(keys[i] >> 9)
	}
	leaf, node := 0, n
	for next := n; next < total; next++ {
		var pick [2]int
		for k := 0; k < 2; k++ {
			if leaf < n && (node >= next || wInt[leaf] <= wInt[node]) {
				pick[k] = leaf
				leaf++
			} else {
				pick[k] = node
				node++
			}
		}
		wInt[next] = wInt[pick[0]] + wInt[pick[1]]
		parent[pick[0]] = int32(next)
		parent[pick[1]] = int32(next)
	}
	depth[total-1] = 0
	maxDepth := uint8(0)
	for i := total - 2; i >= 0; i-- {
		depth[i] = depth[parent[i]] + 1
		if i < n && depth[i] > maxDepth {
			maxDepth = depth[i]
		}
	}
	if maxDepth <= maxCodeLen {
		for i := 0; i < n; i++ {
			lens[keys[i]&511] = depth[i]
		}
		return
	}
	h.packageMerge(lens)
}

type pmNode struct {
	w    uint64
	leaf int32 // leaf index, or -1 for a package
	a, b int32 // children of a package
}

// packageMerge computes optimal lengths limited to maxCodeLen for the
// sorted leaves in h.keys (the package-merge algorithm).
func (h *huffBuilder) packageMerge(lens *[numSymbols]uint8) {
	keys := h.keys
	n := len(keys)
	nodes := h.nodes[:0]
	prev := h.prev[:0]
	for i := 0; i < n; i++ {
		nodes = append(nodes, pmNode{w: uint64(keys[i] >> 9), leaf: int32(i)})
		prev = append(prev, int32(i))
	}
	leafCount := n
	for level := 1; level < maxCodeLen; level++ {
		cur := h.cur[:0]
		li, pi := 0, 0
		np := len(prev) / 2
		for li < leafCount || pi < np {
			if pi < np {
				a, b := prev[2*pi], prev[2*pi+1]
				pw := nodes[a].w + nodes[b].w
				if li >= leafCount || pw < nodes[li].w {
					nodes = append(nodes, pmNode{w: pw, leaf: -1, a: a, b: b})
					cur = append(cur, int32(len(nodes)-1))
					pi++
					continue
				}
			}
			cur = append(cur, int32(li))
			li++
		}
		h.cur, h.prev = prev, cur
		prev = cur
	}
	var count [numSymbols]uint8
	stack := h.stack[:0]
	for _, x := range prev[:2*n-2] {
		stack = append(stack[:0], x)
		for len(stack) > 0 {
			y := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if nd := &nodes[y]; nd.leaf >= 0 {
				count[nd.leaf]++
			} else {
				stack = append(stack, nd.a, nd.b)
			}
		}
	}
	for i := 0; i < n; i++ {
		lens[keys[i]&511] = count[i]
	}
	h.nodes, h.stack = nodes, stack
}

// makeCodes assigns canonical codewords (sorted by length, then symbol) to
// the lengths.
func makeCodes(lens *[numSymbols]uint8, codes *[numSymbols]uint16) {
	var count [maxCodeLen + 1]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeLen + 2]uint16
	code := uint16(0)
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	// Unused symbols (length 0) take codes from next[0], which no used
	// symbol reads: no branch per symbol (most are unused in a small
	// chunk, in no predictable order).
	for s, l := range lens {
		codes[s] = next[l]
		next[l]++
	}
}
