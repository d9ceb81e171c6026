package mediawiz

import (
	"fmt"

	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/form"
)

// KindList is the media variables list: one NAME=value entry a line.
const KindList = form.KindList

// Field is one input of a page (package form's field, on this wizard).
// Text comes from the catalog under the field's ID.
type Field = form.Field[*Wizard]

// Page is one page of the media wizard (one file page_*.go each).
type Page = form.Page[*Wizard, PageID]

// FieldError is a problem with one field.
type FieldError = form.FieldError[*Wizard, PageID]

// pages is the media wizard's form.
var pages = form.New[*Wizard, PageID](catalogs, func(w *Wizard) form.Lang { return w.Lang })

func register(p *Page) { pages.Add(p) }

// PageByID returns a page.
func PageByID(id PageID) *Page { return pages.Page(id) }

func strField(page, key string, kind wizard.Kind, p func(a *Answers) *string) *Field {
	return form.NewField[*Wizard](page, key, kind).Bind(
		func(w *Wizard) string { return *p(&w.A) },
		func(w *Wizard, v string) { *p(&w.A) = v })
}

func boolField(page, key string, p func(a *Answers) *bool) *Field {
	return form.NewField[*Wizard](page, key, wizard.KindBool).Bind(
		func(w *Wizard) string {
			if *p(&w.A) {
				return "true"
			}
			return "false"
		},
		func(w *Wizard, v string) { *p(&w.A) = v == "true" })
}

func note(page, key string, text func(w *Wizard) string) *Field {
	return form.NewField[*Wizard](page, key, wizard.KindNote).Bind(text, nil)
}

func (id PageID) String() string {
	if p := pages.Page(id); p != nil {
		return p.Key
	}
	return fmt.Sprintf("page(%d)", int(id))
}
