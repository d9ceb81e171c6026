// Package authenticode reads the Authenticode signatures of a PE/COFF
// file (an EFI boot manager, an .exe): which certificate signed it and
// which certification authority issued that certificate, and whether the
// signature matches the file.
//
// It parses the attribute certificate table (WIN_CERTIFICATE entries of
// type PKCS_SIGNED_DATA), the PKCS#7 SignedData in each (with
// golang.org/x/crypto/cryptobyte), and nested signatures (the
// 1.3.6.1.4.1.311.2.4.1 unauthenticated attribute that dual-signed files
// carry). For each signature it recomputes the file's Authenticode digest
// (Microsoft's "Windows Authenticode Portable Executable Signature
// Format": the headers without the checksum and the certificate table
// entry, the sections in file order, then what follows them up to the
// certificate table), checks the signed message digest and the
// signature over the authenticated attributes with the signer's
// certificate, and the signer's certificate with its issuer's when the
// file carries it.
//
// It does not decide trust: that the issuer is the real Microsoft CA is
// for the firmware's db to tell. It only reads which CA the file names.
package authenticode

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"sort"

	_ "crypto/sha1"   // Authenticode digests
	_ "crypto/sha256" // Authenticode digests
	_ "crypto/sha512" // Authenticode digests

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The certification authorities that sign Windows boot managers.
const (
	// CA2011 signs boot managers up to the BlackLotus (CVE-2023-24932)
	// mitigations; it is being revoked from Secure Boot's db.
	CA2011 = "Microsoft Windows Production PCA 2011"
	// CA2023 signs the boot managers that replace them.
	CA2023 = "Windows UEFI CA 2023"
)

// MaxFileSize is the largest file Read looks at: boot managers are a few
// MiB.
const MaxFileSize = 256 << 20

// ErrNotPE is returned for a file that is not a PE/COFF image.
var ErrNotPE = errors.New("not a PE/COFF file")

// Signature is one Authenticode signature of a file.
type Signature struct {
	// Signer is the common name of the signing certificate's subject.
	Signer string
	// CA is the common name of the signing certificate's issuer: the
	// certification authority the firmware must trust.
	CA string
	// Chain is the issuer names from the signer upwards, as far as the
	// certificates in the file go (CA first).
	Chain []string
	// Digest is the Authenticode digest algorithm ("SHA-256").
	Digest string
	// Valid: the file's digest is the signed one, the signature over it
	// verifies with the signer's certificate, and the signer's
	// certificate verifies with its issuer's when the file carries it.
	Valid bool
	// Problem says why a signature is not Valid.
	Problem string
}

// Has reports whether ca issued the signing certificate, or a certificate
// above it in the chain the file carries.
func (s Signature) Has(ca string) bool {
	if s.CA == ca {
		return true
	}
	for _, c := range s.Chain {
		if c == ca {
			return true
		}
	}
	return false
}

// ReadFile reads the signatures of the PE file at path. An unsigned file
// has none (and no error).
func ReadFile(path string) ([]Signature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes is too large for a boot manager", path, info.Size())
	}
	data := make([]byte, info.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, err
	}
	sigs, err := Read(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sigs, nil
}

// peLayout is what the Authenticode digest needs from the headers.
type peLayout struct {
	checksum      int // offset of the checksum field
	certEntry     int // offset of the certificate table data directory
	sizeOfHeaders int
	certOff       int // the certificate table (0: none)
	certSize      int
	sections      [][2]int // raw data: offset, size
}

