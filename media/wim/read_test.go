package wim

import (
	"path/filepath"
	"testing"
)

func TestReadWimlibWIMs(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 200)
	for _, comp := range []string{"none", "xpress", "lzx"} {
		t.Run(comp, func(t *testing.T) {
			out := filepath.Join(dir, comp+".wim")
			wimlib(t, "capture", src, out, "Image "+comp, "Description "+comp, "--compress="+comp, "--check")
			wimlib(t, "append", src, out, "Second", "--compress="+comp, "--check", "--boot")
			w, err := Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if comp == "lzx" && decompressors[CompressLZX] == nil {
				t.Skip("LZX decoder not wired yet")
			}
			ims := w.Images()
			if len(ims) != 2 || ims[0].Name != "Image "+comp || ims[0].Description != "Description "+comp || ims[1].Name != "Second" {
				t.Fatalf("images: %+v", ims)
			}
			if w.Header.BootIndex != 2 {
				t.Errorf("boot index %d, want 2", w.Header.BootIndex)
			}
			for idx := 1; idx <= 2; idx++ {
				dst := filepath.Join(dir, comp+"-apply", string(rune('0'+idx)))
				if _, err := w.Apply(idx, dst, ApplyOptions{}); err != nil {
					t.Fatal(err)
				}
				compareTrees(t, src, dst)
			}
		})
	}
}

func TestReadWimlibChunkSizes(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 20)
	for _, c := range []struct{ comp, size string }{
		{"xpress", "4096"}, {"xpress", "8192"}, {"xpress", "16384"}, {"xpress", "65536"},
		{"lzx", "65536"}, {"lzx", "131072"}, {"lzx", "1048576"}, {"lzx", "2097152"},
	} {
		t.Run(c.comp+"-"+c.size, func(t *testing.T) {
			out := filepath.Join(dir, c.comp+c.size+".wim")
			wimlib(t, "capture", src, out, "C", "--compress="+c.comp, "--chunk-size="+c.size)
			w, err := Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.Verify(VerifyOptions{}); err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(dir, c.comp+c.size)
			if _, err := w.Apply(1, dst, ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, src, dst)
		})
	}
}
