//go:build linux || windows

package wim

import (
	"bytes"
	"io"
	"os"
	"path"
	"path/filepath"
	"testing"

	winiowim "github.com/Microsoft/go-winio/wim"
)

// TestGoWinioReadsStoredLZX: a WIM we write with LZX flags and every
// resource raw opens with go-winio's strict reader, and every file reads
// back with the source's content.
func TestGoWinioReadsStoredLZX(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 40)
	out := filepath.Join(dir, "stored-lzx.wim")
	if _, err := Capture(src, out, CaptureOptions{Name: "winio", Compression: CompressLZX}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := winiowim.NewReader(f)
	if err != nil {
		t.Fatalf("go-winio: %v", err)
	}
	if len(r.Image) != 1 || r.Image[0].Name != "winio" {
		t.Fatalf("go-winio images: %+v", r.Image)
	}
	root, err := r.Image[0].Open()
	if err != nil {
		t.Fatalf("go-winio open image: %v", err)
	}
	files := 0
	var walk func(f *winiowim.File, rel string)
	walk = func(f *winiowim.File, rel string) {
		if f.IsDir() {
			kids, err := f.Readdir()
			if err != nil {
				t.Fatalf("go-winio readdir %s: %v", rel, err)
			}
			for _, k := range kids {
				walk(k, path.Join(rel, k.Name))
			}
			return
		}
		if f.Attributes&AttrReparsePoint != 0 {
			return
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("go-winio open %s: %v", rel, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("go-winio read %s: %v", rel, err)
		}
		want, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: go-winio content differs (%v)", rel, err)
		}
		files++
	}
	walk(root, "")
	if files < 40 {
		t.Fatalf("go-winio saw only %d files", files)
	}
}
