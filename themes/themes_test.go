package themes

import "testing"

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
