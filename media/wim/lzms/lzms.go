// Package lzms decompresses LZMS, the compression of Windows ESD files
// and of WIM files written with /Compress:recovery.
//
// An LZMS chunk is read in 16-bit little-endian units from both ends at
// once. From the front, a binary range decoder with adaptive
// probabilities (the count of zeros among the last 64 bits decoded in the
// same context) decides what comes next: a literal, an LZ match or a
// delta match, and whether a match repeats a recent offset. From the back,
// a bitstream (most significant bit first) carries Huffman-coded
// literals, offset slots, length slots and delta powers, and the extra
// bits of offsets and lengths. The five Huffman codes adapt: they are
// rebuilt from symbol counts every 512 or 1024 symbols. LZ matches copy
// earlier bytes; delta matches add the byte-wise difference of two
// earlier runs a power of two apart. Three recent LZ offsets and three
// recent delta (power, offset) pairs can be repeated; a new entry joins
// the queues only after the following item. After decoding, the chunk's
// x86 relative addresses, which the compressor made absolute, are made
// relative again.
//
// The format is not documented by Microsoft; this decoder was written
// from public descriptions of it and checked against chunks written by
// wimlib.
package lzms

import (
	"encoding/binary"
	"errors"
)

const (
	numLiteralSyms = 256
	numLengthSyms  = 54
	numPowerSyms   = 8
	maxOffsetSyms  = 799
	maxCodeLen     = 15

	literalRebuild = 1024
	offsetRebuild  = 1024
	lengthRebuild  = 512
	powerRebuild   = 512

	probBits      = 6
	initialZeros  = 48
	initialRecent = 0x0000000055555555

	// MaxChunkSize is the largest chunk the format allows (1 GiB).
	MaxChunkSize = 1 << 30
)

var (
	errShort     = errors.New("lzms: compressed chunk shorter than 4 bytes")
	errOdd       = errors.New("lzms: compressed chunk has an odd length")
	errTooBig    = errors.New("lzms: chunk larger than 1 GiB")
	errCodeword  = errors.New("lzms: invalid Huffman codeword")
	errOffset    = errors.New("lzms: match offset points before the start of the chunk")
	errLength    = errors.New("lzms: match extends past the end of the chunk")
	errDeltaSpan = errors.New("lzms: delta match reaches before the start of the chunk")
)

// prob is one adaptive probability: how many of the last 64 bits decoded
// with it were zero, and those bits (the newest in bit 0).
type prob struct {
	zeros  uint32
	recent uint64
}

func (p *prob) reset() { *p = prob{zeros: initialZeros, recent: initialRecent} }

// decodeBit decodes one bit of the forward stream with probability p
// (rng must be above 0xFFFF: see normalize) and adapts p. Small enough
// to be inlined, so that rng and code stay in registers.
func decodeBit(rng, code uint32, p *prob) (uint32, uint32, uint32) {
	z := p.zeros
	z += (z - 1) >> 31 // 0 -> 1
	z -= z >> probBits // 64 -> 63
	bound := (rng >> probBits) * z
	b := uint32(0)
	if code < bound {
		rng = bound
	} else {
		rng -= bound
		code -= bound
		b = 1
	}
	p.zeros += uint32(p.recent>>63) - b
	p.recent = p.recent<<1 | uint64(b)
	return rng, code, b
}

// bound is where the range splits for a bit decoded with p: a 0 below
// it, a 1 from it (rng must be above 0xFFFF: see normalize). zero and
// one adapt p to the bit decoded.
func (p *prob) bound(rng uint32) uint32 {
	z := p.zeros
	z += (z - 1) >> 31 // 0 -> 1
	z -= z >> probBits // 64 -> 63
	return (rng >> probBits) * z
}

func (p *prob) zero() {
	p.zeros += uint32(p.recent >> 63)
	p.recent <<= 1
}

func (p *prob) one() {
	p.zeros += uint32(p.recent>>63) - 1
	p.recent = p.recent<<1 | 1
}

// The forward stream: the range decoder's next 16-bit unit is at
// in[rpos:] (zeros past the end).
//
// The backward stream is read through buf, whose top nb bits are the
// next bits: 16-bit units from the end of in towards the start, each
// unit's bits from the most significant. bpos is where the next unit
// ends. Past the start it reads zeros (a valid stream may end that way).
//
// The decoding loop keeps rng, code, buf and nb in local variables;
// the positions in the input, the rarer contexts' states and the
// repeat queues live in the Decompressor, read only where needed, so
// that the compiler has registers for the values used on every item.

