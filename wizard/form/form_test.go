package form

import (
	"errors"
	"strings"
	"testing"
)

// A small form on a state of its own: two pages of fields, a choice
// that hides a field, a required field, a limit, a page check and a
// warning.

type state struct {
	Name, Mode, Detail, Note string
	On                       bool
	Items                    []string
	skipSecond               bool
}

type pid int

const (
	pFirst pid = iota
	pSecond
	pThird
	pEnd
)

var catalog = map[string]string{
	"page.first.title": "First page", "page.first.nav": "First", "page.first.help": "Fill in the first page.",
	"page.second.title": "Second page", "page.third.title": "Third page", "page.end.title": "The end",
	"first.name.label": "Name", "first.name.help": "What it is called.",
	"first.mode.label": "Mode", "first.mode.a": "Mode A", "first.mode.b": "Mode B",
	"first.detail.label": "Detail for %s",
	"second.on.label":    "On", "third.note.label": "Note",
	"err.required": "enter the %s", "err.max": "at most %d characters: %d is %d too many",
	"err.choice": "one of %s, not %q", "nav.invalid": "this page has problems",
	"nav.first": "this is the first page", "nav.last": "this is the last page",
	"nav.fix-page": "fix the page %s first",
	"err.items":    "the list is empty",
}

func newForm(s0 *state) (*Form[*state, pid], *Flow[*state, pid]) {
	f := New[*state, pid](Catalog{English: catalog}, func(*state) Lang { return English })
	name := NewField[*state]("first", "name", KindText).Bind(
		func(s *state) string { return s.Name }, func(s *state, v string) { s.Name = v }).Req().WithMax(5).Limit()
	mode := NewField[*state]("first", "mode", KindChoice).Bind(
		func(s *state) string { return s.Mode }, func(s *state, v string) { s.Mode = v }).Choices("a", "b")
	detail := NewField[*state]("first", "detail", KindText).Bind(
		func(s *state) string { return s.Detail }, func(s *state, v string) { s.Detail = v }).
		When(func(s *state) bool { return s.Mode == "b" }).NotEmpty().
		LabelArgs(func(s *state) []any { return []any{s.Name} }).
		Warn(func(s *state) error {
			if s.Detail == "risky" {
				return errors.New("that is risky")
			}
			return nil
		})
	f.Add(&Page[*state, pid]{ID: pFirst, Key: "first", Fields: []*Field[*state]{name, mode, detail}})
	on := NewField[*state]("second", "on", KindBool).Bind(
		func(s *state) string { return map[bool]string{true: "true", false: "false"}[s.On] },
		func(s *state, v string) { s.On = v == "true" })
	f.Add(&Page[*state, pid]{ID: pSecond, Key: "second", Fields: []*Field[*state]{on},
		Check: func(s *state) []FieldError[*state, pid] {
			if s.On && len(s.Items) == 0 {
				return []FieldError[*state, pid]{{Page: f.Page(pSecond), Field: on, Msg: catalog["err.items"]}}
			}
			return nil
		}})
	note := NewField[*state]("third", "note", KindNote).Bind(func(s *state) string { return s.Note }, nil)
	f.Add(&Page[*state, pid]{ID: pThird, Key: "third", Fields: []*Field[*state]{note}})
	f.Add(&Page[*state, pid]{ID: pEnd, Key: "end"})
	flow := NewFlow(f, s0, pFirst, func(s *state) []pid {
		if s.skipSecond {
			return []pid{pFirst, pThird, pEnd}
		}
		return []pid{pFirst, pSecond, pThird, pEnd}
	})
	return f, flow
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestFieldRules(t *testing.T) {
	s := &state{Mode: "a"}
	f, _ := newForm(s)
	p := f.Page(pFirst)
	name, mode, detail := p.Field("name"), p.Field("mode"), p.Field("detail")
	if got := errText(name.Error(s)); got != "enter the name" {
		t.Errorf("empty required name: %q", got)
	}
	name.Set(s, "toolong")
	if got := errText(name.Error(s)); got != "at most 5 characters: 7 is 2 too many" {
		t.Errorf("name over the limit: %q", got)
	}
	name.Set(s, "ok")
	if name.Error(s) != nil || !name.IsRequired(s) || name.Help(s) != "What it is called." {
		t.Errorf("a good name: %v, required %v, help %q", name.Error(s), name.IsRequired(s), name.Help(s))
	}
	if mode.Help(s) != "" {
		t.Errorf("a field without help has %q", mode.Help(s))
	}
	mode.Set(s, "c")
	if got := errText(mode.Error(s)); got != `one of "a", "b", not "c"` {
		t.Errorf("a value that is no choice: %q", got)
	}
	if opts := mode.Options(s); len(opts) != 2 || opts[1].Label != "Mode B" || !mode.IsList(s) {
		t.Errorf("options %v", opts)
	}
	// A hidden field is neither checked nor warned about.
	mode.Set(s, "a")
	s.Detail = "risky"
	if detail.Visible(s) || detail.Error(s) != nil || detail.Warning(s) != nil {
		t.Errorf("hidden detail: visible %v, %v, %v", detail.Visible(s), detail.Error(s), detail.Warning(s))
	}
	mode.Set(s, "b")
	if errText(detail.Warning(s)) != "that is risky" || detail.Error(s) != nil {
		t.Errorf("shown detail: %v, %v", detail.Warning(s), detail.Error(s))
	}
	if got := detail.Label(s); got != "Detail for ok" {
		t.Errorf("label with arguments: %q", got)
	}
	s.Detail = " "
	if got := errText(detail.Error(s)); got != "enter the detail for ok" {
		t.Errorf("blank detail: %q", got)
	}
	if got := p.Focusable(s); len(got) != 3 {
		t.Errorf("focusable %v", got)
	}
	if errs := p.Errors(s); len(errs) != 1 || errs[0].Field != detail || errs[0].Error() != "first.detail: enter the detail for ok" {
		t.Errorf("page errors %v", errs)
	}
}

func TestFlow(t *testing.T) {
	s := &state{}
	f, flow := newForm(s)
	if err := flow.Prev(); errText(err) != "this is the first page" {
		t.Errorf("back from the first page: %v", err)
	}
	if err := flow.Next(); err == nil || !errors.Is(err, flow.Invalid()) || flow.CurrentID() != pFirst {
		t.Fatalf("next with errors: %v, on %v", err, flow.CurrentID())
	}
	// Straight to the end: the first page is not valid, it says which.
	if err := flow.JumpTo(pEnd); errText(err) != "fix the page First page first" {
		t.Errorf("jump with an invalid page: %v", err)
	}
	if id, bad := flow.FirstInvalid(pEnd); !bad || id != pFirst {
		t.Errorf("first invalid %v %v", id, bad)
	}
	s.Name, s.Mode = "ok", "a"
	if err := flow.Next(); err != nil || flow.CurrentID() != pSecond || !flow.Visited(pSecond) {
		t.Fatalf("next: %v, on %v", err, flow.CurrentID())
	}
	if !flow.Done(pFirst) || flow.Done(pSecond) {
		t.Errorf("done: first %v, second %v", flow.Done(pFirst), flow.Done(pSecond))
	}
	// A page check blocks like a field.
	s.On = true
	if err := flow.Next(); err == nil || flow.CurrentID() != pSecond {
		t.Fatalf("next with a page check failing: %v", err)
	}
	if id, bad := flow.FirstInvalid(pEnd); !bad || id != pSecond {
		t.Errorf("first invalid %v %v", id, bad)
	}
	s.Items = []string{"x"}
	if err := flow.JumpTo(pEnd); err != nil || flow.CurrentID() != pEnd || !flow.Visited(pThird) {
		t.Fatalf("jump: %v, on %v, third visited %v", err, flow.CurrentID(), flow.Visited(pThird))
	}
	if err := flow.Next(); errText(err) != "this is the last page" {
		t.Errorf("next from the last page: %v", err)
	}
	if err := flow.Prev(); err != nil || flow.CurrentID() != pThird {
		t.Errorf("back: %v, on %v", err, flow.CurrentID())
	}
	// The order depends on the state.
	s.skipSecond = true
	if err := flow.Prev(); err != nil || flow.CurrentID() != pFirst {
		t.Errorf("back with the second page left out: %v, on %v", err, flow.CurrentID())
	}
	if ps := flow.Pages(); len(ps) != 3 || ps[1] != f.Page(pThird) || flow.Index(pSecond) != -1 {
		t.Errorf("pages %v", ps)
	}
	if f.ByKey("third") != f.Page(pThird) || len(f.All()) != 4 || f.Page(pThird).HasInput() {
		t.Error("form lookups")
	}
	if f.Page(pFirst).Title(nil) != "First page" || f.Page(pFirst).NavTitle(nil) != "First" {
		t.Error("page texts")
	}
}

func TestScreenHelpAndLower(t *testing.T) {
	s := &state{}
	f, _ := newForm(s)
	name := f.Page(pFirst).Field("name")
	if name.AccessibleHelp(s) == "" {
		t.Error("help left out of line prompts")
	}
	name.ScreenHelp()
	if name.AccessibleHelp(s) != "" {
		t.Error("screen-only help in line prompts")
	}
	for in, want := range map[string]string{"Name": "name", "Media type": "media type", "ISO file": "ISO file", "USB device": "USB device", "A": "A", "암호": "암호", "": ""} {
		if got := Lower(in); got != want {
			t.Errorf("Lower(%q) = %q", in, got)
		}
	}
	if !strings.Contains(f.Problem(English, "nav.fix-page", "X").Error(), "X") {
		t.Error("problem with arguments")
	}
}

func TestAddTwicePanics(t *testing.T) {
	f, _ := newForm(&state{})
	defer func() {
		if recover() == nil {
			t.Error("a page added twice")
		}
	}()
	f.Add(&Page[*state, pid]{ID: pFirst, Key: "again"})
}
