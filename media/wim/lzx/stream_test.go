package lzx

// Hand-made LZX streams: a small test encoder that writes verbatim,
// aligned-offset and uncompressed blocks with fixed codes, tracking the
// output a decoder must produce. wimlib never writes uncompressed blocks,
// so these streams are what prove them (alignment, odd sizes, the repeat
// offsets they carry).

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

type bitWriter struct {
	out []byte
	acc uint32
	n   uint
}

func (w *bitWriter) put(v uint32, n uint) {
	for n > 0 {
		k := min(n, 16)
		n -= k
		w.acc = w.acc<<k | (v>>n)&(1<<k-1)
		w.n += k
		if w.n >= 16 {
			w.n -= 16
			w.out = binary.LittleEndian.AppendUint16(w.out, uint16(w.acc>>w.n))
		}
	}
}

// bits returns the number of bits written so far.
func (w *bitWriter) bits() int { return 8*len(w.out) + int(w.n) }

// align pads to the next 16-bit boundary, or writes 16 bits of padding when
// already on one (what precedes an uncompressed block's body).
func (w *bitWriter) align() {
	if w.n == 0 {
		w.put(0, 16)
	} else {
		w.put(0, 16-w.n)
	}
}

func (w *bitWriter) flush() {
	if w.n > 0 {
		w.put(0, 16-w.n)
	}
}

// item is a literal (length 0) or a match.
type item struct {
	lit    byte
	length int
	offset int
}

type testEncoder struct {
	w        bitWriter
	window   int
	numMain  int
	prevMain [maxMainSyms]uint8
	prevLen  [numLenSyms]uint8
	r        [3]uint32
	want     []byte // what the decoder must produce, before E8 undoing
}

func newTestEncoder(window int) *testEncoder {
	order := 0
	for 1<<order < window {
		order++
	}
	return &testEncoder{window: window, numMain: numChars + 8*numOffsetSlots[order], r: [3]uint32{1, 1, 1}}
}

func (e *testEncoder) header(btype uint32, size int) {
	e.w.put(btype, 3)
	if size == defaultBlockSize {
		e.w.put(1, 1)
		return
	}
	e.w.put(0, 1)
	if e.window > 32768 {
		e.w.put(uint32(size>>8), 16)
		e.w.put(uint32(size&255), 8)
	} else {
		e.w.put(uint32(size), 16)
	}
}

func (e *testEncoder) uncompressed(data []byte, r [3]uint32) {
	e.header(blockUncompressed, len(data))
	e.w.align()
	for _, v := range r {
		e.w.out = binary.LittleEndian.AppendUint32(e.w.out, v)
	}
	e.w.out = append(e.w.out, data...)
	if len(data)%2 == 1 {
		e.w.out = append(e.w.out, 0)
	}
	e.r = r
	e.want = append(e.want, data...)
}

// canonical returns canonical codewords for lens.
func canonical(lens []uint8) []uint32 {
	var count [maxCodeLen + 2]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeLen + 2]uint32
	code := uint32(0)
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	codes := make([]uint32, len(lens))
	for s, l := range lens {
		if l != 0 {
			codes[s] = next[l]
			next[l]++
		}
	}
	return codes
}

// The fixed codes the test encoder uses.
var (
	preLens = func() []uint8 { // 0..11: 4 bits, 12..19: 5 bits
		l := make([]uint8, numPreSyms)
		for i := range l {
			l[i] = 4
			if i >= 12 {
				l[i] = 5
			}
		}
		return l
	}()
	preCodes = canonical(preLens)
)

