package themes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodTheme = `# a corporate theme
name = "corp"
description = "green"
base = "dark"

[colors]
primary = "#107C10"
accent = { light = "#005A9E", dark = "#6CB8F6" }
error = 9

[symbols]
tick = "v"
`

func TestParseGood(t *testing.T) {
	th, probs := Parse("corp.toml", []byte(goodTheme))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if th.Name != "corp" || th.Symbols.Tick != "v" || th.Symbols.Cursor != UnicodeSymbols.Cursor || th.Source != "corp.toml" {
		t.Errorf("theme %+v", th)
	}
	if th.Palette.Primary != any(mustColor(t, "#107C10")) {
		t.Errorf("primary %v", th.Palette.Primary)
	}
}

func mustColor(t *testing.T, s string) any {
	c, err := ParseColor(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A typo'd key names the key, its line and the likely key; Resolve falls
// back to the default theme with the problem as a warning.
func TestTypoFallsBack(t *testing.T) {
	src := "name = \"x\"\n[colors]\nprimary = \"#123456\"\nacent = \"#654321\"\n"
	_, probs := Parse("x.toml", []byte(src))
	if len(probs) != 1 {
		t.Fatalf("problems %v", probs)
	}
	want := "x.toml:4: colors.acent: unknown key (did you mean accent?)"
	if got := probs[0].String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	dir := t.TempDir()
	p := filepath.Join(dir, "typo.toml")
	os.WriteFile(p, []byte(src), 0o644)
	for _, c := range []struct{ name, file string }{{"", p}, {"typo", ""}} {
		th, warns, err := Resolve(c.name, c.file, dir)
		if err != nil {
			t.Fatal(err)
		}
		if th.Name != "default" || len(warns) != 2 || !strings.Contains(warns[0], ":4: colors.acent: unknown key (did you mean accent?)") ||
			!strings.Contains(warns[1], "using the default theme") {
			t.Errorf("%+v: %s %q", c, th.Name, warns)
		}
	}
}

func TestParseProblems(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"[colors]\ntext = \"#12345\"\n", `t.toml:2: colors.text: "#12345" is not a color`},
		{"[colors]\ntext = 300\n", `t.toml:2: colors.text: "300" is not a color`},
		{"base = \"pink\"\n", `t.toml:1: base: "pink" is not a built-in theme`},
		{"no_color = \"yes\"\n", `t.toml:1: no_color: true or false`},
		{"nmae = \"x\"\n", `t.toml:1: nmae: unknown key (did you mean name?)`},
		{"[symbols]\ntick = \"\"\n", `t.toml:2: symbols.tick: a short string`},
		{"[colors]\naccent = { light = \"#fff\" }\n", `t.toml:2: colors.accent: an adaptive color needs both`},
		{"name = \n", `t.toml:1: name: TOML syntax`},
	} {
		_, probs := Parse("t.toml", []byte(c.src))
		if len(probs) == 0 || !strings.HasPrefix(probs[0].String(), c.want) {
			t.Errorf("%q: %v, want %s", c.src, probs, c.want)
		}
	}
}

func TestResolveUnknown(t *testing.T) {
	if _, _, err := Resolve("nope", "", t.TempDir()); err == nil {
		t.Error("unknown theme resolved")
	}
	if th, _, _ := Resolve("", "", ""); th.Name != "default" {
		t.Error(th.Name)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(goodTheme))
	f.Add([]byte("[colors]\nacent = 1\n"))
	f.Add([]byte("[symbols]\ntick = \"\\u001b[31m\"\n"))
	f.Add([]byte("colors = 3\nsymbols = [1]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		th, probs := Parse("f.toml", data)
		if (th == nil) == (len(probs) == 0) {
			t.Fatalf("theme %v with problems %v", th, probs)
		}
		for _, p := range probs {
			if p.Msg == "" {
				t.Fatal("empty message")
			}
		}
		if th != nil {
			for _, s := range []string{th.Symbols.Tick, th.Symbols.Cursor, th.Name} {
				if strings.ContainsRune(s, '\x1b') {
					t.Fatalf("escape in %q", s)
				}
			}
		}
	})
}
