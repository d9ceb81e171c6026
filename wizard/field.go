package wizard

// Kind is how a field is edited.
type Kind int

// Field kinds.
const (
	KindText   Kind = iota // one line of text
	KindSecret             // a password or product key: masked, stored as a secret
	KindNumber             // digits only
	KindChoice             // one of Options (radio buttons)
	KindBool               // a check box; Get/Set use "true" and "false"
	KindIndex              // image index: a list of the WIM's images when it can be read, else a number
	KindApps               // the ordered application list (Install Applications)
	KindNote               // read-only text (Get returns it)
)

// Option is one choice of a KindChoice field.
type Option struct {
	Value string
	Label string
}

// Field is one input of a page. Text comes from the message catalog under
// the field's ID (ID+".label", ID+".help").
type Field struct {
	ID   string // catalog key, page key + "." + Key
	Key  string // key in the answers file
	Kind Kind
	// Max is the limit in characters (0: none).
	Max int
	// Required marks the label.
	Required bool
	// Secret fields only: product keys mask differently.
	ProductKey bool

	editorOnly bool // edits a list entry; not a key of the answers file

	requiredIf func(w *Wizard) bool // when Required depends on other answers

	options  func(w *Wizard) []Option
	get      func(w *Wizard) string
	set      func(w *Wizard, v string)
	visible  func(w *Wizard) bool
	validate func(w *Wizard) string // "" when fine
	warn     func(w *Wizard) string
}

// IsRequired reports whether the field must be filled given the other
// answers (the label shows a *).
func (f *Field) IsRequired(w *Wizard) bool {
	if f.requiredIf != nil {
		return f.requiredIf(w)
	}
	return f.Required
}

// Label is the field's label.
func (f *Field) Label() string { return Msg(f.ID + ".label") }

// Help is the field's help text.
func (f *Field) Help() string { return Msg(f.ID + ".help") }

// String is the field's message ID (page.key).
func (f *Field) String() string { return f.ID }

// Options returns a choice field's options (for KindIndex: the images of
// the WIM, or none when it cannot be read).
func (f *Field) Options(w *Wizard) []Option {
	if f.options == nil {
		return nil
	}
	return f.options(w)
}

// Get returns the field's value as text.
func (f *Field) Get(w *Wizard) string {
	if f.get == nil {
		return ""
	}
	return f.get(w)
}

// Set stores the field's value. Anything may be stored; Error says what is
// wrong with it.
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

// AccessibleHelp is the field's help for line prompts: none when it only
// says which keys to press on the screen (the arrows).
func (f *Field) AccessibleHelp() string {
	h := f.Help()
	if h == "" || h == f.ID+".help" || h == Msg("start.flow.help") || f.Kind == KindApps {
		return ""
	}
	return h
}

// Warning is a warning about the value that does not block Next.
func (f *Field) Warning(w *Wizard) string {
	if f.warn == nil || !f.Visible(w) {
		return ""
	}
	return f.warn(w)
}

// EditorOnly reports whether the field edits an entry of a list (an
// application) rather than an answer of its own.
func (f *Field) EditorOnly() bool { return f.editorOnly }

// Editable reports whether the user can change the field.
func (f *Field) Editable() bool { return f.Kind != KindNote }

// IsList reports whether an index field shows a list (the WIM was read).
func (f *Field) IsList(w *Wizard) bool {
	return f.Kind == KindChoice || f.Kind == KindIndex && len(f.Options(w)) > 0
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
