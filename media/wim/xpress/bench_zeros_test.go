package xpress

import "testing"

// BenchmarkCompressZeros is long runs of one byte (sparse or preallocated
// files, page files), where the match finder used to spend its time
// inserting every position of each chunk-long match.
func BenchmarkCompressZeros(b *testing.B) {
	data := make([]byte, 4<<20)
	c := NewCompressor()
	dst := make([]byte, 32768)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	comp := 0
	for i := 0; i < b.N; i++ {
		comp = 0
		for off := 0; off < len(data); off += 32768 {
			n := c.Compress(dst, data[off:off+32768])
			if n == 0 {
				b.Fatal("zeros not compressed")
			}
			comp += n
		}
	}
	b.ReportMetric(100*float64(comp)/float64(len(data)), "%size")
}

// TestRoundTripRuns mixes runs of one byte of every length around
// maxInsert with random bytes and repeats of earlier data, so that matches
// start and end inside long matches whose positions were not all inserted
// (runs up to 600 bytes, beyond maxInsert).
func TestRoundTripRuns(t *testing.T) {
	c := NewCompressor()
	x := uint64(7)
	rnd := func(n int) int {
		x = x*6364136223846793005 + 1442695040888963407
		return int(x>>33) % n
	}
	for iter := 0; iter < 300; iter++ {
		size := 1 + rnd(65536)
		src := make([]byte, 0, size+4096)
		for len(src) < size {
			switch rnd(3) {
			case 0: // a run
				b := byte(rnd(4))
				for n := rnd(600); n > 0; n-- {
					src = append(src, b)
				}
			case 1: // random bytes
				for n := rnd(40); n > 0; n-- {
					src = append(src, byte(rnd(256)))
				}
			default: // a repeat of earlier data
				if len(src) > 0 {
					from := rnd(len(src))
					n := rnd(600)
					for k := 0; k < n; k++ {
						src = append(src, src[from+k])
					}
				}
			}
		}
		roundTrip(t, c, src[:size])
	}
}
