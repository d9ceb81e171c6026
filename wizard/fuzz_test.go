package wizard

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// FuzzApplyAnswers: an answers file never panics the wizard, and whatever
// it accepts gives a sequence that passes sequence.Validate.
func FuzzApplyAnswers(f *testing.F) {
	for _, name := range []string{"build.answers.toml", "custom.answers.toml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[start]\nflow = \"custom\"\n[info]\nname = \"x\"\n[capture_settings]\ndestination = 'D:\\x.wim'\n"))
	f.Add([]byte("[windows]\nindex = 99999999999\nlicense = \"per-server\"\nmax_connections = \"7\"\n"))
	f.Add([]byte("[[applications.app]]\nname = 1\n[applications]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w := New(&Env{User: "u", Organization: "o"}, English)
		if errs := w.ApplyAnswers(data); errs != nil {
			return
		}
		if w.A.Flow == FlowOpen {
			return // reads a file named by the input
		}
		seq, err := w.Sequence()
		if err != nil {
			t.Fatalf("accepted answers give no sequence: %v", err)
		}
		if probs := sequence.Validate(seq); len(probs.Errors()) > 0 {
			t.Fatalf("accepted answers give an invalid sequence: %v\n%s", probs, data)
		}
		// The answers saved again give the same sequence (typed secrets
		// are left out of saved answers, so only without them).
		if w.HasClearSecrets() {
			return
		}
		saved := MarshalAnswers(w)
		w2 := New(&Env{User: "u", Organization: "o"}, English)
		if errs := w2.ApplyAnswers(saved); errs != nil {
			t.Fatalf("saved answers refused: %v\n%s", errs, saved)
		}
		seq2, err := w2.Sequence()
		if err != nil {
			t.Fatal(err)
		}
		b1, _ := sequence.Marshal(seq, sequence.SaveOptions{AllowPlaintext: true})
		b2, _ := sequence.Marshal(seq2, sequence.SaveOptions{AllowPlaintext: true})
		if string(b1) != string(b2) {
			t.Fatalf("saved answers give another sequence:\n%s\n---\n%s", b1, b2)
		}
	})
}
