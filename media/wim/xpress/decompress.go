// Package xpress implements the XPRESS Huffman ("LZ77+Huffman") format as
// WIM files use it: every chunk (at most 64 KiB) is compressed on its own,
// with its own Huffman code and no history shared with other chunks.
//
// A compressed chunk is a 256-byte table of 512 four-bit codeword lengths
// (symbol 2i in the low nibble of byte i, 2i+1 in the high nibble) followed by
// a bitstream of 16-bit little-endian units read from the most significant
// bit, with the extra length bytes of long matches interleaved in the byte
// stream. Symbols 0..255 are literals; symbol 256+(k<<4)+l is a match whose
// offset has k+1 significant bits and whose length header is l (15 means
// more length follows in the byte stream). Symbol 256 also marks the end of
// the data.
package xpress

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"sync"
)

const (
	numSymbols    = 512
	maxCodeLen    = 15
	minMatchLen   = 3
	maxChunkSize  = 65536
	tableLenBytes = numSymbols / 2
)

var (
	errTruncated   = errors.New("xpress: compressed data is truncated")
	errEmptyCode   = errors.New("xpress: empty Huffman code for non-empty chunk")
	errBadOffset   = errors.New("xpress: match offset points before the start of the chunk")
	errBadLength   = errors.New("xpress: match extends past the end of the chunk")
	errBadLongLen  = errors.New("xpress: invalid long match length")
	errChunkTooBig = errors.New("xpress: chunk larger than 64 KiB")
	errOverrun     = errors.New("xpress: bitstream overrun")
)

// Decompress decompresses one XPRESS chunk from src into dst. dst must have
// exactly the chunk's uncompressed length. Malformed input returns an error.
func Decompress(dst, src []byte) error {
	if len(dst) == 0 {
		return nil
	}
	if len(dst) > maxChunkSize {
		return errChunkTooBig
	}
	if len(src) < tableLenBytes {
		return errTruncated
	}
	var lens [numSymbols]uint8
	for i := 0; i < tableLenBytes; i++ {
		b := src[i]
		lens[2*i] = b & 15
		lens[2*i+1] = b >> 4
	}
	table := tablePool.Get().(*[maxTableLen]uint32)
	defer tablePool.Put(table)
	empty, err := buildDecodeTable(table[:], &lens)
	if err != nil {
		return err
	}
	if empty {
		return errEmptyCode
	}
	return decodeStream(dst, src[tableLenBytes:], table)
}

// tablePool recycles decode tables: a table is fully rewritten for every
// (complete) code, so it needs no clearing.
var tablePool = sync.Pool{New: func() any { return new([maxTableLen]uint32) }}

// decodeStream decodes the bitstream.
//
// The format is defined by the MS-XCA decoder, which keeps a 32-bit window
// and reads a new 16-bit unit as soon as fewer than 16 bits remain in it;
// the extra length bytes are read at the byte position right after the
// units that decoder has read. Here a 64-bit buffer is filled further
// ahead, which is safe as long as no byte is read: when a match carries
// length bytes, the buffer is cut back to the bits the MS-XCA decoder would
// hold (16 + nb mod 16, or 32 before any bit is consumed; the rest were
// read ahead) and reading resumes after the bytes.
//
// Units past the end of the input read as zero (the encoder need not store
// units it never filled); reading more than four of them is an error.
func decodeStream(dst, in []byte, table *[maxTableLen]uint32) error {
	n := len(in)
	var buf uint64 // upcoming bits, left-aligned
	nb := uint(0)  // valid bits in buf
	pos := 0       // next unit to load
	out := 0
	end := len(dst)
	for out < end {
		if nb < 32 {
			if pos+4 <= n {
				// Two units in one load: rotating the little-endian
				// word by 16 puts the first unit on top.
				buf |= uint64(bits.RotateLeft32(binary.LittleEndian.Uint32(in[pos:]), 16)) << (32 - nb)
				pos += 4
				nb += 32
			} else {
				for nb <= 48 {
					if pos+1 < n {
						buf |= uint64(uint32(in[pos])|uint32(in[pos+1])<<8) << (48 - nb)
					} else if pos > n+6 {
						return errOverrun
					}
					pos += 2
					nb += 16
				}
			}
		}
		e := table[buf>>(64-tableBits)]
		if e&subFlag != 0 {
			e = table[(e&^subFlag)>>8+uint32((buf<<tableBits)>>(64-subBits))]
		}
		cl := uint(e & 0xff)
		buf <<= cl & 63 // masked: no fix-up for shifts of 64 or more
		nb -= cl
		sym := e >> 8
		if sym < 256 {
			dst[out] = byte(sym)
			out++
			continue
		}
		sym -= 256
		length := int(sym & 15)
		k := uint(sym >> 4)
		if length == 15 {
			// Cut back to the MS-XCA decoder's window: it holds
			// v bits, read from the units just before the byte
			// position. (At least one bit, the symbol's, has been
			// consumed, so v is 16 + nb mod 16.)
			v := 16 + nb%16
			p := pos - 2*int((nb-v)/16)
			buf &^= (1<<(64-v) - 1) // drop the read-ahead bits
			nb = v
			if p >= n {
				return errTruncated
			}
			length += int(in[p])
			p++
			if length == 15+255 {
				if p+1 >= n {
					return errTruncated
				}
				length = int(binary.LittleEndian.Uint16(in[p:]))
				p += 2
				if length < 15 {
					return errBadLongLen
				}
			}
			pos = p
			for nb < 32 {
				if pos+1 < n {
					buf |= uint64(uint32(in[pos])|uint32(in[pos+1])<<8) << (48 - nb)
				} else if pos > n+6 {
					return errOverrun
				}
				pos += 2
				nb += 16
			}
		}
		length += minMatchLen
		offset := 1<<k | int(buf>>(63-k&63)>>1)
		buf <<= k & 63
		nb -= k
		if offset > out {
			return errBadOffset
		}
		if length > end-out {
			return errBadLength
		}
		if src := out - offset; offset >= 8 && length <= 16 && out+16 <= end {
			// copyMatch's short case, here: most matches are short
			// and a call each costs.
			binary.LittleEndian.PutUint64(dst[out:], binary.LittleEndian.Uint64(dst[src:]))
			binary.LittleEndian.PutUint64(dst[out+8:], binary.LittleEndian.Uint64(dst[src+8:]))
		} else {
			copyMatch(dst, out, offset, length)
		}
		out += length
	}
	return nil
}

// copyMatch copies length bytes from dst[out-offset:] to dst[out:], with the
// LZ77 meaning when the two overlap (the copied bytes repeat with period
// offset).
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
	// dst[src:out] grows by whole periods each round.
	for length > 0 {
		c := copy(dst[out:out+length], dst[src:out])
		out += c
		length -= c
	}
}
