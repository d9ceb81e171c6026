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
	d := NewDecompressor()
	outs := make([][]byte, len(cs))
	for i, c := range cs {
		outs[i] = make([]byte, c.size)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for i, c := range cs {
			if err := d.Decompress(outs[i], c.data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkChunksFresh decodes into new buffers each time, as a reader
// of an ESD does its first chunk (page faults on first touch).
func BenchmarkChunksFresh(b *testing.B) {
	cs, total := fileChunks(b)
	d := NewDecompressor()
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for _, c := range cs {
			if err := d.Decompress(make([]byte, c.size), c.data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkChunksStream decodes the chunks with Stream (apply's way).
func BenchmarkChunksStream(b *testing.B) {
	cs, total := fileChunks(b)
	d := NewDecompressor()
	outs := make([][]byte, len(cs))
	for i, c := range cs {
		outs[i] = make([]byte, c.size)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for i, c := range cs {
			if err := d.Stream(outs[i], c.data, func(int) {}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