// normalize refills the range decoder when its range fell to 16 bits
// (the caller checked rng <= 0xFFFF).
func (d *Decompressor) normalize(rng, code uint32) (uint32, uint32) {
	rng <<= 16
	code <<= 16
	if p := d.rpos; p+2 <= len(d.in) {
		code |= uint32(binary.LittleEndian.Uint16(d.in[p : p+2 : p+2]))
		d.rpos = p + 2
	}
	return rng, code
}

// bit decodes one bit of a rarer context: its probabilities p, its state
// (the last bits decoded in it) *st under mask.
func (d *Decompressor) bit(rng, code uint32, p []prob, st *uint32, mask uint32) (uint32, uint32, uint32) {
	if rng <= 0xFFFF {
		rng, code = d.normalize(rng, code)
	}
	var b uint32
	rng, code, b = decodeBit(rng, code, &p[*st&mask])
	*st = (*st<<1 | b) & mask
	return rng, code, b
}

// refill brings nb to at least 49 when it is below; callers check
// d.bpos >= 8 (else refillSlow). Away from the start it loads the 8
// bytes before bpos at once: as a little-endian word their units are
// already in stream order, the next one on top. Only whole units are
// counted; the bits of a partial unit ORed in below nb are the same
// bits the next refill ORs in again.
func (d *Decompressor) refill(buf uint64, nb uint) (uint64, uint) {
	p := d.bpos
	buf |= binary.LittleEndian.Uint64(d.in[p-8:p:p]) >> (nb & 63)
	u := (64 - nb) >> 4
	d.bpos = p - int(u)*2
	return buf, nb + u<<4
}

// refillSlow reads unit by unit near the start of the input.
//
//go:noinline
func (d *Decompressor) refillSlow(buf uint64, nb uint) (uint64, uint) {
	if d.bpos >= 8 {
		return d.refill(buf, nb)
	}
	for nb <= 48 {
		var w uint64
		if d.bpos >= 2 && d.bpos <= len(d.in) {
			d.bpos -= 2
			w = uint64(binary.LittleEndian.Uint16(d.in[d.bpos:]))
		}
		buf |= w << (48 - nb)
		nb += 16
	}
	return buf, nb
}

// topBits returns the next k (<= 32) bits of buf; k may be 0.
func topBits(buf uint64, k uint) uint32 {
	return uint32((buf >> 1) >> ((63 - k) & 63))
}

// Decompressor decodes LZMS chunks. Its tables are reused from chunk to
// chunk; it is not safe for concurrent use.
type Decompressor struct {
	// The adaptive probabilities of the binary decisions, indexed by the
	// last few decisions of the same kind (their states: mainSt lives in
	// decodeItems).
	mainP      [16]prob
	matchP     [32]prob
	lzP        [64]prob
	lzRepP     [2][64]prob
	deltaP     [64]prob
	deltaRepP  [2][64]prob
	matchSt    uint32
	lzSt       uint32
	lzRepSt    [2]uint32
	deltaSt    uint32
	deltaRepSt [2]uint32

	in         []byte
	rpos, bpos int

	// The range decoder, the bit buffer and the main state between two
	// calls of decodeItems.
	rng, code, mainSt uint32
	buf               uint64
	nb                uint

	// The repeat queues, and the offset of the last match, which joins
	// its queue only after the next item.
	lzq         [4]uint32
	dq          [4]uint64
	lzPending   uint32
	dPending    uint64
	lzPendingAt int
	dPendingAt  int

	// Far copies fastItems deferred (see copyFar), their destinations
	// between farLo and farHi.
	far          [maxFar]farCopy
	nFar         int
	farLo, farHi int
	farLen       int
	farOff       uint32

	literal, lzOffset, length adaptiveCode
	deltaOffset, deltaPower   adaptiveCode
	lastTarget                [1 << 16]int32

	// Stream's x86 scan: the instructions whose operand is translated
	// (one bit per chunk byte), where the scan goes on and its last code
	// position.
	marks        []uint64 // read and set atomically
	scanAt       int
	scanLastCode int32

	// stats counts decoded items (literal, LZ, LZ repeat, delta, delta
	// repeat) for tests.
	stats [5]int
}

