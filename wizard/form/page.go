package form

import "fmt"

// Page is one page of a form.
type Page[S any, P ~int] struct {
	ID     P
	Key    string // catalog prefix, table name in an answers file
	Fields []*Field[S]
	// Check adds page-level problems (cross-field rules that belong to
	// no single field, or to entries of a list).
	Check func(s S) []FieldError[S, P]

	tx *texts[S]
}

// Title is the page's title in the state's language.
func (p *Page[S, P]) Title(s S) string { return p.tx.msg(s, "page."+p.Key+".title") }

// NavTitle is the page's short title for the page list.
func (p *Page[S, P]) NavTitle(s S) string { return p.tx.msg(s, "page."+p.Key+".nav") }

// Help is the page's help text.
func (p *Page[S, P]) Help(s S) string { return p.tx.msg(s, "page."+p.Key+".help") }

// VisibleFields returns the fields shown given the state.
func (p *Page[S, P]) VisibleFields(s S) []*Field[S] {
	var out []*Field[S]
	for _, f := range p.Fields {
		if f.Visible(s) {
			out = append(out, f)
		}
	}
	return out
}

// Focusable returns the fields shown that the user can change, in order.
func (p *Page[S, P]) Focusable(s S) []*Field[S] {
	var out []*Field[S]
	for _, f := range p.Fields {
		if f.Visible(s) && f.Editable() {
			out = append(out, f)
		}
	}
	return out
}

// Field returns the field with the key (nil when there is none).
func (p *Page[S, P]) Field(key string) *Field[S] {
	for _, f := range p.Fields {
		if f.Key == key {
			return f
		}
	}
	return nil
}

// HasInput reports whether the page has fields the user can change.
func (p *Page[S, P]) HasInput() bool {
	for _, f := range p.Fields {
		if f.Editable() {
			return true
		}
	}
	return false
}

// FieldError is a problem with one field of a page.
type FieldError[S any, P ~int] struct {
	Page  *Page[S, P]
	Field *Field[S]
	Msg   string
}

func (e FieldError[S, P]) Error() string { return e.Page.Key + "." + e.Field.Key + ": " + e.Msg }

// Errors returns the problems of the page's visible fields, then the
// page's own.
func (p *Page[S, P]) Errors(s S) []FieldError[S, P] {
	var out []FieldError[S, P]
	for _, f := range p.Fields {
		if err := f.Error(s); err != nil {
			out = append(out, FieldError[S, P]{p, f, err.Error()})
		}
	}
	if p.Check != nil {
		out = append(out, p.Check(s)...)
	}
	return out
}

// Warnings returns the warnings of the page's visible fields.
func (p *Page[S, P]) Warnings(s S) []FieldError[S, P] {
	var out []FieldError[S, P]
	for _, f := range p.Fields {
		if err := f.Warning(s); err != nil {
			out = append(out, FieldError[S, P]{p, f, err.Error()})
		}
	}
	return out
}

// Form is the set of pages of a wizard and the catalog of their texts.
type Form[S any, P ~int] struct {
	tx    *texts[S]
	pages map[P]*Page[S, P]
	all   []*Page[S, P]
}

// New returns an empty form whose texts come from cat, in the language
// lang gives for the state they are shown for.
func New[S any, P ~int](cat Catalog, lang func(S) Lang) *Form[S, P] {
	return &Form[S, P]{tx: &texts[S]{cat: cat, lang: lang}, pages: map[P]*Page[S, P]{}}
}

// Add registers a page (its fields get the form's catalog).
func (f *Form[S, P]) Add(p *Page[S, P]) *Page[S, P] {
	p.tx = f.tx
	for _, fl := range p.Fields {
		fl.tx = f.tx
	}
	if _, dup := f.pages[p.ID]; dup {
		panic(fmt.Sprintf("form: page %d added twice", int(p.ID)))
	}
	f.pages[p.ID] = p
	f.all = append(f.all, p)
	return p
}

// Page returns the page with an ID (nil when there is none).
func (f *Form[S, P]) Page(id P) *Page[S, P] { return f.pages[id] }

// ByKey returns the page with a key (nil when there is none).
func (f *Form[S, P]) ByKey(key string) *Page[S, P] {
	for _, p := range f.all {
		if p.Key == key {
			return p
		}
	}
	return nil
}

// All returns the pages in the order they were added.
func (f *Form[S, P]) All() []*Page[S, P] { return f.all }

// Problem returns an error whose text is the catalog's message id with
// args in a language, looked up when it is shown.
func (f *Form[S, P]) Problem(l Lang, id string, args ...any) error {
	return &Problem{cat: f.tx.cat, lang: l, id: id, args: args}
}

// problem is Problem in the language of the state.
func (f *Form[S, P]) problem(s S, id string, args ...any) error {
	return f.Problem(f.tx.lang(s), id, args...)
}
