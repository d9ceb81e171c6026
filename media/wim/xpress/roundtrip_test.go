package xpress

import (
	"bytes"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

func roundTrip(t testing.TB, c *Compressor, src []byte) int {
	t.Helper()
	dst := make([]byte, len(src))
	n := c.Compress(dst, src)
	if n == 0 {
		return 0
	}
	if n >= len(src) {
		t.Fatalf("len %d: compressed size %d not smaller", len(src), n)
	}
	got := make([]byte, len(src))
	if err := Decompress(got, dst[:n]); err != nil {
		t.Fatalf("len %d: decompress: %v", len(src), err)
	}
	if !bytes.Equal(got, src) {
		i := 0
		for i < len(src) && got[i] == src[i] {
			i++
		}
		t.Fatalf("len %d: round trip differs at byte %d", len(src), i)
	}
	return n
}

func TestRoundTripFiles(t *testing.T) {
	c := NewCompressor()
	for name, data := range testFiles() {
		total, comp := 0, 0
		for off := 0; off < len(data); off += 32768 {
			chunk := data[off:min(off+32768, len(data))]
			n := roundTrip(t, c, chunk)
			if n == 0 {
				n = len(chunk)
			}
			total += len(chunk)
			comp += n
		}
		t.Logf("%-24s %9d -> %9d (%.1f%%)", name, total, comp, 100*float64(comp)/float64(max(total, 1)))
	}
}

func TestRoundTripChunkSizes(t *testing.T) {
	c := NewCompressor()
	text := wimtest.GoSources(1 << 20)
	r := rand.New(rand.NewPCG(3, 4))
	for _, size := range []int{4096, 8192, 16384, 32768, 65536} {
		for off := 0; off+size <= len(text); off += size * 3 {
			roundTrip(t, c, text[off:off+size])
		}
		zeros := make([]byte, size)
		if roundTrip(t, c, zeros) == 0 {
			t.Fatalf("zeros of %d did not compress", size)
		}
		mixed := append([]byte(nil), text[:size]...)
		for i := 0; i < size/100; i++ {
			mixed[r.IntN(size)] = byte(r.Uint32())
		}
		roundTrip(t, c, mixed)
	}
}

// TestRoundTripLengths compresses text, zeros and random data of every
// length 0..4096, every length within 512 of 32 KiB and 64 KiB, and every
// 997th length in between. XPRESS_EXHAUSTIVE=1 runs every length
// 0..65536 (about a minute).
func TestRoundTripLengths(t *testing.T) {
	c := NewCompressor()
	text := wimtest.GoSources(65536)
	zeros := make([]byte, 65536)
	r := rand.New(rand.NewPCG(5, 6))
	random := make([]byte, 65536)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	var lengths []int
	if os.Getenv("XPRESS_EXHAUSTIVE") != "" {
		for n := 0; n <= 65536; n++ {
			lengths = append(lengths, n)
		}
	} else {
		for n := 0; n <= 4096; n++ {
			lengths = append(lengths, n)
		}
		for _, p := range []int{32768, 65536} {
			for n := p - 512; n <= min(p+512, 65536); n++ {
				lengths = append(lengths, n)
			}
		}
		for n := 4097; n < 65536; n += 997 {
			lengths = append(lengths, n)
		}
	}
	for _, n := range lengths {
		for _, data := range [][]byte{text, zeros, random} {
			roundTrip(t, c, data[:n])
		}
	}
}

// TestRoundTripMatchLengths puts matches of every length around the
// encoding boundaries (length header 15, extra byte 255, u16 lengths)
// into chunks.
func TestRoundTripMatchLengths(t *testing.T) {
	c := NewCompressor()
	r := rand.New(rand.NewPCG(7, 8))
	rnd := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	var lens []int
	for l := 3; l <= 300; l++ {
		lens = append(lens, l)
	}
	lens = append(lens, 1000, 32000, 65530, 65531, 65532, 65533)
	for _, l := range lens {
		// A random prefix repeated: a match of length l at offset len(prefix).
		for _, plen := range []int{1, 2, 5, 100} {
			if plen+l > 65536 {
				continue
			}
			prefix := rnd(plen)
			data := append([]byte(nil), prefix...)
			for len(data) < plen+l {
				data = append(data, prefix...)
			}
			data = data[:plen+l]
			data = append(data, rnd(min(50, 65536-len(data)))...)
			roundTrip(t, c, data)
		}
		// A distant copy: random block, gap, copy of its first l bytes.
		if 2*l+300 <= 65536 {
			blk := rnd(l)
			data := append(append(append([]byte(nil), blk...), rnd(300)...), blk...)
			roundTrip(t, c, data)
		}
	}
	// The longest possible match: a 64 KiB chunk of one byte.
	roundTrip(t, c, bytes.Repeat([]byte{'x'}, 65536))
}

func TestIncompressible(t *testing.T) {
	c := NewCompressor()
	r := rand.New(rand.NewPCG(9, 10))
	b := make([]byte, 32768)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	if n := c.Compress(make([]byte, len(b)), b); n != 0 {
		t.Fatalf("random data compressed to %d", n)
	}
	if n := c.Compress(make([]byte, 10), []byte("abcabcabca")); n != 0 {
		t.Fatalf("tiny input compressed to %d", n)
	}
}
