package interop

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// docs/interop.md names every class, step type and variable refimage
// writes, and the action of each class.
func TestDocsMappingTable(t *testing.T) {
	b, err := os.ReadFile("../../../docs/interop.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	idx := regexp.MustCompile(`^(OSDPartitions|OSDApp)\d+`)
	for _, m := range mappings {
		if !strings.Contains(doc, "### "+m.Type+" — `"+m.Class+"`") {
			t.Errorf("docs/interop.md has no section for %s (%s)", m.Type, m.Class)
		}
		e := &enc{}
		r := newRand()
		for i := 0; i < 50; i++ { // every mode: domain and workgroup, each destination…
			it := sequence.NewStep(m.Type)
			fill(r, m.Type, reflectValue(it.Props))
			m.toVars(e, it)
		}
		for _, v := range e.vars {
			name := idx.ReplaceAllString(v.Name, "${1}<i>")
			short := strings.TrimPrefix(name, "OSDWindowsSettings")
			if !strings.Contains(doc, name) && !strings.Contains(doc, "…"+short) {
				t.Errorf("%s: the variable %s is not in docs/interop.md", m.Type, v.Name)
			}
		}
	}
	for _, si := range sequence.StepTypes() {
		if byType[si.Type] == nil {
			t.Errorf("step type %s has no ConfigMgr mapping", si.Type)
		}
	}
}