// NewDecompressor returns a decompressor (about 350 KiB of tables).
func NewDecompressor() *Decompressor { return &Decompressor{} }

// Decompress decodes one chunk from src into dst, whose length is the
// chunk's uncompressed size.
func Decompress(dst, src []byte) error { return NewDecompressor().Decompress(dst, src) }

// Decompress decodes one chunk from src into dst, whose length is the
// chunk's uncompressed size. Corrupt input gives an error, never a panic;
// work is bounded by len(dst) (every item yields at least one byte).
func (d *Decompressor) Decompress(dst, src []byte) error {
	if err := d.start(dst, src); err != nil {
		return err
	}
	_, err := d.decodeItems(dst, 0, len(dst))
	d.in = nil
	if err != nil {
		return err
	}
	x86Filter(dst, &d.lastTarget, true)
	return nil
}

// start checks a chunk's sizes and makes the decoder ready for it.
func (d *Decompressor) start(dst, src []byte) error {
	if len(src) < 4 {
		return errShort
	}
	if len(src)%2 != 0 {
		return errOdd
	}
	if len(dst) > MaxChunkSize {
		return errTooBig
	}
	d.reset(len(dst), src)
	return nil
}

func (d *Decompressor) reset(n int, src []byte) {
	for i := range d.mainP {
		d.mainP[i].reset()
	}
	for i := range d.matchP {
		d.matchP[i].reset()
	}
	for i := range 64 {
		d.lzP[i].reset()
		d.lzRepP[0][i].reset()
		d.lzRepP[1][i].reset()
		d.deltaP[i].reset()
		d.deltaRepP[0][i].reset()
		d.deltaRepP[1][i].reset()
	}
	d.matchSt, d.lzSt, d.deltaSt = 0, 0, 0
	d.lzRepSt, d.deltaRepSt = [2]uint32{}, [2]uint32{}
	d.in, d.rpos, d.bpos = src, 4, len(src)
	d.lzq = [4]uint32{1, 2, 3, 4}
	d.dq = [4]uint64{1, 2, 3, 4}
	d.lzPending, d.dPending = 0, 0
	d.lzPendingAt, d.dPendingAt = -1, -1
	if d.farOff == 0 {
		d.farOff = farOffset
	}
	d.rng = 0xFFFFFFFF
	d.code = uint32(binary.LittleEndian.Uint16(src))<<16 | uint32(binary.LittleEndian.Uint16(src[2:]))
	d.buf, d.nb, d.mainSt = 0, 0, 0
	nOff := numOffsetSlots(n)
	d.literal.init(numLiteralSyms, literalRebuild, maxTableBits)
	d.lzOffset.init(nOff, offsetRebuild, maxTableBits)
	d.length.init(numLengthSyms, lengthRebuild, maxTableBits)
	d.deltaOffset.init(nOff, offsetRebuild, maxTableBits)
	// With 8 symbols no codeword is longer than 7 bits.
	d.deltaPower.init(numPowerSyms, powerRebuild, numPowerSyms-1)
}

// decodeItems decodes the items of one chunk into out from pos on, until
// pos reaches stop (a match may take it past stop); it returns the new
// pos. The range decoder and the bit buffer live in d between calls, so
// that decoding can go on from there (Stream).
//
// Most items are decoded by fastItems, a loop without calls: Go keeps no
// value in a register across a call, so a call anywhere in the loop, even
// on a rare path, makes the compiler spill the range decoder and the bit
// buffer around it. What fastItems leaves to others it stops for, where
// it is in the item (at): code rebuilds, codewords longer than the decode
// table, refills near the start of the input, delta matches. The slow
// functions finish that item, in full generality, and fastItems goes on.
func (d *Decompressor) decodeItems(out []byte, pos, stop int) (int, error) {
	var err error
	for pos < stop {
		var at int
		pos, at = d.fastItems(out, pos, stop)
		d.copyFar(out)
		d.rebuildDue()
		switch at {
		case atLiteral:
			pos, err = d.slowLiteral(out, pos)
		case atOffset:
			pos, err = d.slowOffset(out, pos)
		case atLength:
			pos, err = d.slowLength(out, pos, d.lzPending)
		case atDelta:
			pos, err = d.slowDelta(out, pos)
		case atFar:
			copyMatch(out, pos, int(d.lzPending), d.farLen)
			pos += d.farLen
			d.lzPendingAt = pos
		case atBadLength:
			err = errLength
		case atBadOffset:
			err = errOffset
		}
		if err != nil {
			return pos, err
		}
	}
	d.copyFar(out) // slowLength's
	return pos, nil
}

