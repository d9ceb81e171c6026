package lzx

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// The reference decoder: the block decoder as it was before the block
// loop was rewritten for speed (commit f2b3730: a separate bit count, the
// repeat offsets in registers, a function call per match copy, tables
// behind pointers), kept to check the fast one against on good and
// hostile input (TestDecompressMatchesReference,
// FuzzLZXDecompressVsReference). It was checked against wimlib-imagex's
// WIMs at every chunk size.

// refDecoder holds the per-chunk state; it is pooled.
type refDecoder struct {
	mainLens    [maxMainSyms]uint8
	lenLens     [numLenSyms]uint8
	main        *refHuffTable
	length      *refHuffTable
	pre         *refHuffTable
	aligned     *refHuffTable
	numMainSyms int
}

var refDecoderPool = sync.Pool{New: func() any {
	return &refDecoder{
		main:    refNewHuffTable(mainTableBits, maxMainSyms, maxCodeLen),
		length:  refNewHuffTable(lenTableBits, numLenSyms, maxCodeLen),
		pre:     refNewHuffTable(preTableBits, numPreSyms, 15),
		aligned: refNewHuffTable(alignedTableBits, numAlignedSyms, 7),
	}
}}

// refDecompress decompresses one WIM LZX chunk from src into dst, which must
// have exactly the chunk's uncompressed length. windowSize is the WIM chunk
// size (a power of two from 32768 to 2097152). Malformed input returns an
// error.
func refDecompress(dst, src []byte, windowSize int) error {
	order := 0
	for order <= maxWindowOrder && 1<<order < windowSize {
		order++
	}
	if order < minWindowOrder || order > maxWindowOrder || 1<<order != windowSize {
		return errWindowSize
	}
	if len(dst) > windowSize {
		return errChunkTooBig
	}
	if len(dst) == 0 {
		return nil
	}
	d := refDecoderPool.Get().(*refDecoder)
	defer refDecoderPool.Put(d)
	d.numMainSyms = numChars + 8*numOffsetSlots[order]
	if err := d.decode(dst, src, order > minWindowOrder); err != nil {
		return err
	}
	undoE8(dst)
	return nil
}

// refBitReader reads 16-bit little-endian units, most significant bit first.
// buf holds nb upcoming bits left-aligned; units past the end of the input
// read as zero, and pos keeps counting so that overruns can be detected.
type refBitReader struct {
	src []byte
	pos int
	buf uint64
	nb  uint
}

func (r *refBitReader) refill() {
	if r.nb < 32 && r.pos+4 <= len(r.src) {
		src := r.src[r.pos : r.pos+4]
		v := uint64(src[0])<<16 | uint64(src[1])<<24 | uint64(src[2]) | uint64(src[3])<<8
		r.buf |= v << (32 - r.nb)
		r.nb += 32
		r.pos += 4
		return
	}
	for r.nb <= 48 {
		var u uint64
		if r.pos+1 < len(r.src) {
			u = uint64(r.src[r.pos]) | uint64(r.src[r.pos+1])<<8
		}
		r.buf |= u << (48 - r.nb)
		r.nb += 16
		r.pos += 2
	}
}

// bits reads n ≤ 32 bits; the caller ensures they are buffered.
func (r *refBitReader) bits(n uint) uint32 {
	if n == 0 {
		return 0
	}
	v := uint32(r.buf >> (64 - n))
	r.buf <<= n
	r.nb -= n
	return v
}

// overrun reports whether more bits were consumed than the input holds.
func (r *refBitReader) overrun() bool {
	return 8*r.pos-int(r.nb) > 8*len(r.src)
}

// sym decodes one symbol with t; at least 16 bits must be buffered.
func (r *refBitReader) sym(t *refHuffTable) (int, error) {
	e := t.entries[r.buf>>(64-t.tableBits)]
	if e&subFlag != 0 {
		e = t.entries[int((e&^subFlag)>>8)+int((r.buf<<t.tableBits)>>(64-t.subBits))]
	}
	n := uint(e & 0xff)
	if n == 0 {
		return 0, errBadSymbol
	}
	r.buf <<= n
	r.nb -= n
	return int(e >> 8), nil
}

// align moves to the byte position after the padding that follows an
// uncompressed block header: up to the next 16-bit boundary, or a whole 16
// bits when already on one. It returns that byte position.
func (r *refBitReader) align() int {
	consumed := 8*r.pos - int(r.nb)
	return (consumed/16 + 1) * 2
}

