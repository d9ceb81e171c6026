package lzx

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// roundTrip compresses data in window-sized chunks and decompresses every
// chunk, failing on any difference; it returns the total compressed size
// (chunks stored raw count their raw size).
func roundTrip(t testing.TB, c *Compressor, data []byte, window int) int {
	t.Helper()
	total := 0
	dst := make([]byte, window)
	back := make([]byte, window)
	for off := 0; off < len(data); off += window {
		chunk := data[off:min(off+window, len(data))]
		n := c.Compress(dst, chunk)
		if n == 0 {
			total += len(chunk)
			continue
		}
		if n >= len(chunk) {
			t.Fatalf("chunk at %d: compressed size %d not smaller than %d", off, n, len(chunk))
		}
		total += n
		if err := Decompress(back[:len(chunk)], dst[:n], window); err != nil {
			t.Fatalf("window %d, chunk at %d (%d bytes): %v", window, off, len(chunk), err)
		}
		if !bytes.Equal(back[:len(chunk)], chunk) {
			i := 0
			for back[i] == chunk[i] {
				i++
			}
			t.Fatalf("window %d, chunk at %d: first difference at byte %d", window, off, i)
		}
	}
	return total
}

func TestCompressRoundTrip(t *testing.T) {
	files := testFiles()
	for _, window := range []int{32768, 65536, 1 << 20, 1 << 21} {
		c, err := NewCompressor(window)
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if window > 65536 && !strings.HasPrefix(name, "edge/size-2") && !strings.HasPrefix(name, "x86/") {
				continue // the large windows on the files that fill them
			}
			if testing.Short() && window > 32768 {
				continue
			}
			t.Run(fmt.Sprintf("%d/%s", window, name), func(t *testing.T) {
				if window == 65536 && len(data) > 1<<20 {
					data = data[:1<<20]
				}
				size := roundTrip(t, c, data, window)
				t.Logf("%d → %d (%.3f)", len(data), size, float64(size)/float64(len(data)))
			})
		}
	}
}

func TestCompressSmallInputs(t *testing.T) {
	c, _ := NewCompressor(32768)
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < 300; n++ {
		for _, kind := range []int{0, 1, 2} {
			b := make([]byte, n)
			for i := range b {
				switch kind {
				case 0:
					b[i] = byte(r.IntN(3))
				case 1:
					b[i] = 0xE8
				case 2:
					b[i] = byte(r.Uint32())
				}
			}
			roundTrip(t, c, b, 32768)
		}
	}
}

// The compressor picks aligned-offset blocks where they pay (executable
// code, whose offsets' low bits are skewed) and verbatim blocks elsewhere.
func TestCompressBlockTypes(t *testing.T) {
	var stats [4]int
	blockStats = &stats
	defer func() { blockStats = nil }()
	c, _ := NewCompressor(32768)
	roundTrip(t, c, wimtest.GoBinary(1<<20), 32768)
	if stats[blockAligned] == 0 {
		t.Errorf("no aligned-offset block in 1 MiB of the go binary: %v", stats)
	}
	stats = [4]int{}
	roundTrip(t, c, wimtest.GoSources(1<<20), 32768)
	if stats[blockVerbatim] == 0 {
		t.Errorf("no verbatim block in 1 MiB of Go sources: %v", stats)
	}
	// Large windows: 1 MiB chunks are cut into several blocks.
	stats = [4]int{}
	c1, _ := NewCompressor(1 << 20)
	roundTrip(t, c1, wimtest.GoSources(1<<20), 1<<20)
	if n := stats[blockAligned] + stats[blockVerbatim]; n < 4 {
		t.Errorf("a 1 MiB chunk coded as %d blocks: %v", n, stats)
	}
}

func TestCompressRatioGo(t *testing.T) {
	data := wimtest.GoSources(4 << 20)
	c, _ := NewCompressor(32768)
	size := roundTrip(t, c, data, 32768)
	t.Logf("go sources: %d → %d (%.4f)", len(data), size, float64(size)/float64(len(data)))
}

// BenchmarkCompress compresses 6 MiB of Go sources and 2 MiB of the go
// binary in 32 KiB chunks; the ratio metric is compressed/original.
func BenchmarkCompress(b *testing.B) { benchCompress(b, 32768) }

