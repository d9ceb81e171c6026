package tui

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// docKeys reads every key table of a docs page whose header is
// "| key | ... |": the key names of their first column (space is " ").
func docKeys(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	in, tables := false, 0
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "| key | "):
			in = true
			tables++
		case in && strings.HasPrefix(l, "|---"):
		case in && strings.HasPrefix(l, "| "):
			cell := strings.SplitN(l[2:], " | ", 2)[0]
			for _, k := range docKeyNames(cell) {
				if k == "space" {
					k = " "
				}
				keys[k] = true
			}
		default:
			in = false
		}
	}
	if tables == 0 {
		t.Fatalf("%s has no key table", path)
	}
	return keys
}

func boundKeys(bs ...[]key.Binding) map[string]bool {
	out := map[string]bool{}
	for _, l := range bs {
		for _, b := range l {
			for _, k := range b.Keys() {
				out[k] = true
			}
		}
	}
	return out
}

func compareKeys(t *testing.T, doc string, documented, bound map[string]bool) {
	t.Helper()
	var missing, extra []string
	for k := range bound {
		if !documented[k] {
			missing = append(missing, fmt.Sprintf("%q", k))
		}
	}
	for k := range documented {
		if !bound[k] {
			extra = append(extra, fmt.Sprintf("%q", k))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("%s's key tables differ from the keymap:\n bound, not documented: %v\n documented, not bound: %v", doc, missing, extra)
	}
}

// The key tables of docs/wizard.md are the form screen's keymap, the
// text fields' (bubbles' textinput) and the wizard's own; docs/media.md's
// table is the media wizard's own keys. A key bound and not documented,
// or documented and not bound, fails.
func TestFormDocsKeysMatchKeymap(t *testing.T) {
	compareKeys(t, "docs/wizard.md", docKeys(t, "../docs/wizard.md"), boundKeys(formKeys.all(), textKeys(), wizardKeys.all()))
	compareKeys(t, "docs/media.md", docKeys(t, "../docs/media.md"), boundKeys(mediaKeys.all()))
}

// The help overlay has a row per row of the keymap, in both languages,
// and each row's label names the keys of its bindings.
func TestFormHelpRowsMatchKeymap(t *testing.T) {
	th := themes.Default()
	show := strings.NewReplacer("up", th.Symbols.UpDown, "down", th.Symbols.UpDown, " ", "space")
	for _, lang := range wizard.Langs() {
		for _, c := range []struct {
			name string
			rows [][2]string
			keys [][]key.Binding
		}{
			{"wizard", NewWizardModel(wizard.New(testEnv(), lang), WizardOptions{}).helpKeyRows(), formKeys.helpRows()},
			{"media", mediaFilledIn(lang).helpKeyRows(), formKeys.helpRows([]key.Binding{mediaKeys.Rescan})},
		} {
			if len(c.rows) != len(c.keys) {
				t.Errorf("%s/%s: the help has %d rows, the keymap %d", lang, c.name, len(c.rows), len(c.keys))
				continue
			}
			for i, row := range c.keys {
				for _, b := range row {
					k := show.Replace(b.Keys()[0])
					if !strings.Contains(strings.ToLower(c.rows[i][0]), strings.ToLower(k)) {
						t.Errorf("%s/%s: help row %d %q does not name %q", lang, c.name, i, c.rows[i][0], k)
					}
				}
			}
		}
	}
}
