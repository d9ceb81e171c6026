package wizard

import "github.com/refimage/refimage/wizard/form"

// Kind is how a field is edited (package form's kinds).
type Kind = form.Kind

// Field kinds.
const (
	KindText   = form.KindText   // one line of text
	KindSecret = form.KindSecret // a password or product key: masked, stored as a secret
	KindNumber = form.KindNumber // digits only
	KindChoice = form.KindChoice // one of Options (radio buttons)
	KindBool   = form.KindBool   // a check box; Get/Set use "true" and "false"
	KindIndex  = form.KindIndex  // image index: a list of the WIM's images when it can be read, else a number
	KindApps   = form.KindApps   // the ordered application list (Install Applications)
	KindNote   = form.KindNote   // read-only text (Get returns it)
)

// Option is one choice of a KindChoice field.
type Option = form.Option

// Field is one input of a page. Text comes from the message catalog under
// the field's ID (ID+".label", ID+".help").
type Field = form.Field[*Wizard]

// Field constructors. Each binds a field to an answer.

func strField(page, key string, kind Kind, p func(a *Answers) *string) *Field {
	return form.NewField[*Wizard](page, key, kind).Bind(
		func(w *Wizard) string { return *p(&w.A) },
		func(w *Wizard, v string) { *p(&w.A) = v })
}

func boolField(page, key string, p func(a *Answers) *bool) *Field {
	return form.NewField[*Wizard](page, key, KindBool).Bind(
		func(w *Wizard) string { return boolStr(*p(&w.A)) },
		func(w *Wizard, v string) { *p(&w.A) = v == "true" })
}

func note(page, key string, text func(w *Wizard) string) *Field {
	return form.NewField[*Wizard](page, key, KindNote).Bind(text, nil)
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
