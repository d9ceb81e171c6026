package lzx

import "slices"

// huffBuilder computes length-limited Huffman codes for the compressor. Its
// scratch space is reused between blocks.
type huffBuilder struct {
	keys   []uint32 // freq<<10 | sym, sorted
	parent []int32
	depth  []uint8
	weight []uint64
	nodes  []pmNode
	cur    []int32
	prev   []int32
	stack  []int32
	count  []uint8
}

const symBits = 10 // symbols are < 1024; frequencies must be < 1<<22

// makeLengths sets lens[s] to the codeword length of symbol s in an
// optimal prefix code for freq with no codeword longer than maxLen. Unused
// symbols get length 0. When exactly one symbol is used a second one is
// given a codeword too, because WIM decoders reject incomplete codes; when
// none is used (and pad is false) every length stays 0, the empty code
// decoders accept.
func (h *huffBuilder) makeLengths(freq []uint32, lens []uint8, maxLen int, pad bool) {
	clear(lens)
	keys := h.keys[:0]
	for s, f := range freq {
		if f != 0 {
			keys = append(keys, min(f, 1<<22-1)<<symBits|uint32(s))
		}
	}
	h.keys = keys
	switch len(keys) {
	case 0:
		if pad {
			lens[0], lens[1] = 1, 1
		}
		return
	case 1:
		s := keys[0] & (1<<symBits - 1)
		other := uint32(0)
		if s == 0 {
			other = 1
		}
		lens[s], lens[other] = 1, 1
		return
	}
	slices.Sort(keys)
	n := len(keys)

	// Two-queue Huffman construction on the sorted leaves: node i < n is
	// leaf i, internal nodes follow in order of creation with
	// non-decreasing weights.
	total := 2*n - 1
	if cap(h.parent) < total {
		h.parent = make([]int32, total)
		h.depth = make([]uint8, total)
		h.weight = make([]uint64, total)
	}
	parent, depth, w := h.parent[:total], h.depth[:total], h.weight[:total]
	for i := 0; i < n; i++ {
		w[i] = uint64(keys[i] >> symBits)
	}
	leaf, node := 0, n
	for next := n; next < total; next++ {
		var pick [2]int
		for k := 0; k < 2; k++ {
			if leaf < n && (node >= next || w[leaf] <= w[node]) {
				pick[k] = leaf
				leaf++
			} else {
				pick[k] = node
				node++
			}
		}
		w[next] = w[pick[0]] + w[pick[1]]
		parent[pick[0]] = int32(next)
		parent[pick[1]] = int32(next)
	}
	depth[total-1] = 0
	maxDepth := 0
	for i := total - 2; i >= 0; i-- {
		depth[i] = depth[parent[i]] + 1
		if i < n && int(depth[i]) > maxDepth {
			maxDepth = int(depth[i])
		}
	}
	if maxDepth <= maxLen {
		for i := 0; i < n; i++ {
			lens[keys[i]&(1<<symBits-1)] = depth[i]
		}
		return
	}
	h.packageMerge(lens, maxLen)
}

type pmNode struct {
	w    uint64
	leaf int32 // leaf index, or -1 for a package
	a, b int32 // children of a package
}

// packageMerge computes optimal lengths limited to maxLen for the sorted
// leaves in h.keys (the package-merge algorithm).
func (h *huffBuilder) packageMerge(lens []uint8, maxLen int) {
	keys := h.keys
	n := len(keys)
	nodes := h.nodes[:0]
	prev := h.prev[:0]
	for i := 0; i < n; i++ {
		nodes = append(nodes, pmNode{w: uint64(keys[i] >> symBits), leaf: int32(i)})
		prev = append(prev, int32(i))
	}
	for level := 1; level < maxLen; level++ {
		cur := h.cur[:0]
		li, pi := 0, 0
		np := len(prev) / 2
		for li < n || pi < np {
			if pi < np {
				a, b := prev[2*pi], prev[2*pi+1]
				pw := nodes[a].w + nodes[b].w
				if li >= n || pw < nodes[li].w {
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
	if cap(h.count) < n {
		h.count = make([]uint8, n)
	}
	count := h.count[:n]
	clear(count)
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
		lens[keys[i]&(1<<symBits-1)] = count[i]
	}
	h.nodes, h.stack = nodes, stack
}

// makeCodes assigns canonical codewords (by length, then symbol) to lens,
// the order the decoder's tables use.
func makeCodes(lens []uint8, codes []uint32) {
	var count [maxCodeLen + 1]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeLen + 2]uint32
	code := uint32(0)
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lens {
		if l != 0 {
			codes[s] = next[l]
			next[l]++
		}
	}
}
