//go:build linux

package xpress

import (
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestCompressFileSpeed compresses the file named by XPRESS_FILE in 32 KiB
// chunks and reports the compressed size and the best CPU time of
// XPRESS_ROUNDS rounds (default 3): a quick A/B measure of the compressor
// alone on any data. XPRESS_FILE may name a folder: its files are
// compressed one after the other, as a capture does (each file's last
// chunk is short). Skipped without XPRESS_FILE.
//
//	XPRESS_FILE=/path/to/data go test ./media/wim/xpress -run CompressFileSpeed -v
func TestCompressFileSpeed(t *testing.T) {
	name := os.Getenv("XPRESS_FILE")
	if name == "" {
		t.Skip("set XPRESS_FILE to a file to measure")
	}
	// A folder stands for a capture: each file's last chunk is short.
	var files [][]byte
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		err := filepath.WalkDir(name, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				files = append(files, b)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	} else {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files = [][]byte{b}
	}
	total := 0
	for _, f := range files {
		total += len(f)
	}
	rounds := 3
	if s := os.Getenv("XPRESS_ROUNDS"); s != "" {
		var n int
		for _, ch := range s {
			n = n*10 + int(ch-'0')
		}
		rounds = n
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c := NewCompressor()
	if p := os.Getenv("XPRESS_PARAMS"); p != "" {
		fmt.Sscanf(p, "%d,%d,%d,%d", &c.depth, &c.nice, &c.good, &c.lazy)
	}
	dst := make([]byte, 32768)
	var best time.Duration
	size := 0
	sum := crc32.NewIEEE()
	for r := 0; r < rounds; r++ {
		size = 0
		start := threadCPU()
		for _, data := range files {
			for off := 0; off < len(data); off += 32768 {
				in := data[off:min(off+32768, len(data))]
				n := c.Compress(dst, in)
				if n == 0 {
					n = len(in)
				} else if r == 0 {
					sum.Write(dst[:n])
				}
				size += n
			}
		}
		if d := threadCPU() - start; best == 0 || d < best {
			best = d
		}
	}
	t.Logf("%s: %d files, %d bytes -> %d (%.3f%%), best CPU %v (%.1f MB/s), output CRC-32 %08x", name, len(files), total, size, 100*float64(size)/float64(total), best, float64(total)/best.Seconds()/1e6, sum.Sum32())
}