func parsePE(b []byte) (*peLayout, error) {
	if len(b) < 64 || b[0] != 'M' || b[1] != 'Z' {
		return nil, ErrNotPE
	}
	pe := int(binary.LittleEndian.Uint32(b[60:]))
	if pe < 0 || pe > len(b)-24 || string(b[pe:pe+4]) != "PE\x00\x00" {
		return nil, ErrNotPE
	}
	coff := pe + 4
	nsec := int(binary.LittleEndian.Uint16(b[coff+2:]))
	optSize := int(binary.LittleEndian.Uint16(b[coff+16:]))
	opt := coff + 20
	if opt+optSize > len(b) || optSize < 2 {
		return nil, fmt.Errorf("%w: the optional header is cut off", ErrNotPE)
	}
	var dd, nrva int
	switch binary.LittleEndian.Uint16(b[opt:]) {
	case 0x10b: // PE32
		dd, nrva = opt+96, opt+92
	case 0x20b: // PE32+
		dd, nrva = opt+112, opt+108
	default:
		return nil, fmt.Errorf("%w: unknown optional header magic", ErrNotPE)
	}
	if dd > opt+optSize || nrva+4 > len(b) {
		return nil, fmt.Errorf("%w: the optional header is too short", ErrNotPE)
	}
	l := &peLayout{checksum: opt + 64, certEntry: dd + 4*8}
	l.sizeOfHeaders = int(binary.LittleEndian.Uint32(b[opt+60:]))
	if binary.LittleEndian.Uint32(b[nrva:]) > 4 && l.certEntry+8 <= opt+optSize {
		l.certOff = int(binary.LittleEndian.Uint32(b[l.certEntry:]))
		l.certSize = int(binary.LittleEndian.Uint32(b[l.certEntry+4:]))
	} else {
		l.certEntry = -1
	}
	if l.certOff != 0 && (l.certOff < 0 || l.certSize < 0 || l.certOff > len(b) || l.certSize > len(b)-l.certOff) {
		return nil, fmt.Errorf("the certificate table (%d bytes at %d) is outside the file", l.certSize, l.certOff)
	}
	if l.sizeOfHeaders > len(b) || l.sizeOfHeaders < opt+optSize {
		return nil, fmt.Errorf("%w: SizeOfHeaders %d does not fit", ErrNotPE, l.sizeOfHeaders)
	}
	st := opt + optSize
	if nsec > (len(b)-st)/40 {
		return nil, fmt.Errorf("%w: the section table is cut off", ErrNotPE)
	}
	for i := 0; i < nsec; i++ {
		s := b[st+40*i:]
		size := int(binary.LittleEndian.Uint32(s[16:]))
		ptr := int(binary.LittleEndian.Uint32(s[20:]))
		if size == 0 {
			continue
		}
		if ptr < 0 || size < 0 || ptr > len(b) || size > len(b)-ptr {
			return nil, fmt.Errorf("section %d (%d bytes at %d) is outside the file", i, size, ptr)
		}
		l.sections = append(l.sections, [2]int{ptr, size})
	}
	sort.Slice(l.sections, func(i, j int) bool { return l.sections[i][0] < l.sections[j][0] })
	return l, nil
}

// digest is the Authenticode digest of the file with hash h.
func (l *peLayout) digest(b []byte, h crypto.Hash) []byte {
	w := h.New()
	if l.certEntry < 0 {
		w.Write(b[:l.checksum])
		w.Write(b[l.checksum+4 : l.sizeOfHeaders])
	} else {
		w.Write(b[:l.checksum])
		w.Write(b[l.checksum+4 : l.certEntry])
		w.Write(b[l.certEntry+8 : l.sizeOfHeaders])
	}
	end := l.sizeOfHeaders
	for _, s := range l.sections {
		w.Write(b[s[0] : s[0]+s[1]])
		end = max(end, s[0]+s[1])
	}
	stop := len(b)
	if l.certOff != 0 {
		stop = l.certOff
	}
	if end < stop {
		w.Write(b[end:stop])
	}
	return w.Sum(nil)
}

// Read reads the signatures of the PE file b.
func Read(b []byte) ([]Signature, error) {
	l, err := parsePE(b)
	if err != nil {
		return nil, err
	}
	if l.certOff == 0 || l.certSize == 0 {
		return nil, nil
	}
	var sigs []Signature
	table := b[l.certOff : l.certOff+l.certSize]
	for len(table) >= 8 {
		n := int(binary.LittleEndian.Uint32(table))
		rev := binary.LittleEndian.Uint16(table[4:])
		typ := binary.LittleEndian.Uint16(table[6:])
		if n < 8 || n > len(table) {
			return nil, fmt.Errorf("a certificate entry of %d bytes does not fit the table", n)
		}
		if typ == 2 && (rev == 0x200 || rev == 0x100) { // PKCS_SIGNED_DATA
			s, err := parseContentInfo(table[8:n], b, l, 0)
			if err != nil {
				return nil, err
			}
			sigs = append(sigs, s...)
		}
		n = (n + 7) &^ 7
		if n >= len(table) {
			break
		}
		table = table[n:]
	}
	return sigs, nil
}

