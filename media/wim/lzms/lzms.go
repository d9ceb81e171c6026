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

// context is one kind of binary decision: its probabilities are indexed by
// the last few bits decoded in it.
type context struct {
	state uint32
	mask  uint32
	p     []prob
}

func (c *context) reset(n int, store []prob) {
	c.state = 0
	c.mask = uint32(n - 1)
	c.p = store[:n]
	for i := range c.p {
		c.p[i] = prob{zeros: initialZeros, recent: initialRecent}
	}
}

// rangeDecoder reads the forward stream.
type rangeDecoder struct {
	rng, code uint32
	in        []byte
	pos       int
}

func (r *rangeDecoder) bit(c *context) uint32 {
	p := &c.p[c.state]
	if r.rng <= 0xFFFF {
		r.rng <<= 16
		r.code <<= 16
		if r.pos+2 <= len(r.in) {
			r.code |= uint32(binary.LittleEndian.Uint16(r.in[r.pos:]))
			r.pos += 2
		}
	}
	z := p.zeros
	if z == 0 {
		z = 1
	} else if z == 1<<probBits {
		z = 1<<probBits - 1
	}
	bound := (r.rng >> probBits) * z
	var b uint32
	if r.code < bound {
		r.rng = bound
	} else {
		r.rng -= bound
		r.code -= bound
		b = 1
	}
	oldest := uint32(p.recent >> 63)
	p.recent = p.recent<<1 | uint64(b)
	p.zeros = p.zeros + oldest - b
	c.state = (c.state<<1 | b) & c.mask
	return b
}

// bitReader reads the backward stream: 16-bit units from the end towards
// the start, each unit's bits from the most significant. Past the start
// it reads zeros (a valid stream may end that way).
type bitReader struct {
	buf uint64 // next bits in the high end
	n   uint
	in  []byte
	pos int // the next unit is in[pos-2:pos]
}

func (b *bitReader) ensure(k uint) {
	for b.n < k {
		var w uint64
		if b.pos >= 2 {
			b.pos -= 2
			w = uint64(binary.LittleEndian.Uint16(b.in[b.pos:]))
		}
		b.buf |= w << (48 - b.n)
		b.n += 16
	}
}

func (b *bitReader) consume(k uint) {
	b.buf <<= k
	b.n -= k
}

// bits reads k (<= 32) bits.
func (b *bitReader) bits(k uint) uint32 {
	if k == 0 {
		return 0
	}
	b.ensure(k)
	v := uint32(b.buf >> (64 - k))
	b.consume(k)
	return v
}

// Decompressor decodes LZMS chunks. Its tables are reused from chunk to
// chunk; it is not safe for concurrent use.
type Decompressor struct {
	rd rangeDecoder
	br bitReader

	probs                     [16 + 32 + 64 + 2*64 + 64 + 2*64]prob
	main, match, lz, delta    context
	lzRep, deltaRep           [2]context
	literal, lzOffset, length adaptiveCode
	deltaOffset, deltaPower   adaptiveCode
	lastTarget                [1 << 16]int32

	// stats counts decoded items (literal, LZ, LZ repeat, delta, delta
	// repeat) for tests.
	stats [5]int
}

// NewDecompressor returns a decompressor (about 300 KiB of tables).
func NewDecompressor() *Decompressor { return &Decompressor{} }

// Decompress decodes one chunk from src into dst, whose length is the
// chunk's uncompressed size.
func Decompress(dst, src []byte) error { return NewDecompressor().Decompress(dst, src) }

// Decompress decodes one chunk from src into dst, whose length is the
// chunk's uncompressed size. Corrupt input gives an error, never a panic;
// work is bounded by len(dst) (every item yields at least one byte).
func (d *Decompressor) Decompress(dst, src []byte) error {
	if len(src) < 4 {
		return errShort
	}
	if len(src)%2 != 0 {
		return errOdd
	}
	if len(dst) > MaxChunkSize {
		return errTooBig
	}
	d.reset(dst, src)
	if err := d.decodeItems(dst); err != nil {
		return err
	}
	x86Filter(dst, &d.lastTarget, true)
	return nil
}

func (d *Decompressor) reset(dst, src []byte) {
	d.rd = rangeDecoder{rng: 0xFFFFFFFF, code: uint32(binary.LittleEndian.Uint16(src))<<16 | uint32(binary.LittleEndian.Uint16(src[2:])), in: src, pos: 4}
	d.br = bitReader{in: src, pos: len(src)}
	p := d.probs[:]
	d.main.reset(16, p)
	p = p[16:]
	d.match.reset(32, p)
	p = p[32:]
	d.lz.reset(64, p)
	p = p[64:]
	for i := range d.lzRep {
		d.lzRep[i].reset(64, p)
		p = p[64:]
	}
	d.delta.reset(64, p)
	p = p[64:]
	for i := range d.deltaRep {
		d.deltaRep[i].reset(64, p)
		p = p[64:]
	}
	nOff := numOffsetSlots(len(dst))
	d.literal.init(numLiteralSyms, literalRebuild)
	d.lzOffset.init(nOff, offsetRebuild)
	d.length.init(numLengthSyms, lengthRebuild)
	d.deltaOffset.init(nOff, offsetRebuild)
	d.deltaPower.init(numPowerSyms, powerRebuild)
}

