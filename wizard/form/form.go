// Package form is the core both wizards are built on: fields of a few
// kinds bound to a state, pages of fields, when a field shows, what is
// wrong with it (validators return errors; warnings do not block), and
// the way through the pages (next, back, straight to a page once the
// pages before it are valid, the first page with a problem).
//
// A form is generic over its state S (the wizard the fields read and
// write) and its page IDs P. It draws nothing: package tui shows any
// form, and the accessible line prompts ask its fields in order.
// Texts come from a catalog under the field's ID: ID+".label",
// ID+".help", ID+"."+value for a choice; a page's under
// "page."+Key+".title", ".nav" and ".help"; each in the language of the
// state they are shown for (there is no language of the process).
package form

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Kind is how a field is edited.
type Kind int

// Field kinds.
const (
	KindText   Kind = iota // one line of text
	KindSecret             // a password or product key: masked
	KindNumber             // digits only
	KindChoice             // one of Options (radio buttons)
	KindBool               // a check box; Get/Set use "true" and "false"
	KindIndex              // a list of Options when there are some, else a number typed
	KindApps               // an ordered list of entries edited by fields of their own
	KindNote               // read-only text (Get returns it)
	KindList               // lines of text, one entry a line (Get/Set join them with \n)
)

// IsText reports whether the kind is typed on one line (an index without
// options included).
func (k Kind) IsText() bool {
	return k == KindText || k == KindSecret || k == KindNumber || k == KindIndex
}

// Option is one choice of a choice field.
type Option struct {
	Value string
	Label string
}

// texts is how a form's pages and fields find their messages: the
// catalog, in the language of the state they are shown for.
type texts[S any] struct {
	cat  Catalog
	lang func(S) Lang
}

func (t *texts[S]) msg(s S, id string) string {
	if t == nil {
		return id
	}
	return t.cat.Msg(t.lang(s), id)
}

func (t *texts[S]) has(s S, id string) bool { return t != nil && t.cat.Has(t.lang(s), id) }

func (t *texts[S]) msgf(s S, id string, args ...any) string {
	return fmt.Sprintf(t.msg(s, id), args...)
}

// Problem is an error whose text the catalog gives in its language when
// it is shown (ErrInvalid, "first page" and the like).
type Problem struct {
	cat  Catalog
	lang Lang
	id   string
	args []any
}

func (p *Problem) Error() string { return p.cat.Msgf(p.lang, p.id, p.args...) }

// Is makes errors.Is match the same message ID.
func (p *Problem) Is(target error) bool {
	t, ok := target.(*Problem)
	return ok && t.id == p.id
}

// Lower starts a label in lower case for the middle of a sentence,
// unless it starts with an abbreviation (ISO file) or is not in a cased
// script.
func Lower(s string) string {
	r1, n := utf8.DecodeRuneInString(s)
	r2, _ := utf8.DecodeRuneInString(s[n:])
	if !unicode.IsUpper(r1) || !unicode.IsLower(r2) {
		return s
	}
	return string(unicode.ToLower(r1)) + s[n:]
}