var (
	oidSignedData      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidSpcIndirectData = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}
	oidMessageDigest   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidNested          = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}
	oidCommonName      = asn1.ObjectIdentifier{2, 5, 4, 3}
)

var hashes = map[string]crypto.Hash{
	"1.3.14.3.2.26":          crypto.SHA1,
	"2.16.840.1.101.3.4.2.1": crypto.SHA256,
	"2.16.840.1.101.3.4.2.2": crypto.SHA384,
	"2.16.840.1.101.3.4.2.3": crypto.SHA512,
}

var errSyntax = errors.New("the PKCS#7 signature is malformed")

// readAlgorithm reads an AlgorithmIdentifier and returns its hash.
func readAlgorithm(s *cryptobyte.String) (crypto.Hash, string, error) {
	var alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return 0, "", errSyntax
	}
	return hashes[oid.String()], oid.String(), nil
}

// parseContentInfo reads a ContentInfo holding SignedData and returns its
// signatures (and those nested in it). depth bounds the nesting.
func parseContentInfo(der []byte, file []byte, l *peLayout, depth int) ([]Signature, error) {
	if depth > 4 {
		return nil, errors.New("signatures nested too deep")
	}
	s := cryptobyte.String(der)
	var ci, content cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&oid) {
		return nil, errSyntax
	}
	if !oid.Equal(oidSignedData) {
		return nil, fmt.Errorf("the signature is %s, not PKCS#7 SignedData", oid)
	}
	if !ci.ReadASN1(&content, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, errSyntax
	}
	var sd, digestAlgs, inner, innerContent, spc, certsRaw, signerInfos cryptobyte.String
	var version int
	var innerOID asn1.ObjectIdentifier
	if !content.ReadASN1(&sd, cbasn1.SEQUENCE) || !sd.ReadASN1Integer(&version) ||
		!sd.ReadASN1(&digestAlgs, cbasn1.SET) || !sd.ReadASN1(&inner, cbasn1.SEQUENCE) ||
		!inner.ReadASN1ObjectIdentifier(&innerOID) {
		return nil, errSyntax
	}
	if !innerOID.Equal(oidSpcIndirectData) {
		return nil, fmt.Errorf("the signed content is %s, not Authenticode's SpcIndirectDataContent", innerOID)
	}
	if !inner.ReadASN1(&innerContent, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, errSyntax
	}
	// The signed message digest covers the SpcIndirectDataContent's
	// contents without its own tag and length.
	var spcTag cbasn1.Tag
	if !innerContent.ReadAnyASN1(&spc, &spcTag) || spcTag != cbasn1.SEQUENCE {
		return nil, errSyntax
	}
	spcContents := []byte(spc)
	var data, digestInfo cryptobyte.String
	var signedDigest []byte
	if !spc.ReadASN1(&data, cbasn1.SEQUENCE) || !spc.ReadASN1(&digestInfo, cbasn1.SEQUENCE) {
		return nil, errSyntax
	}
	fileHash, fileHashOID, err := readAlgorithm(&digestInfo)
	if err != nil {
		return nil, err
	}
	var dig cryptobyte.String
	if !digestInfo.ReadASN1(&dig, cbasn1.OCTET_STRING) {
		return nil, errSyntax
	}
	signedDigest = dig
	var certs []*x509.Certificate
	var hasCerts bool
	if !sd.ReadOptionalASN1(&certsRaw, &hasCerts, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, errSyntax
	}
	for !certsRaw.Empty() {
		var raw cryptobyte.String
		var tag cbasn1.Tag
		if !certsRaw.ReadAnyASN1Element(&raw, &tag) {
			return nil, errSyntax
		}
		if tag != cbasn1.SEQUENCE {
			continue // other certificate formats
		}
		c, err := x509.ParseCertificate(raw)
		if err != nil {
			return nil, fmt.Errorf("a certificate in the signature: %w", err)
		}
		certs = append(certs, c)
	}
	if !sd.SkipOptionalASN1(cbasn1.Tag(1).Constructed().ContextSpecific()) ||
		!sd.ReadASN1(&signerInfos, cbasn1.SET) {
		return nil, errSyntax
	}

	var out []Signature
	for !signerInfos.Empty() {
		var si, ias, issuer, sig cryptobyte.String
		var siVersion int
		serial := new(big.Int)
		if !signerInfos.ReadASN1(&si, cbasn1.SEQUENCE) || !si.ReadASN1Integer(&siVersion) ||
			!si.ReadASN1(&ias, cbasn1.SEQUENCE) || !ias.ReadASN1Element(&issuer, cbasn1.SEQUENCE) ||
			!ias.ReadASN1Integer(serial) {
			return nil, errSyntax
		}
		attrHash, _, err := readAlgorithm(&si)
		if err != nil {
			return nil, err
		}
		var auth cryptobyte.String
		hasAuth := si.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific())
		if hasAuth && !si.ReadASN1Element(&auth, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil, errSyntax
		}
		var sigAlg cryptobyte.String
		if !si.ReadASN1(&sigAlg, cbasn1.SEQUENCE) || !si.ReadASN1(&sig, cbasn1.OCTET_STRING) {
			return nil, errSyntax
		}
		var unauth cryptobyte.String
		var hasUnauth bool
		if !si.ReadOptionalASN1(&unauth, &hasUnauth, cbasn1.Tag(1).Constructed().ContextSpecific()) {
			return nil, errSyntax
		}

		sg := Signature{Digest: hashName(fileHash, fileHashOID)}
		var signer *x509.Certificate
		for _, c := range certs {
			if bytes.Equal(c.RawIssuer, issuer) && c.SerialNumber.Cmp(serial) == 0 {
				signer = c
			}
		}
		if signer == nil {
			sg.Problem = "the signing certificate is not in the signature"
			sg.CA = commonName(issuer)
			out = append(out, sg)
		} else {
			sg.Signer = signer.Subject.CommonName
			sg.CA = signer.Issuer.CommonName
			sg.Chain, sg.Problem = chain(signer, certs)
			if sg.Problem == "" {
				sg.Problem = verify(file, l, fileHash, signedDigest, spcContents, attrHash, []byte(auth), hasAuth, signer, sig)
			}
			sg.Valid = sg.Problem == ""
			out = append(out, sg)
		}
		// Nested signatures (dual signing).
		for hasUnauth && !unauth.Empty() {
			var attr, values cryptobyte.String
			var aoid asn1.ObjectIdentifier
			if !unauth.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&aoid) ||
				!attr.ReadASN1(&values, cbasn1.SET) {
				return nil, errSyntax
			}
			if !aoid.Equal(oidNested) {
				continue
			}
			for !values.Empty() {
				var v cryptobyte.String
				var tag cbasn1.Tag
				if !values.ReadAnyASN1Element(&v, &tag) {
					return nil, errSyntax
				}
				nested, err := parseContentInfo(v, file, l, depth+1)
				if err != nil {
					return nil, fmt.Errorf("nested signature: %w", err)
				}
				out = append(out, nested...)
			}
		}
	}
	return out, nil
}

