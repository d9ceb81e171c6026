package wizard

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// MarshalAnswers writes the answers as an answers file (docs/answers.md)
// that gives the same sequence with `refimage new --answers`. Secrets
// typed in clear are not written: their key is left as a comment to fill
// in (or to replace with env:NAME or prompt).
func MarshalAnswers(w *Wizard) []byte {
	fresh := New(w.env) // an empty value is written when its default is not empty
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
					fmt.Fprintf(&b, "%s = %s\n", f.Key, tomlQuote(v))
				}
			case KindSecret:
				switch {
				case strings.HasSuffix(f.Key, "_confirm"), v == "":
				case IsSecretRef(v) && !strings.HasPrefix(v, "plain:"):
					fmt.Fprintf(&b, "%s = %s\n", f.Key, tomlQuote(v))
				default:
					fmt.Fprintf(&b, "# %s = \"...\"  # typed in the wizard: give it here, or env:NAME, or prompt\n", f.Key)
				}
			default:
				if v != "" || f.Get(fresh) != "" {
					fmt.Fprintf(&b, "%s = %s\n", f.Key, tomlQuote(v))
				}
			}
		}
		if apps {
			for _, a := range w.A.Apps {
				fmt.Fprintf(&b, "\n[[%s.app]]\nname = %s\n", p.Key, tomlQuote(a.Name))
				if a.Source != "" {
					fmt.Fprintf(&b, "source = %s\n", tomlQuote(a.Source))
				}
				fmt.Fprintf(&b, "command_line = %s\n", tomlQuote(a.CommandLine))
				if codes, err := ParseSuccessCodes(a.SuccessCodes); err == nil {
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

// tomlQuote writes a TOML string: a literal string when it can ('…',
// no escapes, handy for Windows paths), else a basic string.
func tomlQuote(s string) string {
	literal := !strings.ContainsAny(s, "'\n\r")
	for _, r := range s {
		if unicode.IsControl(r) {
			literal = false
		}
	}
	if literal && strings.ContainsAny(s, `\"`) {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if unicode.IsControl(r) {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
