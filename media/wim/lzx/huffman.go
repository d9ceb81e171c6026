package lzx

import "encoding/binary"

// Decode tables are two-level: a primary table indexed by the next
// tableBits bits, and for longer codewords subtables of
// 1<<(maxLen-tableBits) entries indexed by the following bits. An entry
// holds the codeword length in its low 8 bits and the symbol above; a
// length of 0 marks a bit pattern no codeword starts with (the code is
// incomplete), which is an error when met. A primary entry with subFlag set
// points to a subtable whose start index is in bits 8..30.
const (
	maxCodeLen = 16
	subFlag    = 1 << 31
)

// Table sizes: the primary table and room for a subtable per symbol (an
// upper bound; a code has fewer subtables than symbols).
const (
	mainTableSize    = 1<<mainTableBits + maxMainSyms<<(maxCodeLen-mainTableBits)
	lenTableSize     = 1<<lenTableBits + numLenSyms<<(maxCodeLen-lenTableBits)
	preTableSize     = 1<<preTableBits + numPreSyms<<(preMaxCodeLen-preTableBits)
	alignedTableSize = 1 << alignedTableBits // aligned codewords are at most 7 bits

	preMaxCodeLen     = 15
	alignedMaxCodeLen = alignedTableBits
)

// buildTable fills entries for the canonical code with the codeword
// lengths lens (each < 32; above maxLen the code is refused). It fails if the code is oversubscribed;
// an incomplete code is accepted, and the missing codewords decode to an
// error: their entries are set to invalid (0 for all codes but the main
// code: a length of 0 that the decoder checks for). empty reports a code
// with no codewords at all (every entry then reads as invalid).
func buildTable(entries []uint32, tableBits, maxLen uint, lens []uint8, invalid uint32) (empty bool, err error) {
	// Small chunks use few symbols: 8 lengths at a time are skipped
	// while all are zero. Lengths are < 32 (the callers read them from
	// at most 5 bits); above maxLen they are refused below.
	var count [32]int
	i := 0
	for ; i+8 <= len(lens); i += 8 {
		w := (*[8]uint8)(lens[i:])
		if binary.LittleEndian.Uint64(w[:]) == 0 {
			continue
		}
		for _, l := range w {
			count[l&31]++
		}
	}
	for _, l := range lens[i:] {
		count[l&31]++
	}
	for l := maxLen + 1; l < 32; l++ {
		if count[l] != 0 {
			return false, errCorrupt
		}
	}
	count[0] = 0
	left := 1
	used := 0
	for l := uint(1); l <= maxLen; l++ {
		left <<= 1
		left -= count[l]
		used += count[l]
		if left < 0 {
			return false, errCorrupt
		}
	}
	tb := int(tableBits)
	if left != 0 {
		// Incomplete: unfilled entries must read as invalid.
		fillInvalid(entries[:1<<tb], invalid)
	}
	if used == 0 {
		return true, nil
	}
	var offs [32]int
	for l := uint(1); l <= maxLen; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sortedBuf [maxMainSyms]uint16
	sorted := sortedBuf[:used]
	i = 0
	for ; i+8 <= len(lens); i += 8 {
		w := (*[8]uint8)(lens[i:])
		if binary.LittleEndian.Uint64(w[:]) == 0 {
			continue
		}
		for j, l := range w {
			if l != 0 {
				sorted[offs[l&31]] = uint16(i + j)
				offs[l&31]++
			}
		}
	}
	for j, l := range lens[i:] {
		if l != 0 {
			sorted[offs[l&31]] = uint16(i + j)
			offs[l&31]++
		}
	}
	// Codewords of up to tb bits: consecutive codewords of one length
	// cover consecutive runs of 1<<(tb-l) primary entries, so the
	// primary table fills from 0 up, length by length.
	p := 0
	k := 0
	for l := 1; l <= tb && k < used; l++ {
		syms := sorted[k : k+count[l]]
		k += count[l]
		rep := 1 << uint(tb-l)
		switch {
		case rep == 1:
			span := entries[p : p+len(syms)]
			for j, s := range syms {
				span[j] = uint32(s)<<8 | uint32(l)
			}
		case rep == 2:
			span := entries[p : p+2*len(syms)]
			for j, s := range syms {
				e := uint32(s)<<8 | uint32(l)
				pair := (*[2]uint32)(span[2*j:])
				pair[0], pair[1] = e, e
			}
		case rep <= 32:
			span := entries[p : p+len(syms)*rep]
			for _, s := range syms {
				e := uint32(s)<<8 | uint32(l)
				run := span[:rep]
				for j := 0; j+4 <= len(run); j += 4 {
					q := (*[4]uint32)(run[j:])
					q[0], q[1], q[2], q[3] = e, e, e, e
				}
				span = span[rep:]
			}
		default:
			for j, s := range syms {
				fill(entries[p+j*rep:p+(j+1)*rep], uint32(s)<<8|uint32(l))
			}
		}
		p += len(syms) * rep
	}
	if k == used {
		return false, nil
	}
	// Longer codewords: subtables. p is the first primary entry they
	// use, and the tb-bit prefix of the next codeword.
	code := p
	prevLen := tb
	next := 1 << tb
	curPrefix := -1
	subStart := 0
	subBits := maxLen - tableBits
	sub := 1 << subBits
	for _, s := range sorted[k:] {
		l := int(lens[s])
		code <<= uint(l - prevLen)
		prevLen = l
		e := uint32(s)<<8 | uint32(l)
		prefix := code >> uint(l-tb)
		if prefix != curPrefix {
			curPrefix = prefix
			subStart = next
			next += sub
			entries[prefix] = subFlag | uint32(subStart)<<8
			if left != 0 {
				fillInvalid(entries[subStart:subStart+sub], invalid)
			}
		}
		shift := uint(int(maxLen) - l)
		base := subStart + (code&(1<<uint(l-tb)-1))<<shift
		fill(entries[base:base+1<<shift], e)
		code++
	}
	return false, nil
}

// fillInvalid sets every entry of s to invalid.
func fillInvalid(s []uint32, invalid uint32) {
	if invalid == 0 {
		clear(s)
		return
	}
	fill(s, invalid)
}

// fill sets every entry of s (a power of two long) to v: short spans
// directly, longer ones by doubling copies (memmove), which the table
// builds of small chunks spent most of their time in.
func fill(s []uint32, v uint32) {
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
