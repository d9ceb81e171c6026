package wim

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestReadWimlibLZMSAndSolid reads what wimlib writes with LZMS and solid
// resources: every image is applied by us and compared with its source,
// verified, listed, and exported to LZX and XPRESS WIMs that wimlib
// verifies and applies to the same trees.
func TestReadWimlibLZMSAndSolid(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 120)
	src2 := filepath.Join(dir, "src2")
	makeTree(t, src2, 15)
	os.WriteFile(filepath.Join(src2, "ramp.bin"), solidRamp(300000), 0o644)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"lzms", []string{"--compress=LZMS"}},
		{"lzms-32k", []string{"--compress=LZMS", "--chunk-size=32768"}},
		{"solid", []string{"--solid"}},
		{"solid-1m", []string{"--solid", "--solid-chunk-size=1048576"}},
		{"solid-lzx", []string{"--solid", "--solid-compress=LZX"}},
		{"solid-xpress", []string{"--solid", "--solid-compress=XPRESS", "--solid-chunk-size=65536"}},
		{"solid-none-lzx", []string{"--compress=LZX", "--solid"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			wimFile := filepath.Join(dir, c.name+".wim")
			wimlib(t, append([]string{"capture", src, wimFile, "one"}, c.args...)...)
			wimlib(t, append([]string{"append", src2, wimFile, "two"}, c.args...)...)
			checkSolidWIM(t, wimFile, []string{src, src2})
		})
	}
	// An ESD-like file: wimlib export --solid of an LZX WIM.
	t.Run("esd", func(t *testing.T) {
		lzx := filepath.Join(dir, "base.wim")
		wimlib(t, "capture", src, lzx, "one", "--compress=LZX")
		wimlib(t, "append", src2, lzx, "two", "--compress=LZX")
		esd := filepath.Join(dir, "install.esd")
		wimlib(t, "export", lzx, "all", esd, "--solid")
		w, err := Open(esd)
		if err != nil {
			t.Fatal(err)
		}
		if w.Header.Version != versionSolid || w.Compression() != CompressLZMS {
			t.Fatalf("version 0x%x compression %s", w.Header.Version, w.Compression())
		}
		nsolid := 0
		for _, b := range w.Blobs() {
			if b.solid != nil {
				nsolid++
			}
		}
		w.Close()
		if nsolid == 0 {
			t.Fatal("no blob in a solid resource: the test does not test solid reading")
		}
		checkSolidWIM(t, esd, []string{src, src2})
	})
}

func solidRamp(n int) []byte {
	b := make([]byte, n)
	for i := 0; i+4 <= n; i += 4 {
		binary.LittleEndian.PutUint32(b[i:], uint32(i*3+7))
	}
	return b
}

