// Package secret holds the secret values of a task sequence: passwords
// (administrator, domain join, capture account, media) and product keys.
//
// A secret is stored in a sequence file as one of:
//
//	env:NAME        read from the environment variable NAME when needed
//	prompt          asked for when needed
//	enc:v1:DATA     AES-256-GCM, key derived from a passphrase with Argon2id
//	plain:VALUE     clear text; only with an explicit opt-in, with a warning
//
// A Value never prints its clear text: String, Format (every verb),
// GoString, MarshalJSON and MarshalText all give a masked form. The clear
// value is only reachable through Reveal, and the file form through Stored.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/refimage/refimage/internal/lazyre"
	"golang.org/x/crypto/argon2"
)

// Kind says how a secret is held.
type Kind int

const (
	None      Kind = iota // no value
	Env                   // a reference to an environment variable
	Prompt                // asked for at run time
	Encrypted             // encrypted with a passphrase-derived key
	Clear                 // clear text in memory (typed into the wizard, or plain: in a file)
)

// Value is a secret. The zero Value is None.
type Value struct {
	kind       Kind
	ref        string // env name, or encrypted payload (enc:v1:…)
	clear      string // clear text, for Clear
	optedIn    bool   // Clear that came from a plain: in a file
	productKey bool   // masks as a product key: only the last group shows
}

// Masked is what a clear or encrypted secret prints as.
const Masked = "********"

var envName = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ErrPlaintext is returned by Stored for a clear value when plaintext was
// not allowed.
var ErrPlaintext = errors.New("a secret would be written in clear text; use env:NAME, prompt, or a passphrase to encrypt it (plaintext needs an explicit opt-in)")

// Parse reads the file form of a secret.
func Parse(s string) (Value, error) {
	switch {
	case s == "":
		return Value{}, nil
	case s == "prompt":
		return Value{kind: Prompt}, nil
	case strings.HasPrefix(s, "env:"):
		name := s[len("env:"):]
		if !envName.MatchString(name) {
			return Value{}, fmt.Errorf("env:%s: an environment variable name has letters, digits and _ and does not start with a digit", name)
		}
		return Value{kind: Env, ref: name}, nil
	case strings.HasPrefix(s, "enc:"):
		if _, err := decodePayload(s); err != nil {
			return Value{}, err
		}
		return Value{kind: Encrypted, ref: s}, nil
	case strings.HasPrefix(s, "plain:"):
		return Value{kind: Clear, clear: s[len("plain:"):], optedIn: true}, nil
	}
	return Value{}, errors.New("a secret is env:NAME, prompt, enc:v1:… (encrypted), or plain:VALUE (clear text, not recommended)")
}

// New returns a secret holding clear text typed by the user. It is written
// to a file only encrypted (Seal) or as plaintext with an explicit opt-in.
func New(clear string) Value {
	if clear == "" {
		return Value{}
	}
	return Value{kind: Clear, clear: clear}
}

// EnvRef returns a reference to the environment variable name.
func EnvRef(name string) Value { return Value{kind: Env, ref: name} }

// PromptRef returns a secret that is asked for at run time.
func PromptRef() Value { return Value{kind: Prompt} }

// AsProductKey marks the value as a product key: its masked form shows the
// last group of five, as Configuration Manager does.
func (v Value) AsProductKey() Value { v.productKey = true; return v }

// Kind reports how the secret is held.
func (v Value) Kind() Kind { return v.kind }

// IsSet reports whether there is any value.
func (v Value) IsSet() bool { return v.kind != None }

// IsPlaintext reports whether the value came from a plain: entry in a file.
func (v Value) IsPlaintext() bool { return v.kind == Clear && v.optedIn }

// EnvName is the variable name of an env: reference.
func (v Value) EnvName() string {
	if v.kind == Env {
		return v.ref
	}
	return ""
}

// Equal reports whether two values are the same secret.
func (v Value) Equal(o Value) bool {
	return v.kind == o.kind && v.ref == o.ref && v.clear == o.clear
}

// String is the masked form, safe for logs, plans and summaries.
func (v Value) String() string {
	switch v.kind {
	case None:
		return ""
	case Env:
		return "env:" + v.ref
	case Prompt:
		return "prompt"
	case Encrypted:
		return "(encrypted)"
	}
	if v.productKey {
		return MaskProductKey(v.clear)
	}
	return Masked
}

// Format prints the masked form for every verb (%v, %+v, %#v, %s, %q, %x…).
func (v Value) Format(f fmt.State, verb rune) {
	s := v.String()
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	fmt.Fprint(f, s)
}

// GoString is the masked form too.
func (v Value) GoString() string { return "secret.Value(" + v.String() + ")" }

// MarshalJSON writes the masked form.
func (v Value) MarshalJSON() ([]byte, error) { return json.Marshal(v.String()) }

