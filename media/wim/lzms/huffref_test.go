package lzms

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// refLens is the first decoder's code construction, kept as the
// reference for the faster one in huffman.go: sort the symbols by
// (frequency, symbol), merge the two lightest nodes with a leaf winning
// ties, walk the internal nodes from the root down counting leaves per
// depth (a node deeper than maxCodeLen-1 takes the deepest slot above
// it), and give the longest codewords to the lightest symbols.
func refLens(freqs []uint32) (lens []uint8, limited bool) {
	n := len(freqs)
	lens = make([]uint8, n)
	switch n {
	case 0:
		return lens, false
	case 1:
		lens[0] = 1
		return lens, false
	}
	order := make([]uint32, n)
	for s, f := range freqs {
		order[s] = f<<10 | uint32(s)
	}
	slices.Sort(order)
	type node struct {
		weight uint32
		parent int32
		depth  int32
	}
	nodes := make([]node, n-1)
	li, ni := 0, 0
	for k := 0; k < n-1; k++ {
		var w uint32
		for pick := 0; pick < 2; pick++ {
			if li < n && (ni >= k || order[li]>>10 <= nodes[ni].weight) {
				w += order[li] >> 10
				li++
			} else {
				w += nodes[ni].weight
				nodes[ni].parent = int32(k)
				ni++
			}
		}
		nodes[k] = node{weight: w, parent: -1}
	}
	var lc [maxCodeLen + 2]int
	lc[1] = 2
	root := n - 2
	for k := root - 1; k >= 0; k-- {
		d := nodes[nodes[k].parent].depth + 1
		nodes[k].depth = d
		l := int(d)
		if l >= maxCodeLen {
			limited = true
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
			lens[order[i]&0x3FF] = uint8(l)
			i++
		}
	}
	return lens, limited
}

// TestBuildMatchesReference compares the code lengths of build with
// refLens on frequencies like the decoder's (adaptive counts, halved at
// every rebuild), on skewed ones that need the length limit, and on
// flat ones.
func TestBuildMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var c adaptiveCode
	limits := 0
	check := func(what string) {
		t.Helper()
		n := c.nsyms
		freqs := slices.Clone(c.freqs[:n])
		want, limited := refLens(freqs)
		if limited {
			limits++
		}
		c.build()
		if got := c.lens[:n]; !slices.Equal(got, want) {
			t.Fatalf("%s, %d symbols, freqs %v:\ngot  %v\nwant %v", what, n, freqs, got, want)
		}
		for s, f := range freqs {
			if c.freqs[s] != f>>1+1 {
				t.Fatalf("%s: symbol %d frequency %d after the rebuild, want %d", what, s, c.freqs[s], f>>1+1)
			}
		}
	}
	for _, n := range []int{1, 2, 3, 8, 54, 256, 729, maxOffsetSyms} {
		for _, every := range []int{512, 1024} {
			c.init(n, every, maxTableBits)
			// Symbols drawn from a skewed distribution, as a decoder
			// counts them between rebuilds.
			for round := 0; round < 40; round++ {
				hot := 1 + rng.IntN(n)
				for range every {
					s := rng.IntN(hot)
					if rng.IntN(4) == 0 {
						s = rng.IntN(n)
					}
					c.freqs[s]++
				}
				check("adaptive")
			}
		}
	}
	// Fibonacci-like weights make trees deeper than maxCodeLen.
	for _, n := range []int{20, 30, 40, 100, 799} {
		c.init(n, 1024, maxTableBits)
		a, b := uint32(1), uint32(1)
		for s := 0; s < n; s++ {
			c.freqs[(s*7)%n] = min(a, 2050)
			a, b = b, a+b
		}
		check("fibonacci")
		for s := 0; s < n; s++ {
			c.freqs[s] = 1 + uint32(rng.IntN(2050))>>uint(rng.IntN(12))
		}
		check("random")
	}
	if limits == 0 {
		t.Fatal("no case needed the length limit")
	}
	t.Logf("%d cases needed the length limit", limits)
}