func (d *Decompressor) readOffset(c *adaptiveCode) (uint32, error) {
	s, ok := c.decode(&d.br)
	if !ok {
		return 0, errCodeword
	}
	return offsetBase[s] + d.br.bits(uint(offsetExtra[s])), nil
}

func (d *Decompressor) readLength() (int, error) {
	s, ok := d.length.decode(&d.br)
	if !ok {
		return 0, errCodeword
	}
	return int(lengthBase[s] + d.br.bits(uint(lengthExtra[s]))), nil
}

func (d *Decompressor) decodeItems(out []byte) error {
	lzq := [4]uint32{1, 2, 3, 4}
	dq := [4]uint64{1, 2, 3, 4}
	var lzPending uint32
	var dPending uint64
	lzPendingAt, dPendingAt := -1, -1
	rd := &d.rd
	n := len(out)
	for pos := 0; pos < n; {
		if rd.bit(&d.main) == 0 {
			s, ok := d.literal.decode(&d.br)
			if !ok {
				return errCodeword
			}
			out[pos] = byte(s)
			pos++
			d.stats[0]++
			continue
		}
		if rd.bit(&d.match) == 0 {
			// LZ match. A pending offset joins the queue before this
			// match unless this match directly follows the one that
			// used it.
			if lzPending != 0 && pos != lzPendingAt {
				lzq = [4]uint32{lzPending, lzq[0], lzq[1], lzq[2]}
				lzPending = 0
			}
			var off uint32
			if rd.bit(&d.lz) == 0 {
				var err error
				if off, err = d.readOffset(&d.lzOffset); err != nil {
					return err
				}
				d.stats[1]++
			} else if d.stats[2]++; rd.bit(&d.lzRep[0]) == 0 {
				off = lzq[0]
				lzq[0], lzq[1], lzq[2] = lzq[1], lzq[2], lzq[3]
			} else if rd.bit(&d.lzRep[1]) == 0 {
				off = lzq[1]
				lzq[1], lzq[2] = lzq[2], lzq[3]
			} else {
				off = lzq[2]
				lzq[2] = lzq[3]
			}
			if lzPending != 0 {
				lzq = [4]uint32{lzPending, lzq[0], lzq[1], lzq[2]}
			}
			lzPending = off
			length, err := d.readLength()
			if err != nil {
				return err
			}
			if length > n-pos {
				return errLength
			}
			if int(off) > pos {
				return errOffset
			}
			src := pos - int(off)
			if length <= 16 && int(off) >= 8 && pos+16 <= n {
				// Short match: two 8-byte moves (may write past the
				// match; the rest is decoded later).
				binary.LittleEndian.PutUint64(out[pos:], binary.LittleEndian.Uint64(out[src:]))
				binary.LittleEndian.PutUint64(out[pos+8:], binary.LittleEndian.Uint64(out[src+8:]))
			} else if int(off) >= length {
				copy(out[pos:pos+length], out[src:src+length])
			} else {
				for i := 0; i < length; i++ {
					out[pos+i] = out[src+i]
				}
			}
			pos += length
			lzPendingAt = pos
			continue
		}
		// Delta match.
		if dPending != 0 && pos != dPendingAt {
			dq = [4]uint64{dPending, dq[0], dq[1], dq[2]}
			dPending = 0
		}
		var pair uint64
		if rd.bit(&d.delta) == 0 {
			power, ok := d.deltaPower.decode(&d.br)
			if !ok {
				return errCodeword
			}
			raw, err := d.readOffset(&d.deltaOffset)
			if err != nil {
				return err
			}
			pair = uint64(power)<<32 | uint64(raw)
			d.stats[3]++
		} else if d.stats[4]++; rd.bit(&d.deltaRep[0]) == 0 {
			pair = dq[0]
			dq[0], dq[1], dq[2] = dq[1], dq[2], dq[3]
		} else if rd.bit(&d.deltaRep[1]) == 0 {
			pair = dq[1]
			dq[1], dq[2] = dq[2], dq[3]
		} else {
			pair = dq[2]
			dq[2] = dq[3]
		}
		if dPending != 0 {
			dq = [4]uint64{dPending, dq[0], dq[1], dq[2]}
		}
		dPending = pair
		length, err := d.readLength()
		if err != nil {
			return err
		}
		power := pair >> 32
		span := uint64(1) << power
		off := uint64(uint32(pair)) << power
		if off+span > uint64(pos) {
			return errDeltaSpan
		}
		if length > n-pos {
			return errLength
		}
		o, sp := int(off), int(span)
		for i := pos; i < pos+length; i++ {
			out[i] = out[i-o] + out[i-sp] - out[i-o-sp]
		}
		pos += length
		dPendingAt = pos
	}
	return nil
}
