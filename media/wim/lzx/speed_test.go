//go:build linux

package lzx

import (
	"crypto/sha1"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestSpeedVsWimlib compares the CPU time of our decoder on wimlib's LZX
// chunks of the benchmark corpus with `wimlib-imagex verify` of the same
// WIM (which decompresses and hashes every blob). Run with LZX_SPEED=1:
//
//	LZX_SPEED=1 go test ./media/wim/lzx -run SpeedVsWimlib -v
func TestSpeedVsWimlib(t *testing.T) {
	if os.Getenv("LZX_SPEED") == "" {
		t.Skip("set LZX_SPEED=1 to measure")
	}
	tool := oracle.Require(t, "wimlib-imagex")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, cs := range []string{"32768", "2097152"} {
		window := 32768
		if cs != "32768" {
			window = 1 << 21
		}
		chunks, wim := wimlibChunks(t, cs, t.TempDir())
		total := 0
		for _, c := range chunks {
			total += c.size
		}
		out := make([]byte, total)
		var ours, hash, wl time.Duration
		for r := 0; r < 5; r++ {
			start := threadCPU()
			o := 0
			for _, c := range chunks {
				if err := Decompress(out[o:o+c.size], c.comp, window); err != nil {
					t.Fatal(err)
				}
				o += c.size
			}
			if d := threadCPU() - start; ours == 0 || d < ours {
				ours = d
			}
			start = threadCPU()
			sha1.Sum(out)
			if d := threadCPU() - start; hash == 0 || d < hash {
				hash = d
			}
			cmd := exec.Command(tool, "verify", wim)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if d := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(); wl == 0 || d < wl {
				wl = d
			}
		}
		mbs := func(d time.Duration) string { return fmt.Sprintf("%.1f MB/s", float64(total)/d.Seconds()/1e6) }
		t.Logf("LZX chunk %s: %d bytes; ours %s (%s with SHA-1), wimlib verify %s; ours/wimlib %.2fx (with SHA-1 %.2fx)",
			cs, total, mbs(ours), mbs(ours+hash), mbs(wl), wl.Seconds()/ours.Seconds(), wl.Seconds()/(ours+hash).Seconds())
	}
}