// reset restarts bit reading at byte position pos.
func (r *refBitReader) reset(pos int) {
	r.pos = pos
	r.buf = 0
	r.nb = 0
	r.refill()
}

func (d *refDecoder) decode(dst, src []byte, bigWindow bool) error {
	clear(d.mainLens[:])
	clear(d.lenLens[:])
	r0, r1, r2 := uint32(1), uint32(1), uint32(1)
	br := refBitReader{src: src}
	br.refill()
	out := 0
	for out < len(dst) {
		if br.overrun() {
			return errTruncated
		}
		br.refill()
		btype := br.bits(3)
		var size int
		if br.bits(1) == 1 {
			size = defaultBlockSize
		} else {
			size = int(br.bits(16))
			if bigWindow {
				size = size<<8 | int(br.bits(8))
			}
		}
		if size == 0 || size > len(dst)-out {
			return errBlockSize
		}

		switch btype {
		case blockUncompressed:
			p := br.align()
			if p+12 > len(src) {
				return errTruncated
			}
			r0 = binary.LittleEndian.Uint32(src[p:])
			r1 = binary.LittleEndian.Uint32(src[p+4:])
			r2 = binary.LittleEndian.Uint32(src[p+8:])
			p += 12
			if size > len(src)-p {
				return errTruncated
			}
			copy(dst[out:out+size], src[p:p+size])
			out += size
			p += size
			if size&1 != 0 {
				p++
			}
			br.reset(p)
			continue
		case blockVerbatim, blockAligned:
		default:
			return errBlockType
		}
		aligned := btype == blockAligned
		if aligned {
			br.refill()
			var lens [numAlignedSyms]uint8
			for i := range lens {
				lens[i] = uint8(br.bits(3))
			}
			if err := d.aligned.build(lens[:]); err != nil {
				return err
			}
		}
		if err := d.readLens(&br, d.mainLens[:numChars]); err != nil {
			return err
		}
		if err := d.readLens(&br, d.mainLens[numChars:d.numMainSyms]); err != nil {
			return err
		}
		if err := d.main.build(d.mainLens[:d.numMainSyms]); err != nil {
			return err
		}
		if d.main.empty {
			return errEmptyMainCode
		}
		if err := d.readLens(&br, d.lenLens[:]); err != nil {
			return err
		}
		if err := d.length.build(d.lenLens[:]); err != nil {
			return err
		}
		if br.overrun() {
			return errTruncated
		}
		var err error
		out, r0, r1, r2, err = d.decodeBlock(&br, dst, out, out+size, aligned, r0, r1, r2)
		if err != nil {
			return err
		}
	}
	if br.overrun() {
		return errTruncated
	}
	return nil
}

// readLens reads code lengths coded with a pretree as deltas from the
// previous lengths in lens.
func (d *refDecoder) readLens(br *refBitReader, lens []uint8) error {
	br.refill()
	var pl [numPreSyms]uint8
	for i := range pl {
		if i == 12 {
			br.refill()
		}
		pl[i] = uint8(br.bits(4))
	}
	if err := d.pre.build(pl[:]); err != nil {
		return err
	}
	for i := 0; i < len(lens); {
		br.refill()
		if br.overrun() {
			return errTruncated
		}
		s, err := br.sym(d.pre)
		if err != nil {
			return err
		}
		switch {
		case s <= 16:
			lens[i] = uint8((int(lens[i]) + 17 - s) % 17)
			i++
		case s == 17, s == 18:
			var n int
			if s == 17 {
				n = 4 + int(br.bits(4))
			} else {
				n = 20 + int(br.bits(5))
			}
			if n > len(lens)-i {
				return errCorrupt
			}
			clear(lens[i : i+n])
			i += n
		default: // 19: a run of 4 or 5 equal lengths
			n := 4 + int(br.bits(1))
			if n > len(lens)-i {
				return errCorrupt
			}
			s, err := br.sym(d.pre)
			if err != nil {
				return err
			}
			if s > 16 {
				return errCorrupt
			}
			v := uint8((int(lens[i]) + 17 - s) % 17)
			for j := i; j < i+n; j++ {
				lens[j] = v
			}
			i += n
		}
	}
	return nil
}

