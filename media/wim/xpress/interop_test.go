package xpress

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

// goSources returns up to limit bytes of concatenated Go source files from
// GOROOT (deterministic order), or nil if GOROOT has none.
func goSources(limit int) []byte {
	root := filepath.Join(goroot(), "src")
	var buf bytes.Buffer
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || buf.Len() >= limit {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil {
			buf.Write(b)
		}
		return nil
	})
	// Without GOROOT sources (a trimmed installation), pad with
	// generated text so that callers always get limit bytes.
	words := strings.Fields("func return if else for range var const type struct interface package import err nil := } { ( ) // the a of to")
	for i := uint32(1); buf.Len() < limit; i++ {
		i ^= i << 13
		i ^= i >> 17
		i ^= i << 5
		buf.WriteString(words[i%uint32(len(words))])
		buf.WriteByte(" \n\t"[i%3])
	}
	return buf.Bytes()[:limit]
}

// goroot returns the Go installation's root directory.
func goroot() string {
	if r := runtime.GOROOT(); r != "" {
		return r
	}
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return ""
}

// goBinary returns up to limit bytes of a binary from GOROOT (the go
// command), or nil.
func goBinary(limit int) []byte {
	for _, name := range []string{"bin/go", "bin/go.exe", "pkg/tool/linux_amd64/compile"} {
		b, err := os.ReadFile(filepath.Join(goroot(), name))
		if err == nil {
			if len(b) > limit {
				b = b[:limit]
			}
			return b
		}
	}
	return nil
}

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
		"text/go-sources.txt": goSources(3 << 20),
		"bin/go-binary":       goBinary(2 << 20),
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
			st, err := checkWIM(out, Decompress)
			if err != nil {
				t.Fatal(err)
			}
			if st.flags&(wimHdrFlagCompression|wimHdrFlagXPRESS) != wimHdrFlagCompression|wimHdrFlagXPRESS {
				t.Fatalf("header flags %#x: not XPRESS", st.flags)
			}
			if st.chunks < 50 {
				t.Fatalf("only %d compressed chunks decoded", st.chunks)
			}
			t.Logf("%d blobs (%d compressed), %d chunks decoded, %d raw", st.blobs, st.compressed, st.chunks, st.rawChunks)
		})
	}
}