// writeLens codes lens as deltas from prev with the pretree, using runs
// (17, 18, 19) where they fit.
func (e *testEncoder) writeLens(lens, prev []uint8) {
	for i := range preLens {
		e.w.put(uint32(preLens[i]), 4)
	}
	pre := func(s int) { e.w.put(preCodes[s], uint(preLens[s])) }
	for i := 0; i < len(lens); {
		// zero runs
		z := 0
		for i+z < len(lens) && lens[i+z] == 0 {
			z++
		}
		if z >= 20 {
			n := min(z, 51)
			pre(18)
			e.w.put(uint32(n-20), 5)
			i += n
			continue
		}
		if z >= 4 {
			n := min(z, 19)
			pre(17)
			e.w.put(uint32(n-4), 4)
			i += n
			continue
		}
		// runs of one value with the same previous length (sym 19 codes
		// the delta against the first position's previous length)
		same := 1
		for i+same < len(lens) && same < 5 && lens[i+same] == lens[i] && prev[i+same] == prev[i] {
			same++
		}
		if same >= 4 {
			pre(19)
			e.w.put(uint32(same-4), 1)
			pre((int(prev[i]) - int(lens[i]) + 17) % 17)
			i += same
			continue
		}
		pre((int(prev[i]) - int(lens[i]) + 17) % 17)
		i++
	}
	copy(prev, lens)
}

func (e *testEncoder) slotOf(f uint32) int {
	for s := numOffsetSlots[21] - 1; s >= 0; s-- {
		if slotBase[s] <= f {
			return s
		}
	}
	return 0
}

// compressed writes a verbatim or aligned block of items with fixed codes:
// literals 9 bits, match symbols 8 or 9 bits, lengths 7 or 8 bits, aligned
// symbols 3 bits.
func (e *testEncoder) compressed(items []item, aligned bool) {
	size := 0
	for _, it := range items {
		if it.length == 0 {
			size++
		} else {
			size += it.length
		}
	}
	btype := uint32(blockVerbatim)
	if aligned {
		btype = blockAligned
	}
	e.header(btype, size)
	if aligned {
		for i := 0; i < numAlignedSyms; i++ {
			e.w.put(3, 3)
		}
	}
	mainLens := make([]uint8, e.numMain)
	// 256 literals at 9 bits use half the code space; the match symbols
	// share the other half.
	for i := 0; i < numChars; i++ {
		mainLens[i] = 9
	}
	// The nm match symbols fill the other half: s of them at length L
	// and nm-s at L+1, where s = 2^L - nm.
	nm := e.numMain - numChars
	L := uint8(0)
	for 1<<L < nm {
		L++
	}
	short := (1 << L) - nm
	for i := 0; i < nm; i++ {
		mainLens[numChars+i] = L + 1
		if i < short {
			mainLens[numChars+i] = L
		}
	}
	lenLens := make([]uint8, numLenSyms)
	for i := range lenLens {
		lenLens[i] = 8
		if i < 7 {
			lenLens[i] = 7
		}
	}
	e.writeLens(mainLens[:numChars], e.prevMain[:numChars])
	e.writeLens(mainLens[numChars:], e.prevMain[numChars:e.numMain])
	e.writeLens(lenLens, e.prevLen[:])
	mainCodes := canonical(mainLens)
	lenCodes := canonical(lenLens)
	for _, it := range items {
		if it.length == 0 {
			e.w.put(mainCodes[it.lit], uint(mainLens[it.lit]))
			e.want = append(e.want, it.lit)
			continue
		}
		var slot int
		var extra uint32
		switch uint32(it.offset) {
		case e.r[0]:
			slot = 0
		case e.r[1]:
			slot = 1
			e.r[0], e.r[1] = e.r[1], e.r[0]
		case e.r[2]:
			slot = 2
			e.r[0], e.r[2] = e.r[2], e.r[0]
		default:
			f := uint32(it.offset) + 2
			slot = e.slotOf(f)
			extra = f - slotBase[slot]
			e.r[2], e.r[1], e.r[0] = e.r[1], e.r[0], uint32(it.offset)
		}
		hdr := min(it.length-minMatchLen, numPrimaryLens)
		sym := numChars + slot*8 + hdr
		e.w.put(mainCodes[sym], uint(mainLens[sym]))
		if hdr == numPrimaryLens {
			ls := it.length - minMatchLen - numPrimaryLens
			e.w.put(lenCodes[ls], uint(lenLens[ls]))
		}
		if slot >= 3 {
			eb := uint(extraBits[slot])
			if aligned && eb >= alignedBits {
				e.w.put(extra>>3, eb-3)
				e.w.put(extra&7, 3) // aligned code: all 3 bits, identity
			} else {
				e.w.put(extra, eb)
			}
		}
		start := len(e.want) - it.offset
		for k := 0; k < it.length; k++ {
			e.want = append(e.want, e.want[start+k])
		}
	}
}

