package lzx

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

type lzxChunk struct {
	comp []byte
	size int
}

var (
	benchMu     sync.Mutex
	benchChunks = map[string][]lzxChunk{}
)

// benchCorpus is 6 MiB of Go sources and 2 MiB of the go binary.
func benchCorpus() []byte {
	src := wimtest.GoSources(6 << 20)
	bin := wimtest.GoBinary(2 << 20)
	return append(append([]byte(nil), src...), bin...)
}

// wimlibChunks captures the corpus with wimlib-imagex (LZX, the given
// chunk size) and returns its compressed chunks. It writes the WIM to
// dir/lzx.wim.
func wimlibChunks(tb testing.TB, chunkSize string, dir string) ([]lzxChunk, string) {
	tool := oracle.Require(tb, "wimlib-imagex")
	tree := filepath.Join(dir, "tree")
	os.MkdirAll(tree, 0o755)
	data := benchCorpus()
	if err := os.WriteFile(filepath.Join(tree, "corpus.bin"), data, 0o644); err != nil {
		tb.Fatal(err)
	}
	wim := filepath.Join(dir, "lzx.wim")
	if b, err := exec.Command(tool, "capture", tree, wim, "--compress=LZX", "--chunk-size="+chunkSize).CombinedOutput(); err != nil {
		tb.Fatalf("%v\n%s", err, b)
	}
	var chunks []lzxChunk
	_, err := wimtest.CheckWIM(wim, func(dst, src []byte, _ int) error {
		chunks = append(chunks, lzxChunk{append([]byte(nil), src...), len(dst)})
		cs := 0
		fmt.Sscan(chunkSize, &cs)
		return Decompress(dst, src, cs)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return chunks, wim
}

func benchDecompress(b *testing.B, chunkSize string, window int) {
	benchMu.Lock()
	chunks, ok := benchChunks[chunkSize]
	if !ok {
		chunks, _ = wimlibChunks(b, chunkSize, b.TempDir())
		benchChunks[chunkSize] = chunks
	}
	benchMu.Unlock()
	total := 0
	for _, c := range chunks {
		total += c.size
	}
	out := make([]byte, window)
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range chunks {
			if err := Decompress(out[:c.size], c.comp, window); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDecompress decodes wimlib's LZX chunks (32 KiB) of Go sources
// and an executable.
func BenchmarkDecompress(b *testing.B) { benchDecompress(b, "32768", 32768) }

// BenchmarkDecompress2M is the same with 2 MiB chunks.
func BenchmarkDecompress2M(b *testing.B) { benchDecompress(b, "2097152", 1<<21) }
