package mediawiz

import (
	"strings"

	"github.com/refimage/refimage/wizard"
)

// KindList is the media variables list: one NAME=value entry a line
// (package wizard's kinds cover the other fields).
const KindList wizard.Kind = 100

// Field is one input of a page, as wizard.Field is for the main wizard.
// Text comes from the catalog under the field's ID.
type Field struct {
	ID       string // page key + "." + Key
	Key      string
	Kind     wizard.Kind
	Required bool

	labelArgs func(w *Wizard) []any
	helpArgs  func(w *Wizard) []any
	options   func(w *Wizard) []wizard.Option
	note      func(w *Wizard, value string) string
	get       func(w *Wizard) string
	set       func(w *Wizard, v string)
	visible   func(w *Wizard) bool
	validate  func(w *Wizard) string
	warn      func(w *Wizard) string
}

// Label is the field's label.
func (f *Field) Label(w *Wizard) string {
	if f.labelArgs != nil {
		return Msgf(f.ID+".label", f.labelArgs(w)...)
	}
	return Msg(f.ID + ".label")
}

// Help is the field's help text ("" when it has none).
func (f *Field) Help(w *Wizard) string {
	if !HasMsg(f.ID + ".help") {
		return ""
	}
	if f.helpArgs != nil {
		return Msgf(f.ID+".help", f.helpArgs(w)...)
	}
	return Msg(f.ID + ".help")
}

func (f *Field) String() string { return f.ID }

// Options returns a choice field's options.
func (f *Field) Options(w *Wizard) []wizard.Option {
	if f.options == nil {
		return nil
	}
	return f.options(w)
}

// OptionNote says why an option cannot be chosen ("" when it can): a
// refused disk.
func (f *Field) OptionNote(w *Wizard, value string) string {
	if f.note == nil {
		return ""
	}
	return f.note(w, value)
}

// Get returns the field's value as text (lists: the lines joined by \n).
func (f *Field) Get(w *Wizard) string {
	if f.get == nil {
		return ""
	}
	return f.get(w)
}

// Set stores the field's value; Error says what is wrong with it.
func (f *Field) Set(w *Wizard, v string) {
	if f.set != nil {
		f.set(w, v)
	}
}

// Visible reports whether the field is shown given the other answers.
func (f *Field) Visible(w *Wizard) bool { return f.visible == nil || f.visible(w) }

// Error is what is wrong with the value and how to fix it ("" when fine).
func (f *Field) Error(w *Wizard) string {
	if f.validate == nil || !f.Visible(w) {
		return ""
	}
	return f.validate(w)
}

// Warning does not block Next.
func (f *Field) Warning(w *Wizard) string {
	if f.warn == nil || !f.Visible(w) {
		return ""
	}
	return f.warn(w)
}

// Editable reports whether the user can change the field.
func (f *Field) Editable() bool { return f.Kind != wizard.KindNote }

// IsList reports whether the field is a list of options.
func (f *Field) IsList() bool { return f.Kind == wizard.KindChoice }

func strField(page, key string, kind wizard.Kind, p func(a *Answers) *string) *Field {
	return &Field{
		ID: page + "." + key, Key: key, Kind: kind,
		get: func(w *Wizard) string { return *p(&w.A) },
		set: func(w *Wizard, v string) { *p(&w.A) = v },
	}
}

func boolField(page, key string, p func(a *Answers) *bool) *Field {
	return &Field{
		ID: page + "." + key, Key: key, Kind: wizard.KindBool,
		get: func(w *Wizard) string {
			if *p(&w.A) {
				return "true"
			}
			return "false"
		},
		set: func(w *Wizard, v string) { *p(&w.A) = v == "true" },
	}
}

func note(page, key string, text func(w *Wizard) string) *Field {
	return &Field{ID: page + "." + key, Key: key, Kind: wizard.KindNote, get: text}
}

func (f *Field) req() *Field                              { f.Required = true; return f }
func (f *Field) when(fn func(w *Wizard) bool) *Field      { f.visible = fn; return f }
func (f *Field) warning(fn func(w *Wizard) string) *Field { f.warn = fn; return f }

func (f *Field) rule(fn func(w *Wizard) string) *Field {
	prev := f.validate
	f.validate = func(w *Wizard) string {
		if prev != nil {
			if m := prev(w); m != "" {
				return m
			}
		}
		return fn(w)
	}
	return f
}

// required: not empty.
func (f *Field) required() *Field {
	f.Required = true
	return f.rule(func(w *Wizard) string {
		if strings.TrimSpace(f.Get(w)) == "" {
			return Msgf("err.required", lower(f.Label(w)))
		}
		return ""
	})
}

func (f *Field) choices(opts ...string) *Field {
	// The labels are looked up when shown, in the language of the moment.
	f.options = func(*Wizard) []wizard.Option {
		list := make([]wizard.Option, len(opts))
		for i, o := range opts {
			list[i] = wizard.Option{Value: o, Label: Msg(f.ID + "." + o)}
		}
		return list
	}
	return f.rule(func(w *Wizard) string {
		v := f.Get(w)
		vals := make([]string, len(opts))
		for i, o := range opts {
			if o == v {
				return ""
			}
			vals[i] = `"` + o + `"`
		}
		return Msgf("err.choice", strings.Join(vals, ", "), v)
	})
}
