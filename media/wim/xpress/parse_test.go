package xpress

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// checkParse compresses src and checks the parser's bookkeeping against
// its own output: the sequences cover src exactly, every match copies
// bytes that are equal, and the symbol frequencies the Huffman code and
// the exact size computation are built from are those of the literals
// and matches emitted (a miscount would not always break the round trip:
// the size computed would be wrong, not the bitstream).
func checkParse(t *testing.T, c *Compressor, name string, src []byte) {
	t.Helper()
	size := roundTrip(t, c, src)
	if len(src) <= tableLenBytes+4 {
		return
	}
	var want [numSymbols]uint32
	p := 0
	for k, q := range c.seqs {
		for _, b := range src[p : p+int(q.lits)] {
			want[b]++
		}
		p += int(q.lits)
		if q.length == 0 {
			if k != len(c.seqs)-1 {
				t.Fatalf("%s: sequence %d of %d has no match", name, k, len(c.seqs))
			}
			continue
		}
		l, off := int(q.length), int(q.offset)
		if l < minMatchLen || off < 1 || off > p || p+l > len(src) {
			t.Fatalf("%s: match at %d length %d offset %d out of range (len %d)", name, p, l, off, len(src))
		}
		for j := 0; j < l; j++ {
			if src[p+j] != src[p+j-off] {
				t.Fatalf("%s: match at %d length %d offset %d differs at %d", name, p, l, off, j)
			}
		}
		want[256+(bits.Len32(uint32(off))-1)<<4+min(l-minMatchLen, 15)]++
		p += l
	}
	if p != len(src) {
		t.Fatalf("%s: sequences cover %d of %d bytes", name, p, len(src))
	}
	want[256]++ // end of data
	if want != c.freq {
		for s := range want {
			if want[s] != c.freq[s] {
				t.Fatalf("%s: symbol %d counted %d times, emitted %d times", name, s, c.freq[s], want[s])
			}
		}
	}
	// The size Compress returned (it computes it before encoding, from
	// the symbol counts) against the size counted from the sequences:
	// the table, every codeword and offset's bits in 16-bit units plus
	// the two the decoder reads ahead, and the extra length bytes.
	if size == 0 {
		return
	}
	nbits, extra := 0, 0
	p = 0
	for _, q := range c.seqs {
		for _, b := range src[p : p+int(q.lits)] {
			nbits += int(c.lens[b])
		}
		p += int(q.lits)
		if q.length == 0 {
			continue
		}
		adj, k := int(q.length)-minMatchLen, bits.Len32(q.offset)-1
		nbits += int(c.lens[256+k<<4+min(adj, 15)]) + k
		switch {
		case adj >= 15+255:
			extra += 3
		case adj >= 15:
			extra++
		}
		p += int(q.length)
	}
	nbits += int(c.lens[256])
	if wantSize := tableLenBytes + 2*((nbits+15)/16+1) + extra; size != wantSize {
		t.Fatalf("%s: compressed size %d, the sequences make %d", name, size, wantSize)
	}
}

// TestParseBookkeeping runs checkParse on the cases the match finder and
// the parser treat specially: matches ending at the chunk's last byte,
// the farthest offsets of 32 and 64 KiB chunks, the longest match, runs
// of one byte, incompressible data (searched ever more sparsely, so
// literals are counted in steps up to the chunk's end), random data with
// a match at its very end, and real text.
func TestParseBookkeeping(t *testing.T) {
	c := NewCompressor()
	r := rand.New(rand.NewPCG(11, 12))
	rnd := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	text := wimtest.GoSources(256 << 10)
	for _, size := range []int{32768, 65536} {
		// The farthest source: the chunk's first bytes copied at its end
		// (offset size-l), and at offset 32767 (0x7fff) and 32768.
		for _, l := range []int{3, 4, 5, 8, 9, 16, 17, 33} {
			head := rnd(l)
			data := append(append([]byte(nil), head...), rnd(size-2*l)...)
			data = append(data, head...)
			checkParse(t, c, "far end", data)
			for _, off := range []int{32767, 32768} {
				if off+l > size {
					continue
				}
				data := rnd(size)
				copy(data[off:], data[:l])
				checkParse(t, c, "offset", data)
			}
		}
		// Matches of every short length ending exactly at the end.
		for l := 3; l <= 40; l++ {
			data := rnd(size)
			copy(data[size-l:], data[size/2:size/2+l])
			checkParse(t, c, "match at end", data)
		}
		checkParse(t, c, "zeros", make([]byte, size))
		checkParse(t, c, "one byte", bytes.Repeat([]byte{0xA5}, size))
		checkParse(t, c, "random", rnd(size))
		// Random data then text: sparse search, then matches.
		checkParse(t, c, "random+text", append(rnd(size-4096), text[:4096]...))
		checkParse(t, c, "text+random", append(append([]byte(nil), text[:4096]...), rnd(size-4096)...))
		for off := 0; off+size <= len(text); off += size {
			checkParse(t, c, "text", text[off:off+size])
		}
	}
	// Every small size, and sizes around the 8-byte tail of the chunk.
	for n := 1; n <= 300; n++ {
		checkParse(t, c, "small text", text[:n])
		checkParse(t, c, "small zeros", make([]byte, n))
	}
}
