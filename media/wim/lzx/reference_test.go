package lzx

import (
	"bytes"
	"fmt"
	"testing"
)

// checkVsReference decodes src with Decompress and with the reference
// decoder and fails unless both fail, or both succeed with the same bytes.
func checkVsReference(t *testing.T, name string, window, size int, src []byte) {
	t.Helper()
	got := make([]byte, size)
	want := make([]byte, size)
	err := Decompress(got, src, window)
	refErr := refDecompress(want, src, window)
	switch {
	case (err == nil) != (refErr == nil):
		t.Fatalf("%s: Decompress error %v, reference error %v", name, err, refErr)
	case err == nil && !bytes.Equal(got, want):
		i := 0
		for got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: output differs from the reference's at byte %d of %d", name, i, size)
	}
}

// TestDecompressMatchesReference runs the stored wimlib chunks and the
// hand-made streams, then damaged copies of them (bytes flipped at
// spread positions, truncations, a wrong output size), through Decompress
// and the reference decoder: both must agree on success, and on every
// output byte. A wrong decode that the reference rejects is an error here.
func TestDecompressMatchesReference(t *testing.T) {
	seeds := append(seedStreams(), wimlibSeeds()...)
	if len(seeds) < 4 {
		t.Fatal("missing seeds")
	}
	failed := 0
	for i, s := range seeds {
		name := fmt.Sprintf("seed %d", i)
		checkVsReference(t, name, s.window, s.size, s.data)
		n := len(s.data)
		for _, cut := range []int{0, 1, 2, 3, 5, n / 3, n / 2, n - 9, n - 4, n - 3, n - 2, n - 1} {
			if cut >= 0 && cut < n {
				checkVsReference(t, fmt.Sprintf("%s cut at %d", name, cut), s.window, s.size, s.data[:cut])
			}
		}
		for _, size := range []int{s.size - 1, s.size + 1, s.size / 2} {
			if size > 0 && size <= s.window {
				checkVsReference(t, fmt.Sprintf("%s size %d", name, size), s.window, size, s.data)
			}
		}
		step := max(1, n/97)
		for p := 0; p < n; p += step {
			for _, x := range []byte{0x01, 0x80, 0xff} {
				b := bytes.Clone(s.data)
				b[p] ^= x
				got := make([]byte, s.size)
				if Decompress(got, b, s.window) != nil {
					failed++
				}
				checkVsReference(t, fmt.Sprintf("%s byte %d ^ %#x", name, p, x), s.window, s.size, b)
			}
		}
	}
	// Damage must be detected often (the WIM's SHA-1 catches the rest).
	if failed == 0 {
		t.Fatal("no damaged chunk was rejected")
	}
	t.Logf("%d damaged chunks rejected", failed)
}

func FuzzLZXDecompressVsReference(f *testing.F) {
	for _, s := range append(seedStreams(), wimlibSeeds()...) {
		f.Add(uint8(s.window>>16), uint32(s.size), s.data)
	}
	f.Fuzz(func(t *testing.T, w uint8, size uint32, data []byte) {
		window := 32768 << (w % 7)
		size %= uint32(min(window, 1<<17)) + 1
		checkVsReference(t, "input", window, int(size), data)
	})
}

// TestInvalidMainCodeword writes blocks whose main code is incomplete and
// whose data then uses a bit pattern no codeword starts with: once in the
// primary table (a 1-bit code) and once in a subtable (codewords of 1 to
// 12 bits, the 12-bit pattern of all ones missing). The block loop has no
// check of its own for these (the invalid entries decode to a symbol
// whose offset is refused): both must fail, and the same streams without
// the bad pattern must decode.
func TestInvalidMainCodeword(t *testing.T) {
	for _, tc := range []struct {
		name string
		lens map[int]uint8 // symbol: length; the rest 0
		bad  uint32        // the unused pattern
		n    uint
	}{
		{"primary", map[int]uint8{'a': 1}, 1, 1},
		{"subtable", map[int]uint8{'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6, 'g': 7, 'h': 8, 'i': 9, 'j': 10, 'k': 11, 'l': 12}, 0xfff, 12},
	} {
		for _, withBad := range []bool{false, true} {
			e := newTestEncoder(32768)
			const size = 40
			e.header(blockVerbatim, size)
			mainLens := make([]uint8, e.numMain)
			for s, l := range tc.lens {
				mainLens[s] = l
			}
			e.writeLens(mainLens[:numChars], e.prevMain[:numChars])
			e.writeLens(mainLens[numChars:], e.prevMain[numChars:e.numMain])
			// A complete length code: an invalid main codeword must
			// not be caught by an empty length code instead.
			lenLens := make([]uint8, numLenSyms)
			lenLens[0], lenLens[1] = 1, 1
			e.writeLens(lenLens, e.prevLen[:])
			codes := canonical(mainLens)
			var want []byte
			for i := 0; i < size; i++ {
				s := 'a' + i%len(tc.lens)
				if withBad && i == size/2 {
					e.w.put(tc.bad, tc.n)
					continue
				}
				e.w.put(codes[s], uint(mainLens[s]))
				want = append(want, byte(s))
			}
			e.w.put(0, 16)
			e.w.flush()
			got := make([]byte, size)
			err := Decompress(got, e.w.out, 32768)
			if withBad {
				if err == nil {
					t.Errorf("%s: a missing codeword decoded without error", tc.name)
				}
			} else if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s without the bad pattern: %v, %q", tc.name, err, got)
			}
			checkVsReference(t, tc.name, 32768, size, e.w.out)
		}
	}
}
