package lzms

import (
	"bytes"
	"testing"
)

// FuzzDecompress feeds hostile chunks to the decoder: it must return (an
// error or some bytes) without panicking, within an output bound. Stream
// (in small steps) must agree with Decompress: the same refusal, or the
// same bytes through CopyOut.
func FuzzDecompress(f *testing.F) {
	for _, s := range wimlibSeeds(f) {
		f.Add(uint32(s.size), s.data)
	}
	f.Add(uint32(100), []byte{0, 0, 0, 0})
	f.Add(uint32(70000), []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x34})
	d, sd := NewDecompressor(), NewDecompressor()
	// Decompress defers far copies from 16 bytes back, Stream from 1 MiB
	// (past these chunks): they must agree.
	d.farOff = 16
	streamStep = 4096
	f.Fuzz(func(t *testing.T, size uint32, src []byte) {
		size %= 1 << 18
		out := make([]byte, size)
		err := d.Decompress(out, src)
		dst, got := make([]byte, size), make([]byte, size)
		done := 0
		serr := sd.Stream(dst, src, func(n int) {
			sd.CopyOut(got[done:n], dst, done)
			done = n
		})
		if (err == nil) != (serr == nil) {
			t.Fatalf("Decompress: %v, Stream: %v", err, serr)
		}
		if err == nil && !bytes.Equal(out, got) {
			t.Fatalf("Stream and Decompress differ at byte %d", firstDiff(out, got))
		}
	})
}
