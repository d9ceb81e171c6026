package xpress

import (
	"testing"

	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

type fuzzSeed struct{ plain, comp []byte }

// fuzzSeeds returns chunks our compressor made from varied inputs, for the
// decoder's fuzz corpus.
func fuzzSeeds() []fuzzSeed {
	c := NewCompressor()
	text := wimtest.GoSources(20000)
	inputs := [][]byte{
		text[:300],
		text[:5000],
		make([]byte, 2000),
		[]byte("abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc"),
	}
	runs := append([]byte("0123456789"), make([]byte, 300)...)
	runs = append(runs, text[:400]...)
	inputs = append(inputs, runs)
	var seeds []fuzzSeed
	for _, in := range inputs {
		dst := make([]byte, len(in))
		if n := c.Compress(dst, in); n > 0 {
			seeds = append(seeds, fuzzSeed{in, dst[:n]})
		}
	}
	return seeds
}

func TestFuzzSeedsDecode(t *testing.T) {
	seeds := fuzzSeeds()
	if len(seeds) < 4 {
		t.Fatalf("only %d seeds", len(seeds))
	}
	for i, s := range seeds {
		got := make([]byte, len(s.plain))
		if err := Decompress(got, s.comp); err != nil || string(got) != string(s.plain) {
			t.Fatalf("seed %d: %v", i, err)
		}
	}
}

// FuzzCompressRoundTrip compresses arbitrary chunks (at most 64 KiB) and
// checks that they decompress to the input.
func FuzzCompressRoundTrip(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s.plain)
	}
	f.Add([]byte{})
	f.Add(make([]byte, 65536))
	c := NewCompressor()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 65536 {
			data = data[:65536]
		}
		roundTrip(t, c, data)
		// Data stretched by repetition exercises long matches.
		if len(data) > 0 && len(data) < 1000 {
			var rep []byte
			for len(rep) < 20000 {
				rep = append(rep, data...)
			}
			roundTrip(t, c, rep)
		}
	})
}
