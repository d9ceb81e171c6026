package wim

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestCaptureConfig(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for _, f := range []string{
		"pagefile.sys", "sub/pagefile.sys", "System Volume Information/x", "$Recycle.Bin/y", "Windows/CSC/z", "Windows/notepad.exe",
		"Windows/Temp/a.tmp", "Windows/Temp/keep.log", "Windows/Temp/other.log", "data/file.tmp", "data/pack.cab", "data/doc.txt",
	} {
		p := filepath.Join(src, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(strings.Repeat("content "+f+" ", 500)), 0o644)
	}
	list := func(w *WIM) []string {
		m, err := w.Metadata(1)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		m.Root.Walk(func(p string, d *Dentry) error {
			if !d.IsDir() {
				out = append(out, p)
			}
			return nil
		})
		sort.Strings(out)
		return out
	}
	// Default: DISM's list.
	out := filepath.Join(dir, "default.wim")
	res, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := Open(out)
	got := strings.Join(list(w), " ")
	w.Close()
	want := "Windows/Temp/a.tmp Windows/Temp/keep.log Windows/Temp/other.log Windows/notepad.exe data/doc.txt data/file.tmp data/pack.cab sub/pagefile.sys"
	if got != want || res.Excluded != 4 {
		t.Errorf("default exclusions: %d excluded, files %s", res.Excluded, got)
	}
	cfg, err := ParseConfig(strings.NewReader("; comment\n[ExclusionList]\n\\Windows\\Temp\\*\n*.tmp\n\"\\pagefile.sys\"\n[ExclusionException]\n\\Windows\\Temp\\keep.log\n\n[CompressionExclusionList]\n*.cab\n"))
	if err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(dir, "cfg.wim")
	if _, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS, Config: cfg}); err != nil {
		t.Fatal(err)
	}
	w, _ = Open(out)
	defer w.Close()
	got = strings.Join(list(w), " ")
	want = "$Recycle.Bin/y System Volume Information/x Windows/CSC/z Windows/Temp/keep.log Windows/notepad.exe data/doc.txt data/pack.cab sub/pagefile.sys"
	if got != want {
		t.Errorf("config exclusions: %s", got)
	}
	m, _ := w.Metadata(1)
	m.Root.Walk(func(p string, d *Dentry) error {
		if b := w.Blob(d.Hash); b != nil {
			if strings.HasSuffix(p, ".cab") == b.Res.compressed() {
				t.Errorf("%s: compressed = %v", p, b.Res.compressed())
			}
		}
		return nil
	})
	wimlib(t, "verify", out)
	if _, err := ParseConfig(strings.NewReader("[Bogus]\nx\n")); err == nil {
		t.Error("unknown section accepted")
	}
	if _, err := ParseConfig(strings.NewReader("x\n")); err == nil {
		t.Error("pattern outside a section accepted")
	}
}

func TestCaptureIntoSource(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("a"), 0o644)
	out := filepath.Join(src, "self.wim")
	if _, err := Capture(src, out, CaptureOptions{Name: "one"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Capture(src, out, CaptureOptions{Name: "two", Append: true}); err != nil {
		t.Fatal(err)
	}
	w, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := 1; i <= 2; i++ {
		m, _ := w.Metadata(i)
		if len(m.Root.Children) != 1 || m.Root.Children[0].Name != "a.txt" {
			t.Errorf("image %d captured the output WIM: %d entries", i, len(m.Root.Children))
		}
	}
}
