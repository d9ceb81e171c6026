package mediawiz

import (
	"fmt"

	"github.com/refimage/refimage/wizard"
)

// Select Media Type (configmgr.md §media): the sequence and the kind of medium.
func init() {
	register(&Page{ID: PageType, Key: "type", Fields: []*Field{
		note("type", "sequence", func(w *Wizard) string {
			if w.seq != nil && w.seq.Name != "" {
				return fmt.Sprintf("%s (%s)", w.seq.Name, w.seqPath)
			}
			return w.seqPath
		}),
		strField("type", "kind", wizard.KindChoice, func(a *Answers) *string { return &a.Kind }).Choices(Bootable, Standalone),
	}})
}
