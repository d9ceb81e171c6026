package lzms

import (
	"encoding/binary"
	"testing"
)

// FuzzDecompress feeds hostile chunks to the decoder: it must return (an
// error or some bytes) without panicking, within an output bound.
func FuzzDecompress(f *testing.F) {
	for _, s := range wimlibSeeds(f) {
		f.Add(uint32(s.size), s.data)
	}
	f.Add(uint32(100), []byte{0, 0, 0, 0})
	f.Add(uint32(70000), []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x34})
	d := NewDecompressor()
	f.Fuzz(func(t *testing.T, size uint32, src []byte) {
		size %= 1 << 18
		out := make([]byte, size)
		_ = d.Decompress(out, src)
		_ = binary.LittleEndian
	})
}
