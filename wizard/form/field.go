package form

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/refimage/refimage/engine/sequence"
)

// Field is one input of a page, bound to the state S by its get and set
// functions. Build one with NewField and the chained setters below; a
// page's Form gives it its catalog.
type Field[S any] struct {
	ID   string // catalog key: page key + "." + Key
	Key  string // key in an answers file
	Kind Kind
	// Max is the limit in characters (0: none); Limit checks it and a
	// text input stops there.
	Max int
	// Required marks the label (RequiredWhen makes it depend on the state).
	Required bool
	// ProductKey: a secret masked as a product key (its last group shown).
	ProductKey bool

	tx         *texts[S]
	editorOnly bool // edits an entry of a list, not an answer of its own
	multiline  bool // the text may hold line breaks and tabs
	screenHelp bool // its help speaks of keys: none in line prompts

	requiredIf func(S) bool
	labelArgs  func(S) []any
	helpArgs   func(S) []any
	options    func(S) []Option
	note       func(S, string) string
	get        func(S) string
	set        func(S, string)
	visible    func(S) bool
	validate   func(S) error
	warn       func(S) error
}

// NewField returns a field of a kind; ID is page + "." + key.
func NewField[S any](page, key string, kind Kind) *Field[S] {
	return &Field[S]{ID: page + "." + key, Key: key, Kind: kind}
}

// Bind sets how the field reads and writes the state.
func (f *Field[S]) Bind(get func(S) string, set func(S, string)) *Field[S] {
	f.get, f.set = get, set
	return f
}

// WithMax sets the limit in characters.
func (f *Field[S]) WithMax(n int) *Field[S] { f.Max = n; return f }

// Req marks the field required (the label shows it; Limit and NotEmpty
// check it).
func (f *Field[S]) Req() *Field[S] { f.Required = true; return f }

// RequiredWhen makes Required depend on the state.
func (f *Field[S]) RequiredWhen(fn func(S) bool) *Field[S] { f.requiredIf = fn; return f }

// When shows the field only when fn says so (hidden fields are neither
// checked nor asked).
func (f *Field[S]) When(fn func(S) bool) *Field[S] { f.visible = fn; return f }

// Rule adds a check, run after the ones before it (the first problem is
// the one reported).
func (f *Field[S]) Rule(fn func(S) error) *Field[S] {
	prev := f.validate
	f.validate = func(s S) error {
		if prev != nil {
			if err := prev(s); err != nil {
				return err
			}
		}
		return fn(s)
	}
	return f
}

// Warn sets a check whose problem does not block Next.
func (f *Field[S]) Warn(fn func(S) error) *Field[S] { f.warn = fn; return f }

// OptionsFrom sets the options of a choice or index field.
func (f *Field[S]) OptionsFrom(fn func(S) []Option) *Field[S] { f.options = fn; return f }

// OptionNotes sets what is said beside an option that cannot be chosen.
func (f *Field[S]) OptionNotes(fn func(S, string) string) *Field[S] { f.note = fn; return f }

// LabelArgs formats the label with values of the state.
func (f *Field[S]) LabelArgs(fn func(S) []any) *Field[S] { f.labelArgs = fn; return f }

// HelpArgs formats the help with values of the state.
func (f *Field[S]) HelpArgs(fn func(S) []any) *Field[S] { f.helpArgs = fn; return f }

// ForEditor marks a field that edits an entry of a list (an application)
// rather than an answer of its own.
func (f *Field[S]) ForEditor() *Field[S] { f.editorOnly = true; return f }

// MultiLine marks a text field whose value may hold line breaks and tabs
// (a description); every other text and secret field is one line.
func (f *Field[S]) MultiLine() *Field[S] { f.multiline = true; return f }

// IsMultiLine reports whether the text may hold line breaks and tabs.
func (f *Field[S]) IsMultiLine() bool { return f.multiline }

// ScreenHelp marks a help text that only says which keys to press on the
// screen: line prompts leave it out.
func (f *Field[S]) ScreenHelp() *Field[S] { f.screenHelp = true; return f }

// Choices makes the field one of values, each labelled from the catalog
// under ID+"."+value, and checks that the value is one of them.
func (f *Field[S]) Choices(values ...string) *Field[S] {
	// Labels are looked up when shown, in the language of the state.
	f.options = func(s S) []Option {
		list := make([]Option, len(values))
		for i, v := range values {
			list[i] = Option{Value: v, Label: f.tx.msg(s, f.ID+"."+v)}
		}
		return list
	}
	return f.Rule(func(s S) error {
		v := f.Get(s)
		quoted := make([]string, len(values))
		for i, o := range values {
			if o == v {
				return nil
			}
			quoted[i] = `"` + o + `"`
		}
		return errors.New(f.tx.msgf(s, "err.choice", strings.Join(quoted, ", "), v))
	})
}

