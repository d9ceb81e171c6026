package lzx

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// seedStreams returns hand-made streams (see stream_test.go) as
// (window, uncompressed size, stream).
func seedStreams() []fuzzSeed {
	var seeds []fuzzSeed
	add := func(e *testEncoder) {
		e.w.flush()
		seeds = append(seeds, fuzzSeed{e.window, len(e.want), e.w.out})
	}
	e := newTestEncoder(32768)
	e.compressed(append(lits("abcdefgh"), item{length: 20, offset: 8}, item{length: 3, offset: 3}), false)
	add(e)
	e = newTestEncoder(32768)
	e.compressed(append(lits("xyz"), item{length: 50, offset: 3}, item{length: 12, offset: 2}), true)
	add(e)
	e = newTestEncoder(65536)
	e.uncompressed([]byte("hello"), [3]uint32{1, 2, 3})
	e.compressed([]item{{length: 4, offset: 2}, {lit: 1}}, false)
	add(e)
	return seeds
}

type fuzzSeed struct {
	window int
	size   int
	data   []byte
}

// wimlibSeeds reads real wimlib chunks from testdata/wimlib-lzx-seeds.bin:
// records of u32 window, u32 size, u32 length, then the chunk.
func wimlibSeeds() []fuzzSeed {
	b, err := os.ReadFile(filepath.Join("testdata", "wimlib-lzx-seeds.bin"))
	if err != nil {
		return nil
	}
	var seeds []fuzzSeed
	for len(b) >= 12 {
		w := int(binary.LittleEndian.Uint32(b))
		size := int(binary.LittleEndian.Uint32(b[4:]))
		n := int(binary.LittleEndian.Uint32(b[8:]))
		b = b[12:]
		if n > len(b) {
			break
		}
		seeds = append(seeds, fuzzSeed{w, size, b[:n]})
		b = b[n:]
	}
	return seeds
}

// TestWimlibSeeds decodes the stored wimlib chunks (so the seed file stays
// valid), and with LZX_WRITE_SEEDS=1 regenerates it from a fresh wimlib
// capture.
func TestWimlibSeeds(t *testing.T) {
	if os.Getenv("LZX_WRITE_SEEDS") != "" {
		writeWimlibSeeds(t)
	}
	seeds := wimlibSeeds()
	if len(seeds) == 0 {
		t.Fatal("no seeds in testdata/wimlib-lzx-seeds.bin")
	}
	for i, s := range seeds {
		if err := Decompress(make([]byte, s.size), s.data, s.window); err != nil {
			t.Errorf("seed %d (window %d): %v", i, s.window, err)
		}
	}
}

func writeWimlibSeeds(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	src := filepath.Join(t.TempDir(), "tree")
	files := testFiles()
	for _, name := range []string{"text/go-sources.txt", "x86/calls.bin", "bin/go-binary"} {
		p := filepath.Join(src, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		data := files[name]
		if len(data) > 40000 {
			data = data[100000:140000]
		}
		os.WriteFile(p, data, 0o644)
	}
	var out []byte
	for _, cs := range []string{"32768", "65536"} {
		wim := filepath.Join(t.TempDir(), "s.wim")
		if b, err := runTool(tool, "capture", src, wim, "--compress=LZX", "--chunk-size="+cs); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		w := 32768
		if cs == "65536" {
			w = 65536
		}
		_, err := wimtest.CheckWIM(wim, func(dst, src []byte, _ int) error {
			if len(src) < 14000 && len(out) < 60000 {
				out = binary.LittleEndian.AppendUint32(out, uint32(w))
				out = binary.LittleEndian.AppendUint32(out, uint32(len(dst)))
				out = binary.LittleEndian.AppendUint32(out, uint32(len(src)))
				out = append(out, src...)
			}
			return Decompress(dst, src, w)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll("testdata", 0o755)
	if err := os.WriteFile(filepath.Join("testdata", "wimlib-lzx-seeds.bin"), out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func FuzzLZXDecompress(f *testing.F) {
	for _, s := range append(seedStreams(), wimlibSeeds()...) {
		f.Add(uint8(s.window>>16), uint32(s.size), s.data)
	}
	f.Fuzz(func(t *testing.T, w uint8, size uint32, data []byte) {
		window := 32768 << (w % 7)
		size %= uint32(min(window, 1<<17)) + 1
		dst := make([]byte, size)
		_ = Decompress(dst, data, window)
	})
}