func lits(s string) []item {
	items := make([]item, len(s))
	for i := range s {
		items[i] = item{lit: s[i]}
	}
	return items
}

func (e *testEncoder) check(t *testing.T, name string) {
	t.Helper()
	e.w.flush()
	got := make([]byte, len(e.want))
	if err := Decompress(got, e.w.out, e.window); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want := append([]byte(nil), e.want...)
	undoE8(want)
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: output differs\n got %q\nwant %q", name, got[:min(len(got), 80)], want[:min(len(want), 80)])
	}
	// Every truncation must fail cleanly (or, at worst, decode garbage
	// without panicking).
	for n := 0; n < len(e.w.out); n += max(1, len(e.w.out)/50) {
		_ = Decompress(got, e.w.out[:n], e.window)
	}
}

func TestStreamVerbatimAndAligned(t *testing.T) {
	for _, window := range []int{32768, 65536, 1 << 21} {
		e := newTestEncoder(window)
		items := lits("abcdefgh")
		items = append(items,
			item{length: 8, offset: 8},   // slot from formatted 10
			item{length: 2, offset: 3},   // slot 4
			item{length: 30, offset: 8},  // repeat R1 after the last match → swap
			item{length: 257, offset: 3}, // repeat, longest match
			item{length: 9, offset: 300},
			item{length: 100, offset: 300})
		e.compressed(items, false)
		e.compressed(append(lits("xyz"), item{length: 50, offset: 17}, item{length: 12, offset: 100}, item{length: 4, offset: 17}), true)
		e.compressed(append(lits("0123456789"), item{length: 200, offset: 10}, item{length: 3, offset: len(e.want) + 10 - 5}), false)
		e.check(t, "verbatim+aligned window "+itoa(window))
	}
}

// TestStreamUncompressedBlocks covers uncompressed blocks: first in the
// stream, after a compressed block ending at every bit alignment, with
// odd and even sizes, and the repeat offsets they set.
func TestStreamUncompressedBlocks(t *testing.T) {
	for _, window := range []int{32768, 65536} {
		for pad := 0; pad < 16; pad++ {
			e := newTestEncoder(window)
			e.uncompressed([]byte("hello, world"), [3]uint32{1, 1, 1})
			e.compressed(append(lits("ab"), item{length: 5, offset: 7}), false)
			// A compressed block of pad more literals: the next header
			// lands at every bit position modulo 16.
			e.compressed(lits("...............abc"[:pad+1]), false)
			e.uncompressed([]byte("odd"), [3]uint32{5, 2, 9})
			// Repeat offsets from the uncompressed block: R0 = 5, R2 = 9.
			e.compressed([]item{{length: 4, offset: 5}, {length: 3, offset: 9}, {length: 6, offset: 2}, {length: 4, offset: 9}, {length: 5, offset: 5}}, true)
			e.uncompressed([]byte("even"), [3]uint32{1, 2, 3})
			e.uncompressed(nil2("x", 1), [3]uint32{1, 2, 3})
			e.compressed([]item{{length: 3, offset: 3}}, false)
			e.check(t, "uncompressed window "+itoa(window)+" pad "+itoa(pad))
		}
	}
	// The header ending exactly on a 16-bit boundary must be followed by
	// 16 bits of padding; check that that case was produced.
	e := newTestEncoder(32768)
	found := false
	for k := 1; k < 40 && !found; k++ {
		e = newTestEncoder(32768)
		e.compressed(lits(string(bytes.Repeat([]byte{'q'}, k))), false)
		if (e.w.bits()+3+17)%16 == 0 {
			found = true
		}
	}
	if !found {
		t.Fatal("no aligned case found")
	}
	e.uncompressed([]byte("aligned"), [3]uint32{1, 1, 1})
	e.check(t, "aligned uncompressed header")
}

