package sequence

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the loader: it must never panic and
// must either return problems or a sequence that saves and loads again.
func FuzzDecode(f *testing.F) {
	for _, pattern := range []string{"../../docs/examples/*.toml", "testdata/invalid/*.toml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("version = 1\n[[steps]]\ntype = \"group\"\nname = \"g\"\n[[steps.steps]]\ntype = \"set-variable\"\nname='s'\nvariable='A'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		seq, probs := Parse("fuzz.toml", data)
		if seq == nil || len(probs.Errors()) > 0 {
			return
		}
		out, err := Marshal(seq, SaveOptions{AllowPlaintext: true})
		if err != nil {
			return
		}
		seq2, probs2 := Parse("again.toml", out)
		if seq2 == nil || len(probs2.Errors()) > 0 {
			t.Fatalf("a valid sequence saved to an invalid file:\n%s\n%v", out, probs2)
		}
		out2, _ := Marshal(seq2, SaveOptions{AllowPlaintext: true})
		if string(out) != string(out2) {
			t.Fatalf("save is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}
