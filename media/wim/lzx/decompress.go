// Package lzx decompresses LZX as WIM files use it.
//
// Every WIM chunk is an independent LZX stream whose window is the chunk
// size (2^15 to 2^21 bytes): the repeat offsets start at 1, 1, 1, the
// previous code lengths at zero, and the x86 E8 call translation is always
// on with a fixed "file size" of 12000000, relative to the chunk start.
// There is no stream header. A block header is a 3-bit type (1 verbatim,
// 2 aligned offset, 3 uncompressed) followed by one bit that, when set,
// means the default block size of 32768; otherwise the size follows in 16
// bits, or 24 bits when the window is larger than 32 KiB.
package lzx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"sync"
)

const (
	minWindowOrder = 15
	maxWindowOrder = 21

	numChars       = 256
	numPrimaryLens = 7
	numLenSyms     = 249
	minMatchLen    = 2
	numPreSyms     = 20
	numAlignedSyms = 8
	alignedBits    = 3
	maxOffsetSlots = 50
	maxMainSyms    = numChars + 8*maxOffsetSlots

	defaultBlockSize = 32768
	e8FileSize       = 12000000

	blockVerbatim     = 1
	blockAligned      = 2
	blockUncompressed = 3

	mainTableBits    = 11
	lenTableBits     = 10
	preTableBits     = 6
	alignedTableBits = 7
)

var (
	errCorrupt       = errors.New("lzx: compressed data is corrupt")
	errTruncated     = errors.New("lzx: compressed data is truncated")
	errWindowSize    = errors.New("lzx: window size must be a power of two from 32 KiB to 2 MiB")
	errChunkTooBig   = errors.New("lzx: chunk larger than the window")
	errBlockType     = errors.New("lzx: invalid block type")
	errBlockSize     = errors.New("lzx: invalid block size")
	errBadOffset     = errors.New("lzx: match offset points before the start of the chunk")
	errBadLength     = errors.New("lzx: match extends past the end of the block")
	errBadSymbol     = errors.New("lzx: invalid Huffman codeword")
	errEmptyMainCode = errors.New("lzx: empty main code")
)

// numOffsetSlots[order] is the number of offset slots for a window of
// 2^order bytes.
var numOffsetSlots = [maxWindowOrder + 1]int{15: 30, 16: 32, 17: 34, 18: 36, 19: 38, 20: 42, 21: 50}

// Offset slot bases and extra-bit counts. The formatted offset (real offset
// plus 2) is base[slot] plus the extra bits.
var (
	slotBase  [maxOffsetSlots]uint32
	extraBits [maxOffsetSlots]uint8
)

func init() {
	base := uint32(0)
	for s := 0; s < maxOffsetSlots; s++ {
		var e uint8
		switch {
		case s < 4:
			e = 0
		case s < 36:
			e = uint8(s/2 - 1)
		default:
			e = 17
		}
		slotBase[s] = base
		extraBits[s] = e
		base += 1 << e
	}
}

// blockStats, when set by a test, counts blocks by type (index 0 counts
// blocks with an explicit size).
var blockStats *[4]int

// decoder holds the per-chunk state; it is pooled.
type decoder struct {
	mainLens    [maxMainSyms]uint8
	lenLens     [numLenSyms]uint8
	main        *huffTable
	length      *huffTable
	pre         *huffTable
	aligned     *huffTable
	numMainSyms int
}

var decoderPool = sync.Pool{New: func() any {
	return &decoder{
		main:    newHuffTable(mainTableBits, maxMainSyms, maxCodeLen),
		length:  newHuffTable(lenTableBits, numLenSyms, maxCodeLen),
		pre:     newHuffTable(preTableBits, numPreSyms, 15),
		aligned: newHuffTable(alignedTableBits, numAlignedSyms, 7),
	}
}}

// Decompress decompresses one WIM LZX chunk from src into dst, which must
// have exactly the chunk's uncompressed length. windowSize is the WIM chunk
// size (a power of two from 32768 to 2097152). Malformed input returns an
// error.
func Decompress(dst, src []byte, windowSize int) error {
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
	d := decoderPool.Get().(*decoder)
	defer decoderPool.Put(d)
	d.numMainSyms = numChars + 8*numOffsetSlots[order]
	if err := d.decode(dst, src, order > minWindowOrder); err != nil {
		return err
	}
	undoE8(dst)
	return nil
}

// bitReader reads 16-bit little-endian units, most significant bit first.
// buf holds nb upcoming bits left-aligned; units past the end of the input
// read as zero, and pos keeps counting so that overruns can be detected.
type bitReader struct {
	src []byte
	pos int
	buf uint64
	nb  uint
}

func (r *bitReader) refill() {
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
func (r *bitReader) bits(n uint) uint32 {
	if n == 0 {
		return 0
	}
	v := uint32(r.buf >> (64 - n))
	r.buf <<= n
	r.nb -= n
	return v
}

// overrun reports whether more bits were consumed than the input holds.
func (r *bitReader) overrun() bool {
	return 8*r.pos-int(r.nb) > 8*len(r.src)
}

// sym decodes one symbol with t; at least 16 bits must be buffered.
func (r *bitReader) sym(t *huffTable) (int, error) {
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
func (r *bitReader) align() int {
	consumed := 8*r.pos - int(r.nb)
	return (consumed/16 + 1) * 2
}

// reset restarts bit reading at byte position pos.
func (r *bitReader) reset(pos int) {
	r.pos = pos
	r.buf = 0
	r.nb = 0
	r.refill()
}

func (d *decoder) decode(dst, src []byte, bigWindow bool) error {
	clear(d.mainLens[:])
	clear(d.lenLens[:])
	r0, r1, r2 := uint32(1), uint32(1), uint32(1)
	br := bitReader{src: src}
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
		if blockStats != nil {
			blockStats[btype&3]++
			if size != defaultBlockSize {
				blockStats[0]++
			}
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
func (d *decoder) readLens(br *bitReader, lens []uint8) error {
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
func (d *decoder) decodeBlock(br *bitReader, dst []byte, out, end int, aligned bool, r0, r1, r2 uint32) (int, uint32, uint32, uint32, error) {
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
		copyMatch(chunk, out, int(offset), length)
		out += length
	}
	br.buf, br.nb, br.pos = buf, nb, pos
	return out, r0, r1, r2, err
}

// copyMatch copies length bytes from dst[out-offset:] to dst[out:] with
// LZ77 semantics (overlapping copies repeat with period offset).
func copyMatch(dst []byte, out, offset, length int) {
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

// undoE8 reverses the E8 call translation the compressor applied: every
// 0xE8 byte (not within the 4 bytes after another translated one) is
// followed by an absolute 32-bit target, which becomes relative again.
func undoE8(b []byte) {
	if len(b) <= 10 {
		return
	}
	end := len(b) - 10
	for i := 0; i < end; i++ {
		if b[i] != 0xE8 {
			j := bytes.IndexByte(b[i:end], 0xE8)
			if j < 0 {
				return
			}
			i += j
		}
		abs := int32(binary.LittleEndian.Uint32(b[i+1:]))
		if abs >= -int32(i) && abs < e8FileSize {
			var rel int32
			if abs >= 0 {
				rel = abs - int32(i)
			} else {
				rel = abs + e8FileSize
			}
			binary.LittleEndian.PutUint32(b[i+1:], uint32(rel))
		}
		i += 4
	}
}
