package lzx

import (
	"bytes"
	"fmt"
	"testing"
)

// checkVsReference decodes src with Decompress and with the reference
// decoder and fails unless both fail, or both succeed with the same bytes.
func checkVsReference(t *testing.T, name string, window, size int, src []byte) {
	t.Helper()
	got := make([]byte, size)
	want := make([]byte, size)
	err := Decompress(got, src, window)
	refErr := refDecompress(want, src, window)
	switch {
	case (err == nil) != (refErr == nil):
		t.Fatalf("%s: Decompress error %v, reference error %v", name, err, refErr)
	case err == nil && !bytes.Equal(got, want):
		i := 0
		for got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: output differs from the reference's at byte %d of %d", name, i, size)
	}
}

// TestDecompressMatchesReference runs the stored wimlib chunks and the
// hand-made streams, then damaged copies of them (bytes flipped at
// spread positions, truncations, a wrong output size), through Decompress
// and the reference decoder: both must agree on success, and on every
// output byte. A wrong decode that the reference rejects is an error here.
func TestDecompressMatchesReference(t *testing.T) {
	seeds := append(seedStreams(), wimlibSeeds()...)
	if len(seeds) < 4 {
		t.Fatal("missing seeds")
	}
	failed := 0
	for i, s := range seeds {
		name := fmt.Sprintf("seed %d", i)
		checkVsReference(t, name, s.window, s.size, s.data)
		n := len(s.data)
		for _, cut := range []int{0, 1, 2, 3, 5, n / 3, n / 2, n - 9, n - 4, n - 3, n - 2, n - 1} {
			if cut >= 0 && cut < n {
				checkVsReference(t, fmt.Sprintf("%s cut at %d", name, cut), s.window, s.size, s.data[:cut])
			}
		}
		for _, size := range []int{s.size - 1, s.size + 1, s.size / 2} {
			if size > 0 && size <= s.window {
				checkVsReference(t, fmt.Sprintf("%s size %d", name, size), s.window, size, s.data)
			}
		}
		step := max(1, n/97)
		for p := 0; p < n; p += step {
			for _, x := range []byte{0x01, 0x80, 0xff} {
				b := bytes.Clone(s.data)
				b[p] ^= x
				got := make([]byte, s.size)
				if Decompress(got, b, s.window) != nil {
					failed++
				}
				checkVsReference(t, fmt.Sprintf("%s byte %d ^ %#x", name, p, x), s.window, s.size, b)
			}
		}
	}
	// Damage must be detected often (the WIM's SHA-1 catches the rest).
	if failed == 0 {
		t.Fatal("no damaged chunk was rejected")
	}
	t.Logf("%d damaged chunks rejected", failed)
}

func FuzzLZXDecompressVsReference(f *testing.F) {
	for _, s := range append(seedStreams(), wimlibSeeds()...) {
		f.Add(uint8(s.window>>16), uint32(s.size), s.data)
	}
	f.Fuzz(func(t *testing.T, w uint8, size uint32, data []byte) {
		window := 32768 << (w % 7)
		size %= uint32(min(window, 1<<17)) + 1
		checkVsReference(t, "input", window, int(size), data)
	})
}