func checkSolidWIM(t *testing.T, wimFile string, srcs []string) {
	t.Helper()
	dir := t.TempDir()
	w, err := Open(wimFile)
	if err != nil {
		t.Fatal(err)
	}
	if n := w.ImageCount(); n != len(srcs) {
		t.Fatalf("%d images", n)
	}
	if _, err := w.Verify(VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	for i, s := range srcs {
		got := filepath.Join(dir, "apply", string(rune('1'+i)))
		if _, err := w.Apply(i+1, got, ApplyOptions{Threads: 3}); err != nil {
			t.Fatal(err)
		}
		compareTrees(t, s, got)
	}
	w.Close()
	for _, comp := range []Compression{CompressLZX, CompressXPRESS} {
		out := filepath.Join(dir, strings.ToLower(comp.String())+".wim")
		c := comp
		if _, err := Export(wimFile, 0, out, ExportOptions{Compression: &c}); err != nil {
			t.Fatal(err)
		}
		wimlib(t, "verify", out)
		info := wimlib(t, "info", out)
		if !strings.Contains(info, "Compression:    "+comp.String()) || !strings.Contains(info, "Version:        68864") {
			t.Fatalf("export to %s:\n%s", comp, info)
		}
		for i, s := range srcs {
			got := filepath.Join(dir, "wimlib-"+comp.String(), string(rune('1'+i)))
			os.MkdirAll(filepath.Dir(got), 0o755)
			wimlib(t, "apply", out, string(rune('1'+i)), got)
			compareTrees(t, s, got)
		}
	}
	// Without --compress an LZMS source becomes LZX (refimage writes no
	// LZMS); asking for LZMS is refused.
	out := filepath.Join(dir, "default.wim")
	if _, err := Export(wimFile, 1, out, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if d, err := Open(out); err != nil {
		t.Fatal(err)
	} else {
		if w0, _ := Open(wimFile); w0 != nil {
			if w0.Compression() == CompressLZMS && d.Compression() != CompressLZX {
				t.Errorf("export of an LZMS WIM wrote %s, want LZX", d.Compression())
			}
			w0.Close()
		}
		d.Close()
	}
	lz := CompressLZMS
	if _, err := Export(wimFile, 1, filepath.Join(dir, "lzms.wim"), ExportOptions{Compression: &lz}); !errors.Is(err, ErrSolid) {
		t.Errorf("export to LZMS: %v, want ErrSolid", err)
	}
	if _, err := Export(out, 1, wimFile, ExportOptions{Name: "again"}); err == nil && strings.Contains(wimFile, "solid") {
		t.Error("export into a solid WIM accepted")
	}
}

// solidFixture returns a small wimlib solid WIM's bytes and the file
// offset of its (only) solid resource.
func solidFixture(t *testing.T) ([]byte, int64) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 5)
	out := filepath.Join(dir, "s.esd")
	wimlib(t, "capture", src, out, "S", "--solid")
	b := mustRead(t, out)
	h, err := ParseHeader(b, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	tab := b[h.BlobTable.Offset : h.BlobTable.Offset+h.BlobTable.OrigSize]
	for i := 0; i+blobEntrySize <= len(tab); i += blobEntrySize {
		r := parseResHdr(tab[i:])
		if r.Flags&ResFlagSolid != 0 && r.OrigSize == solidMagic {
			return b, int64(r.Offset)
		}
	}
	t.Fatal("no solid resource")
	return nil, 0
}

// TestSolidHostile damages the solid resource header and chunk table: each
// is refused with a FormatError naming the offset, before any large
// allocation.
func TestSolidHostile(t *testing.T) {
	b, at := solidFixture(t)
	le := binary.LittleEndian
	for _, c := range []struct {
		name string
		off  int64
		mut  func(p []byte)
		want string
	}{
		{"ctype", at + 12, func(p []byte) { le.PutUint32(p[at+12:], 9) }, "unknown compression 9"},
		{"chunk size", at + 8, func(p []byte) { le.PutUint32(p[at+8:], 12345) }, "chunk size 12345"},
		{"chunk 1 GiB", at + 8, func(p []byte) { le.PutUint32(p[at+8:], 1<<30) }, "larger than refimage reads"},
		{"huge size", at, func(p []byte) { le.PutUint64(p[at:], 1<<50) }, "cannot hold"},
		{"zero chunk", at + 16, func(p []byte) { le.PutUint32(p[at+16:], 0) }, "impossible compressed size 0"},
		{"chunk past end", at + 16, func(p []byte) { le.PutUint32(p[at+16:], le.Uint32(p[at+16:])+1000) }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := bytes.Clone(b)
			c.mut(p)
			_, err := NewReader(bytes.NewReader(p), int64(len(p)))
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a FormatError", err)
			}
			if fe.Offset != c.off || !strings.Contains(fe.Msg, c.want) {
				t.Fatalf("got %v (offset %d), want offset %d and %q", err, fe.Offset, c.off, c.want)
			}
		})
	}
	// A corrupt chunk is found by verify and apply, with its offset.
	p := bytes.Clone(b)
	n := le.Uint64(p[at:])
	cs := uint64(le.Uint32(p[at+8:]))
	data := at + 16 + int64((n+cs-1)/cs*4)
	for i := data + 10; i < data+40; i++ {
		p[i] ^= 0xA5
	}
	w, err := NewReader(bytes.NewReader(p), int64(len(p)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Verify(VerifyOptions{}); err == nil {
		t.Fatal("corrupt solid chunk verified")
	}
	if _, err := w.Apply(1, filepath.Join(t.TempDir(), "x"), ApplyOptions{}); err == nil {
		t.Fatal("corrupt solid chunk applied")
	}
}

// TestSolidMemory applies a solid WIM with two 64 MiB-chunk pieces
// (70 MiB of data; mostly zeros so that wimlib compresses it in seconds)
// and checks the Go heap never held much more than one decoded chunk and
// its input (the limit is 200 MiB for any input; the input buffer is
// at most one chunk by construction).
func TestSolidMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 70 MiB with wimlib; skipped under -short")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	big := make([]byte, 70<<20)
	x := uint32(1)
	for i := 0; i < len(big); i += 4096 {
		x = x*1664525 + 1013904223
		big[i] = byte(x >> 24)
	}
	os.WriteFile(filepath.Join(src, "big.bin"), big, 0o644)
	os.WriteFile(filepath.Join(src, "small.txt"), []byte("small"), 0o644)
	big = nil
	out := filepath.Join(dir, "big.esd")
	wimlib(t, "capture", src, out, "big", "--solid", "--threads=2")
	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				return
			default:
				runtime.Gosched()
			}
		}
	}()
	w, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	if sr := w.SolidResources(); len(sr) != 1 || sr[0].ChunkSize != 64<<20 || sr[0].Size < 70<<20 {
		t.Fatalf("solid resources %+v: want one of two 64 MiB chunks", sr)
	}
	_, err = w.Apply(1, filepath.Join(dir, "got"), ApplyOptions{})
	w.Close()
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	compareTrees(t, src, filepath.Join(dir, "got"))
	t.Logf("peak heap %d MiB", peak>>20)
	if peak > 200<<20 {
		t.Fatalf("peak heap %d MiB, over 200 MiB", peak>>20)
	}
}