// decodeBlock decodes a verbatim or aligned block into dst[out:end].
// The bit reader's state lives in local variables (registers) while the
// block is decoded and goes back to br at the end: kept in br, every
// symbol loaded and stored it.
func (d *refDecoder) decodeBlock(br *refBitReader, dst []byte, out, end int, aligned bool, r0, r1, r2 uint32) (int, uint32, uint32, uint32, error) {
	// Fixed-size views: an index shifted down to the table's bits needs
	// no bounds check.
	mainE := (*[1<<mainTableBits + maxMainSyms<<(maxCodeLen-mainTableBits)]uint32)(d.main.entries)
	lenE := (*[1<<lenTableBits + numLenSyms<<(maxCodeLen-lenTableBits)]uint32)(d.length.entries)
	chunk := dst
	dst = dst[:end] // out < len(dst): no bounds check on literals
	src := br.src
	buf, nb, pos := br.buf, br.nb, br.pos
	// A refill buffers at least 32 bits: two 16-bit units at once while
	// four bytes remain, else through br (zeros past the end). It is
	// written out twice below: a closure would keep buf and nb in memory.
	var err error
	for out < len(dst) {
		if nb < 32 {
			if pos+4 <= len(src) {
				buf |= uint64(bits.RotateLeft32(binary.LittleEndian.Uint32(src[pos:]), 16)) << (32 - nb)
				nb += 32
				pos += 4
			} else {
				br.buf, br.nb, br.pos = buf, nb, pos
				br.refill()
				buf, nb, pos = br.buf, br.nb, br.pos
			}
			if pos > len(src)+16 && 8*pos-int(nb) > 8*len(src) {
				err = errTruncated
				break
			}
		}
		// Main symbol (the table's bit counts are constants here).
		e := mainE[buf>>(64-mainTableBits)]
		if e&subFlag != 0 {
			e = mainE[int((e&^subFlag)>>8)+int((buf<<mainTableBits)>>(64-(maxCodeLen-mainTableBits)))]
		}
		n := uint(e & 0xff)
		if n == 0 {
			err = errBadSymbol
			break
		}
		buf <<= n & 63
		nb -= n
		s := int(e >> 8)
		if s < numChars {
			dst[out] = byte(s)
			out++
			continue
		}
		s -= numChars
		length := s & 7
		slot := s >> 3
		if length == numPrimaryLens {
			if d.length.empty {
				err = errBadSymbol
				break
			}
			e := lenE[buf>>(64-lenTableBits)]
			if e&subFlag != 0 {
				e = lenE[int((e&^subFlag)>>8)+int((buf<<lenTableBits)>>(64-(maxCodeLen-lenTableBits)))]
			}
			n := uint(e & 0xff)
			if n == 0 {
				err = errBadSymbol
				break
			}
			buf <<= n & 63
			nb -= n
			length += int(e >> 8)
		}
		length += minMatchLen
		var offset uint32
		switch slot {
		case 0:
			offset = r0
		case 1:
			offset = r1
			r1 = r0
			r0 = offset
		case 2:
			offset = r2
			r2 = r0
			r0 = offset
		default:
			if nb < 32 {
				if pos+4 <= len(src) {
					buf |= uint64(bits.RotateLeft32(binary.LittleEndian.Uint32(src[pos:]), 16)) << (32 - nb)
					nb += 32
					pos += 4
				} else {
					br.buf, br.nb, br.pos = buf, nb, pos
					br.refill()
					buf, nb, pos = br.buf, br.nb, br.pos
				}
			}
			eb := uint(extraBits[slot])
			f := slotBase[slot]
			if aligned && eb >= alignedBits {
				if k := eb - alignedBits; k > 0 {
					f += uint32(buf>>(64-k)) << alignedBits
					buf <<= k & 63
					nb -= k
				}
				if d.aligned.empty {
					err = errBadSymbol
					break
				}
				e := d.aligned.entries[buf>>(64-alignedTableBits)]
				n := uint(e & 0xff)
				if n == 0 {
					err = errBadSymbol
					break
				}
				buf <<= n & 63
				nb -= n
				f += e >> 8
			} else if eb > 0 {
				f += uint32(buf >> (64 - eb))
				buf <<= eb & 63
				nb -= eb
			}
			offset = f - 2
			r2 = r1
			r1 = r0
			r0 = offset
		}
		if err != nil {
			break
		}
		if offset == 0 || int64(offset) > int64(out) {
			err = errBadOffset
			break
		}
		if length > len(dst)-out {
			err = errBadLength
			break
		}
		refCopyMatch(chunk, out, int(offset), length)
		out += length
	}
	br.buf, br.nb, br.pos = buf, nb, pos
	return out, r0, r1, r2, err
}

