package iso

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWrite measures writing an image of one 64 MiB file of random
// bytes and 500 small files (bytes per second of image).
func BenchmarkWrite(b *testing.B) {
	dir := b.TempDir()
	r := rand.New(rand.NewPCG(3, 4))
	big := make([]byte, 64<<20)
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	files := []File{{Path: "sources/boot.wim", Source: filepath.Join(dir, "boot.wim"), Size: int64(len(big))}}
	if err := os.WriteFile(files[0].Source, big, 0o644); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 500; i++ {
		src := filepath.Join(dir, "f"+itoa(i))
		if err := os.WriteFile(src, big[i*1000:i*1000+i*7], 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, File{Path: "Boot/Fonts/font number " + itoa(i) + ".ttf", Source: src, Size: int64(i * 7)})
	}
	size, err := Size(files, Options{})
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "bench.iso")
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Write(context.Background(), out, files, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
