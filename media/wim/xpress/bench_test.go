package xpress

import (
	"sync"
	"testing"

	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

var (
	benchOnce sync.Once
	benchData []byte
)

// benchCorpus is realistic capture data: 6 MiB of Go sources followed by
// 2 MiB of the go binary (or more sources when it is missing).
func benchCorpus() []byte {
	benchOnce.Do(func() {
		src := wimtest.GoSources(6 << 20)
		bin := wimtest.GoBinary(2 << 20)
		if len(bin) == 0 {
			bin = wimtest.GoSources(8 << 20)[len(src):]
		}
		benchData = append(append([]byte(nil), src...), bin...)
	})
	return benchData
}

func BenchmarkCompress(b *testing.B) {
	data := benchCorpus()
	c := NewCompressor()
	dst := make([]byte, 32768)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	comp := 0
	for i := 0; i < b.N; i++ {
		comp = 0
		for off := 0; off < len(data); off += 32768 {
			chunk := data[off:min(off+32768, len(data))]
			n := c.Compress(dst, chunk)
			if n == 0 {
				n = len(chunk)
			}
			comp += n
		}
	}
	b.ReportMetric(100*float64(comp)/float64(len(data)), "%size")
}

func BenchmarkDecompress(b *testing.B) {
	data := benchCorpus()
	c := NewCompressor()
	type chunk struct {
		comp []byte
		size int
	}
	var chunks []chunk
	for off := 0; off < len(data); off += 32768 {
		src := data[off:min(off+32768, len(data))]
		dst := make([]byte, len(src))
		n := c.Compress(dst, src)
		if n == 0 {
			continue
		}
		chunks = append(chunks, chunk{dst[:n], len(src)})
	}
	out := make([]byte, 32768)
	total := 0
	for _, ch := range chunks {
		total += ch.size
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, ch := range chunks {
			if err := Decompress(out[:ch.size], ch.comp); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCompressRandom is incompressible data (already-compressed
// files are common in Windows images).
func BenchmarkCompressRandom(b *testing.B) {
	data := make([]byte, 4<<20)
	x := uint64(1)
	for i := range data {
		x = x*6364136223846793005 + 1442695040888963407
		data[i] = byte(x >> 56)
	}
	c := NewCompressor()
	dst := make([]byte, 32768)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for off := 0; off < len(data); off += 32768 {
			if c.Compress(dst, data[off:off+32768]) != 0 {
				b.Fatal("random data compressed")
			}
		}
	}
}