// MarshalText writes the masked form (so TOML, YAML and the like never get
// the clear value through reflection). Use Stored to write a file.
func (v Value) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Stored is the file form. A clear value is refused unless allowPlain, in
// which case it is written as plain:VALUE.
func (v Value) Stored(allowPlain bool) (string, error) {
	switch v.kind {
	case None:
		return "", nil
	case Env:
		return "env:" + v.ref, nil
	case Prompt:
		return "prompt", nil
	case Encrypted:
		return v.ref, nil
	}
	if !allowPlain {
		return "", ErrPlaintext
	}
	return "plain:" + v.clear, nil
}

// Resolver supplies what Reveal needs.
type Resolver interface {
	Getenv(name string) (string, bool)
	// Prompt asks the user for the secret named by field.
	Prompt(field string) (string, error)
	// Passphrase returns the passphrase that decrypts enc: values.
	Passphrase() (string, error)
}

// Reveal returns the clear value. field names the secret in messages.
func (v Value) Reveal(field string, r Resolver) (string, error) {
	switch v.kind {
	case None:
		return "", nil
	case Clear:
		return v.clear, nil
	case Env:
		s, ok := r.Getenv(v.ref)
		if !ok {
			return "", fmt.Errorf("%s: the environment variable %s is not set", field, v.ref)
		}
		return s, nil
	case Prompt:
		return r.Prompt(field)
	case Encrypted:
		pass, err := r.Passphrase()
		if err != nil {
			return "", fmt.Errorf("%s: %w", field, err)
		}
		s, err := decrypt(v.ref, pass)
		if err != nil {
			return "", fmt.Errorf("%s: %w", field, err)
		}
		return s, nil
	}
	return "", fmt.Errorf("%s: unknown secret kind", field)
}

// Seal encrypts a clear value with the passphrase; other kinds are
// returned unchanged.
func (v Value) Seal(passphrase string) (Value, error) {
	if v.kind != Clear {
		return v, nil
	}
	enc, err := Encrypt(v.clear, passphrase)
	if err != nil {
		return Value{}, err
	}
	enc.productKey = v.productKey
	return enc, nil
}

// Key derivation parameters of enc:v1 (Argon2id, RFC 9106 second
// recommended option scaled for WinPE's little memory).
const (
	kdfTime    = 3
	kdfMemory  = 64 * 1024 // KiB
	kdfThreads = 2
	saltLen    = 16
	prefixV1   = "enc:v1:"
)

// Encrypt seals clear text with AES-256-GCM under a key derived from the
// passphrase with Argon2id and a random salt.
func Encrypt(clear, passphrase string) (Value, error) {
	if passphrase == "" {
		return Value{}, errors.New("an empty passphrase cannot protect a secret")
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return Value{}, err
	}
	gcm, err := newGCM(passphrase, salt)
	if err != nil {
		return Value{}, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return Value{}, err
	}
	raw := append(append(salt, nonce...), gcm.Seal(nil, nonce, []byte(clear), []byte(prefixV1))...)
	return Value{kind: Encrypted, ref: prefixV1 + base64.RawURLEncoding.EncodeToString(raw)}, nil
}

func newGCM(passphrase string, salt []byte) (cipher.AEAD, error) {
	key := argon2.IDKey([]byte(passphrase), salt, kdfTime, kdfMemory, kdfThreads, 32)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func decodePayload(s string) ([]byte, error) {
	if !strings.HasPrefix(s, prefixV1) {
		return nil, errors.New("an encrypted secret starts with enc:v1: (unknown version)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(s[len(prefixV1):])
	if err != nil {
		return nil, errors.New("the encrypted secret is damaged (not base64url)")
	}
	if len(raw) < saltLen+12+16 {
		return nil, errors.New("the encrypted secret is damaged (too short)")
	}
	return raw, nil
}

func decrypt(s, passphrase string) (string, error) {
	raw, err := decodePayload(s)
	if err != nil {
		return "", err
	}
	salt, rest := raw[:saltLen], raw[saltLen:]
	gcm, err := newGCM(passphrase, salt)
	if err != nil {
		return "", err
	}
	nonce, ct := rest[:gcm.NonceSize()], rest[gcm.NonceSize():]
	pt, err := gcm.Open(nil, nonce, ct, []byte(prefixV1))
	if err != nil {
		return "", errors.New("wrong passphrase, or the encrypted secret was changed")
	}
	return string(pt), nil
}

// MaskProductKey shows only the last group of a product key:
// "*****-*****-*****-*****-KCRTK". Anything else is fully masked.
func MaskProductKey(k string) string {
	if i := strings.LastIndexByte(k, '-'); i >= 0 && len(k)-i-1 == 5 {
		return "*****-*****-*****-*****-" + k[i+1:]
	}
	return Masked
}