// Far LZ matches (offset farOff or more, not overlapping their source)
// are copied in batches of up to maxFar, after fastItems returns: their
// sources are mostly out of the caches, and a batch of copies with
// nothing between them has its loads in flight at once (the items loop
// between two such copies holds the processor's window, so that it
// waits for each miss in turn). fastItems returns when a match's source
// may overlap a deferred copy's destination (between farLo and farHi).
const (
	farOffset = 1 << 20 // d.farOff unless a test sets it
	maxFar    = 8
)

type farCopy struct{ dst, src, n int }

// copyFar makes the deferred copies.
func (d *Decompressor) copyFar(out []byte) {
	for _, f := range d.far[:d.nFar] {
		copy(out[f.dst:f.dst+f.n], out[f.src:f.src+f.n])
	}
	d.nFar = 0
}

// Where fastItems stopped: at an item boundary (after an item that
// brought a code to its rebuild, or at stop), or in an item before its
// literal, its LZ offset slot, its LZ length (the match's offset is
// d.lzPending) or its delta match (after its two decisions); or at an LZ
// match that does not fit.
const (
	atItem = iota
	atLiteral
	atOffset
	atLength
	atDelta
	atBadLength
	atBadOffset
	atFar // at an LZ match to copy after the far copies (d.farLen bytes)
)

// rebuildDue rebuilds the codes fastItems counted to the end of their
// period (it does not rebuild them itself: a call).
func (d *Decompressor) rebuildDue() {
	for _, c := range [...]*adaptiveCode{&d.literal, &d.lzOffset, &d.length} {
		if c.untilRebuild == 0 {
			c.build()
		}
	}
}

// slowLiteral decodes a literal's symbol.
func (d *Decompressor) slowLiteral(out []byte, pos int) (int, error) {
	sym, buf, nb, ok := d.decodeSym(&d.literal, d.buf, d.nb)
	d.buf, d.nb = buf, nb
	if !ok {
		return pos, errCodeword
	}
	out[pos] = byte(sym)
	d.stats[0]++
	return pos + 1, nil
}

// slowOffset decodes an explicit LZ offset and the rest of its match.
func (d *Decompressor) slowOffset(out []byte, pos int) (int, error) {
	sym, buf, nb, ok := d.decodeSym(&d.lzOffset, d.buf, d.nb)
	if !ok {
		d.buf, d.nb = buf, nb
		return pos, errCodeword
	}
	if nb < 45 {
		buf, nb = d.refillSlow(buf, nb)
	}
	k := uint(offsetExtra[sym%symSlots])
	off := offsetBase[sym%symSlots] + topBits(buf, k)
	d.buf, d.nb = buf<<(k&63), nb-k
	d.stats[1]++
	if d.lzPending != 0 {
		d.lzq = [4]uint32{d.lzPending, d.lzq[0], d.lzq[1], d.lzq[2]}
	}
	d.lzPending = off
	return d.slowLength(out, pos, off)
}

// slowLength decodes an LZ match's length and copies the match.
func (d *Decompressor) slowLength(out []byte, pos int, off uint32) (int, error) {
	buf, nb, length, ok := d.readLength(d.buf, d.nb)
	d.buf, d.nb = buf, nb
	if ok == 0 {
		return pos, errCodeword
	}
	if int(length) > len(out)-pos {
		return pos, errLength
	}
	if int(off) > pos {
		return pos, errOffset
	}
	if off >= d.farOff && off >= length && d.nFar < maxFar && (d.nFar == 0 || pos-int(off) >= d.farHi) {
		// Deferred as in fastItems (most of these offsets are far:
		// their slots are rare).
		if d.nFar == 0 {
			d.farLo = pos
		}
		d.far[d.nFar] = farCopy{pos, pos - int(off), int(length)}
		d.nFar++
		pos += int(length)
		d.farHi = pos
	} else {
		copyMatch(out, pos, int(off), int(length))
		pos += int(length)
	}
	d.lzPendingAt = pos
	return pos, nil
}

