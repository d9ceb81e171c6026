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

// offsetSlot[slot] is slotBase<<5 | extraBits of the slot, for the
// decoder: one load, and 128 entries so that a masked index needs no
// bounds check. Slots 50 to 127 do not exist; their entries hold a base
// so large that the offset is refused (errBadOffset): the main table's
// invalid entries decode to symbol invalidMainSym, of slot 95, so that
// the block loop needs no check of its own for them.
var offsetSlot [128]uint32

const (
	invalidMainSym   = numChars + 95<<3      // slot 95, length header 0: no length symbol read
	invalidMainEntry = invalidMainSym<<8 | 1 // consumes 1 bit
	invalidSlotBase  = 1 << 26               // > any window
)

// verbatimAligned decodes 3 raw bits: a verbatim block's offsets read
// their low 3 extra bits through it, as an aligned block's do through its
// aligned code (a code of eight 3-bit codewords is the identity).
var verbatimAligned [alignedTableSize]uint32

func init() {
	for s := range offsetSlot {
		offsetSlot[s] = invalidSlotBase << 5
		if s < maxOffsetSlots {
			offsetSlot[s] = slotBase[s]<<5 | uint32(extraBits[s])
		}
	}
	for i := range verbatimAligned {
		verbatimAligned[i] = uint32(i>>(alignedTableBits-alignedBits))<<8 | alignedBits
	}
}

