package wim

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOver4GiB captures a sparse file larger than 4 GiB, so its resource
// needs an 8-byte chunk table, and checks it with wimlib and with our own
// reader; then reads wimlib's own 8-byte-table resource. Slow: skipped
// under -short.
func TestOver4GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("reads and compresses 2 × 4.1 GiB; skipped under -short")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	f, err := os.Create(filepath.Join(src, "huge.bin"))
	if err != nil {
		t.Fatal(err)
	}
	const size = 4<<30 + 12345
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("head"), 0)
	f.WriteAt([]byte("tail"), size-4)
	f.Close()
	os.WriteFile(filepath.Join(src, "small.txt"), []byte("small"), 0o644)

	out := filepath.Join(dir, "big.wim")
	start := time.Now()
	if _, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS, NoIntegrity: true}); err != nil {
		t.Fatal(err)
	}
	t.Logf("capture: %v", time.Since(start))
	w, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	var big *Blob
	for _, b := range w.Blobs() {
		if b.Size() == size {
			big = b
		}
	}
	if big == nil || !big.Res.compressed() {
		t.Fatalf("huge blob missing or not compressed: %+v", big)
	}
	start = time.Now()
	if _, err := w.Verify(VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Logf("verify: %v", time.Since(start))
	wimlib(t, "verify", out)

	// wimlib's 8-byte chunk table, read by us.
	out2 := filepath.Join(dir, "wimlib-big.wim")
	wimlib(t, "capture", src, out2, "big", "--compress=xpress")
	w2, err := Open(out2)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if _, err := w2.Verify(VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}