// slowDelta decodes a delta match.
func (d *Decompressor) slowDelta(out []byte, pos int) (int, error) {
	var err error
	d.rng, d.code, d.buf, d.nb, pos, err = d.deltaMatch(d.rng, d.code, d.buf, d.nb, pos, out)
	return pos, err
}

// fastItems decodes items from pos on until pos reaches stop or an item
// needs what only the slow functions do (see decodeItems); it returns the
// new pos and where in the item it stopped. The range decoder and the bit
// buffer are local variables, loaded from d and saved back on return.
//
// Codes are counted without rebuilding them: an item that brings a code
// to its rebuild is finished and fastItems returns (no code is used twice
// in one item).
func (d *Decompressor) fastItems(out []byte, pos, stop int) (_ int, at int) {
	rng, code, buf, nb, mainSt := d.rng, d.code, d.buf, d.nb, d.mainSt
	n := len(out)
	for pos < stop {
		// Each decision branches once, on the range decoder's compare,
		// and adapts its probability in each arm: no merge of the two
		// outcomes' registers.
		if rng <= 0xFFFF {
			rng, code = d.normalize(rng, code)
		}
		p := &d.mainP[mainSt&15]
		if bound := p.bound(rng); code < bound {
			rng = bound
			p.zero()
			mainSt = mainSt << 1 & 15
			// Literal.
			if nb < maxCodeLen {
				if d.bpos < 8 {
					at = atLiteral
					break
				}
				buf, nb = d.refill(buf, nb)
			}
			c := &d.literal
			sym, l := c.entry(buf)
			if l == 0 {
				at = atLiteral
				break
			}
			buf <<= l & 63
			nb -= l
			c.freqs[sym%symSlots]++
			out[pos] = byte(sym)
			pos++
			d.stats[0]++
			c.untilRebuild--
			if c.untilRebuild == 0 {
				break
			}
			continue
		} else {
			rng -= bound
			code -= bound
			p.one()
			mainSt = (mainSt<<1 | 1) & 15
		}
		if rng <= 0xFFFF {
			rng, code = d.normalize(rng, code)
		}
		p = &d.matchP[d.matchSt&31]
		if bound := p.bound(rng); code < bound {
			rng = bound
			p.zero()
			d.matchSt = d.matchSt << 1 & 31
		} else {
			rng -= bound
			code -= bound
			p.one()
			d.matchSt = (d.matchSt<<1 | 1) & 31
			at = atDelta
			break
		}
		// LZ match. A pending offset joins the queue before this match
		// unless this match directly follows the one that used it.
		if d.lzPending != 0 && pos != d.lzPendingAt {
			d.lzq = [4]uint32{d.lzPending, d.lzq[0], d.lzq[1], d.lzq[2]}
			d.lzPending = 0
		}
		if rng <= 0xFFFF {
			rng, code = d.normalize(rng, code)
		}
		var off uint32
		p = &d.lzP[d.lzSt&63]
		if bound := p.bound(rng); code < bound {
			rng = bound
			p.zero()
			d.lzSt = d.lzSt << 1 & 63
			if nb < 45 {
				if d.bpos < 8 {
					at = atOffset
					break
				}
				buf, nb = d.refill(buf, nb)
			}
			c := &d.lzOffset
			sym, l := c.entry(buf)
			if l == 0 {
				at = atOffset
				break
			}
			buf <<= l & 63
			nb -= l
			c.freqs[sym%symSlots]++
			c.untilRebuild--
			k := uint(offsetExtra[sym%symSlots])
			off = offsetBase[sym%symSlots] + topBits(buf, k)
			buf <<= k & 63
			nb -= k
			d.stats[1]++
		} else {
			rng -= bound
			code -= bound
			p.one()
			d.lzSt = (d.lzSt<<1 | 1) & 63
			// Which recent offset it repeats.
			d.stats[2]++
			if rng <= 0xFFFF {
				rng, code = d.normalize(rng, code)
			}
			p = &d.lzRepP[0][d.lzRepSt[0]&63]
			if bound := p.bound(rng); code < bound {
				rng = bound
				p.zero()
				d.lzRepSt[0] = d.lzRepSt[0] << 1 & 63
				off = d.lzq[0]
				d.lzq[0], d.lzq[1], d.lzq[2] = d.lzq[1], d.lzq[2], d.lzq[3]
			} else {
				rng -= bound
				code -= bound
				p.one()
				d.lzRepSt[0] = (d.lzRepSt[0]<<1 | 1) & 63
				if rng <= 0xFFFF {
					rng, code = d.normalize(rng, code)
				}
				p = &d.lzRepP[1][d.lzRepSt[1]&63]
				if bound := p.bound(rng); code < bound {
					rng = bound
					p.zero()
					d.lzRepSt[1] = d.lzRepSt[1] << 1 & 63
					off = d.lzq[1]
					d.lzq[1], d.lzq[2] = d.lzq[2], d.lzq[3]
				} else {
					rng -= bound
					code -= bound
					p.one()
					d.lzRepSt[1] = (d.lzRepSt[1]<<1 | 1) & 63
					off = d.lzq[2]
					d.lzq[2] = d.lzq[3]
				}
			}
		}
		if d.lzPending != 0 {
			d.lzq = [4]uint32{d.lzPending, d.lzq[0], d.lzq[1], d.lzq[2]}
		}
		d.lzPending = off
		if nb < 45 {
			if d.bpos < 8 {
				at = atLength
				break
			}
			buf, nb = d.refill(buf, nb)
		}
		c := &d.length
		sym, l := c.entry(buf)
		if l == 0 {
			at = atLength
			break
		}
		buf <<= l & 63
		nb -= l
		c.freqs[sym%symSlots]++
		c.untilRebuild--
		k := uint(lengthExtra[sym%64])
		length := int(lengthBase[sym%64] + topBits(buf, k))
		buf <<= k & 63
		nb -= k
		if length > n-pos {
			at = atBadLength
			break
		}
		if int(off) > pos {
			at = atBadOffset
			break
		}
		src := pos - int(off)
		if d.nFar != 0 && src+length > d.farLo && src < d.farHi {
			// Its source may be a deferred copy's destination: the
			// copies first, then this one (decodeItems).
			d.farLen = length
			at = atFar
			break
		}
		if off >= d.farOff && int(off) >= length && d.nFar < maxFar {
			d.far[d.nFar] = farCopy{pos, src, length}
			if d.nFar == 0 {
				d.farLo = pos
			}
			d.nFar++
			pos += length
			d.farHi = pos
			d.lzPendingAt = pos
			if d.nFar == maxFar || d.lzOffset.untilRebuild == 0 || c.untilRebuild == 0 {
				break
			}
			continue
		}
		if end := pos + length; off >= 8 && end+16 <= n {
			// Whole words while 16 bytes of slack follow: with
			// off >= 8 every word read was written before. Words
			// may write past the match: those bytes are decoded
			// later. Most matches are 16 bytes or shorter: two
			// words through fixed-size views (no bounds checks).
			t := out[pos : pos+16 : pos+16]
			f := out[src : src+16 : src+16]
			binary.LittleEndian.PutUint64(t[:8], binary.LittleEndian.Uint64(f[:8]))
			binary.LittleEndian.PutUint64(t[8:], binary.LittleEndian.Uint64(f[8:]))
			for i := 16; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[pos+i:], binary.LittleEndian.Uint64(out[src+i:]))
			}
			pos = end
		} else {
			for i := range length {
				out[pos+i] = out[src+i]
			}
			pos = end
		}
		d.lzPendingAt = pos
		if d.lzOffset.untilRebuild == 0 || c.untilRebuild == 0 {
			break
		}
	}
	d.rng, d.code, d.buf, d.nb, d.mainSt = rng, code, buf, nb, mainSt
	return pos, at
}

