package wizard

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// The wizard checks some values with engine/sequence's validators, whose
// messages are English. In English they are shown as they are; in another
// language the wizard says the same thing from its catalog (the check
// itself is always the engine's).

// controlMsg is what is wrong with one line of text that holds a control
// character (sequence.FindControl): which one and where, never the text.
func (w *Wizard) controlMsg(s string) string { return w.controlMsgIn(s, false) }

// controlMsgIn is controlMsg for one line or, multiline, for text that
// may hold line breaks and tabs (as the sequence's description).
func (w *Wizard) controlMsgIn(s string, multiline bool) string {
	r, _, i, ok := sequence.FindControl(s, multiline)
	switch {
	case !ok:
		return ""
	case multiline:
		return w.Msgf("err.control-lines", fmt.Sprintf("U+%04X", r), i)
	}
	return w.Msgf("err.control", fmt.Sprintf("U+%04X", r), i)
}

// The checks below return nil when the value is fine, else what is
// wrong with it in the wizard's language (the fields' validators
// return them as they are).

// capturePathErr is what is wrong with a capture destination.
func (w *Wizard) capturePathErr(p string) error {
	m := sequence.ValidateCapturePath(p)
	switch {
	case m == "":
		return nil
	case w.Lang == English:
		return errors.New(m)
	case p == "":
		return w.Fail("err.capture-required")
	case utf8.RuneCountInString(p) > sequence.MaxCapturePath:
		return w.Failf("err.capture-long", sequence.MaxCapturePath, utf8.RuneCountInString(p))
	case !strings.HasSuffix(strings.ToLower(p), ".wim"):
		return w.Fail("err.capture-wim")
	case strings.HasPrefix(p, `\\`):
		return w.Fail("err.capture-unc")
	}
	return w.Fail("err.capture-where")
}

// timeZoneErr is what is wrong with a Windows time zone ID.
func (w *Wizard) timeZoneErr(tz string) error {
	if sequence.CheckTimeZone(tz).IsZero() {
		return nil
	}
	if m := sequence.MatchTimeZones(tz); len(m) > 0 {
		return w.Failf("err.tz-mean", tz, m[0])
	}
	return w.Fail("err.tz")
}

// accountErr says the account as it was typed, not quoted as Go does.
func (w *Wizard) accountErr(a string) error {
	if sequence.ValidateAccount(a) == "" {
		return nil
	}
	return w.Failf("err.account", a)
}

func (w *Wizard) productKeyErr(k string) error {
	m := sequence.ValidateProductKey(k)
	switch {
	case m == "":
		return nil
	case w.Lang == English:
		return errors.New(m)
	}
	return w.Fail("err.product-key")
}

func (w *Wizard) domainOUErr(ou string) error {
	m := sequence.ValidateDomainOU(ou)
	switch {
	case m == "":
		return nil
	case w.Lang == English:
		return errors.New(m)
	case len(ou) > sequence.MaxDomainOU:
		return w.Failf("err.ou-long", sequence.MaxDomainOU)
	}
	return w.Fail("err.ou")
}

// secretRefErr is what is wrong with a secret reference (env:NAME,
// prompt, enc:, plain:).
func (w *Wizard) secretRefErr(s string) error {
	_, err := secret.Parse(s)
	switch {
	case err == nil:
		return nil
	case w.Lang == English:
		return err
	case strings.HasPrefix(s, "env:"):
		return w.Failf("err.env-name", s)
	case strings.HasPrefix(s, "enc:"):
		return w.Fail("err.enc")
	}
	return w.Fail("err.secret")
}
