package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// refimageBinary builds the command once per test run.
func refimageBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "refimage-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "refimage")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v", binErr)
	}
	return binPath
}

// lockedBuffer collects a child's stderr while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// interruptJob runs the real binary writing into an empty folder, waits
// until its progress on stderr shows point, sends sig, and checks the
// folder: after SIGTERM the job exits 143 and leaves nothing; after
// SIGKILL nothing exists under the requested names, and the next run of
// the same job removes what the killed one left. A job that finished
// before the signal must have written exactly its results. It reports
// whether the signal hit the job while it ran.
func interruptJob(t *testing.T, out string, results []string, point string, sig syscall.Signal, args ...string) bool {
	t.Helper()
	bin := refimageBinary(t)
	os.RemoveAll(out)
	os.MkdirAll(out, 0o755)
	var stderr lockedBuffer
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	exited := false
	start := time.Now()
	deadline := start.Add(60 * time.Second)
	reached := func() bool {
		if d, err := time.ParseDuration(point); err == nil {
			return time.Since(start) >= d
		}
		return strings.Contains(stderr.String(), point)
	}
	for !exited && !reached() && time.Now().Before(deadline) {
		select {
		case err = <-done:
			exited = true
		case <-time.After(2 * time.Millisecond):
		}
	}
	if !exited {
		cmd.Process.Signal(sig)
		err = <-done
	}
	code := cmd.ProcessState.ExitCode()
	left := listDir(t, out)
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM && len(left) == 0 {
		// The signal came before the job set up its handling (at
		// start-up): nothing was written yet, and nothing is there.
		return false
	}
	if code == 0 {
		if strings.Join(left, " ") != strings.Join(results, " ") {
			t.Errorf("%s at %q: finished, but the folder holds %v, want %v", sig, point, left, results)
		}
		return false
	}
	switch sig {
	case syscall.SIGTERM:
		if code == 128+int(syscall.SIGTERM) && strings.Join(left, " ") == strings.Join(results, " ") {
			// The signal came after the results were renamed into
			// place: complete, so nothing partial is left.
			return false
		}
		if code != 128+int(syscall.SIGTERM) || len(left) != 0 {
			t.Errorf("SIGTERM at %q: exit %d (%v), folder %v; want 143 and an empty folder\n%s", point, code, err, left, stderr.String())
		}
	case syscall.SIGKILL:
		for _, r := range results {
			if _, err := os.Stat(filepath.Join(out, r)); err == nil {
				t.Errorf("SIGKILL at %q: %s exists", point, r)
			}
		}
		// The next run removes the killed run's leftovers.
		again := exec.Command(bin, args...)
		again.Env = cmd.Env
		if b, err := again.CombinedOutput(); err != nil {
			t.Fatalf("the run after SIGKILL: %v\n%s", err, b)
		}
		if got := listDir(t, out); strings.Join(got, " ") != strings.Join(results, " ") {
			t.Errorf("SIGKILL at %q left %v; the next run left %v, want %v", point, left, got, results)
		}
	}
	return true
}

// textTree is a folder of compressible text (random words), mb MiB in
// all: it keeps the compressor busy.
func textTree(t *testing.T, mb int) string {
	dir := t.TempDir()
	seed := make([]byte, 1<<16)
	rand.Read(seed)
	words := make([]string, 4096)
	for i := range words {
		n := 2 + int(seed[i])%8
		w := make([]byte, n)
		for k := range w {
			w[k] = 'a' + seed[(i*9+k)%len(seed)]%10
		}
		words[i] = string(w)
	}
	var b strings.Builder
	for i := 0; b.Len() < mb<<20; i++ {
		b.WriteString(words[int(seed[i%len(seed)])<<4^int(seed[(i*7+1)%len(seed)])%4096])
		b.WriteByte(' ')
		if b.Len() >= (1 << 20) {
			put(t, filepath.Join(dir, "d", string(rune('a'+i%26)), "f"+strings.Repeat("x", i%7)+".txt"), []byte(b.String()))
			mb--
			b.Reset()
		}
	}
	return dir
}

// SIGTERM and SIGKILL at several points of a WIM capture, export and
// split, an ISO and a USB image write.
func TestInterruptedJobsLeaveNothing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX signals")
	}
	if testing.Short() {
		t.Skip("builds the binary and writes ~100 MB several times")
	}
	tree := textTree(t, 32)
	base := t.TempDir()
	src := filepath.Join(base, "src.wim")
	if code, _, errs := run(t, "wim", "capture", tree, src, "--quiet"); code != 0 {
		t.Fatalf("capture: %s", errs)
	}
	winpe, exe := fakeWinPE(t)
	put(t, filepath.Join(winpe, "media", "sources", "big.bin"), bytes.Repeat([]byte("0123456789abcdef"), 3<<20))
	seq := "../../docs/examples/custom-capture.toml"
	out := filepath.Join(base, "out")
	jobs := []struct {
		name    string
		results []string
		points  []string
		args    []string
	}{
		{"capture", []string{"c.wim"}, []string{"capture:", "400ms"},
			[]string{"wim", "capture", tree, filepath.Join(out, "c.wim"), "--threads", "1"}},
		{"export", []string{"e.wim"}, []string{"export:", "100ms"},
			[]string{"wim", "export", src, "1", filepath.Join(out, "e.wim"), "--compress", "none", "--threads", "1"}},
		{"split", nil, []string{"split:", "100ms"},
			[]string{"wim", "split", src, filepath.Join(out, "s.swm"), "--part-size", "5"}},
		{"iso", []string{"m.iso"}, []string{"boot image", "write"},
			[]string{"media", seq, "--winpe", winpe, "--exe", exe, "--iso", filepath.Join(out, "m.iso")}},
		{"usb image", []string{"m.img"}, []string{"boot image", "write"},
			[]string{"media", seq, "--winpe", winpe, "--exe", exe, "--usb", filepath.Join(out, "m.img")}},
	}
	for _, j := range jobs {
		// A run to the end says what the results are.
		os.RemoveAll(out)
		os.MkdirAll(out, 0o755)
		if b, err := exec.Command(refimageBinary(t), j.args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", j.name, err, b)
		}
		j.results = listDir(t, out)
		hits := 0
		for _, p := range j.points {
			for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
				if interruptJob(t, out, j.results, p, sig, j.args...) {
					hits++
				}
			}
		}
		if hits == 0 {
			t.Errorf("%s: every signal came after the job ended; nothing was tested", j.name)
		}
	}
}
