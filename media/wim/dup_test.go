package wim

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDuplicatesCaptureApply covers the paths that share identical data:
// on capture, files whose size was seen before (one chunk, a few chunks
// read ahead and hashed, more than readAhead chunks hashed in a pass of
// their own) are stored once and never confused with files of the same
// size and other content; on apply, a blob with more paths than
// maxCopyOuts is written to the first ones from the decoded data and
// copied to the rest, each with its own times.
func TestDuplicatesCaptureApply(t *testing.T) {
	for _, c := range []Compression{CompressXPRESS, CompressNone} {
		t.Run(c.String(), func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "src")
			text := func(n int, seed byte) []byte {
				b := bytes.Repeat([]byte("reference image duplicate test "), n/31+1)[:n]
				b[n/2] = seed
				return b
			}
			base := time.Date(2025, 1, 2, 3, 4, 5, 600, time.UTC)
			k := 0
			write := func(rel string, data []byte) {
				p := filepath.Join(src, rel)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
				k++
				ts := base.Add(time.Duration(k) * time.Minute)
				if err := os.Chtimes(p, ts, ts); err != nil {
					t.Fatal(err)
				}
			}
			sizes := []int{100, 40000, 3*32768 + 5, 9*32768 + 1, 5 << 20}
			for _, n := range sizes {
				for i := 0; i < maxCopyOuts+5; i++ {
					write(fmt.Sprintf("s%d/same%02d", n, i), text(n, 'A'))
				}
				// Same size, other content: never taken for a duplicate.
				write(fmt.Sprintf("s%d/other", n), text(n, 'B'))
			}
			out := filepath.Join(dir, "o.wim")
			if _, err := Capture(src, out, CaptureOptions{Compression: c, NoIntegrity: true, Threads: 2}); err != nil {
				t.Fatal(err)
			}
			w, err := Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			files := len(w.Blobs())
			if want := 2 * len(sizes); files != want {
				t.Errorf("%d file blobs stored, want %d (one per distinct content)", files, want)
			}
			dst := filepath.Join(dir, "dst")
			if _, err := w.Apply(1, dst, ApplyOptions{Threads: 2}); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, src, dst)
		})
	}
}
