package themes

import (
	"reflect"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	for _, n := range Names() {
		th, ok := Get(n)
		if !ok || th.Name != n {
			t.Errorf("Get(%q) = %v, %v", n, th, ok)
		}
		if th.Symbols.Tick == "" || th.Symbols.Cursor == "" || th.Symbols.RadioOn == "" {
			t.Errorf("%s: missing symbols %+v", n, th.Symbols)
		}
	}
	if _, ok := Get("nope"); ok {
		t.Error("unknown theme found")
	}
}

func TestStylesAreSet(t *testing.T) {
	th := Default()
	// A style built by a bare call (s.Foreground(c) without reassigning)
	// would have no foreground.
	if th.Styles.PageTitle.GetForeground() == nil || th.Styles.Error.GetForeground() == nil || !th.Styles.TitleBar.GetBold() {
		t.Error("default styles not built")
	}
}

func TestBuiltins(t *testing.T) {
	want := []string{"ascii", "dark", "default", "high-contrast", "light", "mono"}
	if got := Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Names() = %v", got)
	}
	a, _ := Get("ascii")
	v := reflect.ValueOf(a.Symbols)
	for i := 0; i < v.NumField(); i++ {
		s := v.Field(i).String()
		for _, r := range s {
			if r > 0x7e {
				t.Errorf("ascii symbol %s = %q", v.Type().Field(i).Name, s)
			}
		}
	}
	for _, n := range []string{"mono", "ascii"} {
		th, _ := Get(n)
		if !th.NoColor || th.Styles.TitleBar.GetBold() || th.Styles.TitleBar.Render("x") != "x" {
			t.Errorf("%s draws with escapes", n)
		}
	}
}

// Screens that style with the palette directly must not meet a nil color.
func TestNoColorPalette(t *testing.T) {
	for _, n := range Names() {
		th, _ := Get(n)
		for _, c := range []any{th.Palette.Primary, th.Palette.OnPrimary, th.Palette.Accent, th.Palette.Text, th.Palette.Muted,
			th.Palette.Border, th.Palette.Error, th.Palette.Warning, th.Palette.Success} {
			if c == nil {
				t.Errorf("%s: a nil color", n)
			}
		}
		if out := th.WithoutColor().For(nil).Styles.Error.Render("x"); out != "x" {
			t.Errorf("%s without color: %q", n, out)
		}
	}
}
