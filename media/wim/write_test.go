package wim

import (
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
