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

// decodeStream decodes the bitstream in the MS-XCA manner: next holds the
// upcoming bits left-aligned, 16+extra of them valid, and a new 16-bit unit
// is read as soon as fewer than 16 remain. That fixes where the interleaved
// length bytes lie: at in[pos] right after the units read so far.
//
// Units past the end of the input read as zero (the encoder need not store
// units it never filled); reading more than two such units is an error.
func decodeStream(dst, in []byte, table *[maxTableLen]uint32) error {
	n := len(in)
	pos := 0
	var next uint32
	for k := 0; k < 2; k++ {
		next <<= 16
		if pos+1 < n {
			next |= uint32(in[pos]) | uint32(in[pos+1])<<8
		}
		pos += 2
	}
	extra := 16
	out := 0
	end := len(dst)
	for out < end {
		e := table[next>>(32-tableBits)]
		if e&subFlag != 0 {
			e = table[(e&^subFlag)>>8+(next<<tableBits)>>(32-subBits)]
		}
		sym := e >> 8
		// consume the codeword (1..15 bits)
		cl := int(e & 0xff)
		next <<= uint(cl)
		extra -= cl
		if extra < 0 {
			if pos+1 < n {
				next |= (uint32(in[pos]) | uint32(in[pos+1])<<8) << uint(-extra)
			} else if pos > n+2 {
				return errOverrun
			}
			pos += 2
			extra += 16
		}
		if sym < 256 {
			dst[out] = byte(sym)
			out++
			continue
		}
		sym -= 256
		length := int(sym & 15)
		k := int(sym >> 4)
		if length == 15 {
			if pos >= n {
				return errTruncated
			}
			length += int(in[pos])
			pos++
			if length == 15+255 {
				if pos+1 >= n {
					return errTruncated
				}
				length = int(binary.LittleEndian.Uint16(in[pos:]))
				pos += 2
				if length < 15 {
					return errBadLongLen
				}
			}
		}
		length += minMatchLen
		offset := 1 << uint(k)
		if k > 0 {
			offset |= int(next >> uint(32-k))
			next <<= uint(k)
			extra -= k
			if extra < 0 {
				if pos+1 < n {
					next |= (uint32(in[pos]) | uint32(in[pos+1])<<8) << uint(-extra)
				} else if pos > n+2 {
					return errOverrun
				}
				pos += 2
				extra += 16
			}
		}
		if offset > out {
			return errBadOffset
		}
		if length > end-out {
			return errBadLength
		}
		copyMatch(dst, out, offset, length)
		out += length
	}
	return nil
}

// copyMatch copies length bytes from dst[out-offset:] to dst[out:], with the
// LZ77 meaning when the two overlap (the copied bytes repeat with period
// offset).
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
	// dst[src:out] grows by whole periods each round.
	for length > 0 {
		c := copy(dst[out:out+length], dst[src:out])
		out += c
		length -= c
	}
}
