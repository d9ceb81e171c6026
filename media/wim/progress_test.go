package wim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Progress never reports more done than there is to do, and the last
// report of a capture, an apply and a verify says all of it is done:
// the scan once counted every entry as well as the writer, so a capture
// went to 215 %.
func TestProgressStaysWithinItsTotals(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	for i, body := range []string{"alpha", strings.Repeat("b", 100000), "alpha", ""} {
		dir := filepath.Join(src, "d", string(rune('a'+i)))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Link(filepath.Join(src, "d", "b", "f.txt"), filepath.Join(src, "hard")); err != nil {
		t.Skip("no hard links here:", err)
	}
	check := func(t *testing.T, op string, reports []Progress) {
		t.Helper()
		if len(reports) == 0 {
			t.Fatalf("%s: no progress reported", op)
		}
		for _, p := range reports {
			if p.BytesTotal > 0 && p.BytesDone > p.BytesTotal || p.FilesTotal > 0 && p.FilesDone > p.FilesTotal {
				t.Fatalf("%s: %d/%d bytes, %d/%d files: more done than there is", op, p.BytesDone, p.BytesTotal, p.FilesDone, p.FilesTotal)
			}
		}
		last := reports[len(reports)-1]
		if !last.Done || last.BytesDone != last.BytesTotal || last.FilesDone != last.FilesTotal {
			t.Fatalf("%s: last report %+v is not all done", op, last)
		}
	}
	var got []Progress
	out := filepath.Join(t.TempDir(), "o.wim")
	if _, err := Capture(src, out, CaptureOptions{Name: "p", Compression: CompressXPRESS, Progress: func(p Progress) { got = append(got, p) }}); err != nil {
		t.Fatal(err)
	}
	check(t, "capture", got)
	w, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got = nil
	if _, err := w.Apply(1, filepath.Join(t.TempDir(), "a"), ApplyOptions{Progress: func(p Progress) { got = append(got, p) }}); err != nil {
		t.Fatal(err)
	}
	check(t, "apply", got)
}
