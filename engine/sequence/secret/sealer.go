package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Sealer encrypts values for a state file with one key derived once
// (Argon2id, the parameters of enc:v1) from key material the process can
// reproduce after a restart but that is never written: the engine uses
// the sequence's own secrets, which it reveals again on every start.
// Sealed values are "seal:v1:" + base64url(nonce ‖ AES-256-GCM).
type Sealer struct {
	gcm cipher.AEAD
}

const prefixSeal = "seal:v1:"

// NewSealer derives the key from the material (order matters) and the
// salt. It returns nil when there is no material: nothing can be sealed.
func NewSealer(material []string, salt []byte) (*Sealer, error) {
	if len(material) == 0 {
		return nil, nil
	}
	h := sha256.New()
	for _, m := range material {
		// Length-prefixed, so ("ab","c") and ("a","bc") differ.
		var n [8]byte
		for i, l := 0, uint64(len(m)); i < 8; i++ {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write([]byte(m))
	}
	key := argon2.IDKey(h.Sum(nil), salt, kdfTime, kdfMemory, kdfThreads, 32)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{gcm: gcm}, nil
}

// Seal encrypts a value; label binds it to its use (a variable's name).
func (s *Sealer) Seal(label, clear string) (string, error) {
	nonce := make([]byte, s.gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.gcm.Seal(nonce, nonce, []byte(clear), []byte(prefixSeal+strings.ToLower(label)))
	return prefixSeal + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal wrote under the same label.
func (s *Sealer) Open(label, sealed string) (string, error) {
	if !strings.HasPrefix(sealed, prefixSeal) {
		return "", errors.New("not a sealed value")
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed[len(prefixSeal):])
	if err != nil || len(raw) < s.gcm.NonceSize()+s.gcm.Overhead() {
		return "", errors.New("the sealed value is damaged")
	}
	n := s.gcm.NonceSize()
	pt, err := s.gcm.Open(nil, raw[:n], raw[n:], []byte(prefixSeal+strings.ToLower(label)))
	if err != nil {
		return "", errors.New("the sealed value does not open with this run's secrets")
	}
	return string(pt), nil
}