// decoder holds the per-chunk state; it is pooled. The tables are arrays
// in the decoder, so that the block loop reaches all of them through one
// register.
type decoder struct {
	mainLens    [maxMainSyms]uint8
	lenLens     [numLenSyms]uint8
	numMainSyms int
	// alignedIsVerbatim: alignedT holds verbatimAligned.
	alignedIsVerbatim bool
	mainT             [mainTableSize]uint32
	lenT              [lenTableSize]uint32
	alignedT          [alignedTableSize]uint32
	preT              [preTableSize]uint32
	// tail holds the last bytes of the input and zeros, for the block
	// loop's reads near the end of the input.
	tail     [16]byte
	tailBase int
	reps     [3]uint32 // the repeat offsets
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

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

// sym decodes one pretree symbol with t; at least 15 bits must be
// buffered.
func (r *bitReader) sym(t *[preTableSize]uint32) (int, error) {
	e := t[r.buf>>(64-preTableBits)]
	if e&subFlag != 0 {
		e = t[int((e&^subFlag)>>8)+int((r.buf<<preTableBits)>>(64-(preMaxCodeLen-preTableBits)))]
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
	d.reps = [3]uint32{1, 1, 1}
	reps := &d.reps
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
			reps[0] = binary.LittleEndian.Uint32(src[p:])
			reps[1] = binary.LittleEndian.Uint32(src[p+4:])
			reps[2] = binary.LittleEndian.Uint32(src[p+8:])
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
		case blockVerbatim:
			if !d.alignedIsVerbatim {
				d.alignedT = verbatimAligned
				d.alignedIsVerbatim = true
			}
		case blockAligned:
			br.refill()
			var lens [numAlignedSyms]uint8
			for i := range lens {
				lens[i] = uint8(br.bits(3))
			}
			d.alignedIsVerbatim = false
			if _, err := buildTable(d.alignedT[:], alignedTableBits, alignedMaxCodeLen, lens[:], 0); err != nil {
				return err
			}
		default:
			return errBlockType
		}
		if err := d.readLens(&br, d.mainLens[:numChars]); err != nil {
			return err
		}
		if err := d.readLens(&br, d.mainLens[numChars:d.numMainSyms]); err != nil {
			return err
		}
		empty, err := buildTable(d.mainT[:], mainTableBits, maxCodeLen, d.mainLens[:d.numMainSyms], invalidMainEntry)
		if err != nil {
			return err
		}
		if empty {
			return errEmptyMainCode
		}
		if err := d.readLens(&br, d.lenLens[:]); err != nil {
			return err
		}
		// An empty length code needs no flag: its entries all read as
		// invalid, as do an empty aligned code's.
		if _, err = buildTable(d.lenT[:], lenTableBits, maxCodeLen, d.lenLens[:], 0); err != nil {
			return err
		}
		if br.overrun() {
			return errTruncated
		}
		out, err = d.decodeBlock(&br, dst, out, out+size)
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
// previous lengths in lens (each ≤ 16). As in decodeBlock, the bit
// reader's state is kept in local variables while the lengths are read.
// Reading past the end of the input reads zeros; the caller checks for
// an overrun afterwards.
func (d *decoder) readLens(br *bitReader, lens []uint8) error {
	br.refill()
	var pl [numPreSyms]uint8
	for i := range pl {
		if i == 12 {
			br.refill()
		}
		pl[i] = uint8(br.bits(4))
	}
	if _, err := buildTable(d.preT[:], preTableBits, preMaxCodeLen, pl[:], 0); err != nil {
		return err
	}
	pre := &d.preT
	src := br.src
	buf, nb, pos := br.buf, br.nb, br.pos
	var err error
	// Each round reads at most 31 bits (a run of equal lengths: a
	// pretree symbol, 1 bit, another symbol).
	for i := 0; i < len(lens); {
		if nb < 32 {
			if pos+4 <= len(src) {
				buf |= uint64(bits.RotateLeft32(binary.LittleEndian.Uint32(src[pos:pos+4]), 16)) << ((32 - nb) & 63)
				nb += 32
				pos += 4
			} else {
				br.buf, br.nb, br.pos = buf, nb, pos
				br.refill()
				buf, nb, pos = br.buf, br.nb, br.pos
			}
		}
		e := pre[buf>>(64-preTableBits)]
		if e&subFlag != 0 {
			e = pre[int((e&^subFlag)>>8)+int((buf<<preTableBits)>>(64-(preMaxCodeLen-preTableBits)))]
		}
		n := uint(e & 0xff)
		if n == 0 {
			err = errBadSymbol
			break
		}
		buf <<= n & 63
		nb -= n
		s := int(e >> 8)
		if s <= 16 {
			// The new length is (old - s) mod 17.
			v := int(lens[i]) - s
			if v < 0 {
				v += 17
			}
			lens[i] = uint8(v)
			i++
			continue
		}
		var run int
		switch s {
		case 17: // 4 to 19 zeros
			run = 4 + int(buf>>60)
			buf <<= 4
			nb -= 4
		case 18: // 20 to 51 zeros
			run = 20 + int(buf>>59)
			buf <<= 5
			nb -= 5
		default: // 19: a run of 4 or 5 equal lengths
			run = 4 + int(buf>>63)
			buf <<= 1
			nb--
		}
		if run > len(lens)-i {
			err = errCorrupt
			break
		}
		if s != 19 {
			clear(lens[i : i+run])
			i += run
			continue
		}
		e = pre[buf>>(64-preTableBits)]
		if e&subFlag != 0 {
			e = pre[int((e&^subFlag)>>8)+int((buf<<preTableBits)>>(64-(preMaxCodeLen-preTableBits)))]
		}
		n = uint(e & 0xff)
		if n == 0 {
			err = errBadSymbol
			break
		}
		buf <<= n & 63
		nb -= n
		s = int(e >> 8)
		if s > 16 {
			err = errCorrupt
			break
		}
		v := int(lens[i]) - s
		if v < 0 {
			v += 17
		}
		for j := i; j < i+run; j++ {
			lens[j] = uint8(v)
		}
		i += run
	}
	br.buf, br.nb, br.pos = buf, nb, pos
	return err
}

// decodeBlock decodes a verbatim or aligned block into dst[out:end]
// (verbatim blocks read their offsets through d.alignedT =
// verbatimAligned). The bit reader's state lives in local variables
// (registers) while the block is decoded and goes back to br at the end.
// The tables and the repeat offsets are reached through d: the fewer
// values the loop keeps, the fewer the compiler saves to the stack and
// reloads on every symbol. The refill is written out twice (a function
// call would keep the bit reader in memory); near the end of the input
// it reads from d.tail, a zero-padded copy of the last bytes, so that the
// loop has no slow path to call.
func (d *decoder) decodeBlock(br *bitReader, chunk []byte, out, end int) (int, error) {
	src := br.src
	// buf holds the valid bits on top, then a 1 (the sentinel), then
	// zeros: the count of valid bits is 63 - TrailingZeros64(buf), and
	// fewer than 32 are left when the low 32 bits are zero. No count to
	// keep up to date, and one register fewer.
	buf, nb, pos := br.buf, br.nb, br.pos
	if nb == 64 {
		// No room for the sentinel: give the last 16 bits back.
		buf &^= 0xffff
		nb -= 16
		pos -= 2
	}
	buf |= 1 << (63 - nb)
	d.tailBase = -1 // ≥ 0: src is d.tail, holding br.src[tailBase:] and zeros
	// dst's capacity is the chunk's end: matches may copy whole words
	// past their end (and past the block's end) inside the chunk.
	dst := chunk[:end:len(chunk)]
	var err error
	for uint(out) < uint(len(dst)) {
		if uint32(buf) == 0 {
			if pos+4 > len(src) {
				if d.tailBase >= 0 {
					// More than 12 bytes past the input's end: a
					// certain overrun.
					err = errTruncated
					break
				}
				d.tailBase = pos
				for i := range d.tail {
					d.tail[i] = 0
					if pos+i < len(src) {
						d.tail[i] = src[pos+i]
					}
				}
				src, pos = d.tail[:], 0
			}
			// The new 32 bits take the sentinel's place, and a new
			// sentinel goes below them.
			tz := uint(bits.TrailingZeros64(buf)) // 32..63
			v := uint64(bits.RotateLeft32(binary.LittleEndian.Uint32(src[pos:pos+4]), 16))
			buf = buf ^ 1<<(tz&63) | (v<<1|1)<<((tz-32)&63)
			pos += 4
		}
		// Main symbol.
		peek := uint(buf >> (64 - maxCodeLen)) // the next 16 bits
		e := d.mainT[peek>>(maxCodeLen-mainTableBits)]
		if e&subFlag != 0 {
			e = d.mainT[uint((e&^subFlag)>>8)+peek&(1<<(maxCodeLen-mainTableBits)-1)]
		}
		// No check for an invalid codeword here: see offsetSlot.
		buf <<= uint(e) & 63 // the codeword length (bits 6 and 7 are 0)
		s := uint(e >> 8)
		if s < numChars {
			dst[out] = byte(s)
			out++
			continue
		}
		s -= numChars
		length := int(s&7) + minMatchLen
		slot := s >> 3
		if length == numPrimaryLens+minMatchLen {
			peek := uint(buf >> (64 - maxCodeLen))
			e := d.lenT[peek>>(maxCodeLen-lenTableBits)]
			if e&subFlag != 0 {
				e = d.lenT[uint((e&^subFlag)>>8)+peek&(1<<(maxCodeLen-lenTableBits)-1)]
			}
			n := uint(e & 0xff)
			if n == 0 {
				err = errBadSymbol
				break
			}
			buf <<= n & 63
			length += int(e >> 8)
		}
		var offset uint32
		if slot < 3 {
			switch slot {
			case 0:
				offset = d.reps[0]
			case 1:
				offset = d.reps[1]
				d.reps[1] = d.reps[0]
				d.reps[0] = offset
			default:
				offset = d.reps[2]
				d.reps[2] = d.reps[0]
				d.reps[0] = offset
			}
		} else {
			if uint32(buf) == 0 {
				if pos+4 > len(src) {
					if d.tailBase >= 0 {
						err = errTruncated
						break
					}
					d.tailBase = pos
					for i := range d.tail {
						d.tail[i] = 0
						if pos+i < len(src) {
							d.tail[i] = src[pos+i]
						}
					}
					src, pos = d.tail[:], 0
				}
				// The new 32 bits take the sentinel's place, and a new
				// sentinel goes below them.
				tz := uint(bits.TrailingZeros64(buf)) // 32..63
				v := uint64(bits.RotateLeft32(binary.LittleEndian.Uint32(src[pos:pos+4]), 16))
				buf = buf ^ 1<<(tz&63) | (v<<1|1)<<((tz-32)&63)
				pos += 4
			}
			so := offsetSlot[slot&127]
			eb := uint(so & 31)
			f := so >> 5
			if eb >= alignedBits {
				// The extra bits above the low 3, then the low 3
				// through the aligned code (raw in a verbatim block).
				k := eb - alignedBits
				f += uint32(buf>>1>>((63-k)&63)) << alignedBits
				buf <<= k & 63
				e := d.alignedT[buf>>(64-alignedTableBits)]
				n := uint(e & 0xff)
				if n == 0 {
					err = errBadSymbol
					break
				}
				buf <<= n & 63
				f += e >> 8
			} else {
				f += uint32(buf >> 1 >> ((63 - eb) & 63))
				buf <<= eb & 63
			}
			offset = f - 2
			d.reps[2] = d.reps[1]
			d.reps[1] = d.reps[0]
			d.reps[0] = offset
		}
		if uint(offset)-1 >= uint(out) {
			err = errBadOffset
			break
		}
		if length > len(dst)-out {
			err = errBadLength
			break
		}
		from := out - int(offset)
		if offset >= 8 && length <= 16 && out+16 <= cap(dst) {
			// Short match: two word copies (the second reads what the
			// first wrote when the match overlaps itself, as LZ77 does).
			t := (*[16]byte)(dst[out : out+16])
			f := (*[16]byte)(dst[from : from+16])
			binary.LittleEndian.PutUint64(t[:8], binary.LittleEndian.Uint64(f[:8]))
			binary.LittleEndian.PutUint64(t[8:], binary.LittleEndian.Uint64(f[8:]))
		} else if offset >= 8 && length <= 32 && out+32 <= cap(dst) {
			// The next 8 % of matches: four words.
			t := (*[32]byte)(dst[out : out+32])
			f := (*[32]byte)(dst[from : from+32])
			binary.LittleEndian.PutUint64(t[:8], binary.LittleEndian.Uint64(f[:8]))
			binary.LittleEndian.PutUint64(t[8:16], binary.LittleEndian.Uint64(f[8:16]))
			binary.LittleEndian.PutUint64(t[16:24], binary.LittleEndian.Uint64(f[16:24]))
			binary.LittleEndian.PutUint64(t[24:], binary.LittleEndian.Uint64(f[24:]))
		} else {
			copyMatch(dst, out, int(offset), length)
		}
		out += length
	}
	if d.tailBase >= 0 {
		pos += d.tailBase
	}
	tz := uint(bits.TrailingZeros64(buf))
	br.buf, br.nb, br.pos = buf^1<<(tz&63), 63-tz, pos
	return out, err
}

// copyMatch copies length bytes from dst[out-offset:] to dst[out:] with
// LZ77 semantics (overlapping copies repeat with period offset).
func copyMatch(dst []byte, out, offset, length int) {
	src := out - offset
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
