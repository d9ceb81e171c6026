package xpress

import (
	"bytes"
	"testing"
)

// seedChunk is a valid chunk: "a" has codeword 0 and symbol 256 codeword 1,
// so the bitstream 0b0000... decodes to a run of 'a' literals.
func seedChunk() []byte {
	b := make([]byte, 256+4)
	b['a'/2] = 1 << 4 // 'a' = 97 is odd: high nibble
	b[256/2] = 1      // symbol 256: low nibble
	return b
}

func FuzzXpressDecompress(f *testing.F) {
	f.Add(uint16(10), seedChunk())
	f.Add(uint16(0), []byte{})
	f.Add(uint16(100), bytes.Repeat([]byte{0x88}, 300))
	for _, s := range fuzzSeeds() {
		f.Add(uint16(len(s.plain)), s.comp)
	}
	f.Fuzz(func(t *testing.T, size uint16, data []byte) {
		dst := make([]byte, int(size))
		_ = Decompress(dst, data)
	})
}

func TestDecompressSeedChunk(t *testing.T) {
	dst := make([]byte, 10)
	if err := Decompress(dst, seedChunk()); err != nil {
		t.Fatal(err)
	}
	if string(dst) != "aaaaaaaaaa" {
		t.Fatalf("got %q", dst)
	}
}

func TestDecompressMalformed(t *testing.T) {
	dst := make([]byte, 100)
	for _, tc := range []struct {
		name string
		src  []byte
	}{
		{"short", make([]byte, 100)},
		{"empty code", make([]byte, 300)},
		{"oversubscribed", bytes.Repeat([]byte{0x11}, 256)},
		{"incomplete", append([]byte{0x01}, make([]byte, 259)...)},
	} {
		if err := Decompress(dst, tc.src); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if err := Decompress(make([]byte, 70000), seedChunk()); err == nil {
		t.Error("oversized chunk: no error")
	}
}