// refCopyMatch copies length bytes from dst[out-offset:] to dst[out:] with
// LZ77 semantics (overlapping copies repeat with period offset).
func refCopyMatch(dst []byte, out, offset, length int) {
	src := out - offset
	if offset >= 8 && length <= 16 && out+16 <= len(dst) {
		// Short match: two word copies (the second reads what the
		// first wrote when the match overlaps itself, as LZ77 does).
		binary.LittleEndian.PutUint64(dst[out:], binary.LittleEndian.Uint64(dst[src:]))
		binary.LittleEndian.PutUint64(dst[out+8:], binary.LittleEndian.Uint64(dst[src+8:]))
		return
	}
	if offset >= length {
		copy(dst[out:out+length], dst[src:src+length])
		return
	}
	if offset == 1 {
		b := dst[src]
		d := dst[out : out+length]
		for i := range d {
			d[i] = b
		}
		return
	}
	for length > 0 {
		c := copy(dst[out:out+length], dst[src:out])
		out += c
		length -= c
	}
}

// refHuffTable is a decode table for one code.
type refHuffTable struct {
	tableBits uint
	subBits   uint
	entries   []uint32
	empty     bool // no codewords at all
}

func refNewHuffTable(tableBits uint, numSyms int, maxLen uint) *refHuffTable {
	subBits := maxLen - tableBits
	return &refHuffTable{
		tableBits: tableBits,
		subBits:   subBits,
		entries:   make([]uint32, 1<<tableBits+numSyms<<subBits),
	}
}

// build fills the table for the canonical code with the codeword lengths
// lens (each ≤ tableBits+subBits). It fails if the code is oversubscribed;
// an incomplete code is accepted, and the missing codewords decode to an
// error.
func (t *refHuffTable) build(lens []uint8) error {
	maxLen := int(t.tableBits + t.subBits)
	var count [maxCodeLen + 1]int
	for _, l := range lens {
		if int(l) > maxLen {
			return errCorrupt
		}
		count[l]++
	}
	count[0] = 0
	left := 1
	used := 0
	for l := 1; l <= maxLen; l++ {
		left <<= 1
		left -= count[l]
		used += count[l]
		if left < 0 {
			return errCorrupt
		}
	}
	t.empty = used == 0
	tb := int(t.tableBits)
	entries := t.entries
	if left != 0 {
		// Incomplete: unfilled entries must read as invalid.
		clear(entries[:1<<tb])
	}
	if used == 0 {
		return nil
	}
	var offs [maxCodeLen + 2]int
	for l := 1; l <= maxLen; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sortedBuf [maxMainSyms]uint16
	sorted := sortedBuf[:used]
	for s, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	code := 0
	prevLen := 0
	next := 1 << tb
	curPrefix := -1
	subStart := 0
	sub := 1 << t.subBits
	for _, s := range sorted {
		l := int(lens[s])
		code <<= uint(l - prevLen)
		prevLen = l
		e := uint32(s)<<8 | uint32(l)
		if l <= tb {
			shift := uint(tb - l)
			base := code << shift
			refFill(entries[base:base+1<<shift], e)
		} else {
			prefix := code >> uint(l-tb)
			if prefix != curPrefix {
				curPrefix = prefix
				subStart = next
				next += sub
				entries[prefix] = subFlag | uint32(subStart)<<8
				if left != 0 {
					clear(entries[subStart : subStart+sub])
				}
			}
			shift := uint(maxLen - l)
			base := subStart + (code&(1<<uint(l-tb)-1))<<shift
			refFill(entries[base:base+1<<shift], e)
		}
		code++
	}
	return nil
}

// refFill sets every entry of s (a power of two long) to v: short spans
// directly, longer ones by doubling copies (memmove), which the table
// builds of small chunks spent most of their time in.
func refFill(s []uint32, v uint32) {
	if len(s) <= 4 {
		for i := range s {
			s[i] = v
		}
		return
	}
	s[0], s[1], s[2], s[3] = v, v, v, v
	for n := 4; n < len(s); n *= 2 {
		copy(s[n:], s[:n])
	}
}
