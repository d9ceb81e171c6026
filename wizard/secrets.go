package wizard

import (
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// A secret field holds what was typed: clear text, or a reference that is
// stored as is (env:NAME, prompt, enc:v1:…, plain:VALUE).

// IsSecretRef reports whether a secret field's text is a reference rather
// than clear text.
func IsSecretRef(s string) bool {
	return s == "prompt" || strings.HasPrefix(s, "env:") || strings.HasPrefix(s, "enc:") || strings.HasPrefix(s, "plain:")
}

// secretValue turns a secret field's text into a secret.
func secretValue(s string) (secret.Value, error) {
	if IsSecretRef(s) {
		return secret.Parse(s)
	}
	return secret.New(s), nil
}

// checkSecretRef returns what is wrong with a reference (nil: it is
// fine, or not a reference).
func (w *Wizard) checkSecretRef(s string) error {
	if !IsSecretRef(s) {
		return nil
	}
	return w.secretRefErr(s)
}

// MaskSecret is how a secret field's text is shown: references as they
// are (they hold no secret), clear text as stars, product keys with only
// their last group.
func (w *Wizard) MaskSecret(s string, productKey bool) string {
	switch {
	case s == "":
		return ""
	case s == "prompt", strings.HasPrefix(s, "env:"):
		return s
	case strings.HasPrefix(s, "enc:"):
		return w.Msg("secret.encrypted")
	case productKey:
		k := strings.TrimPrefix(s, "plain:")
		if sequence.ValidateProductKey(k) != "" {
			// Not a whole key: mask what was typed, as typed, so that
			// it does not look complete.
			return strings.Map(func(r rune) rune {
				if r == '-' {
					return r
				}
				return '*'
			}, k)
		}
		return secret.MaskProductKey(k)
	}
	return strings.Repeat("*", min(length(s), 12))
}

// needsConfirm reports whether a typed password needs its confirmation.
func needsConfirm(s string) bool { return s != "" && !IsSecretRef(s) }

// passwordFields returns a password field and its confirmation.
func passwordFields(pg, key string, p, confirm func(a *Answers) *string, visible func(w *Wizard) bool, required func(w *Wizard) bool) (*Field, *Field) {
	pw := strField(pg, key, KindSecret, p).WithMax(255).When(visible)
	pw.Rule(func(w *Wizard) error {
		v := *p(&w.A)
		if v == "" {
			if required(w) {
				return w.Fail(pw.ID + ".required")
			}
			return nil
		}
		if err := w.checkSecretRef(v); err != nil {
			return err
		}
		if length(v) > 255 {
			return w.Failf("err.max", 255, length(v), length(v)-255)
		}
		return nil
	})
	cf := strField(pg, key+"_confirm", KindSecret, confirm).When(func(w *Wizard) bool {
		return visible(w) && needsConfirm(*p(&w.A))
	})
	cf.Rule(func(w *Wizard) error {
		if *confirm(&w.A) != *p(&w.A) {
			if *confirm(&w.A) == "" {
				return w.Fail("err.confirm-empty")
			}
			return w.Fail("err.confirm")
		}
		return nil
	})
	pw.RequiredWhen(required)
	return pw, cf
}
