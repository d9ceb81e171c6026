package xpress

import (
	"math/rand"
	"slices"
	"testing"
)

// TestMakeLengthsSortsLikeASort checks the counting sort of makeLengths:
// its leaves must come out in the order a full sort of freq<<9|symbol
// gives (ties by symbol), for small, capped and large frequencies alike,
// and the lengths must form a complete prefix code within maxCodeLen.
func TestMakeLengthsSortsLikeASort(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var h huffBuilder
	for round := 0; round < 500; round++ {
		var freq [numSymbols]uint32
		used := 2 + rng.Intn(numSymbols-1)
		for k := 0; k < used; k++ {
			s := rng.Intn(numSymbols)
			switch rng.Intn(4) {
			case 0:
				freq[s] = uint32(1 + rng.Intn(4)) // many ties
			case 1:
				freq[s] = uint32(sortBuckets - 2 + rng.Intn(4)) // around the last bucket's edge
			case 2:
				freq[s] = uint32(rng.Intn(70000)) // large, and sometimes 0
			default:
				freq[s] = uint32(rng.Intn(sortBuckets))
			}
		}
		var want []uint32
		for s, f := range freq {
			if f != 0 {
				want = append(want, f<<9|uint32(s))
			}
		}
		slices.Sort(want)
		var lens [numSymbols]uint8
		h.makeLengths(&freq, &lens)
		if len(want) >= 2 && !slices.Equal(h.keys, want) {
			t.Fatalf("round %d: leaves not in sorted order:\n got %v\nwant %v", round, h.keys, want)
		}
		// Kraft sum of a complete code is exactly 1.
		kraft := 0
		for s, l := range lens {
			if l > maxCodeLen {
				t.Fatalf("round %d: symbol %d has length %d > %d", round, s, l, maxCodeLen)
			}
			if (l == 0) != (freq[s] == 0) && len(want) >= 2 {
				t.Fatalf("round %d: symbol %d freq %d has length %d", round, s, freq[s], l)
			}
			if l > 0 {
				kraft += 1 << (maxCodeLen - l)
			}
		}
		if kraft != 1<<maxCodeLen {
			t.Fatalf("round %d: Kraft sum %d, want %d", round, kraft, 1<<maxCodeLen)
		}
	}
}
