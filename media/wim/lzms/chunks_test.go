package lzms

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The benchmarks below decode real solid chunks, such as the two 64 MiB
// LZMS chunks of bench/esd.sh's ESD of GOROOT/src, when LZMS_CHUNKS names
// a folder of them: the compressed chunks as they are in the solid
// resource, one per file, named chunkN_SIZE.lzms (SIZE: uncompressed
// bytes). docs/performance.md ("LZMS decoder speed") uses them.

type fileChunk struct {
	data []byte
	size int
}

func fileChunks(b *testing.B) ([]fileChunk, int) {
	dir := os.Getenv("LZMS_CHUNKS")
	if dir == "" {
		b.Skip("LZMS_CHUNKS not set")
	}
	names, _ := filepath.Glob(filepath.Join(dir, "chunk*_*.lzms"))
	if len(names) == 0 {
		b.Fatalf("no chunk*_SIZE.lzms in %s", dir)
	}
	var cs []fileChunk
	total := 0
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			b.Fatal(err)
		}
		base := strings.TrimSuffix(filepath.Base(n), ".lzms")
		size, err := strconv.Atoi(base[strings.LastIndex(base, "_")+1:])
		if err != nil || size > MaxChunkSize {
			b.Fatalf("%s: no size in the name", n)
		}
		cs = append(cs, fileChunk{data, size})
		total += size
	}
	return cs, total
}

// BenchmarkChunks decodes the chunks with Decompress into buffers reused
// from round to round.
func BenchmarkChunks(b *testing.B) {
	cs, total := fileChunks(b)
	benchDecode(b, cs, total, false, false)
}

// BenchmarkChunksFresh decodes into new buffers each time, as a reader
// of an ESD does its first chunk (page faults on first touch).
func BenchmarkChunksFresh(b *testing.B) {
	cs, total := fileChunks(b)
	benchDecode(b, cs, total, true, false)
}

// BenchmarkChunksStream decodes the chunks with Stream (apply's way).
func BenchmarkChunksStream(b *testing.B) {
	cs, total := fileChunks(b)
	benchDecode(b, cs, total, false, true)
}

// benchDecode decodes cs (total uncompressed bytes) b.N times with
// Decompress, or Stream, into buffers made once, or fresh each time.
func benchDecode(b *testing.B, cs []fileChunk, total int, fresh, stream bool) {
	d := NewDecompressor()
	outs := make([][]byte, len(cs))
	for i, c := range cs {
		outs[i] = make([]byte, c.size)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for i, c := range cs {
			out := outs[i]
			if fresh {
				out = make([]byte, c.size)
			}
			var err error
			if stream {
				err = d.Stream(out, c.data, func(int) {})
			} else {
				err = d.Decompress(out, c.data)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
