package form

import (
	"errors"
	"testing"
)

// One form, two states in two languages: each state's labels, choices,
// problems and navigation messages are in its own language; a message
// the language lacks is the English one, and "PAGE.REST" falls back to
// the shared "_.REST".
func TestLanguagePerState(t *testing.T) {
	type st struct {
		lang Lang
		Name string
	}
	cat := Catalog{
		English: {"page.p.title": "Page", "p.name.label": "Name", "err.required": "enter the %s", "nav.invalid": "fix it",
			"_.kind.label": "Kind", "p.kind.x": "Ex", "err.choice": "one of %s, not %q", "only.en": "English only"},
		Korean: {"page.p.title": "페이지", "p.name.label": "이름", "err.required": "%s을(를) 입력하십시오", "nav.invalid": "고치십시오",
			"_.kind.label": "종류", "p.kind.x": "엑스", "err.choice": "%s 중 하나, %q 아님"},
	}
	f := New[*st, pid](cat, func(s *st) Lang { return s.lang })
	name := NewField[*st]("p", "name", KindText).Bind(func(s *st) string { return s.Name }, func(s *st, v string) { s.Name = v }).NotEmpty()
	kind := NewField[*st]("p", "kind", KindChoice).Bind(func(*st) string { return "y" }, nil).Choices("x")
	f.Add(&Page[*st, pid]{ID: pFirst, Key: "p", Fields: []*Field[*st]{name, kind}})
	f.Add(&Page[*st, pid]{ID: pSecond, Key: "q"})
	en, ko := &st{lang: English}, &st{lang: Korean}
	for _, c := range []struct {
		s                                      *st
		title, label, kindLabel, option, empty string
		choice, invalid                        string
	}{
		{en, "Page", "Name", "Kind", "Ex", "enter the name", `one of "x", not "y"`, "fix it"},
		{ko, "페이지", "이름", "종류", "엑스", "이름을(를) 입력하십시오", `"x" 중 하나, "y" 아님`, "고치십시오"},
	} {
		p := f.Page(pFirst)
		if got := p.Title(c.s); got != c.title {
			t.Errorf("%s title %q", c.s.lang, got)
		}
		if got := name.Label(c.s); got != c.label {
			t.Errorf("%s label %q", c.s.lang, got)
		}
		if got := kind.Label(c.s); got != c.kindLabel {
			t.Errorf("%s shared label %q", c.s.lang, got)
		}
		if got := kind.Options(c.s)[0].Label; got != c.option {
			t.Errorf("%s option %q", c.s.lang, got)
		}
		if err := name.Error(c.s); err == nil || err.Error() != c.empty {
			t.Errorf("%s required: %v", c.s.lang, err)
		}
		if err := kind.Error(c.s); err == nil || err.Error() != c.choice {
			t.Errorf("%s choice: %v", c.s.lang, err)
		}
		fl := NewFlow(f, c.s, pFirst, func(*st) []pid { return []pid{pFirst, pSecond} })
		if err := fl.Next(); err == nil || err.Error() != c.invalid || !errors.Is(err, f.Problem(English, "nav.invalid")) {
			t.Errorf("%s Next: %v", c.s.lang, err)
		}
		if got := NewTexts(cat, c.s.lang).Msg("only.en"); got != "English only" {
			t.Errorf("%s: no English fallback: %q", c.s.lang, got)
		}
	}
	if tx := NewTexts(cat, "de"); tx.Lang != English || tx.Msg("p.name.label") != "Name" || tx.Msg("missing.id") != "missing.id" {
		t.Errorf("a language without a catalog: %+v", tx)
	}
	if err := NewTexts(cat, Korean).Failf("err.required", "이름"); err == nil || err.Error() != "이름을(를) 입력하십시오" {
		t.Errorf("Failf: %v", err)
	}
	if Err("") != nil || Err("x") == nil || Err("x").Error() != "x" {
		t.Error("Err")
	}
}
