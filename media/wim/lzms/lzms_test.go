package lzms

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// The slot tables are rebuilt from run lengths; these values are the
// format's (public LZMS descriptions list the full tables).
func TestSlotTables(t *testing.T) {
	for _, c := range []struct {
		slot  int
		base  uint32
		extra uint8
	}{{0, 1, 0}, {7, 8, 0}, {8, 9, 2}, {9, 0xd, 2}, {17, 0x2d, 3}, {64, 0x6a5, 7}, {100, 0x20a5, 8}, {797, 0x064be4a5, 20}, {798, 0x065be4a5, 30}} {
		if offsetBase[c.slot] != c.base {
			t.Errorf("offset slot %d base 0x%x, want 0x%x", c.slot, offsetBase[c.slot], c.base)
		}
		if offsetExtra[c.slot] != c.extra {
			t.Errorf("offset slot %d extra bits %d, want %d", c.slot, offsetExtra[c.slot], c.extra)
		}
	}
	if offsetBase[maxOffsetSyms] != 0x465be4a5 {
		t.Errorf("offset end 0x%x", offsetBase[maxOffsetSyms])
	}
	for _, c := range []struct {
		slot  int
		base  uint32
		extra uint8
	}{{0, 1, 0}, {25, 26, 0}, {26, 27, 1}, {30, 35, 2}, {47, 0xeb, 6}, {51, 0x4ab, 10}, {52, 0x8ab, 16}, {53, 0x108ab, 30}} {
		if lengthBase[c.slot] != c.base || lengthExtra[c.slot] != c.extra {
			t.Errorf("length slot %d: base 0x%x extra %d, want 0x%x %d", c.slot, lengthBase[c.slot], lengthExtra[c.slot], c.base, c.extra)
		}
	}
	for _, c := range []struct{ n, slots int }{{0, 0}, {1, 0}, {2, 1}, {9, 8}, {10, 9}, {32768, 0}, {1 << 30, 0}} {
		got := numOffsetSlots(c.n)
		if c.slots == 0 && c.n >= 2 {
			// Check the definition: the last slot reaches n-1.
			if offsetBase[got-1] > uint32(c.n-1) || offsetBase[got] <= uint32(c.n-1) {
				t.Errorf("numOffsetSlots(%d) = %d", c.n, got)
			}
			continue
		}
		if got != c.slots {
			t.Errorf("numOffsetSlots(%d) = %d, want %d", c.n, got, c.slots)
		}
	}
}

// TestHuffmanTies checks the tie rule on equal frequencies: with 54
// symbols of frequency 1 the lowest-numbered symbols get the longer
// codewords (44 of 6 bits, 10 of 5 bits).
func TestHuffmanTies(t *testing.T) {
	var c adaptiveCode
	c.init(54, 512, maxTableBits)
	for s := 0; s < 54; s++ {
		want := uint8(5)
		if s < 44 {
			want = 6
		}
		if c.lens[s] != want {
			t.Fatalf("symbol %d has length %d, want %d (lens %v)", s, c.lens[s], want, c.lens)
		}
	}
	// Fibonacci frequencies (within the largest count a decoder can
	// reach) make a tree deeper than 15 levels: it is limited to 15 and
	// stays a complete code.
	c.init(40, 512, maxTableBits)
	f, g := uint32(1), uint32(1)
	for s := range c.freqs[:40] {
		c.freqs[s] = min(f, maxFreq)
		f, g = g, f+g
	}
	c.build()
	kraft := 0
	for _, l := range c.lens[:40] {
		if l == 0 || l > maxCodeLen {
			t.Fatalf("length %d", l)
		}
		kraft += 1 << (maxCodeLen - l)
	}
	if kraft != 1<<maxCodeLen {
		t.Fatalf("code is not complete: %d", kraft)
	}
}

func TestX86FilterRoundTrip(t *testing.T) {
	bin := wimtest.GoBinary(2 << 20)
	if bin == nil {
		bin = noise(1 << 20)
		for i := 100; i+5 < len(bin); i += 37 {
			bin[i] = 0xE8
			binary.LittleEndian.PutUint32(bin[i+1:], uint32(5000-i%4096))
		}
	}
	var tab [1 << 16]int32
	for _, n := range []int{0, 1, 17, 18, 100, len(bin)} {
		orig := bytes.Clone(bin[:n])
		data := bytes.Clone(orig)
		x86Filter(data, &tab, false)
		if n == len(bin) && bytes.Equal(data, orig) {
			t.Fatal("the filter translated nothing in an x86 binary")
		}
		x86Filter(data, &tab, true)
		if !bytes.Equal(data, orig) {
			t.Fatalf("size %d: undo(do(x)) != x", n)
		}
	}
}

func TestHostile(t *testing.T) {
	d := NewDecompressor()
	for _, c := range []struct {
		src  []byte
		want error
	}{{nil, errShort}, {[]byte{1, 2, 3}, errShort}, {[]byte{1, 2, 3, 4, 5}, errOdd}} {
		if err := d.Decompress(make([]byte, 10), c.src); !errors.Is(err, c.want) {
			t.Errorf("%x: %v, want %v", c.src, err, c.want)
		}
	}
	// Every truncation and a few bit flips of real chunks: an error or
	// wrong bytes, never a panic or a hang.
	for _, s := range wimlibSeeds(t) {
		for cut := 4; cut < len(s.data); cut += 1 + len(s.data)/50 {
			_ = d.Decompress(make([]byte, s.size), s.data[:cut&^1])
		}
		for i := 0; i < len(s.data); i += 1 + len(s.data)/40 {
			b := bytes.Clone(s.data)
			b[i] ^= 0x5A
			_ = d.Decompress(make([]byte, s.size), b)
		}
	}
	// All zeros and all ones decode to something or fail cleanly.
	for _, fill := range []byte{0, 0xFF} {
		src := bytes.Repeat([]byte{fill}, 64)
		_ = d.Decompress(make([]byte, 100000), src)
	}
}

