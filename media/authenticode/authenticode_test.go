package authenticode

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/internal/testboot"
	"github.com/refimage/refimage/internal/testsign"
)

func pki(t testing.TB) *testsign.PKI {
	t.Helper()
	p, err := testsign.New(t.TempDir(), oracle.Require(t, "osslsigncode"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sign(t testing.TB, p *testsign.PKI, in []byte, s testsign.Signer, nest bool) []byte {
	t.Helper()
	b, err := p.Sign(in, s, nest)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSignatures(t *testing.T) {
	p := pki(t)
	app := testboot.EFIApp("AUTHENTICODE")
	rsaSigner, err := p.RSA2023()
	if err != nil {
		t.Fatal(err)
	}

	if sigs, err := Read(app); err != nil || len(sigs) != 0 {
		t.Fatalf("unsigned: %v %v", sigs, err)
	}
	signed2011 := sign(t, p, app, p.S2011, false)
	signed2023 := sign(t, p, app, p.S2023, false)
	dual := sign(t, p, signed2011, p.S2023, true)
	for _, tc := range []struct {
		name  string
		file  []byte
		want  []string // CA of each signature
		chain string   // chain of the first
	}{
		{"2011", signed2011, []string{CA2011}, CA2011 + " < Microsoft Root Certificate Authority 2010"},
		{"2023", signed2023, []string{CA2023}, CA2023 + " < Microsoft Root Certificate Authority 2010"},
		{"2023, RSA-2048 signing key", sign(t, p, app, rsaSigner, false), []string{CA2023}, CA2023 + " < Microsoft Root Certificate Authority 2010"},
		{"2023 without the CA certificate", sign(t, p, app, p.S2023LeafOnly, false), []string{CA2023}, CA2023},
		{"dual 2011 + nested 2023", dual, []string{CA2011, CA2023}, CA2011 + " < Microsoft Root Certificate Authority 2010"},
		{"third-party CA", sign(t, p, app, p.Other, false), []string{"Microsoft Corporation UEFI CA 2011"}, "Microsoft Corporation UEFI CA 2011 < Microsoft Root Certificate Authority 2010"},
	} {
		sigs, err := Read(tc.file)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var cas []string
		for _, sg := range sigs {
			cas = append(cas, sg.CA)
			if !sg.Valid || sg.Problem != "" || sg.Digest != "SHA-256" {
				t.Errorf("%s: signature %+v is not valid", tc.name, sg)
			}
		}
		if strings.Join(cas, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: CAs %v, want %v", tc.name, cas, tc.want)
		}
		if len(sigs) > 0 && strings.Join(sigs[0].Chain, " < ") != tc.chain {
			t.Errorf("%s: chain %q, want %q", tc.name, strings.Join(sigs[0].Chain, " < "), tc.chain)
		}
		if len(sigs) > 0 && sigs[0].Signer != "Microsoft Windows" && tc.name != "third-party CA" {
			t.Errorf("%s: signer %q", tc.name, sigs[0].Signer)
		}
	}
	// Has: the dual-signed file has both, the 2011 one only 2011.
	sigs, _ := Read(dual)
	if !sigs[0].Has(CA2011) || sigs[0].Has(CA2023) || !sigs[1].Has(CA2023) {
		t.Errorf("Has: %+v", sigs)
	}

	// A byte of code changed after signing: the digest no longer matches.
	tampered := bytes.Clone(signed2023)
	l, err := parsePE(tampered)
	if err != nil {
		t.Fatal(err)
	}
	tampered[l.sections[0][0]+10] ^= 0xFF
	sigs, err = Read(tampered)
	if err != nil || len(sigs) != 1 || sigs[0].Valid || !strings.Contains(sigs[0].Problem, "changed after signing") || sigs[0].CA != CA2023 {
		t.Errorf("tampered: %+v %v", sigs, err)
	}
	// The checksum field is not covered (signers update it).
	reChecked := bytes.Clone(signed2023)
	reChecked[l.checksum] ^= 0x5A
	if sigs, err := Read(reChecked); err != nil || len(sigs) != 1 || !sigs[0].Valid {
		t.Errorf("a changed checksum field: %+v %v", sigs, err)
	}
	// A changed signature byte (the last byte of the table's first entry
	// is inside the signature or its padding; change the ECDSA signature
	// by changing a byte of the authenticated attributes' message digest
	// instead).
	bad := bytes.Clone(signed2023)
	d := l.digest(signed2023, 5 /* SHA-256 */)
	i := bytes.Index(bad[l.certOff:], d)
	if i < 0 {
		t.Fatal("the signed digest is not in the certificate table")
	}
	bad[l.certOff+i] ^= 1
	if sigs, err := Read(bad); err != nil || len(sigs) != 1 || sigs[0].Valid {
		t.Errorf("a changed signed digest: %+v %v", sigs, err)
	}
}

// TestOsslsigncodeAgrees: osslsigncode verifies the files it signed here
// against the test root, so the files Read accepts are really signed.
func TestOsslsigncodeAgrees(t *testing.T) {
	tool := oracle.Require(t, "osslsigncode")
	p := pki(t)
	signed := sign(t, p, testboot.EFIApp("X"), p.S2023, false)
	f := filepath.Join(t.TempDir(), "signed.efi")
	os.WriteFile(f, signed, 0o644)
	out, err := exec.Command(tool, "verify", "-in", f, "-CAfile", p.S2023.Certs).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature verification: ok") {
		t.Errorf("osslsigncode verify: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), CA2023) {
		t.Errorf("osslsigncode does not name %s:\n%s", CA2023, out)
	}
}

func TestNotPE(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("MZ"), make([]byte, 4096), append([]byte("MZ"), make([]byte, 100)...)} {
		if _, err := Read(b); err == nil {
			t.Errorf("%d bytes read as a PE file", len(b))
		}
	}
}

func FuzzRead(f *testing.F) {
	app := testboot.EFIApp("FUZZ")
	f.Add(app)
	if path, err := exec.LookPath("osslsigncode"); err == nil {
		if p, err := testsign.New(f.TempDir(), path); err == nil {
			f.Add(sign(f, p, app, p.S2023, false))
			f.Add(sign(f, p, sign(f, p, app, p.S2011, false), p.S2023, true))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sigs, err := Read(b)
		if err != nil && len(sigs) > 0 {
			t.Fatal("signatures with an error")
		}
	})
}
