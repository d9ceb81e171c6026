package mediawiz

import (
	"strings"

	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/wizard"
)

// Security: the media password and the sequence's secrets.
func init() {
	protect := boolField("security", "protect", func(a *Answers) *bool { return &a.Protect })
	protect.Rule(func(w *Wizard) error {
		if w.A.Protect {
			return nil
		}
		var where []string
		for _, s := range w.secrets() {
			if s.v.Kind() != secret.Prompt && !contains(where, s.where) {
				where = append(where, s.where)
			}
		}
		if len(where) > 0 {
			return w.Failf("err.nopass-secrets", strings.Join(where, ", "))
		}
		return nil
	})
	protected := func(w *Wizard) bool { return w.A.Protect }
	password := strField("security", "password", wizard.KindSecret, func(a *Answers) *string { return &a.Password }).When(protected).NotEmpty()
	password.Rule(func(w *Wizard) error {
		name, ok := strings.CutPrefix(w.A.Password, "env:")
		if !ok {
			return nil
		}
		if _, err := secret.Parse(w.A.Password); err != nil || name == "" {
			return w.Fail("err.password-envname")
		}
		if v, ok := w.env.LookupEnv(name); !ok || v == "" {
			return w.Failf("err.password-env", name)
		}
		return nil
	})
	confirm := strField("security", "confirm", wizard.KindSecret, func(a *Answers) *string { return &a.Confirm }).When(func(w *Wizard) bool {
		return w.A.Protect && !strings.HasPrefix(w.A.Password, "env:")
	})
	confirm.Required = true
	confirm.Rule(func(w *Wizard) error {
		switch {
		case w.A.Password == "":
			return nil
		case w.A.Confirm == "":
			return w.Fail("err.confirm-empty")
		case w.A.Confirm != w.A.Password:
			return w.Fail("err.confirm")
		}
		return nil
	})
	secrets := note("security", "secrets", func(w *Wizard) string {
		all, prompts := 0, 0
		for _, s := range w.secrets() {
			all++
			if s.v.Kind() == secret.Prompt {
				prompts++
			}
		}
		switch {
		case all == 0:
			return w.Msg("security.secrets.none")
		case all == prompts:
			return w.Msgf("security.secrets.prompt", all)
		}
		return w.Msgf("security.secrets.some", all)
	})
	// The sequence's env: secrets are read now, to be encrypted.
	secrets.Rule(func(w *Wizard) error {
		if !w.A.Protect {
			return nil
		}
		for _, s := range w.secrets() {
			if s.v.Kind() == secret.Env {
				if _, ok := w.env.LookupEnv(s.v.EnvName()); !ok {
					return w.Failf("err.seq-env", s.where, s.v.EnvName())
				}
			}
		}
		return nil
	})
	passphrase := strField("security", "passphrase", wizard.KindSecret, func(a *Answers) *string { return &a.Passphrase }).When(func(w *Wizard) bool {
		if !w.needsPassphrase() {
			return false
		}
		v, _ := w.env.LookupEnv(secret.PassphraseEnv)
		return v == "" || w.A.Passphrase != ""
	})
	passphrase.Required = true
	passphrase.Rule(func(w *Wizard) error {
		p := w.SequencePassphrase()
		switch {
		case p == "":
			return w.Fail("err.passphrase")
		case p == w.passWrong:
			return w.Fail("err.passphrase-wrong")
		}
		return nil
	})
	register(&Page{ID: PageSecurity, Key: "security", Fields: []*Field{
		protect, password, confirm, passphrase, secrets,
		note("security", "nopass", func(w *Wizard) string { return w.Msg("security.nopass.text") }),
	}})
}
