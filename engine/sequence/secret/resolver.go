package secret

import (
	"errors"
	"sync"
)

// PassphraseEnv is the environment variable that holds the passphrase for
// encrypted secrets (otherwise it is asked for).
const PassphraseEnv = "REFIMAGE_PASSPHRASE"

// ErrNoPrompt is returned when a secret must be asked for but there is no
// way to ask (no terminal).
var ErrNoPrompt = errors.New("this secret must be typed in, but there is no terminal to ask on")

// StdResolver resolves secrets from the environment and, when it has one,
// a prompt function. The passphrase comes from REFIMAGE_PASSPHRASE or is
// asked for once and remembered.
type StdResolver struct {
	Lookup func(name string) (string, bool) // os.LookupEnv
	// Ask asks for a secret without echo; nil means there is no terminal.
	Ask func(label string) (string, error)

	once sync.Once
	pass string
	err  error
}

// Getenv implements Resolver.
func (r *StdResolver) Getenv(name string) (string, bool) {
	if r.Lookup == nil {
		return "", false
	}
	return r.Lookup(name)
}

// Prompt implements Resolver.
func (r *StdResolver) Prompt(field string) (string, error) {
	if r.Ask == nil {
		return "", ErrNoPrompt
	}
	return r.Ask(field)
}

// Passphrase implements Resolver.
func (r *StdResolver) Passphrase() (string, error) {
	r.once.Do(func() {
		if p, ok := r.Getenv(PassphraseEnv); ok && p != "" {
			r.pass = p
			return
		}
		if r.Ask == nil {
			r.err = errors.New("the sequence holds encrypted secrets: set " + PassphraseEnv + " or run on a terminal to type the passphrase")
			return
		}
		r.pass, r.err = r.Ask("Passphrase for the sequence's secrets")
		if r.err == nil && r.pass == "" {
			r.err = errors.New("an empty passphrase cannot unlock the secrets")
		}
	})
	return r.pass, r.err
}
