package wizard

import "sync/atomic"

// TEMPORARY (issue 15 item 5, removed once tui and cmd/refimage pass the
// language in options): the process-wide language the screens still read.
var shimLang atomic.Value // Lang

// SetLang sets the language the screens still read (temporary).
func SetLang(l Lang) {
	if _, ok := catalogs[l]; !ok {
		l = English
	}
	shimLang.Store(l)
}

// CurrentLang is the language set by SetLang (temporary).
func CurrentLang() Lang {
	if l, ok := shimLang.Load().(Lang); ok {
		return l
	}
	return English
}
