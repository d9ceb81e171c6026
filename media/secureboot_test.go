package media

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/internal/testboot"
	"github.com/refimage/refimage/internal/testsign"
)

// TestBootFileSigning: the boot managers' signing CAs are read from the
// media folder, reported in the Result and in media.toml, warned about
// when only the 2011 CA signs them, and refused with Require2023CA.
func TestBootFileSigning(t *testing.T) {
	pki, err := testsign.New(t.TempDir(), oracle.Require(t, "osslsigncode"))
	if err != nil {
		t.Fatal(err)
	}
	sign := func(s testsign.Signer, nestWith *testsign.Signer) []byte {
		b, err := pki.Sign(testboot.EFIApp(uefiMarker), s, false)
		if err == nil && nestWith != nil {
			b, err = pki.Sign(b, *nestWith, true)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	only2011 := sign(pki.S2011, nil)
	dual := sign(pki.S2011, &pki.S2023)
	only2023 := sign(pki.S2023, nil)
	for _, tc := range []struct {
		name          string
		loader, mgr   []byte
		status        []string
		ca            [][]string
		warn, refused bool
	}{
		{"2023", only2023, only2023, []string{Signed2023, Signed2023}, [][]string{{testsign.CA2023}, {testsign.CA2023}}, false, false},
		{"dual", dual, dual, []string{Signed2023, Signed2023}, [][]string{{testsign.PCA2011, testsign.CA2023}, {testsign.PCA2011, testsign.CA2023}}, false, false},
		{"2011 only", only2011, only2023, []string{Signed2011Only, Signed2023}, [][]string{{testsign.PCA2011}, {testsign.CA2023}}, true, true},
		{"unsigned bootmgr.efi", only2023, testboot.EFIApp("x"), []string{Signed2023, Unsigned}, [][]string{{testsign.CA2023}, nil}, true, true},
		{"third party", sign(pki.Other, nil), only2023, []string{SignedOther, Signed2023}, [][]string{{testsign.ThirdParty}, {testsign.CA2023}}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := fakeCopype(t)
			writeFile(t, filepath.Join(root, "media", "EFI", "Boot", "bootx64.efi"), tc.loader)
			writeFile(t, filepath.Join(root, "media", "bootmgr.efi"), tc.mgr)
			src, err := FindSource(root, "")
			if err != nil {
				t.Fatal(err)
			}
			files := CheckBootFiles(src)
			if len(files) != 2 || files[0].Path != "EFI/Boot/bootx64.efi" || files[1].Path != "bootmgr.efi" {
				t.Fatalf("boot files %+v", files)
			}
			warned := false
			for i, f := range files {
				if f.Status != tc.status[i] || strings.Join(f.CA, ",") != strings.Join(tc.ca[i], ",") {
					t.Errorf("%s: status %s CA %v, want %s %v", f.Path, f.Status, f.CA, tc.status[i], tc.ca[i])
				}
				short := f.Short()
				if !strings.HasPrefix(short, f.Path+": ") || (len(tc.ca[i]) > 0 && !strings.Contains(short, tc.ca[i][0])) ||
					(f.Status == Unsigned && !strings.Contains(short, "not signed")) || (f.Status == Signed2011Only && !strings.Contains(short, "2023-signed")) {
					t.Errorf("Short: %q", short)
				}
				if w := f.Warning(); w != "" {
					warned = true
					if f.Status == Signed2011Only && (!strings.Contains(w, "CVE-2023-24932") || !strings.Contains(w, testsign.CA2023) || !strings.Contains(w, "/bootex")) {
						t.Errorf("2011 warning: %s", w)
					}
				}
			}
			if warned != tc.warn {
				t.Errorf("warned %v, want %v", warned, tc.warn)
			}
			seq, env := testSequence(t, false)
			out := filepath.Join(t.TempDir(), "m.iso")
			opt := Options{Sequence: seq, Source: src, ISO: out, Password: mediaPass, Exe: exe(t), Resolver: envResolver(env), Require2023CA: true}
			res, err := Build(context.Background(), opt)
			var ie *InputError
			if tc.refused {
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), "--require-2023-ca") || !strings.Contains(err.Error(), "not signed by the Windows UEFI CA 2023") {
					t.Fatalf("Require2023CA: %v", err)
				}
				if _, err := os.Stat(out); err == nil {
					t.Fatal("a refused medium was written")
				}
				opt.Require2023CA = false
				if res, err = Build(context.Background(), opt); err != nil {
					t.Fatal(err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(res.BootFiles) != 2 || res.BootFiles[0].Status != tc.status[0] {
				t.Errorf("result boot files %+v", res.BootFiles)
			}
			// media.toml on the medium records them.
			ex := extractISO(t, out)
			id, err := ReadIdentity(filepath.Join(ex, filepath.FromSlash(IdentityPath)))
			if err != nil {
				t.Fatal(err)
			}
			if len(id.BootFiles) != 2 || id.BootFiles[0].Status != tc.status[0] || id.BootFiles[1].Status != tc.status[1] ||
				strings.Join(id.BootFiles[0].CA, ",") != strings.Join(tc.ca[0], ",") {
				t.Errorf("media.toml boot files %+v", id.BootFiles)
			}
		})
	}
}

// extractISO extracts an ISO with xorriso.
func extractISO(t *testing.T, iso string) string {
	t.Helper()
	x := oracle.Require(t, "xorriso")
	ex := filepath.Join(t.TempDir(), "x")
	if o, err := exec.Command(x, "-osirrox", "on", "-indev", iso, "-extract", "/", ex).CombinedOutput(); err != nil {
		t.Fatalf("xorriso: %v\n%s", err, o)
	}
	return ex
}
