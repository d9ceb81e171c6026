package lzms

import (
	"encoding/binary"
	"math/bits"
	"sync/atomic"
)

// streamStep is about how many bytes Stream decodes between two calls of
// its ready function (tests make it small).
var streamStep = 1 << 20

// Stream decodes one chunk from src into dst like Decompress, so that
// readers can use the start of the chunk while the rest is decoded. It
// calls ready(n), with n growing, whenever dst[:n] is final except for the
// chunk's x86 translations, which it does not write into dst (the rest of
// the chunk is still decoded from the untranslated bytes): CopyOut and
// Translated apply them. The last call is ready(len(dst)), unless an error
// ends decoding first.
//
// While Stream runs, other goroutines may call CopyOut and Translated for
// bytes below the last n passed to ready (ready's caller must make that
// n visible to them, as a mutex does), and afterwards until the next
// Stream or Decompress.
func (d *Decompressor) Stream(dst, src []byte, ready func(n int)) error {
	if err := d.start(dst, src); err != nil {
		return err
	}
	d.resetScan(len(dst))
	defer func() { d.in = nil }()
	done := 0
	for pos := 0; pos < len(dst); {
		var err error
		if pos, err = d.decodeItems(dst, pos, min(len(dst), pos+streamStep)); err != nil {
			return err
		}
		if n := d.scan(dst, pos); n > done || n == len(dst) {
			done = n
			ready(n)
		}
	}
	return nil
}

func (d *Decompressor) resetScan(size int) {
	words := (size + 63) / 64
	if cap(d.marks) < words {
		d.marks = make([]uint64, words)
	}
	// No reader uses the marks of the last chunk any more: plain stores
	// (an atomic store per word cost more than the scan).
	d.marks = d.marks[:words]
	clear(d.marks)
	for i := range d.lastTarget {
		d.lastTarget[i] = -x86Window - 1
	}
	d.scanAt, d.scanLastCode = 1, -x86MaxTrans-1
}

// scan runs the x86 filter (undoing) over data[:n], the decoded part of
// the chunk data, from where it stopped last time, without changing data:
// it marks the instructions whose operand it would translate. It returns
// how far the marks are final: every instruction starting below it has
// been decided, and their operands end below it.
func (d *Decompressor) scan(data []byte, n int) int {
	size := len(data)
	end := size - 16
	if size <= 17 || d.scanAt >= end {
		return n
	}
	// An instruction and its operand take at most 7 bytes.
	lim := min(end, n-7)
	i, lastCode := d.scanAt, d.scanLastCode
	for i < lim {
		if !x86Candidate[data[i]] {
			i = skipPlain(data[:lim], i)
			if i >= lim || !x86Candidate[data[i]] {
				i++
				continue
			}
		}
		// x86Filter's decisions, inline (a call here would make the
		// loop spill its state).
		b := data[i : i+7 : i+7]
		opLen, limit := 0, int32(x86MaxTrans)
		switch b[0] {
		case 0xE8:
			opLen, limit = 1, x86MaxTrans/2
		case 0xE9:
			i += 5
			continue
		case 0xFF:
			if b[1] == 0x15 {
				opLen = 2
			}
		case 0xF0:
			if b[1] == 0x83 && b[2] == 0x05 {
				opLen = 3
			}
		case 0x48, 0x4C:
			if b[2]&7 == 5 && (b[1] == 0x8D || (b[1] == 0x8B && b[0]&4 == 0 && b[2]&0xF0 == 0)) {
				opLen = 3
			}
		}
		if opLen == 0 {
			i++
			continue
		}
		pos := int32(i)
		rel := binary.LittleEndian.Uint32(b[opLen:])
		if pos-lastCode <= limit {
			rel -= uint32(pos)
			atomic.OrUint64(&d.marks[i>>6], 1<<(i&63))
		}
		target := uint16(uint32(pos) + rel)
		last := pos + int32(opLen) + 3
		if last-d.lastTarget[target] <= x86Window {
			lastCode = last
		}
		d.lastTarget[target] = last
		i += opLen + 4
	}
	d.scanAt, d.scanLastCode = i, lastCode
	if i >= end {
		return n
	}
	return min(i, n)
}

// opcodeLen is the opcode length of a marked instruction.
func opcodeLen(op byte) int {
	switch op {
	case 0xE8:
		return 1
	case 0xFF:
		return 2
	}
	return 3
}

// Translated reports whether any x86 translation of the chunk Stream
// decoded touches dst[lo:hi] (it may say so when one is only near).
func (d *Decompressor) Translated(lo, hi int) bool {
	found := false
	d.eachMark(lo, hi, func(int) bool { found = true; return false })
	return found
}

// CopyOut copies the bytes of the chunk Stream decoded into data from
// offset off on into p, with its x86 translations applied.
func (d *Decompressor) CopyOut(p, data []byte, off int) {
	copy(p, data[off:off+len(p)])
	end := off + len(p)
	d.eachMark(off, end, func(q int) bool {
		o := q + opcodeLen(data[q])
		var v [4]byte
		binary.LittleEndian.PutUint32(v[:], binary.LittleEndian.Uint32(data[o:])-uint32(q))
		for k := range 4 {
			if x := o + k; x >= off && x < end {
				p[x-off] = v[k]
			}
		}
		return true
	})
}

// eachMark calls fn with the position of each marked instruction whose
// operand may overlap [lo, hi), in order, while fn returns true.
func (d *Decompressor) eachMark(lo, hi int, fn func(q int) bool) {
	lo = max(0, lo-6) // an operand ends at most 7 bytes after its opcode
	if lo >= hi {
		return
	}
	for w := lo >> 6; w <= (hi-1)>>6 && w < len(d.marks); w++ {
		m := atomic.LoadUint64(&d.marks[w])
		if w == lo>>6 {
			m &^= 1<<(lo&63) - 1
		}
		if w == (hi-1)>>6 && (hi&63) != 0 {
			m &= 1<<(hi&63) - 1
		}
		for m != 0 {
			b := m & -m
			m ^= b
			if !fn(w<<6 + bits.TrailingZeros64(b)) {
				return
			}
		}
	}
}