// BenchmarkCompress1M does the same with 1 MiB chunks.
func BenchmarkCompress1M(b *testing.B) { benchCompress(b, 1<<20) }

func benchCompress(b *testing.B, window int) {
	data := benchCorpus()
	c, _ := NewCompressor(window)
	dst := make([]byte, window)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	total := 0
	for range b.N {
		total = 0
		for off := 0; off < len(data); off += window {
			chunk := data[off:min(off+window, len(data))]
			n := c.Compress(dst, chunk)
			if n == 0 {
				n = len(chunk)
			}
			total += n
		}
	}
	b.ReportMetric(float64(total)/float64(len(data)), "ratio")
	b.ReportMetric(float64(total), "bytes")
}

// FuzzLZXCompress round-trips arbitrary data through the compressor and
// the decompressor. The first byte picks the window (32 KiB to 2 MiB); the
// rest, repeated to the given length (below 20000), is the chunk.
func FuzzLZXCompress(f *testing.F) {
	f.Add([]byte{0, 'a', 'b', 'c'}, uint16(100))
	f.Add([]byte{1, 0xE8, 0, 0, 0, 0}, uint16(3000))
	f.Add([]byte("\x06hello, hello, world, hello, world"), uint16(40000))
	f.Add([]byte{2}, uint16(0))
	comps := map[int]*Compressor{}
	f.Fuzz(func(t *testing.T, b []byte, n uint16) {
		if len(b) == 0 {
			return
		}
		window := 32768 << (b[0] % 7)
		pat := b[1:]
		if len(pat) == 0 {
			pat = []byte{0}
		}
		size := int(n) % 20000 // keep each run short under the fuzzer
		if size < len(pat) {
			size = len(pat)
		}
		size = min(size, window)
		data := make([]byte, size)
		for i := 0; i < size; i += len(pat) {
			copy(data[i:], pat)
		}
		// Vary the repeats a little so that matches are not all the
		// same offset.
		for i := len(pat) * 7; i < size; i += 1 + i%977 {
			data[i] ^= byte(i)
		}
		c := comps[window]
		if c == nil {
			var err error
			if c, err = NewCompressor(window); err != nil {
				t.Fatal(err)
			}
			comps[window] = c
		}
		dst := make([]byte, size)
		k := c.Compress(dst, data)
		if k == 0 {
			return
		}
		if k >= size {
			t.Fatalf("compressed %d bytes into %d", size, k)
		}
		back := make([]byte, size)
		if err := Decompress(back, dst[:k], window); err != nil {
			t.Fatalf("window %d, %d bytes: %v", window, size, err)
		}
		if !bytes.Equal(back, data) {
			t.Fatalf("window %d, %d bytes: round trip differs", window, size)
		}
	})
}

// A chunk the greedy parse cannot shrink (random bytes) is given up
// before the optimal passes; data that only looks random byte by byte
// (a random block repeated, random bytes from 16 values) still compresses.
func TestCompressIncompressible(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	random := make([]byte, 32768)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	c, _ := NewCompressor(32768)
	dst := make([]byte, 32768)
	if n := c.Compress(dst, random); n != 0 {
		t.Errorf("32 KiB of random bytes compressed to %d bytes", n)
	}
	twice := append(append([]byte(nil), random[:16384]...), random[:16384]...)
	if size := roundTrip(t, c, twice, 32768); size > 17000 {
		t.Errorf("a random 16 KiB block repeated: %d bytes", size)
	}
	nibbles := make([]byte, 32768)
	for i := range nibbles {
		nibbles[i] = byte(r.IntN(16)) * 17
	}
	if size := roundTrip(t, c, nibbles, 32768); size > 20000 { // ~4 bits a byte
		t.Errorf("random bytes of 16 values: %d bytes", size)
	}
	// Random bytes in a larger window's chunk (several blocks) are
	// stored raw too.
	c1, _ := NewCompressor(1 << 20)
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	if n := c1.Compress(make([]byte, 1<<20), big); n != 0 {
		t.Errorf("1 MiB of random bytes compressed to %d bytes", n)
	}
}