// Writing into an ESD is refused with ErrSolid (refimage writes no LZMS),
// and the file is left as it was.
func TestSolidWriteRefused(t *testing.T) {
	b, _ := solidFixture(t)
	dir := t.TempDir()
	esd := filepath.Join(dir, "x.esd")
	os.WriteFile(esd, b, 0o644)
	add := filepath.Join(dir, "add.txt")
	os.WriteFile(add, []byte("x"), 0o644)
	if _, err := Update(esd, 1, UpdateOptions{Adds: []AddSpec{{Src: add, Dest: "add.txt"}}}); !errors.Is(err, ErrSolid) {
		t.Errorf("update: %v", err)
	}
	if _, err := Capture(dir, esd, CaptureOptions{Name: "two", Append: true}); !errors.Is(err, ErrSolid) {
		t.Errorf("append: %v", err)
	}
	if _, err := Split(esd, filepath.Join(dir, "x.swm"), 1<<20, nil); !errors.Is(err, ErrSolid) {
		t.Errorf("split: %v", err)
	}
	if got := mustRead(t, esd); !bytes.Equal(got, b) {
		t.Error("the ESD was changed")
	}
}

// x86Calls makes n bytes of CALL rel32 instructions to a few targets
// again and again: the data LZMS's x86 filter translates.
func x86Calls(n int) []byte {
	b := make([]byte, n)
	targets := []int{100, 2000, 4000, 4096 * 3}
	for i := 0; i+5 <= n; i += 5 {
		base := i &^ 8191
		t := base + targets[(i/5)%len(targets)]
		b[i] = 0xE8
		binary.LittleEndian.PutUint32(b[i+1:], uint32(t-(i+5)))
	}
	return b
}

// sparse makes n mostly-zero bytes (quick for wimlib to compress).
func sparse(n int, seed uint32) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 509 {
		seed = seed*1664525 + 1013904223
		b[i] = byte(seed >> 24)
	}
	return b
}

// solidESD writes a tree (a file of x86 calls when x86 > 0, and n
// sparse files of size + i*step bytes) and captures it with wimlib and
// args; it returns the test's folder, the tree and the ESD.
func solidESD(t *testing.T, x86, n, size, step int, args ...string) (dir, src, esd string) {
	dir = t.TempDir()
	src = filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	if x86 > 0 {
		os.WriteFile(filepath.Join(src, "x86.bin"), x86Calls(x86), 0o644)
	}
	for i := range n {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("f%d.bin", i)), sparse(size+i*step, uint32(i)), 0o644)
	}
	esd = filepath.Join(dir, "s.esd")
	wimlib(t, append([]string{"capture", src, esd, "S"}, args...)...)
	return dir, src, esd
}

