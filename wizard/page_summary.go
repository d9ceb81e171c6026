package wizard

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/internal/lazyre"
)

// Summary: every choice grouped by page, then where to write the file
// and the passphrase that protects the secrets.
func init() {
	const pg = "summary"
	out := strField(pg, "output", KindText, func(a *Answers) *string { return &a.Output }).Req().Limit()
	out.Rule(func(w *Wizard) error {
		if !strings.HasSuffix(strings.ToLower(w.A.Output), ".toml") {
			return w.Fail("err.output-toml")
		}
		if dir := filepath.Dir(w.A.Output); !w.env.Exists(dir) {
			return w.Failf("err.output-dir", dir)
		}
		return nil
	})
	over := boolField(pg, "overwrite", func(a *Answers) *bool { return &a.Overwrite }).
		When(func(w *Wizard) bool { return w.A.Output != "" && w.env.Exists(w.A.Output) })
	over.Rule(func(w *Wizard) error {
		if !w.A.Overwrite {
			return w.Failf("err.exists", w.A.Output)
		}
		return nil
	})
	needs := func(w *Wizard) bool { return w.NeedsPassphrase() }
	pass := strField(pg, "passphrase", KindSecret, func(a *Answers) *string { return &a.Passphrase }).When(needs)
	pass.Rule(func(w *Wizard) error {
		if w.A.Passphrase == "" {
			return w.Fail("err.passphrase")
		}
		return nil
	})
	pass.Required = true
	confirm := strField(pg, "passphrase_confirm", KindSecret, func(a *Answers) *string { return &a.PassphraseConfirm }).When(needs)
	confirm.Rule(func(w *Wizard) error {
		if w.A.PassphraseConfirm != w.A.Passphrase {
			return w.Fail("err.confirm")
		}
		return nil
	})
	for _, f := range []*Field{out, over, pass, confirm} {
		f.ForEditor() // set from the command line, not the answers file
	}
	register(&Page{ID: PageSummary, Key: pg, Fields: []*Field{out, over, pass, confirm}})
	register(&Page{ID: PageProgress, Key: "progress"})
	register(&Page{ID: PageCompletion, Key: "completion"})
}

// AllowPlaintext, when set, writes typed secrets in clear text (plain:)
// instead of asking for a passphrase; the caller warns.
func (w *Wizard) SetAllowPlaintext(b bool) { w.allowPlain = b }

// AllowPlaintext reports whether secrets are written in clear text.
func (w *Wizard) AllowPlaintext() bool { return w.allowPlain }

// NeedsPassphrase reports whether a typed secret must be encrypted and no
// passphrase comes from REFIMAGE_PASSPHRASE.
func (w *Wizard) NeedsPassphrase() bool {
	if w.allowPlain || w.env.Getenv(secret.PassphraseEnv) != "" {
		return false
	}
	return w.HasClearSecrets()
}

// HasClearSecrets reports whether a visible secret field holds typed text
// (not a reference).
func (w *Wizard) HasClearSecrets() bool {
	for _, p := range w.Pages() {
		if p.ID == PageSummary {
			break
		}
		for _, f := range p.VisibleFields(w) {
			v := f.Get(w)
			if f.Kind == KindSecret && !strings.HasSuffix(f.Key, "_confirm") && (needsConfirm(v) || strings.HasPrefix(v, "plain:")) {
				return true
			}
		}
	}
	return false
}

// SummaryItem is one line of the Summary.
type SummaryItem struct {
	Label string
	Value string
}

// SummaryGroup is the choices of one page.
type SummaryGroup struct {
	Page  *Page
	Items []SummaryItem
}

// Summary lists every choice grouped by page. Secrets are masked.
func (w *Wizard) Summary() []SummaryGroup {
	var out []SummaryGroup
	for _, p := range w.Pages() {
		if p.ID == PageSummary {
			break
		}
		g := SummaryGroup{Page: p}
		for _, f := range p.VisibleFields(w) {
			if f.EditorOnly() || f.Kind == KindNote || strings.HasSuffix(f.Key, "_confirm") {
				continue
			}
			g.Items = append(g.Items, SummaryItem{f.Label(w), w.Display(f)})
		}
		out = append(out, g)
	}
	return out
}

// Display is a field's value as the Summary shows it.
func (w *Wizard) Display(f *Field) string {
	v := f.Get(w)
	switch f.Kind {
	case KindSecret:
		if v == "" {
			return w.Msg("value.none")
		}
		return w.MaskSecret(v, f.ProductKey)
	case KindBool:
		if v == "true" {
			return w.Msg("value.yes")
		}
		return w.Msg("value.no")
	case KindChoice, KindIndex:
		for _, o := range f.Options(w) {
			if o.Value == v {
				return o.Label
			}
		}
	case KindApps:
		if len(w.A.Apps) == 0 {
			return w.Msg("applications.none")
		}
		var names []string
		for i, a := range w.A.Apps {
			names = append(names, fmt.Sprintf("%d. %s", i+1, w.appTitle(a, i)))
		}
		return strings.Join(names, "; ")
	}
	if v == "" {
		return w.Msg("value.none")
	}
	return v
}

var slugJunk = lazyre.New(`[^a-z0-9]+`)

// Slug turns a sequence name into a file name: lower case, runs of other
// characters replaced by "-".
func Slug(name string) string {
	s := strings.Trim(slugJunk.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if s == "" {
		return "task-sequence"
	}
	return s
}

// DefaultOutput is ./<slug of the name>.toml.
func (w *Wizard) DefaultOutput() string { return Slug(w.A.Name) + ".toml" }
