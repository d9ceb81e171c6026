package lzms

import (
	"bytes"
	"math/rand/v2"
	"sync"
	"testing"
)

// streamAll decodes src with Stream, copying out each newly final part
// as ready reports it; it checks that ready's n grows and ends at the
// chunk's size, and returns the output and the count of marked
// instructions.
func streamAll(t testing.TB, d *Decompressor, size int, src []byte) ([]byte, int, int, error) {
	dst := make([]byte, size)
	got := make([]byte, size)
	prev, calls := 0, 0
	err := d.Stream(dst, src, func(n int) {
		calls++
		if n <= prev && !(n == size && calls == 1) {
			t.Fatalf("ready(%d) after ready(%d)", n, prev)
		}
		if n > size {
			t.Fatalf("ready(%d) past the chunk's %d bytes", n, size)
		}
		d.CopyOut(got[prev:n], dst, prev)
		prev = n
	})
	if err != nil {
		return nil, 0, 0, err
	}
	if prev != size || calls == 0 {
		t.Fatalf("ready ended at %d (%d calls), chunk has %d bytes", prev, calls, size)
	}
	marks := 0
	d.eachMark(0, size, func(int) bool { marks++; return true })
	return got, marks, calls, nil
}

// TestStreamMatchesDecompress: Stream with CopyOut gives Decompress's
// bytes for wimlib's chunks, part by part as they become final; the x86
// chunk among them has translations, so the marks are exercised.
func TestStreamMatchesDecompress(t *testing.T) {
	defer func(s int) { streamStep = s }(streamStep)
	streamStep = 1000
	d := NewDecompressor()
	total, calls := 0, 0
	for i, s := range wimlibSeeds(t) {
		want := make([]byte, s.size)
		if err := NewDecompressor().Decompress(want, s.data); err != nil {
			t.Fatal(err)
		}
		got, marks, c, err := streamAll(t, d, s.size, s.data)
		calls += c
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("seed %d: Stream and Decompress differ at byte %d", i, firstDiff(got, want))
		}
		total += marks
		// Ranges Translated says nothing about are final in dst as is.
		dst := make([]byte, s.size)
		if err := d.Stream(dst, s.data, func(int) {}); err != nil {
			t.Fatal(err)
		}
		for lo := 0; lo < s.size; lo += 4093 {
			hi := min(s.size, lo+4093)
			if !d.Translated(lo, hi) && !bytes.Equal(dst[lo:hi], want[lo:hi]) {
				t.Fatalf("seed %d: [%d, %d) differs but Translated says no", i, lo, hi)
			}
		}
	}
	if calls < 20 {
		t.Fatalf("ready called %d times: the seeds are too small to show streaming", calls)
	}
	if total == 0 {
		t.Fatal("no x86 translation in any seed: the test proves nothing about them")
	}
	t.Logf("%d translated instructions", total)
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// x86ish makes data dense in the filter's candidates, with few distinct
// targets, so that many operands are translated.
func x86ish(r *rand.Rand, n int) []byte {
	alphabet := []byte{0xE8, 0xE9, 0xFF, 0x15, 0xF0, 0x83, 0x05, 0x48, 0x4C, 0x8D, 0x8B, 0x05, 0x0D, 0x00, 0x01, 0x90}
	b := make([]byte, n)
	for i := range b {
		if r.IntN(4) == 0 {
			b[i] = byte(r.Uint32())
		} else {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
	}
	return b
}

// TestScanMatchesFilter: the scan, run over a chunk in uneven steps,
// marks exactly what x86Filter translates in place, and CopyOut of any
// range gives the filtered bytes; at every step the bytes below what scan
// returns are final.
func TestScanMatchesFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	d := NewDecompressor()
	sizes := []int{0, 1, 16, 17, 18, 23, 24, 25, 40, 100, 1000, 70000, 300000}
	for _, size := range sizes {
		data := x86ish(r, size)
		want := bytes.Clone(data)
		var lt [1 << 16]int32
		x86Filter(want, &lt, true)
		d.resetScan(size)
		done := 0
		for n := 0; n <= size; {
			s := d.scan(data, n)
			if s < done || s > n {
				t.Fatalf("size %d: scan(%d) = %d after %d", size, n, s, done)
			}
			if s > done {
				part := make([]byte, s-done)
				d.CopyOut(part, data, done)
				if !bytes.Equal(part, want[done:s]) {
					t.Fatalf("size %d: [%d, %d) differs from the in-place filter at %d", size, done, s, done+firstDiff(part, want[done:s]))
				}
				done = s
			}
			if n == size {
				break
			}
			n = min(size, n+1+r.IntN(300))
		}
		if done != size {
			t.Fatalf("size %d: scan ended at %d", size, done)
		}
		for range 200 {
			if size == 0 {
				break
			}
			lo := r.IntN(size)
			hi := lo + r.IntN(size-lo+1)
			part := make([]byte, hi-lo)
			d.CopyOut(part, data, lo)
			if !bytes.Equal(part, want[lo:hi]) {
				t.Fatalf("size %d: CopyOut [%d, %d) differs at %d", size, lo, hi, lo+firstDiff(part, want[lo:hi]))
			}
			if !d.Translated(lo, hi) && !bytes.Equal(data[lo:hi], want[lo:hi]) {
				t.Fatalf("size %d: [%d, %d) differs but Translated says no", size, lo, hi)
			}
		}
		if size >= 70000 && bytes.Equal(data, want) {
			t.Fatalf("size %d: nothing translated: the data does not exercise the filter", size)
		}
	}
}

// TestStreamConcurrentReaders reads final parts of the chunk from other
// goroutines while Stream decodes the rest (run with -race).
func TestStreamConcurrentReaders(t *testing.T) {
	defer func(s int) { streamStep = s }(streamStep)
	streamStep = 500
	for _, s := range wimlibSeeds(t) {
		want := make([]byte, s.size)
		if err := Decompress(want, s.data); err != nil {
			t.Fatal(err)
		}
		d := NewDecompressor()
		dst := make([]byte, s.size)
		var mu sync.Mutex
		cond := sync.NewCond(&mu)
		ready, finished := 0, false
		var wg sync.WaitGroup
		errs := make(chan string, 4)
		for g := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(g), 7))
				buf := make([]byte, 70000)
				for {
					mu.Lock()
					n, fin := ready, finished
					for n == 0 && !fin {
						cond.Wait()
						n, fin = ready, finished
					}
					mu.Unlock()
					if n > 0 {
						lo := r.IntN(n)
						hi := min(n, lo+1+r.IntN(len(buf)))
						d.CopyOut(buf[:hi-lo], dst, lo)
						if !bytes.Equal(buf[:hi-lo], want[lo:hi]) {
							errs <- "a reader saw wrong bytes"
							return
						}
					}
					if fin {
						return
					}
				}
			}()
		}
		err := d.Stream(dst, s.data, func(n int) {
			mu.Lock()
			ready = n
			cond.Broadcast()
			mu.Unlock()
		})
		mu.Lock()
		finished = true
		cond.Broadcast()
		mu.Unlock()
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-errs:
			t.Fatal(e)
		default:
		}
	}
}
