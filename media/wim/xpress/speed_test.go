//go:build linux

package xpress

import (
	"crypto/sha1"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestSpeedVsWimlib measures, in one run and alternating to share the
// machine's load fairly, the CPU time of our XPRESS compressor and
// decompressor on the benchmark corpus and of wimlib-imagex capturing and
// verifying the same data with XPRESS on one thread. wimlib's times
// include its SHA-1 and file reading, so ours add a SHA-1 pass. Run with
// XPRESS_SPEED=1 (it is not a pass/fail test):
//
//	XPRESS_SPEED=1 go test ./media/wim/xpress -run SpeedVsWimlib -v
func TestSpeedVsWimlib(t *testing.T) {
	if os.Getenv("XPRESS_SPEED") == "" {
		t.Skip("set XPRESS_SPEED=1 to measure")
	}
	tool := oracle.Require(t, "wimlib-imagex")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	corpus := benchCorpus()
	if f := os.Getenv("XPRESS_SPEED_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpus = b[:len(b)/4]
	}
	// 4 copies make 32 MiB; chunks are independent, so this only
	// lengthens the measurement.
	var data []byte
	for i := 0; i < 4; i++ {
		data = append(data, corpus...)
	}
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	os.MkdirAll(tree, 0o755)
	if err := os.WriteFile(filepath.Join(tree, "corpus.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	wim := filepath.Join(dir, "w.wim")
	rounds := 5
	if os.Getenv("XPRESS_ROUNDS") != "" {
		fmt.Sscan(os.Getenv("XPRESS_ROUNDS"), &rounds)
	}
	best := func(d *time.Duration, v time.Duration) {
		if *d == 0 || v < *d {
			*d = v
		}
	}
	var ourC, ourD, ourSHA, wlC, wlV time.Duration
	var ourSize, wlSize int64
	c := NewCompressor()
	if p := os.Getenv("XPRESS_PARAMS"); p != "" {
		fmt.Sscanf(p, "%d,%d,%d,%d", &c.depth, &c.nice, &c.good, &c.lazy)
		t.Logf("params depth %d nice %d good %d lazy %d", c.depth, c.nice, c.good, c.lazy)
	}
	type chunk struct {
		comp []byte
		n    int
	}
	var chunks []chunk
	for r := 0; r < rounds; r++ {
		// ours: compress
		chunks = chunks[:0]
		buf := make([]byte, 32768)
		start := threadCPU()
		size := 0
		for off := 0; off < len(data); off += 32768 {
			in := data[off:min(off+32768, len(data))]
			n := c.Compress(buf, in)
			if n == 0 {
				n = len(in)
				chunks = append(chunks, chunk{nil, len(in)})
			} else {
				chunks = append(chunks, chunk{append([]byte(nil), buf[:n]...), len(in)})
			}
			size += n
		}
		best(&ourC, threadCPU()-start)
		ourSize = int64(size)
		start = threadCPU()
		sha1.Sum(data)
		best(&ourSHA, threadCPU()-start)
		// ours: decompress
		start = threadCPU()
		for _, ch := range chunks {
			if ch.comp != nil {
				if err := Decompress(buf[:ch.n], ch.comp); err != nil {
					t.Fatal(err)
				}
			}
		}
		best(&ourD, threadCPU()-start)
		// wimlib: capture and verify on one thread
		os.Remove(wim)
		cmd := exec.Command(tool, "capture", tree, wim, "--compress=XPRESS", "--threads=1")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		best(&wlC, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		cmd = exec.Command(tool, "verify", wim)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		best(&wlV, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		st, err := wimtest.CheckWIM(wim, chunkDecompress)
		if err != nil {
			t.Fatal(err)
		}
		wlSize = int64(st.StoredBytes) - int64(st.Stored[sha1.Sum(nil)])
		for sum, n := range st.Stored {
			if sum != sha1.Sum(data) {
				wlSize -= int64(n) // metadata resource
			}
		}
	}
	mbs := func(d time.Duration) string { return fmt.Sprintf("%6.1f MB/s", float64(len(data))/d.Seconds()/1e6) }
	t.Logf("data: %d bytes (Go sources + go binary, x4), 32 KiB chunks, best of %d, CPU time", len(data), rounds)
	t.Logf("compress  ours %s (%s with SHA-1)   wimlib capture --threads=1 %s", mbs(ourC), mbs(ourC+ourSHA), mbs(wlC))
	t.Logf("decompress ours %s (%s with SHA-1)  wimlib verify %s", mbs(ourD), mbs(ourD+ourSHA), mbs(wlV))
	t.Logf("size      ours %d (%.2f%%)   wimlib %d (%.2f%%)   ours/wimlib %.4f", ourSize, 100*float64(ourSize)/float64(len(data)), wlSize, 100*float64(wlSize)/float64(len(data)), float64(ourSize)/float64(wlSize))
	t.Logf("speed     ours/wimlib compress %.2fx (with SHA-1 %.2fx), decompress %.2fx (with SHA-1 %.2fx)", wlC.Seconds()/ourC.Seconds(), wlC.Seconds()/(ourC+ourSHA).Seconds(), wlV.Seconds()/ourD.Seconds(), wlV.Seconds()/(ourD+ourSHA).Seconds())
}