// TestSolidStreamedApply: apply with two workers reads the files of an
// LZMS solid chunk while the chunk is still being decoded (the decoder
// waits at each step until another reader has read, for a while), gets
// the x86 translations right through CopyOut, and decodes each chunk
// once.
func TestSolidStreamedApply(t *testing.T) {
	dir, src, esd := solidESD(t, 1500000, 8, 700000, 1000, "--solid")
	w, err := Open(esd)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	c := &w.solid
	c.decoded = map[chunkKey]int{}
	c.publishHook = func(n int) {
		before := c.early.Load()
		for deadline := time.Now().Add(300 * time.Millisecond); c.early.Load() == before && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	got := filepath.Join(dir, "got")
	if _, err := w.Apply(1, got, ApplyOptions{Threads: 2}); err != nil {
		t.Fatal(err)
	}
	compareTrees(t, src, got)
	if c.early.Load() == 0 {
		t.Error("no file was read before its chunk was decoded whole")
	}
	if c.translated.Load() == 0 {
		t.Error("no read went through the x86 translations: the test does not test them")
	}
	for k, n := range c.decoded {
		if n != 1 {
			t.Errorf("chunk %d decoded %d times", k.i, n)
		}
	}
	t.Logf("%d early reads, %d translated pieces", c.early.Load(), c.translated.Load())

	// Small chunks, more workers than chunks at a time: the workers
	// claim their blobs' chunks as they take them, so no chunk is
	// replaced while a blob taken earlier still needs it.
	small := filepath.Join(dir, "small.esd")
	wimlib(t, "capture", src, small, "S", "--solid", "--solid-chunk-size=65536")
	for threads := 2; threads <= 6; threads++ {
		w, err := Open(small)
		if err != nil {
			t.Fatal(err)
		}
		w.solid.decoded = map[chunkKey]int{}
		got := filepath.Join(dir, fmt.Sprint("small", threads))
		if _, err := w.Apply(1, got, ApplyOptions{Threads: threads}); err != nil {
			t.Fatal(err)
		}
		compareTrees(t, src, got)
		if len(w.solid.decoded) < 50 {
			t.Fatalf("%d chunks decoded, want more than 50", len(w.solid.decoded))
		}
		for k, n := range w.solid.decoded {
			if n != 1 {
				t.Errorf("%d threads: chunk %d decoded %d times", threads, k.i, n)
			}
		}
		w.Close()
	}
}

// TestSolidOverlappingBlobs: a hostile ESD whose blob entries overlap
// and leave their file order (one moved to the start, one moved back
// across chunk boundaries) is refused by apply and verify with any
// number of workers, never a hang: the chunk claims cannot deadlock
// whatever order the blobs come in.
func TestSolidOverlappingBlobs(t *testing.T) {
	dir, _, esd := solidESD(t, 300000, 6, 150000, 1000, "--solid", "--solid-chunk-size=65536")
	orig := mustRead(t, esd)
	h, err := ParseHeader(orig, int64(len(orig)))
	if err != nil {
		t.Fatal(err)
	}
	// The solid blobs' entries (not the resources').
	var blobs []int
	for at := int(h.BlobTable.Offset); at+blobEntrySize <= int(h.BlobTable.Offset+h.BlobTable.OrigSize); at += blobEntrySize {
		r := parseResHdr(orig[at:])
		if r.Flags&ResFlagSolid != 0 && r.OrigSize != solidMagic && r.Size > 100000 {
			blobs = append(blobs, at)
		}
	}
	if len(blobs) < 4 {
		t.Fatalf("%d large solid blobs", len(blobs))
	}
	for _, m := range []struct {
		name string
		mut  func(p []byte)
	}{
		{"last to start", func(p []byte) {
			at := blobs[len(blobs)-1]
			r := parseResHdr(p[at:])
			r.Offset = 0
			r.put(p[at:])
		}},
		{"middle back across chunks", func(p []byte) {
			at := blobs[len(blobs)/2]
			r := parseResHdr(p[at:])
			r.Offset -= min(r.Offset, 200000)
			r.put(p[at:])
		}},
		{"two onto one", func(p []byte) {
			a, b := blobs[1], blobs[2]
			ra, rb := parseResHdr(p[a:]), parseResHdr(p[b:])
			rb.Offset = ra.Offset + 1000
			rb.put(p[b:])
		}},
	} {
		p := bytes.Clone(orig)
		m.mut(p)
		file := filepath.Join(dir, strings.ReplaceAll(m.name, " ", "-")+".esd")
		os.WriteFile(file, p, 0o644)
		for threads := 1; threads <= 4; threads++ {
			done := make(chan error, 1)
			go func() {
				w, err := Open(file)
				if err != nil {
					done <- err
					return
				}
				defer w.Close()
				if _, err := w.Verify(VerifyOptions{Threads: threads}); err == nil {
					done <- errors.New("verify passed")
					return
				}
				_, err = w.Apply(1, filepath.Join(dir, fmt.Sprint(m.name, threads)), ApplyOptions{Threads: threads})
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Errorf("%s, %d threads: applied", m.name, threads)
				} else if !strings.Contains(err.Error(), "SHA-1") {
					t.Errorf("%s, %d threads: %v, want a SHA-1 mismatch found by apply", m.name, threads, err)
				}
			case <-time.After(60 * time.Second):
				t.Fatalf("%s, %d threads: apply or verify hung", m.name, threads)
			}
		}
	}
}

// TestSolidApplyCancelWhileDecoding: workers waiting for a solid chunk
// that decodes slowly return as soon as the apply is cancelled.
func TestSolidApplyCancelWhileDecoding(t *testing.T) {
	// Files of 2.5 MiB: at the first step (1 MiB) the second worker's
	// file is not ready, whichever comes first in the chunk.
	dir, _, esd := solidESD(t, 0, 3, 5<<19, 0, "--solid")
	w, err := Open(esd)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	w.solid.publishHook = func(int) {
		// Every step takes 2 s; 100 ms into the first, the apply is
		// cancelled (between two steps, not at one: nothing else wakes
		// the waiting workers then).
		once.Do(func() { time.AfterFunc(100*time.Millisecond, cancel) })
		time.Sleep(2 * time.Second)
	}
	start := time.Now()
	_, err = w.Apply(1, filepath.Join(dir, "got"), ApplyOptions{Threads: 2, Context: ctx})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Fatalf("apply returned after %v (cancelled at 0.1 s), want at once", d)
	}
}
