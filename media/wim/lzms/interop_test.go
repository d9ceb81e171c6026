package lzms

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// testTree writes data that exercises every LZMS item: source text
// (literals, LZ matches, repeats), a Go binary (x86 translation), 16- and
// 32-bit ramps (delta matches), and incompressible bytes.
func testTree(t testing.TB, dir string) {
	t.Helper()
	files := map[string][]byte{
		"text/sources.txt": wimtest.GoSources(3 << 20),
		"bin/go":           wimtest.GoBinary(4 << 20),
		"ramp/u16.bin":     ramp(300000, 2),
		"ramp/u32.bin":     ramp(400000, 4),
		"ramp/rgb.bin":     ramp(200000, 3),
		"noise/random.bin": noise(200000),
		"small/a.txt":      []byte("hello hello hello hello hello hello\n"),
		"small/zeros":      make([]byte, 70000),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func ramp(n, width int) []byte {
	b := make([]byte, n)
	v := uint32(12345)
	for i := 0; i+width <= n; i += width {
		v += 7 + uint32(i/width%3)
		for k := 0; k < width; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	return b
}

func noise(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x >> 7)
	}
	return b
}

// TestWimlibLZMS decodes every chunk of non-solid LZMS WIMs written by
// wimlib at several chunk sizes and checks every blob's SHA-1.
func TestWimlibLZMS(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	src := filepath.Join(t.TempDir(), "tree")
	testTree(t, src)
	d := NewDecompressor()
	for _, cs := range []string{"32768", "131072", "1048576", "1048576/far"} {
		// The last pass defers far copies from 64 bytes back (from
		// 1 MiB back otherwise, beyond these chunks).
		cs, far := strings.CutSuffix(cs, "/far")
		d.farOff = farOffset
		if far {
			d.farOff = 64
		}
		wim := filepath.Join(t.TempDir(), "lzms.wim")
		if out, err := exec.Command(tool, "capture", src, wim, "--compress=LZMS", "--chunk-size="+cs).CombinedOutput(); err != nil {
			t.Fatalf("wimlib capture: %v\n%s", err, out)
		}
		st, err := wimtest.CheckWIM(wim, func(dst, src []byte, _ int) error { return d.Decompress(dst, src) })
		if err != nil {
			t.Fatalf("chunk size %s: %v", cs, err)
		}
		if st.Chunks < 10 {
			t.Fatalf("chunk size %s: only %d compressed chunks decoded", cs, st.Chunks)
		}
		for i, what := range []string{"literals", "LZ matches", "repeated LZ matches", "delta matches", "repeated delta matches"} {
			if d.stats[i] == 0 {
				t.Errorf("chunk size %s: no %s decoded; the test data should exercise them", cs, what)
			}
		}
		t.Logf("chunk size %s: items %v", cs, d.stats)
		d.stats = [5]int{}
		t.Logf("chunk size %s: %d blobs, %d chunks (%d raw), %d -> %d bytes", cs, st.Blobs, st.Chunks, st.RawChunks, st.OrigBytes, st.StoredBytes)
	}
}
