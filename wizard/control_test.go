package wizard

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// Issue 13.16: every text and secret field of every page refuses a
// control character (ESC here; TAB and LF too but for the description,
// which is multi-line as the sequence's), naming the character and its
// place, never the text. The fields are found from the pages, and each
// must be shown by one of the flows and the choices of its page, so that
// a new field is tested without anyone listing it.
func TestEveryFieldRefusesControls(t *testing.T) {
	tested := map[string]bool{}
	var all []string
	for _, p := range pages.All() {
		for _, f := range p.Fields {
			if (f.Kind == KindText || f.Kind == KindSecret) && f.Editable() {
				all = append(all, f.ID)
			}
		}
	}
	sort.Strings(all)
	for _, base := range []string{"build.answers.toml", "custom.answers.toml"} {
		for _, p := range pages.All() {
			for _, f := range p.Fields {
				if f.Kind != KindText && f.Kind != KindSecret || !f.Editable() {
					continue
				}
				for _, w := range variants(t, base, p) {
					if f.EditorOnly() {
						w.AddApp()
					}
					if !f.Visible(w) {
						continue
					}
					tested[f.ID] = true
					for _, c := range []struct {
						v  string
						ok bool
					}{
						{"Qj\x1bXk", false}, {"Qj\u009bXk", false}, {"Qj\x7fXk", false}, {"Qj\rXk", false},
						{"Qj\tXk", f.IsMultiLine()}, {"Qj\nXk", f.IsMultiLine()},
					} {
						f.Set(w, c.v)
						msg := ""
						if err := f.Error(w); err != nil {
							msg = err.Error()
						}
						if p.ID == PageApps && f.EditorOnly() {
							msg = w.appErrs(w.A.Apps[w.EditingApp])[f.Key]
						}
						code := fmt.Sprintf("U+%04X", []rune(c.v)[2])
						if c.ok {
							if strings.Contains(msg, "control character") {
								t.Errorf("%s = %q refused: %s", f.ID, c.v, msg)
							}
							continue
						}
						if !strings.Contains(msg, "a control character ("+code+") at character 3") || strings.Contains(msg, "Qj") {
							t.Errorf("%s (%s) = %q: %q", f.ID, base, c.v, msg)
						}
					}
				}
			}
		}
	}
	for _, id := range all {
		if !tested[id] {
			t.Errorf("%s is shown by no flow or choice of its page: the test cannot reach it", id)
		}
	}
	if len(tested) < 25 {
		t.Errorf("only %d fields tested", len(tested))
	}
}

// variants are wizards from the answers file with each option of each
// choice and check box of page p in turn, and one with every secret
// typed in clear (which shows the confirmations and the Summary's
// passphrase), so that the fields those show are visible in one of them.
func variants(t *testing.T, base string, p *Page) []*Wizard {
	load := func(clear bool) *Wizard {
		w := fromAnswers(t, base)
		if clear {
			for _, q := range pages.All() {
				for _, f := range q.Fields {
					if f.Kind == KindSecret && !strings.HasSuffix(f.Key, "_confirm") && !f.ProductKey {
						f.Set(w, "Typed-1")
					}
				}
			}
		}
		return w
	}
	var out []*Wizard
	for _, clear := range []bool{false, true} {
		out = append(out, load(clear))
		for _, f := range p.Fields {
			var vals []string
			switch f.Kind {
			case KindBool:
				vals = []string{"true", "false"}
			case KindChoice:
				for _, o := range f.Options(load(clear)) {
					vals = append(vals, o.Value)
				}
			}
			for _, v := range vals {
				w := load(clear)
				f.Set(w, v)
				out = append(out, w)
			}
		}
	}
	return out
}

// The answers file: the problem is at the character, with the key.
func TestAnswersControlPosition(t *testing.T) {
	src := "[start]\nflow = \"custom\"\n\n[info]\nname = \"Cap\\u001bture\"\nboot_image = '\\\\deploy01\\boot$\\x64\\boot.wim'\n\n" +
		"[capture_settings]\nclient_installed = true\ncreated_by = \"IT\\tDept\"\nversion = \"1.0\"\ndestination = '\\\\deploy01\\captures$\\existing.wim'\n" +
		"account = 'CONTOSO\\svc-capture'\npassword = \"plain:pa\\u0007ss\"\n"
	w := newTest(t)
	errs := w.ApplyAnswers([]byte(src))
	got := map[string]string{}
	for _, e := range errs {
		got[e.Key] = fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	}
	for key, want := range map[string]string{
		"info.name":                   "5:12: a control character (U+001B) at character 4",
		"capture_settings.created_by": "10:17: a control character (U+0009) at character 3",
		"capture_settings.password":   "14:21: a control character (U+0007) at character 9", // plain:pa…
	} {
		if !strings.HasPrefix(got[key], want) {
			t.Errorf("%s: %q, want %q…", key, got[key], want)
		}
	}
	if strings.Contains(fmt.Sprint(errs), "pa") && strings.Contains(fmt.Sprint(errs), "ss\"") {
		t.Errorf("the secret shows: %v", errs)
	}
	_ = sequence.Pos{}
}
