package wizard

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// MarshalAnswers writes the answers as an answers file (docs/answers.md)
// that gives the same sequence with `refimage new --answers`. Secrets
// typed in clear are not written: their key is left as a comment to fill
// in (or to replace with env:NAME or prompt).
func MarshalAnswers(w *Wizard) []byte {
	fresh := New(w.env, w.Lang) // an empty value is written when its default is not empty
	fresh.A.Flow = w.A.Flow
	var b bytes.Buffer
	b.WriteString("# refimage answers file: refimage new --answers FILE -o OUT.toml (docs/answers.md)\n")
	for _, p := range w.Pages() {
		if p.ID == PageSummary {
			break
		}
		if !p.HasInput() {
			continue
		}
		fmt.Fprintf(&b, "\n[%s]\n", p.Key)
		var apps bool
		for _, f := range p.VisibleFields(w) {
			if !f.Editable() || f.EditorOnly() {
				continue
			}
			v := f.Get(w)
			switch f.Kind {
			case KindApps:
				apps = true
			case KindBool:
				fmt.Fprintf(&b, "%s = %s\n", f.Key, v)
			case KindNumber, KindIndex:
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
					fmt.Fprintf(&b, "%s = %d\n", f.Key, n)
				} else if v != "" || f.Get(fresh) != "" {
					fmt.Fprintf(&b, "%s = %s\n", f.Key, sequence.QuoteTOML(v))
				}
			case KindSecret:
				switch {
				case strings.HasSuffix(f.Key, "_confirm"), v == "":
				case IsSecretRef(v) && !strings.HasPrefix(v, "plain:"):
					fmt.Fprintf(&b, "%s = %s\n", f.Key, sequence.QuoteTOML(v))
				default:
					fmt.Fprintf(&b, "# %s = \"...\"  # typed in the wizard: give it here, or env:NAME, or prompt\n", f.Key)
				}
			default:
				if v != "" || f.Get(fresh) != "" {
					fmt.Fprintf(&b, "%s = %s\n", f.Key, sequence.QuoteTOML(v))
				}
			}
		}
		if apps {
			for _, a := range w.A.Apps {
				fmt.Fprintf(&b, "\n[[%s.app]]\nname = %s\n", p.Key, sequence.QuoteTOML(a.Name))
				if a.Source != "" {
					fmt.Fprintf(&b, "source = %s\n", sequence.QuoteTOML(a.Source))
				}
				fmt.Fprintf(&b, "command_line = %s\n", sequence.QuoteTOML(a.CommandLine))
				if codes, err := w.ParseSuccessCodes(a.SuccessCodes); err == nil {
					s := make([]string, len(codes))
					for i, c := range codes {
						s[i] = strconv.Itoa(c)
					}
					fmt.Fprintf(&b, "success_codes = [%s]\n", strings.Join(s, ", "))
				}
			}
		}
	}
	return b.Bytes()
}
