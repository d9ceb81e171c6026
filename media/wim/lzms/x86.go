package lzms

import (
	"encoding/binary"
	"math/bits"
)

const (
	x86MaxTrans = 1023  // how near earlier code an operand is translated
	x86Window   = 65535 // how far back a target counts as referenced
)

// x86Filter converts the 32-bit operands of likely x86 instructions
// between relative (the original data) and absolute (what the compressor
// sees) form; undo selects absolute to relative.
//
// Candidates are CALL rel32 (E8), CALL [rip+disp32] (FF 15), LOCK ADD
// [rip+disp32] (F0 83 05), and the 64-bit LEA and MOV with a RIP-relative
// ModR/M (48/4C 8D, 48 8B). An operand is translated only near
// (within 1023 bytes, 511 for E8) the end of an earlier candidate that
// looked like real code: one whose target's low 16 bits had been
// referenced by another candidate ending at most 65535 bytes before. The
// first byte and the last 16 bytes of the chunk are never candidates, and
// a JMP rel32 (E9) skips its operand untranslated. Chunks of 17 bytes or
// fewer are left alone.
func x86Filter(data []byte, lastTarget *[1 << 16]int32, undo bool) {
	size := len(data)
	if size <= 17 {
		return
	}
	for i := range lastTarget {
		lastTarget[i] = -x86Window - 1
	}
	lastCode := int32(-x86MaxTrans - 1)
	end := size - 16
	for i := 1; i < end; {
		if !x86Candidate[data[i]] {
			i = skipPlain(data[:end], i)
			if i >= end || !x86Candidate[data[i]] {
				i++
				continue
			}
		}
		opLen := 0
		limit := int32(x86MaxTrans)
		switch data[i] {
		case 0xE8:
			opLen, limit = 1, x86MaxTrans/2
		case 0xE9:
			i += 5
			continue
		case 0xFF:
			if data[i+1] == 0x15 {
				opLen = 2
			}
		case 0xF0:
			if data[i+1] == 0x83 && data[i+2] == 0x05 {
				opLen = 3
			}
		case 0x48, 0x4C:
			if data[i+2]&7 == 5 && (data[i+1] == 0x8D || (data[i+1] == 0x8B && data[i]&4 == 0 && data[i+2]&0xF0 == 0)) {
				opLen = 3
			}
		}
		if opLen == 0 {
			i++
			continue
		}
		pos := int32(i)
		operand := data[i+opLen : i+opLen+4]
		v := binary.LittleEndian.Uint32(operand)
		near := pos-lastCode <= limit
		var rel uint32
		if undo {
			if near {
				v -= uint32(pos)
				binary.LittleEndian.PutUint32(operand, v)
			}
			rel = v
		} else {
			rel = v
			if near {
				binary.LittleEndian.PutUint32(operand, v+uint32(pos))
			}
		}
		target := uint16(uint32(pos) + rel)
		last := pos + int32(opLen) + 3
		if last-lastTarget[target] <= x86Window {
			lastCode = last
		}
		lastTarget[target] = last
		i += opLen + 4
	}
}

// skipPlain returns the first position from i on whose byte may start a
// candidate (the lowest flagged byte of candidateMask), or one of the
// last 7 positions of data. Most bytes of any data cannot start one: it
// looks at 16 bytes at a time, as two words.
func skipPlain(data []byte, i int) int {
	return skipWords(data, i, ones, 0xFB*ones, 0x48*ones, 0x80*ones)
}

const ones = 0x0101010101010101

// skipWords is skipPlain's loop. Its masks are arguments, not constants:
// Go materializes a 64-bit constant at each use, and this loop would
// spend a third of its instructions on them (the function is not
// inlined, so they stay variables in registers).
//
//go:noinline
func skipWords(data []byte, i int, one, fb, h, hi uint64) int {
	for n := len(data) - 16; i <= n; i += 16 {
		w := (*[16]byte)(data[i:])
		x0 := binary.LittleEndian.Uint64(w[:8])
		x1 := binary.LittleEndian.Uint64(w[8:])
		v0 := x0&fb ^ h
		v1 := x1&fb ^ h
		m0 := ((v0-one)&^v0 | x0&(x0<<1)&(x0<<2)) & hi
		m1 := ((v1-one)&^v1 | x1&(x1<<1)&(x1<<2)) & hi
		if m0|m1 != 0 {
			if m0 != 0 {
				return i + bits.TrailingZeros64(m0)>>3
			}
			return i + 8 + bits.TrailingZeros64(m1)>>3
		}
	}
	for ; i+8 <= len(data); i += 8 {
		if m := candidateMask(binary.LittleEndian.Uint64(data[i : i+8 : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}

// x86Candidate marks the first bytes of the instructions x86Filter looks at.
var x86Candidate = [256]bool{0x48: true, 0x4C: true, 0xE8: true, 0xE9: true, 0xF0: true, 0xFF: true}

// candidateMask flags (bit 7 of the byte) the bytes of x, a little-endian
// word, that may start a candidate: 0x48 and 0x4C (0x48 under mask 0xFB;
// the zero-byte test has no false negatives) and every byte of 0xE0 or
// more (the three top bits set: E8, E9, F0 and FF among them). Bytes
// flagged in excess are checked against x86Candidate by the caller.
func candidateMask(x uint64) uint64 {
	v := x&(0xFB*ones) ^ 0x48*ones
	return ((v-ones)&^v | x&(x<<1)&(x<<2)) & (0x80 * ones)
}
