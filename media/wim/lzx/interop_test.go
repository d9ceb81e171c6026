package lzx

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// testFiles covers text, an executable, many E8 bytes, zeros, random data,
// runs and sizes around chunk boundaries.
func testFiles() map[string][]byte {
	r := rand.New(rand.NewPCG(11, 12))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	text := wimtest.GoSources(1 << 20)
	files := map[string][]byte{
		"text/go-sources.txt": text,
		"bin/go-binary":       wimtest.GoBinary(1 << 20),
		"zeros/zeros-3M":      make([]byte, 3<<20),
		"random/random-100K":  random(100 << 10),
		"small/ini.txt":       []byte("[section]\nkey=value\n"),
	}
	// Fake x86 code: E8 call instructions with targets near and far,
	// positive and negative, among repeated instruction-like bytes.
	var x86 []byte
	for len(x86) < 300<<10 {
		switch r.IntN(4) {
		case 0:
			x86 = append(x86, 0xE8)
			x86 = binary.LittleEndian.AppendUint32(x86, uint32(int32(r.IntN(1<<21)-1<<20)))
		case 1:
			x86 = append(x86, 0xE8, 0xE8, 0xE8)
		default:
			x86 = append(x86, 0x48, 0x89, 0xC7, 0x48, 0x8B, 0x45, byte(r.IntN(8)))
		}
	}
	files["x86/calls.bin"] = x86
	// Mixed: half compressible text, half random, so that some blocks and
	// chunks are stored raw.
	mixed := append(append([]byte(nil), text[:200<<10]...), random(200<<10)...)
	files["mixed/mixed.bin"] = append(mixed, text[:200<<10]...)
	for _, n := range []int{32767, 32768, 32769, 65535, 65536, 65537, 2097153} {
		b := make([]byte, n)
		copy(b, text)
		for i := len(text); i < n; i++ {
			b[i] = byte(i % 251)
		}
		files["edge/size-"+itoa(n)] = b
	}
	return files
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}

func writeTree(t testing.TB, dir string) {
	t.Helper()
	for name, data := range testFiles() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDecompressWimlibLZX decodes every chunk of WIMs that wimlib-imagex
// captured with LZX at several levels and chunk sizes (so windows from 32
// KiB to 2 MiB), and checks every blob's SHA-1.
func TestDecompressWimlibLZX(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	src := filepath.Join(t.TempDir(), "tree")
	writeTree(t, src)
	var total blockCounts
	defer func() {
		if !t.Failed() && !t.Skipped() && (total[1] == 0 || total[2] == 0 || total[0] == 0) {
			// wimlib does not write uncompressed blocks; the hand-made
			// streams in stream_test.go cover them.
			t.Errorf("verbatim, aligned and explicitly sized blocks were not all seen: %v", total)
		}
	}()
	for _, args := range [][]string{
		{"--compress=LZX"},
		{"--compress=LZX:20"},
		{"--compress=LZX:100"},
		{"--compress=LZX", "--chunk-size=32768"},
		{"--compress=LZX", "--chunk-size=65536"},
		{"--compress=LZX", "--chunk-size=131072"},
		{"--compress=LZX", "--chunk-size=1048576"},
		{"--compress=LZX", "--chunk-size=2097152"},
		{"--compress=LZX:100", "--chunk-size=2097152"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if testing.Short() && strings.Contains(strings.Join(args, " "), ":100") {
				t.Skip("slow wimlib level in -short mode")
			}
			out := filepath.Join(t.TempDir(), "out.wim")
			cmd := exec.Command(tool, append([]string{"capture", src, out, "--threads=2"}, args...)...)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, b)
			}
			st, err := wimtest.CheckWIM(out, func(dst, src []byte, _ int) error { return Decompress(dst, src, 0) })
			if err == nil {
				t.Fatal("checkWIM with window 0 should fail")
			}
			var stats [4]int
			blockStats = &stats
			st, err = wimtest.CheckWIM(out, Decompress)
			blockStats = nil
			if err != nil {
				t.Fatal(err)
			}
			if st.Flags&(wimtest.HdrFlagCompression|wimtest.HdrFlagLZX) != wimtest.HdrFlagCompression|wimtest.HdrFlagLZX {
				t.Fatalf("header flags %#x: not LZX", st.Flags)
			}
			if st.Chunks < 10 {
				t.Fatalf("only %d compressed chunks decoded", st.Chunks)
			}
			t.Logf("chunk size %d: %d blobs (%d compressed), %d chunks decoded, %d raw; blocks: %d verbatim, %d aligned, %d uncompressed, %d with explicit size",
				st.ChunkSize, st.Blobs, st.Compressed, st.Chunks, st.RawChunks, stats[1], stats[2], stats[3], stats[0])
			total.add(stats)
		})
	}
}

type blockCounts [4]int

func (b *blockCounts) add(s [4]int) {
	for i := range s {
		b[i] += s[i]
	}
}

func runTool(tool string, args ...string) ([]byte, error) {
	return exec.Command(tool, args...).CombinedOutput()
}