func nil2(s string, n int) []byte { return bytes.Repeat([]byte(s), n) }

func TestStreamLargeBlocks(t *testing.T) {
	// A full default-size block and explicit sizes above 64 KiB (24-bit
	// sizes) in a 2 MiB window.
	r := rand.New(rand.NewPCG(1, 1))
	data := make([]byte, 32768)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	e := newTestEncoder(1 << 21)
	e.uncompressed(data, [3]uint32{1, 1, 1})
	big := make([]byte, 100000)
	for i := range big {
		big[i] = byte(r.Uint32() | 1)
	}
	e.uncompressed(big, [3]uint32{1, 1, 1})
	e.compressed([]item{{lit: 'z'}, {length: 257, offset: 1}, {length: 200, offset: 132768}}, false)
	e.check(t, "large blocks")
}

// TestStreamE8 round-trips x86-like data through the E8 translation: the
// stream carries the translated bytes and the decoder must restore them.
func TestStreamE8(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	var orig []byte
	for len(orig) < 30000 {
		if r.IntN(3) == 0 {
			orig = append(orig, 0xE8)
			v := int32(r.IntN(1<<25) - 1<<24)
			if r.IntN(4) == 0 {
				v = int32(r.IntN(64) - 32)
			}
			orig = binary.LittleEndian.AppendUint32(orig, uint32(v))
		} else {
			orig = append(orig, byte(r.IntN(256)))
		}
	}
	translated := doE8(orig)
	e := newTestEncoder(32768)
	var items []item
	for _, b := range translated {
		items = append(items, item{lit: b})
	}
	e.compressed(items, false)
	e.w.flush()
	got := make([]byte, len(orig))
	if err := Decompress(got, e.w.out, 32768); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, orig) {
		t.Fatal("E8 round trip differs")
	}
	if bytes.Equal(translated, orig) {
		t.Fatal("translation changed nothing")
	}
}

// doE8 is the compressor side of the E8 translation (relative call
// targets become absolute).
func doE8(in []byte) []byte {
	b := append([]byte(nil), in...)
	if len(b) <= 10 {
		return b
	}
	for i := 0; i < len(b)-10; i++ {
		if b[i] != 0xE8 {
			continue
		}
		rel := int32(binary.LittleEndian.Uint32(b[i+1:]))
		if rel >= -int32(i) && rel < e8FileSize {
			var abs int32
			if rel < e8FileSize-int32(i) {
				abs = rel + int32(i)
			} else {
				abs = rel - e8FileSize
			}
			binary.LittleEndian.PutUint32(b[i+1:], uint32(abs))
		}
		i += 4
	}
	return b
}

func TestMalformed(t *testing.T) {
	dst := make([]byte, 1000)
	for _, tc := range []struct {
		name   string
		src    []byte
		window int
	}{
		{"empty input", nil, 32768},
		{"bad window", []byte{0, 0}, 1000},
		{"window too big", []byte{0, 0}, 1 << 22},
		{"block type 0", []byte{0x00, 0x10, 0, 0}, 32768},
		{"block type 7", []byte{0xff, 0xff, 0, 0}, 32768},
		{"zeros", make([]byte, 100), 32768},
		{"ones", bytes.Repeat([]byte{0xff}, 100), 32768},
	} {
		if err := Decompress(dst, tc.src, tc.window); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if err := Decompress(make([]byte, 40000), []byte{0, 0}, 32768); err == nil {
		t.Error("chunk larger than window: no error")
	}
	// A match reaching before the chunk start.
	bad := newTestEncoder(32768)
	bad.want = []byte("0123456789") // pretend history the decoder lacks
	bad.compressed([]item{{length: 5, offset: 10}}, false)
	bad.w.flush()
	if err := Decompress(make([]byte, 5), bad.w.out, 32768); err == nil {
		t.Error("offset before chunk start: no error")
	}
}