// NotEmpty marks the field required and checks that it is not blank.
func (f *Field[S]) NotEmpty() *Field[S] {
	f.Required = true
	return f.Rule(func(s S) error {
		if strings.TrimSpace(f.Get(s)) == "" {
			return errors.New(f.tx.msgf(s, "err.required", Lower(f.Label(s))))
		}
		return nil
	})
}

// Limit checks Max and, when the field is Required, that it is not
// blank.
func (f *Field[S]) Limit() *Field[S] {
	return f.Rule(func(s S) error {
		v := f.Get(s)
		if f.Required && strings.TrimSpace(v) == "" {
			return errors.New(f.tx.msgf(s, "err.required", Lower(f.Label(s))))
		}
		if n := utf8.RuneCountInString(v); f.Max > 0 && n > f.Max {
			return errors.New(f.tx.msgf(s, "err.max", f.Max, n, n-f.Max))
		}
		return nil
	})
}

// IsRequired reports whether the field must be filled given the state
// (the label shows a *).
func (f *Field[S]) IsRequired(s S) bool {
	if f.requiredIf != nil {
		return f.requiredIf(s)
	}
	return f.Required
}

// Label is the field's label.
func (f *Field[S]) Label(s S) string {
	if f.labelArgs != nil {
		return f.tx.msgf(s, f.ID+".label", f.labelArgs(s)...)
	}
	return f.tx.msg(s, f.ID+".label")
}

// Help is the field's help text ("" when it has none).
func (f *Field[S]) Help(s S) string {
	if !f.tx.has(s, f.ID+".help") {
		return ""
	}
	if f.helpArgs != nil {
		return f.tx.msgf(s, f.ID+".help", f.helpArgs(s)...)
	}
	return f.tx.msg(s, f.ID+".help")
}

// AccessibleHelp is the help for line prompts: none when it only says
// which keys to press on the screen.
func (f *Field[S]) AccessibleHelp(s S) string {
	if f.screenHelp {
		return ""
	}
	return f.Help(s)
}

// String is the field's ID.
func (f *Field[S]) String() string { return f.ID }

// Options returns a choice field's options (an index field's, when the
// state has some).
func (f *Field[S]) Options(s S) []Option {
	if f.options == nil {
		return nil
	}
	return f.options(s)
}

// OptionNote says why an option cannot be chosen ("" when it can).
func (f *Field[S]) OptionNote(s S, value string) string {
	if f.note == nil {
		return ""
	}
	return f.note(s, value)
}

// Get returns the field's value as text.
func (f *Field[S]) Get(s S) string {
	if f.get == nil {
		return ""
	}
	return f.get(s)
}

// Set stores the field's value. Anything may be stored; Error says what
// is wrong with it.
func (f *Field[S]) Set(s S, v string) {
	if f.set != nil {
		f.set(s, v)
	}
}

// Visible reports whether the field is shown given the state.
func (f *Field[S]) Visible(s S) bool { return f.visible == nil || f.visible(s) }

// Error is what is wrong with the value and how to fix it (nil when it
// is fine or hidden). A control character in a text or secret field (a
// pasted escape sequence; in one line of text also a tab or a line
// break, see sequence.FindControl) is its error before any rule: the
// catalog's "err.control" (or "err.control-lines" for MultiLine) with
// the character (U+001B) and its place, never the text.
func (f *Field[S]) Error(s S) error {
	if !f.Visible(s) {
		return nil
	}
	if f.Kind == KindText || f.Kind == KindSecret {
		if r, _, i, ok := sequence.FindControl(f.Get(s), f.multiline); ok {
			id := "err.control"
			if f.multiline {
				id = "err.control-lines"
			}
			return errors.New(f.tx.msgf(s, id, fmt.Sprintf("U+%04X", r), i))
		}
	}
	if f.validate == nil {
		return nil
	}
	return f.validate(s)
}

// Warning is a problem with the value that does not block Next.
func (f *Field[S]) Warning(s S) error {
	if f.warn == nil || !f.Visible(s) {
		return nil
	}
	return f.warn(s)
}

// EditorOnly reports whether the field edits an entry of a list.
func (f *Field[S]) EditorOnly() bool { return f.editorOnly }

// Editable reports whether the user can change the field.
func (f *Field[S]) Editable() bool { return f.Kind != KindNote }

// IsList reports whether the field shows a list of options to choose
// from: a choice, or an index with options.
func (f *Field[S]) IsList(s S) bool {
	return f.Kind == KindChoice || f.Kind == KindIndex && len(f.Options(s)) > 0
}
