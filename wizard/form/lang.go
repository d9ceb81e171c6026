package form

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Lang is a language of the messages. There is no language of the
// process: each wizard (and each screen showing one) has its own.
type Lang string

// The languages.
const (
	English Lang = "en"
	Korean  Lang = "ko"
)

// Catalog is a form's messages: for each language, the message of each
// ID. A lookup falls back to English, and an ID "PAGE.REST" to the
// shared "_.REST"; an ID it does not have comes back as it is, so a gap
// shows instead of an empty label.
type Catalog map[Lang]map[string]string

// Msg returns the message with the ID in a language.
func (c Catalog) Msg(l Lang, id string) string {
	if s, ok := lookup(c[l], id); ok {
		return s
	}
	if s, ok := lookup(c[English], id); ok {
		return s
	}
	return id
}

func lookup(cat map[string]string, id string) (string, bool) {
	if s, ok := cat[id]; ok {
		return s, true
	}
	if _, rest, ok := strings.Cut(id, "."); ok {
		if s, ok := cat["_."+rest]; ok {
			return s, true
		}
	}
	return "", false
}

// Msgf formats the message with the ID in a language.
func (c Catalog) Msgf(l Lang, id string, args ...any) string {
	return fmt.Sprintf(c.Msg(l, id), args...)
}

// Has reports whether the catalog has the ID (directly or shared).
func (c Catalog) Has(l Lang, id string) bool { return c.Msg(l, id) != id }

// Keys returns the keys of a language's catalog, sorted.
func (c Catalog) Keys(l Lang) []string {
	out := make([]string, 0, len(c[l]))
	for k := range c[l] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Texts is a wizard's language and catalog: a wizard embeds it, so that
// w.Lang is its language and w.Msg, w.Msgf, w.Fail and w.Failf speak it.
type Texts struct {
	Lang Lang
	cat  Catalog
}

// NewTexts returns the texts of a catalog in a language (English when
// the catalog does not have it).
func NewTexts(cat Catalog, l Lang) Texts {
	if _, ok := cat[l]; !ok {
		l = English
	}
	return Texts{Lang: l, cat: cat}
}

// Msg returns the message with the ID.
func (t Texts) Msg(id string) string { return t.cat.Msg(t.Lang, id) }

// Msgf formats the message with the ID.
func (t Texts) Msgf(id string, args ...any) string { return t.cat.Msgf(t.Lang, id, args...) }

// HasMsg reports whether the catalog has the ID.
func (t Texts) HasMsg(id string) bool { return t.cat.Has(t.Lang, id) }

// Fail is the message as a validation error.
func (t Texts) Fail(id string) error { return errors.New(t.Msg(id)) }

// Failf is the message formatted, as a validation error.
func (t Texts) Failf(id string, args ...any) error { return errors.New(t.Msgf(id, args...)) }

// Err turns a message of the checks that say what is wrong in words (""
// when fine) into an error.
func Err(msg string) error {
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}
