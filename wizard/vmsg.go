package wizard

import (
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

func capturePathMsg(p string) string {
	m := sequence.ValidateCapturePath(p)
	if m == "" || english() {
		return m
	}
	switch {
	case p == "":
		return Msg("err.capture-required")
	case utf8.RuneCountInString(p) > sequence.MaxCapturePath:
		return Msgf("err.capture-long", sequence.MaxCapturePath, utf8.RuneCountInString(p))
	case !strings.HasSuffix(strings.ToLower(p), ".wim"):
		return Msg("err.capture-wim")
	case strings.HasPrefix(p, `\\`):
		return Msg("err.capture-unc")
	}
	return Msg("err.capture-where")
}

// accountMsg says the account as it was typed, not quoted as Go does.
// timeZoneMsg is what is wrong with a Windows time zone ID.
func timeZoneMsg(tz string) string {
	if sequence.CheckTimeZone(tz).IsZero() {
		return ""
	}
	if m := sequence.MatchTimeZones(tz); len(m) > 0 {
		return Msgf("err.tz-mean", tz, m[0])
	}
	return Msg("err.tz")
}

func accountMsg(a string) string {
	if sequence.ValidateAccount(a) == "" {
		return ""
	}
	return Msgf("err.account", a)
}

func productKeyMsg(k string) string {
	m := sequence.ValidateProductKey(k)
	if m == "" || english() {
		return m
	}
	return Msg("err.product-key")
}

func domainOUMsg(ou string) string {
	m := sequence.ValidateDomainOU(ou)
	if m == "" || english() {
		return m
	}
	if len(ou) > sequence.MaxDomainOU {
		return Msgf("err.ou-long", sequence.MaxDomainOU)
	}
	return Msg("err.ou")
}

// secretRefMsg is what is wrong with a secret reference (env:NAME,
// prompt, enc:, plain:).
func secretRefMsg(s string) string {
	_, err := secret.Parse(s)
	if err == nil {
		return ""
	}
	if english() {
		return err.Error()
	}
	if strings.HasPrefix(s, "env:") {
		return Msgf("err.env-name", s)
	}
	if strings.HasPrefix(s, "enc:") {
		return Msg("err.enc")
	}
	return Msg("err.secret")
}