func hashName(h crypto.Hash, oid string) string {
	if h == 0 {
		return oid
	}
	return h.String()
}

// chain walks from the signer up through the certificates the file
// carries, checking each link, and returns the issuers' names.
func chain(c *x509.Certificate, certs []*x509.Certificate) ([]string, string) {
	var names []string
	seen := map[*x509.Certificate]bool{c: true}
	for {
		if bytes.Equal(c.RawIssuer, c.RawSubject) && len(names) > 0 {
			return names, "" // a self-signed root
		}
		names = append(names, c.Issuer.CommonName)
		var parent *x509.Certificate
		for _, p := range certs {
			if bytes.Equal(p.RawSubject, c.RawIssuer) && !seen[p] {
				parent = p
			}
		}
		if parent == nil {
			return names, ""
		}
		if err := parent.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
			return names, fmt.Sprintf("the certificate %q does not verify with its issuer %q: %v", c.Subject.CommonName, parent.Subject.CommonName, err)
		}
		seen[parent] = true
		c = parent
	}
}

// verify checks the file digest, the message digest and the signature.
func verify(file []byte, l *peLayout, fileHash crypto.Hash, signedDigest, spcContents []byte, attrHash crypto.Hash, auth []byte, hasAuth bool, signer *x509.Certificate, sig []byte) string {
	if fileHash == 0 || !fileHash.Available() {
		return "the digest algorithm is not supported"
	}
	if !bytes.Equal(l.digest(file, fileHash), signedDigest) {
		return "the file does not match its signature (changed after signing)"
	}
	if !hasAuth {
		return "the signature has no authenticated attributes"
	}
	if attrHash == 0 || !attrHash.Available() {
		return "the signer's digest algorithm is not supported"
	}
	h := attrHash.New()
	h.Write(spcContents)
	want := h.Sum(nil)
	// Authenticated attributes: [0] IMPLICIT SET OF Attribute.
	a := cryptobyte.String(auth)
	var attrs cryptobyte.String
	if !a.ReadASN1(&attrs, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return "the authenticated attributes are malformed"
	}
	found := false
	for !attrs.Empty() {
		var attr, values cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !attrs.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&oid) || !attr.ReadASN1(&values, cbasn1.SET) {
			return "the authenticated attributes are malformed"
		}
		if oid.Equal(oidMessageDigest) {
			var d cryptobyte.String
			if !values.ReadASN1(&d, cbasn1.OCTET_STRING) {
				return "the message digest is malformed"
			}
			if !bytes.Equal(d, want) {
				return "the message digest does not match the signed content"
			}
			found = true
		}
	}
	if !found {
		return "the signature has no message digest"
	}
	// The signature is over the attributes as a SET (tag 0x31).
	signed := bytes.Clone(auth)
	signed[0] = 0x31
	var alg x509.SignatureAlgorithm
	switch signer.PublicKey.(type) {
	case *rsa.PublicKey:
		alg = map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA1: x509.SHA1WithRSA, crypto.SHA256: x509.SHA256WithRSA, crypto.SHA384: x509.SHA384WithRSA, crypto.SHA512: x509.SHA512WithRSA}[attrHash]
	case *ecdsa.PublicKey:
		alg = map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA1: x509.ECDSAWithSHA1, crypto.SHA256: x509.ECDSAWithSHA256, crypto.SHA384: x509.ECDSAWithSHA384, crypto.SHA512: x509.ECDSAWithSHA512}[attrHash]
	}
	if alg == x509.UnknownSignatureAlgorithm {
		return "the signer's key type is not supported"
	}
	if err := signer.CheckSignature(alg, signed, sig); err != nil {
		if errors.Is(err, x509.InsecureAlgorithmError(alg)) {
			return "a SHA-1 signature, which is not checked"
		}
		return "the signature does not verify with the signer's certificate"
	}
	return ""
}

// commonName reads the CN of a DER Name.
func commonName(name []byte) string {
	s := cryptobyte.String(name)
	var rdns cryptobyte.String
	if !s.ReadASN1(&rdns, cbasn1.SEQUENCE) {
		return ""
	}
	for !rdns.Empty() {
		var set cryptobyte.String
		if !rdns.ReadASN1(&set, cbasn1.SET) {
			return ""
		}
		for !set.Empty() {
			var atv cryptobyte.String
			var oid asn1.ObjectIdentifier
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&oid) {
				return ""
			}
			var v cryptobyte.String
			var tag cbasn1.Tag
			if !atv.ReadAnyASN1(&v, &tag) {
				return ""
			}
			if oid.Equal(oidCommonName) {
				return string(v)
			}
		}
	}
	return ""
}
