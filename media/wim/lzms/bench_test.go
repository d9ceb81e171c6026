package lzms

import "testing"

// BenchmarkDecompress decodes the stored wimlib chunks (text, x86 code,
// ramps); MB/s counts uncompressed bytes.
func BenchmarkDecompress(b *testing.B) {
	seeds := wimlibSeeds(b)
	total := 0
	for _, s := range seeds {
		total += s.size
	}
	d := NewDecompressor()
	outs := make([][]byte, len(seeds))
	for i, s := range seeds {
		outs[i] = make([]byte, s.size)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for i, s := range seeds {
			if err := d.Decompress(outs[i], s.data); err != nil {
				b.Fatal(err)
			}
		}
	}
}
