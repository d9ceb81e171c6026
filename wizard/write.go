package wizard

import (
	"errors"
	"fmt"
	"os"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// WriteOptions say how to write the sequence.
type WriteOptions struct {
	// Passphrase encrypts secrets typed in clear (enc:v1). Required when
	// there are any, unless AllowPlaintext.
	Passphrase string
	// AllowPlaintext writes clear secrets as plain:VALUE.
	AllowPlaintext bool
	// Overwrite replaces an existing file.
	Overwrite bool
}

// ErrExists is returned when the output file exists and Overwrite is off.
var ErrExists = errors.New("exists")

type secretHolder interface{ Secrets() []*secret.Value }

// Seal encrypts every clear secret of the sequence with the passphrase.
func Seal(seq *sequence.Sequence, passphrase string) error {
	var err error
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		h, ok := it.Props.(secretHolder)
		if !ok || err != nil {
			return err == nil
		}
		for _, v := range h.Secrets() {
			if v.Kind() != secret.Clear {
				continue
			}
			sealed, e := v.Seal(passphrase)
			if e != nil {
				err = e
				return false
			}
			*v = sealed
		}
		return true
	})
	return err
}

// HasClear reports whether the sequence holds clear secrets.
func HasClear(seq *sequence.Sequence) bool {
	found := false
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		if h, ok := it.Props.(secretHolder); ok {
			for _, v := range h.Secrets() {
				found = found || v.Kind() == secret.Clear
			}
		}
		return !found
	})
	return found
}

// Write builds the sequence, checks it with sequence.Validate, protects
// its secrets and writes it to path atomically. It returns the warnings
// of the validation.
func Write(w *Wizard, path string, opt WriteOptions) (sequence.Problems, error) {
	seq, err := w.Sequence()
	if err != nil {
		return nil, err
	}
	if HasClear(seq) && !opt.AllowPlaintext {
		if opt.Passphrase == "" {
			return nil, errors.New(w.Msg("err.passphrase"))
		}
		if err := Seal(seq, opt.Passphrase); err != nil {
			return nil, err
		}
	}
	probs := sequence.Validate(seq)
	if errs := probs.Errors(); len(errs) > 0 {
		return probs, fmt.Errorf("%s", errs.Error())
	}
	data, err := sequence.Marshal(seq, sequence.SaveOptions{AllowPlaintext: opt.AllowPlaintext})
	if err != nil {
		return probs, err
	}
	if !opt.Overwrite {
		if _, err := os.Lstat(path); err == nil {
			return probs, fmt.Errorf("%s: %w", path, ErrExists)
		}
	}
	if err := sequence.WriteFileAtomic(path, data, 0o644); err != nil {
		return probs, err
	}
	w.Written = path
	return probs.Warnings(), nil
}
