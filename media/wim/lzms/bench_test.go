package lzms

import "testing"

// BenchmarkDecompress decodes the stored wimlib chunks (text, x86 code,
// ramps); MB/s counts uncompressed bytes.
func BenchmarkDecompress(b *testing.B) {
	var cs []fileChunk
	total := 0
	for _, s := range wimlibSeeds(b) {
		cs = append(cs, fileChunk{s.data, s.size})
		total += s.size
	}
	benchDecode(b, cs, total, false, false)
}
