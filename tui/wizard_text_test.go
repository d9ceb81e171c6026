package tui

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/refimage/refimage/wizard"
)

// Every screen text is in every language, with the same format verbs
// (in any order: a language may reorder with %[n]).
func TestWizardTextComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d+\])?[sdqv]`)
	norm := func(s string) string {
		v := verbs.FindAllString(s, -1)
		for i, x := range v {
			v[i] = x[len(x)-1:]
		}
		sort.Strings(v)
		return strings.Join(v, "")
	}
	for _, a := range wizard.Langs() {
		for _, b := range wizard.Langs() {
			for k, v := range wizardText[a] {
				w, ok := wizardText[b][k]
				if !ok {
					t.Errorf("%s: key %q is missing (it is in %s)", b, k, a)
					continue
				}
				if norm(v) != norm(w) {
					t.Errorf("%s %q: verbs differ from %s", b, k, a)
				}
			}
		}
	}
}
