package wim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCaptureOracle(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 2500) // thousands of small files
	for _, comp := range []Compression{CompressNone, CompressXPRESS} {
		for _, integ := range []bool{true, false} {
			name := comp.String()
			if !integ {
				name += "-nointegrity"
			}
			t.Run(name, func(t *testing.T) {
				out := filepath.Join(dir, name+".wim")
				res, err := Capture(src, out, CaptureOptions{Name: "Ref " + name, Description: "desc " + name, Compression: comp, NoIntegrity: !integ, Boot: true, CreatedBy: "refimage test", ImageVersion: "1.2.3"})
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: %d bytes, %d blobs", name, res.Size, res.Blobs)
				v := wimlib(t, "verify", out)
				if !strings.Contains(v, "verified") && !strings.Contains(strings.ToLower(v), "success") {
					t.Logf("verify output: %s", v)
				}
				info := wimlib(t, "info", out)
				for _, want := range []string{"Ref " + name, "desc " + name, "Boot Index:     1"} {
					if !strings.Contains(info, want) {
						t.Errorf("wimlib info lacks %q:\n%s", want, info)
					}
				}
				if integ && !strings.Contains(info, "Integrity info") {
					t.Errorf("integrity not shown:\n%s", info)
				}
				dst := filepath.Join(dir, name+"-wimlib")
				wimlib(t, "apply", out, "1", dst)
				compareTrees(t, src, dst)
				// And our own reader.
				w, err := Open(out)
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
				vr, err := w.Verify(VerifyOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if vr.Integrity != integ {
					t.Errorf("integrity present = %v", vr.Integrity)
				}
				dst2 := filepath.Join(dir, name+"-ours")
				if _, err := w.Apply(1, dst2, ApplyOptions{}); err != nil {
					t.Fatal(err)
				}
				compareTrees(t, src, dst2)
			})
		}
	}
}

// Absolute links into the captured tree are stored image-relative
// (RP_FIX) and point into the tree again wherever it is applied, by
// wimlib and by us; links outside the tree are kept as they are.
func TestRPFix(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "d"), 0o755)
	os.WriteFile(filepath.Join(src, "d", "f"), []byte("x"), 0o644)
	abs, _ := filepath.Abs(src)
	os.Symlink(filepath.Join(abs, "d", "f"), filepath.Join(src, "inside"))
	os.Symlink("/etc/hostname", filepath.Join(src, "outside"))
	out := filepath.Join(dir, "rp.wim")
	if _, err := Capture(src, out, CaptureOptions{}); err != nil {
		t.Fatal(err)
	}
	w, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Header.Flags&HdrFlagRPFix == 0 {
		t.Fatal("RP_FIX not set")
	}
	ours := filepath.Join(dir, "ours")
	if _, err := w.Apply(1, ours, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(dir, "theirs")
	wimlib(t, "apply", out, "1", theirs)
	for _, d := range []string{ours, theirs} {
		l, _ := os.Readlink(filepath.Join(d, "inside"))
		if l != filepath.Join(d, "d", "f") {
			t.Errorf("%s: inside -> %q", d, l)
		}
		if l, _ := os.Readlink(filepath.Join(d, "outside")); l != "/etc/hostname" {
			t.Errorf("%s: outside -> %q", d, l)
		}
	}
}