// readLength decodes a match length (ok is 0 on an invalid codeword).
func (d *Decompressor) readLength(buf uint64, nb uint) (_ uint64, _ uint, length, ok uint32) {
	if nb < 45 {
		buf, nb = d.refillSlow(buf, nb)
	}
	c := &d.length
	sym, l := c.entry(buf)
	if l == 0 {
		var found bool
		if sym, l, found = c.lookupLong(buf); !found {
			return buf, nb, 0, 0
		}
	}
	buf <<= l & 63
	nb -= l
	c.countSym(sym)
	k := uint(lengthExtra[sym%64])
	length = lengthBase[sym%64] + topBits(buf, k)
	return buf << (k & 63), nb - k, length, 1
}

// deltaMatch decodes and copies a delta match at pos; it returns the
// position after it.
func (d *Decompressor) deltaMatch(rng, code uint32, buf uint64, nb uint, pos int, out []byte) (uint32, uint32, uint64, uint, int, error) {
	if d.dPending != 0 && pos != d.dPendingAt {
		d.dq = [4]uint64{d.dPending, d.dq[0], d.dq[1], d.dq[2]}
		d.dPending = 0
	}
	var pair uint64
	var b uint32
	rng, code, b = d.bit(rng, code, d.deltaP[:], &d.deltaSt, 63)
	if b == 0 {
		var power, raw uint32
		var ok bool
		if power, buf, nb, ok = d.decodeSym(&d.deltaPower, buf, nb); !ok {
			return rng, code, buf, nb, pos, errCodeword
		}
		if raw, buf, nb, ok = d.decodeSym(&d.deltaOffset, buf, nb); !ok {
			return rng, code, buf, nb, pos, errCodeword
		}
		if nb < 45 {
			buf, nb = d.refillSlow(buf, nb)
		}
		k := uint(offsetExtra[raw%symSlots])
		raw = offsetBase[raw%symSlots] + topBits(buf, k)
		buf <<= k & 63
		nb -= k
		pair = uint64(power)<<32 | uint64(raw)
		d.stats[3]++
	} else {
		d.stats[4]++
		rng, code, b = d.bit(rng, code, d.deltaRepP[0][:], &d.deltaRepSt[0], 63)
		if b == 0 {
			pair = d.dq[0]
			d.dq[0], d.dq[1], d.dq[2] = d.dq[1], d.dq[2], d.dq[3]
		} else {
			rng, code, b = d.bit(rng, code, d.deltaRepP[1][:], &d.deltaRepSt[1], 63)
			if b == 0 {
				pair = d.dq[1]
				d.dq[1], d.dq[2] = d.dq[2], d.dq[3]
			} else {
				pair = d.dq[2]
				d.dq[2] = d.dq[3]
			}
		}
	}
	if d.dPending != 0 {
		d.dq = [4]uint64{d.dPending, d.dq[0], d.dq[1], d.dq[2]}
	}
	d.dPending = pair
	var length uint32
	if buf, nb, length, b = d.readLength(buf, nb); b == 0 {
		return rng, code, buf, nb, pos, errCodeword
	}
	power := pair >> 32
	span := uint64(1) << power
	off := uint64(uint32(pair)) << power
	if off+span > uint64(pos) {
		return rng, code, buf, nb, pos, errDeltaSpan
	}
	if int(length) > len(out)-pos {
		return rng, code, buf, nb, pos, errLength
	}
	o, sp := int(off), int(span)
	for i := pos; i < pos+int(length); i++ {
		out[i] = out[i-o] + out[i-sp] - out[i-o-sp]
	}
	pos += int(length)
	d.dPendingAt = pos
	return rng, code, buf, nb, pos, nil
}

// decodeSym decodes one symbol of any code (the rare ones).
func (d *Decompressor) decodeSym(c *adaptiveCode, buf uint64, nb uint) (uint32, uint64, uint, bool) {
	if nb < maxCodeLen {
		buf, nb = d.refillSlow(buf, nb)
	}
	e := c.table[(buf>>(64-c.tableBits))%(1<<maxTableBits)]
	sym, l := uint32(e&0x7FF), uint(e>>11)
	if e == 0 {
		var ok bool
		if sym, l, ok = c.lookupLong(buf); !ok {
			return 0, buf, nb, false
		}
	}
	c.countSym(sym)
	return sym, buf << (l & 63), nb - l, true
}

// copyMatch copies length bytes from off bytes back to out[pos:] (the
// caller checked both fit): the cases decodeItems does not copy by words.
func copyMatch(out []byte, pos, off, length int) {
	src := pos - off
	if off >= length {
		copy(out[pos:pos+length], out[src:src+length])
		return
	}
	for i := 0; i < length; i++ {
		out[pos+i] = out[src+i]
	}
}
