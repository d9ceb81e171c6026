//go:build linux

package lzx

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

// TestCompressDirVsWimlib compresses every file of the folder $LZX_DIR,
// each alone in 32 KiB chunks as a capture does (duplicates included), and
// compares the CPU time with `wimlib-imagex capture --compress=LZX
// --threads=1` of the same folder, 3 rounds alternating, as the median of
// the per-round ratios. wimlib's time includes reading, SHA-1 and its
// metadata; its size is the whole WIM's. Run with LZX_SPEED=1:
//
//	LZX_SPEED=1 LZX_DIR=/some/folder go test ./media/wim/lzx -run CompressDirVsWimlib -v
func TestCompressDirVsWimlib(t *testing.T) {
	dir := os.Getenv("LZX_DIR")
	if os.Getenv("LZX_SPEED") == "" || dir == "" {
		t.Skip("set LZX_SPEED=1 and LZX_DIR=folder to measure")
	}
	tool := oracle.Require(t, "wimlib-imagex")
	var files [][]byte
	total := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		files = append(files, b)
		total += len(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c, _ := NewCompressor(32768)
	dst := make([]byte, 32768)
	wim := filepath.Join(t.TempDir(), "dir.wim")
	var ratios []float64
	ours := 0
	for r := 0; r < 3; r++ {
		start := threadCPU()
		ours = 0
		for _, b := range files {
			for off := 0; off < len(b); off += 32768 {
				chunk := b[off:min(off+32768, len(b))]
				n := c.Compress(dst, chunk)
				if n == 0 {
					n = len(chunk)
				}
				ours += n
			}
		}
		o := threadCPU() - start
		os.Remove(wim)
		cmd := exec.Command(tool, "capture", dir, wim, "--compress=LZX", "--threads=1", "--no-acls")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		w := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		ratios = append(ratios, o.Seconds()/w.Seconds())
		t.Logf("run %d: ours %v, wimlib %v", r+1, o.Round(time.Millisecond), w.Round(time.Millisecond))
	}
	st, err := os.Stat(wim)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ratios)
	t.Logf("%s: %d files, %d bytes → ours %d (file data), wimlib %d (whole WIM); CPU time ratio ours/wimlib (median of %d) %.3f",
		dir, len(files), total, ours, st.Size(), len(ratios), ratios[len(ratios)/2])
}
