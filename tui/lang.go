package tui

import "github.com/refimage/refimage/wizard"

// texts is a screen's language. Every catalogue lookup of the screens
// (tx, rtx, edtx, mtx and the helpers built on them) is a method of it,
// and every screen model, line runner and error that shows text holds
// one, given by its options: there is no language of the process, so two
// screens in one process each speak their own.
type texts struct{ lang wizard.Lang }

// textsIn is the texts of a language: English for "" and for a language
// without catalogues.
func textsIn(l wizard.Lang) texts {
	for _, x := range wizard.Langs() {
		if l == x {
			return texts{l}
		}
	}
	return texts{wizard.English}
}

// english reports whether the screen speaks English (the zero texts
// does: its lookups fall back to English).
func (t texts) english() bool { return textsIn(t.lang).lang == wizard.English }
