package lzx

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
// lengths lens (each ≤ maxLen). It fails if the code is oversubscribed;
// an incomplete code is accepted, and the missing codewords decode to an
// error. empty reports a code with no codewords at all (every entry then
// reads as invalid).
func buildTable(entries []uint32, tableBits, maxLen uint, lens []uint8) (empty bool, err error) {
	var count [maxCodeLen + 1]int
	for _, l := range lens {
		if uint(l) > maxLen {
			return false, errCorrupt
		}
		count[l]++
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
		clear(entries[:1<<tb])
	}
	if used == 0 {
		return true, nil
	}
	var offs [maxCodeLen + 2]int
	for l := uint(1); l <= maxLen; l++ {
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
	subBits := maxLen - tableBits
	sub := 1 << subBits
	for _, s := range sorted {
		l := int(lens[s])
		code <<= uint(l - prevLen)
		prevLen = l
		e := uint32(s)<<8 | uint32(l)
		if l <= tb {
			shift := uint(tb - l)
			base := code << shift
			fill(entries[base:base+1<<shift], e)
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
			shift := uint(int(maxLen) - l)
			base := subStart + (code&(1<<uint(l-tb)-1))<<shift
			fill(entries[base:base+1<<shift], e)
		}
		code++
	}
	return false, nil
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
