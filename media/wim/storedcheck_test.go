package wim

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"testing"
)

// checkStored (the check before a byte-for-byte copy) agrees with the
// reader's own chunk-table checks on random tables: the same resources
// are refused, so export cannot pass on what apply refuses.
func TestCheckStoredAgreesWithReader(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const cs = 4096
	refused := 0
	file := make([]byte, 8+300*4+300*cs+8) // one buffer: a resource lies inside its file
	for i := 0; i < 3000; i++ {
		clear(file[:8+300*4])
		n := 1 + rng.Intn(300) // chunks
		orig := uint64(n-1)*cs + 1 + uint64(rng.Intn(cs))
		if rng.Intn(10) == 0 {
			orig = uint64(rng.Int63n(1 << 50))
		}
		off := uint64(8)
		pos := uint32(0)
		for k := 1; k < n; k++ {
			pos += uint32(1 + rng.Intn(cs))
			if rng.Intn(200) == 0 {
				pos = uint32(rng.Intn(int(pos) + 1)) // backwards or repeated
			}
			binary.LittleEndian.PutUint32(file[off+uint64(k-1)*4:], pos)
		}
		size := uint64((n-1)*4) + uint64(pos) + uint64(1+rng.Intn(cs))
		if rng.Intn(20) == 0 {
			size = uint64(rng.Intn(int(size) + 1))
		}
		res := ResHdr{Size: size, Flags: ResFlagCompressed, Offset: off, OrigSize: orig}
		ra := bytes.NewReader(file)
		_, rerr := newResReader(ra, res, CompressXPRESS, cs)
		serr := checkStored(ra, res, cs)
		if (rerr == nil) != (serr == nil) {
			t.Fatalf("n=%d orig=%d size=%d: reader %v, checkStored %v", n, orig, size, rerr, serr)
		}
		if serr != nil {
			refused++
			if rerr.Error() != serr.Error() {
				t.Fatalf("different messages:\n%v\n%v", rerr, serr)
			}
		}
	}
	if refused < 150 || refused > 2850 {
		t.Fatalf("%d of 3000 refused: the cases do not test both ways", refused)
	}
	// Uncompressed: the two sizes must agree.
	if err := checkStored(bytes.NewReader(make([]byte, 100)), ResHdr{Size: 10, OrigSize: 1 << 50}, cs); err == nil {
		t.Fatal("a petabyte claimed for 10 stored bytes was accepted")
	}
}
