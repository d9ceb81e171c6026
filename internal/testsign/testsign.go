// Package testsign signs PE files for tests with certificates named like
// Microsoft's boot CAs, made on the spot: a root "Microsoft Root
// Certificate Authority 2010", under it "Microsoft Windows Production PCA
// 2011", "Windows UEFI CA 2023" and "Microsoft Corporation UEFI CA 2011",
// and a signing certificate under each. Signing runs osslsigncode (Debian
// osslsigncode), the oracle the tests name.
package testsign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Names of the test CAs.
const (
	Root       = "Microsoft Root Certificate Authority 2010"
	PCA2011    = "Microsoft Windows Production PCA 2011"
	CA2023     = "Windows UEFI CA 2023"
	ThirdParty = "Microsoft Corporation UEFI CA 2011"
)

// Signer is what osslsigncode signs with: PEM files of the chain (leaf
// first) and of the key.
type Signer struct{ Certs, Key string }

// PKI holds the test signers.
type PKI struct {
	dir  string
	tool string
	// S2011 and S2023 sign as "Microsoft Windows" under the 2011 and 2023
	// CAs and put the CA and root certificates in the signature;
	// S2023LeafOnly puts only the signing certificate in; Other signs as
	// "Some Vendor" under the third-party CA. The keys are ECDSA P-256
	// (RSA2023 makes an RSA-2048 one, like Microsoft's).
	S2011, S2023, S2023LeafOnly, Other Signer

	root, ca23 *cert
}

type cert struct {
	c *x509.Certificate
	k crypto.Signer
}

func newCert(cn string, parent *cert, ca bool) (*cert, error) {
	return newCertKey(cn, parent, ca, false)
}

func newCertKey(cn string, parent *cert, ca, useRSA bool) (*cert, error) {
	var key crypto.Signer
	var err error
	if useRSA {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Microsoft Corporation"}, Country: []string{"US"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}
	if ca {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	}
	var parentCert *x509.Certificate = tmpl
	var parentKey crypto.Signer = key
	if parent != nil {
		parentCert, parentKey = parent.c, parent.k
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &cert{c, key}, nil
}

func (p *PKI) signer(name string, chain ...*cert) (Signer, error) {
	var cb bytes.Buffer
	for _, c := range chain {
		pem.Encode(&cb, &pem.Block{Type: "CERTIFICATE", Bytes: c.c.Raw})
	}
	kd, err := x509.MarshalPKCS8PrivateKey(chain[0].k)
	if err != nil {
		return Signer{}, err
	}
	s := Signer{filepath.Join(p.dir, name+".pem"), filepath.Join(p.dir, name+".key")}
	if err := os.WriteFile(s.Certs, cb.Bytes(), 0o600); err != nil {
		return Signer{}, err
	}
	return s, os.WriteFile(s.Key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600)
}

// New makes the test PKI in dir; tool is the path of osslsigncode.
func New(dir, tool string) (*PKI, error) {
	p := &PKI{dir: dir, tool: tool}
	root, err := newCert(Root, nil, true)
	if err != nil {
		return nil, err
	}
	mk := func(cn string, parent *cert, ca bool) *cert {
		if err != nil {
			return nil
		}
		var c *cert
		c, err = newCert(cn, parent, ca)
		return c
	}
	pca := mk(PCA2011, root, true)
	ca23 := mk(CA2023, root, true)
	third := mk(ThirdParty, root, true)
	l11 := mk("Microsoft Windows", pca, false)
	l23 := mk("Microsoft Windows", ca23, false)
	lo := mk("Some Vendor", third, false)
	if err != nil {
		return nil, err
	}
	p.root, p.ca23 = root, ca23
	for _, s := range []struct {
		to    *Signer
		name  string
		chain []*cert
	}{
		{&p.S2011, "2011", []*cert{l11, pca, root}},
		{&p.S2023, "2023", []*cert{l23, ca23, root}},
		{&p.S2023LeafOnly, "2023leaf", []*cert{l23}},
		{&p.Other, "other", []*cert{lo, third}},
	} {
		if *s.to, err = p.signer(s.name, s.chain...); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// RSA2023 makes a signer with an RSA-2048 key under the 2023 CA (the CA
// and root certificates in the signature). RSA key generation is slow, so
// only the tests that need it pay for it.
func (p *PKI) RSA2023() (Signer, error) {
	l, err := newCertKey("Microsoft Windows", p.ca23, false, true)
	if err != nil {
		return Signer{}, err
	}
	return p.signer("2023rsa", l, p.ca23, p.root)
}

// Sign signs the PE file in with s (SHA-256). nest adds the signature to
// the existing one, as dual-signed boot managers carry it.
func (p *PKI) Sign(in []byte, s Signer, nest bool) ([]byte, error) {
	dir, err := os.MkdirTemp(p.dir, "sign-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src, dst := filepath.Join(dir, "in.efi"), filepath.Join(dir, "out.efi")
	if err := os.WriteFile(src, in, 0o644); err != nil {
		return nil, err
	}
	args := []string{"sign", "-certs", s.Certs, "-key", s.Key, "-h", "sha256", "-in", src, "-out", dst}
	if nest {
		args = append(args, "-nest")
	}
	if out, err := exec.Command(p.tool, args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("osslsigncode: %v\n%s", err, out)
	}
	return os.ReadFile(dst)
}