type seed struct {
	size int
	data []byte
}

// wimlibSeeds reads real wimlib chunks from testdata/wimlib-lzms-seeds.bin:
// records of u32 uncompressed size, u32 length, then the chunk.
func wimlibSeeds(t testing.TB) []seed {
	b, err := os.ReadFile(filepath.Join("testdata", "wimlib-lzms-seeds.bin"))
	if err != nil {
		t.Fatal(err)
	}
	var seeds []seed
	for len(b) >= 8 {
		size := int(binary.LittleEndian.Uint32(b))
		n := int(binary.LittleEndian.Uint32(b[4:]))
		b = b[8:]
		if n > len(b) {
			t.Fatal("truncated seed file")
		}
		seeds = append(seeds, seed{size, b[:n]})
		b = b[n:]
	}
	return seeds
}

// TestWimlibSeeds decodes the stored chunks (with LZMS_WRITE_SEEDS=1 it
// first regenerates them from a wimlib capture). Their SHA-1s are checked
// by TestWimlibLZMS; here the stored expected output is the check.
func TestWimlibSeeds(t *testing.T) {
	if os.Getenv("LZMS_WRITE_SEEDS") != "" {
		writeSeeds(t)
	}
	seeds := wimlibSeeds(t)
	if len(seeds) < 3 {
		t.Fatalf("%d seeds", len(seeds))
	}
	want, err := os.ReadFile(filepath.Join("testdata", "wimlib-lzms-seeds.out"))
	if err != nil {
		t.Fatal(err)
	}
	// Far copies are deferred from 1 MiB back, beyond these chunks: a
	// lower threshold makes them decode that way too.
	for _, far := range []uint32{farOffset, 4096, 16, 1} {
		d := NewDecompressor()
		d.farOff = far
		var got []byte
		for i, s := range seeds {
			out := make([]byte, s.size)
			if err := d.Decompress(out, s.data); err != nil {
				t.Fatalf("seed %d: %v", i, err)
			}
			got = append(got, out...)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("seed chunks decode to different bytes than stored (far copies from %d bytes back)", far)
		}
	}
}

func writeSeeds(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	src := filepath.Join(t.TempDir(), "tree")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"a.txt": wimtest.GoSources(30000),
		"b.bin": wimtest.GoBinary(200000)[150000:180000],
		"c.bin": ramp(30000, 4),
		"d.bin": append(ramp(12000, 2), wimtest.GoSources(9000)...),
	}
	for n, b := range files {
		os.WriteFile(filepath.Join(src, n), b, 0o644)
	}
	wim := filepath.Join(t.TempDir(), "s.wim")
	if out, err := exec.Command(tool, "capture", src, wim, "--compress=LZMS", "--chunk-size=32768").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var rec, outs []byte
	_, err := wimtest.CheckWIM(wim, func(dst, src []byte, _ int) error {
		err := Decompress(dst, src)
		rec = binary.LittleEndian.AppendUint32(rec, uint32(len(dst)))
		rec = binary.LittleEndian.AppendUint32(rec, uint32(len(src)))
		rec = append(rec, src...)
		outs = append(outs, dst...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll("testdata", 0o755)
	os.WriteFile(filepath.Join("testdata", "wimlib-lzms-seeds.bin"), rec, 0o644)
	os.WriteFile(filepath.Join("testdata", "wimlib-lzms-seeds.out"), outs, 0o644)
}

// TestCandidateMaskNeverSkipsACandidate: x86Filter skips the bytes below
// the lowest flag of candidateMask, so that flag must never lie past the
// first byte x86Candidate marks (every byte value at every position, and
// random words).
func TestCandidateMaskNeverSkipsACandidate(t *testing.T) {
	first := func(x uint64) int {
		for k := 0; k < 8; k++ {
			if x86Candidate[byte(x>>(8*k))] {
				return k
			}
		}
		return 8
	}
	check := func(x uint64) {
		m := candidateMask(x)
		got := 8
		if m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got > first(x) {
			t.Fatalf("candidateMask(%#016x): first flag at byte %d, first candidate at byte %d", x, got, first(x))
		}
	}
	for b := 0; b < 256; b++ {
		for k := 0; k < 8; k++ {
			for _, fill := range []uint64{0, 0x4141414141414141, 0xE7E7E7E7E7E7E7E7, 0x4D4D4D4D4D4D4D4D} {
				x := fill&^(0xFF<<(8*k)) | uint64(b)<<(8*k)
				check(x)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1 << 20 {
		check(rng.Uint64())
	}
}

// TestSkipPlainMatchesMask: skipPlain (16 bytes at a time, then 8) stops
// where a word-by-word walk with candidateMask stops.
func TestSkipPlainMatchesMask(t *testing.T) {
	ref := func(data []byte, i int) int {
		for i+8 <= len(data) {
			if m := candidateMask(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				return i + bits.TrailingZeros64(m)>>3
			}
			i += 8
		}
		return i
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		data := make([]byte, rng.IntN(100))
		for k := range data {
			data[k] = byte(rng.IntN(0x40)) // no candidate
			if rng.IntN(40) == 0 {
				data[k] = []byte{0x48, 0x4C, 0xE8, 0xE9, 0xF0, 0xFF, 0xE0, 0x49}[rng.IntN(8)]
			}
		}
		i := 0
		if len(data) > 0 {
			i = rng.IntN(len(data) + 1)
		}
		if got, want := skipPlain(data, i), ref(data, i); got != want {
			t.Fatalf("skipPlain(% x, %d) = %d, want %d", data, i, got, want)
		}
	}
}
