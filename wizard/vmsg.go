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

func english() bool { return CurrentLang() == English }

// controlMsg is what is wrong with one line of text that holds a control
// character (sequence.FindControl): which one and where, never the text.
func controlMsg(s string) string { return controlMsgIn(s, false) }

// controlMsgIn is controlMsg for one line or, multiline, for text that
// may hold line breaks and tabs (as the sequence's description).
func controlMsgIn(s string, multiline bool) string {
	r, _, i, ok := sequence.FindControl(s, multiline)
	switch {
	case !ok:
		return ""
	case multiline:
		return Msgf("err.control-lines", fmt.Sprintf("U+%04X", r), i)
	}
	return Msgf("err.control", fmt.Sprintf("U+%04X", r), i)
}

// The checks below return nil when the value is fine, else what is
// wrong with it in the language of the moment (the fields' validators
// return them as they are).

// capturePathErr is what is wrong with a capture destination.
func capturePathErr(p string) error {
	m := sequence.ValidateCapturePath(p)
	switch {
	case m == "":
		return nil
	case english():
		return errors.New(m)
	case p == "":
		return fail("err.capture-required")
	case utf8.RuneCountInString(p) > sequence.MaxCapturePath:
		return failf("err.capture-long", sequence.MaxCapturePath, utf8.RuneCountInString(p))
	case !strings.HasSuffix(strings.ToLower(p), ".wim"):
		return fail("err.capture-wim")
	case strings.HasPrefix(p, `\\`):
		return fail("err.capture-unc")
	}
	return fail("err.capture-where")
}

// timeZoneErr is what is wrong with a Windows time zone ID.
func timeZoneErr(tz string) error {
	if sequence.CheckTimeZone(tz).IsZero() {
		return nil
	}
	if m := sequence.MatchTimeZones(tz); len(m) > 0 {
		return failf("err.tz-mean", tz, m[0])
	}
	return fail("err.tz")
}

// accountErr says the account as it was typed, not quoted as Go does.
func accountErr(a string) error {
	if sequence.ValidateAccount(a) == "" {
		return nil
	}
	return failf("err.account", a)
}

func productKeyErr(k string) error {
	m := sequence.ValidateProductKey(k)
	switch {
	case m == "":
		return nil
	case english():
		return errors.New(m)
	}
	return fail("err.product-key")
}

func domainOUErr(ou string) error {
	m := sequence.ValidateDomainOU(ou)
	switch {
	case m == "":
		return nil
	case english():
		return errors.New(m)
	case len(ou) > sequence.MaxDomainOU:
		return failf("err.ou-long", sequence.MaxDomainOU)
	}
	return fail("err.ou")
}

// secretRefErr is what is wrong with a secret reference (env:NAME,
// prompt, enc:, plain:).
func secretRefErr(s string) error {
	_, err := secret.Parse(s)
	switch {
	case err == nil:
		return nil
	case english():
		return err
	case strings.HasPrefix(s, "env:"):
		return failf("err.env-name", s)
	case strings.HasPrefix(s, "enc:"):
		return fail("err.enc")
	}
	return fail("err.secret")
}
