package xpress

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// testFiles returns named contents covering the interesting cases for a
// codec: text, binary, zeros, random, runs and sizes around chunk
// boundaries.
func testFiles() map[string][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	files := map[string][]byte{
		"text/go-sources.txt": wimtest.GoSources(3 << 20),
		"bin/go-binary":       wimtest.GoBinary(2 << 20),
		"zeros/zeros-1M":      make([]byte, 1<<20),
		"zeros/zeros-100":     make([]byte, 100),
		"random/random-200K":  random(200 << 10),
		"random/r-32769":      random(32769),
		"small/ini.txt":       []byte("[section]\nkey=value\nkey2=value2\n"),
		"small/abc":           []byte("abcabcabcabcabcabcabcabcabcabcabcabcabc\n"),
	}
	// Long runs of one byte with lengths near the XPRESS length-encoding
	// boundaries, separated by random bytes.
	var runs []byte
	for _, n := range []int{3, 17, 18, 19, 269, 270, 271, 272, 273, 65538, 40000, 300, 1000} {
		runs = append(runs, random(7)...)
		runs = append(runs, bytes.Repeat([]byte{byte(n)}, n)...)
	}
	files["runs/runs.bin"] = runs
	// Low-entropy data: words drawn from a small alphabet.
	words := strings.Fields("the quick brown fox jumps over a lazy dog while windows images are captured")
	var sb strings.Builder
	for sb.Len() < 700<<10 {
		sb.WriteString(words[r.IntN(len(words))])
		sb.WriteByte(" \n"[r.IntN(2)])
	}
	files["text/words.txt"] = []byte(sb.String())
	for _, n := range []int{32767, 32768, 65535, 65536, 65537} {
		b := append([]byte(nil), files["text/go-sources.txt"][:min(n, len(files["text/go-sources.txt"]))]...)
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

func wimlibCapture(t *testing.T, tool, src, out string, args ...string) {
	t.Helper()
	cmd := exec.Command(tool, append([]string{"capture", src, out, "--threads=1"}, args...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, b)
	}
}

// TestDecompressWimlibXPRESS decodes every chunk of WIMs that wimlib-imagex
// captured with XPRESS (several levels and chunk sizes) and checks every
// blob's SHA-1.
func TestDecompressWimlibXPRESS(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	src := filepath.Join(t.TempDir(), "tree")
	writeTree(t, src)
	for _, args := range [][]string{
		{"--compress=XPRESS"},
		{"--compress=XPRESS:100"},
		{"--compress=XPRESS:10"},
		{"--compress=XPRESS", "--chunk-size=65536"},
		{"--compress=XPRESS", "--chunk-size=4096"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.wim")
			wimlibCapture(t, tool, src, out, args...)
			st, err := wimtest.CheckWIM(out, chunkDecompress)
			if err != nil {
				t.Fatal(err)
			}
			if st.Flags&(wimtest.HdrFlagCompression|wimtest.HdrFlagXPRESS) != wimtest.HdrFlagCompression|wimtest.HdrFlagXPRESS {
				t.Fatalf("header flags %#x: not XPRESS", st.Flags)
			}
			if st.Chunks < 50 {
				t.Fatalf("only %d compressed chunks decoded", st.Chunks)
			}
			t.Logf("%d blobs (%d compressed), %d chunks decoded, %d raw", st.Blobs, st.Compressed, st.Chunks, st.RawChunks)
		})
	}
}

// chunkDecompress is Decompress for wimtest.CheckWIM (XPRESS chunks need
// no window size).
func chunkDecompress(dst, src []byte, _ int) error { return Decompress(dst, src) }
