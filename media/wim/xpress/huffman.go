package xpress

import "errors"

// Decode tables are two-level: a primary table indexed by the next
// tableBits bits of the input, and for codewords longer than tableBits a
// subtable of 1<<(maxCodeLen-tableBits) entries indexed by the following
// bits.
//
// An entry holds the codeword length in its low 8 bits and the symbol in the
// bits above. A primary entry with subFlag set instead points to a subtable:
// its bits 8..30 hold the subtable's start index.
const (
	tableBits = 10
	subBits   = maxCodeLen - tableBits
	subFlag   = 1 << 31
	// Longest possible table: the primary table plus one subtable per
	// symbol whose codeword is longer than tableBits.
	maxTableLen = 1<<tableBits + numSymbols<<subBits
)

var (
	errIncompleteCode = errors.New("xpress: invalid Huffman code (incomplete)")
	errOverfullCode   = errors.New("xpress: invalid Huffman code (oversubscribed)")
)

// buildDecodeTable fills table (len ≥ maxTableLen) for the canonical
// Huffman code whose codeword lengths are lens. It reports whether the code
// is empty (all lengths zero), and fails unless the code is complete or empty.
func buildDecodeTable(table []uint32, lens *[numSymbols]uint8) (empty bool, err error) {
	var count [maxCodeLen + 1]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	left := 1
	for l := 1; l <= maxCodeLen; l++ {
		left <<= 1
		left -= count[l]
		if left < 0 {
			return false, errOverfullCode
		}
	}
	if left == 1<<maxCodeLen {
		return true, nil
	}
	if left != 0 {
		return false, errIncompleteCode
	}
	// Sort the symbols by (length, symbol).
	var offs [maxCodeLen + 2]int
	for l := 1; l <= maxCodeLen; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sorted [numSymbols]uint16
	for s, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	n := offs[maxCodeLen+1] - 0
	code := 0
	prevLen := 0
	next := 1 << tableBits // next free subtable index
	curPrefix := -1
	subStart := 0
	for i := 0; i < n; i++ {
		s := sorted[i]
		l := int(lens[s])
		code <<= uint(l - prevLen)
		prevLen = l
		e := uint32(s)<<8 | uint32(l)
		if l <= tableBits {
			shift := uint(tableBits - l)
			base := code << shift
			fill(table[base:base+1<<shift], e)
		} else {
			prefix := code >> uint(l-tableBits)
			if prefix != curPrefix {
				curPrefix = prefix
				subStart = next
				next += 1 << subBits
				table[prefix] = subFlag | uint32(subStart)<<8
			}
			shift := uint(maxCodeLen - l)
			base := subStart + (code&(1<<uint(l-tableBits)-1))<<shift
			fill(table[base:base+1<<shift], e)
		}
		code++
	}
	return false, nil
}

// fill sets every entry of t to e (one bounds check for the slice, not
// one per entry; four entries per step).
func fill(t []uint32, e uint32) {
	for len(t) >= 4 {
		t[0], t[1], t[2], t[3] = e, e, e, e
		t = t[4:]
	}
	for i := range t {
		t[i] = e
	}
}
