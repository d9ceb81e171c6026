package tui

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/refimage/refimage/wizard/form"
)

// Accessible mode of any form: the wizard's pages, fields, validation
// and output as plain line prompts a screen reader can follow, driven by
// the pure wizard state like the screens (wizard_plain.go and
// media_plain.go keep only their Summary, writing and their own kinds).
//
// Every answer is read from one buffered reader, so answers piped in at
// once are not lost. An empty line keeps the value shown in brackets; "<"
// goes back a page. End of input on a required field (or one whose value
// is wrong) is an InputEndedError naming it: nothing is written. A wrong
// value is explained, the value before is kept, and the question asked
// again.

// InputEndedError is the end of the answers before a field that needs one.
type InputEndedError struct {
	texts        // the language it is said in
	Field string // page.key, e.g. info.name
	Label string
}

func (e *InputEndedError) Error() string { return fmt.Sprintf(e.tx("answers.eof"), e.Label, e.Field) }

// plainHost is what only one wizard's line prompts have.
type plainHost[S any] interface {
	// skip leaves a field out of the page's questions (asked elsewhere).
	skip(f *form.Field[S]) bool
	// custom asks a field of a kind only this wizard has (the
	// application list); false: the field is asked as usual.
	custom(f *form.Field[S]) (bool, error)
	// help is a field's help without the keys of the screens.
	help(f *form.Field[S]) string
	// display is a field's value as the prompt shows it in brackets.
	display(f *form.Field[S]) string
	// answer takes an answer the usual way does not (the media
	// variables, r for the disks): done, and again to ask once more.
	answer(f *form.Field[S], ans string) (done, again bool)
	// edited is called after a field was set.
	edited(f *form.Field[S])
}

type formPlain[S formState[S, P], P ~int] struct {
	texts      // the wizard's language
	s          S
	host       plainHost[S]
	in         *bufio.Reader
	out        io.Writer
	readSecret func() (string, error)
	eof        bool
}

func (p *formPlain[S, P]) say(format string, args ...any) { fmt.Fprintf(p.out, format+"\n", args...) }

// line reads one answer; ok is false at the end of input.
func (p *formPlain[S, P]) line(secret bool) (string, bool) {
	if p.eof {
		return "", false
	}
	if secret && p.readSecret != nil {
		s, err := p.readSecret()
		if err != nil {
			p.eof = true
		}
		return strings.TrimRight(s, "\r\n"), err == nil
	}
	s, err := p.in.ReadString('\n')
	if err != nil && s == "" {
		p.eof = true
		return "", false
	}
	return strings.TrimRight(s, "\r\n"), true
}

func (p *formPlain[S, P]) ended(f *form.Field[S]) error {
	return &InputEndedError{texts: p.texts, Field: f.ID, Label: f.Label(p.s)}
}

// errBack is the answer "<": go back to the previous page.
var errBack = errors.New("back")

func isBack(ans string) bool { return strings.TrimSpace(ans) == "<" }

// back goes to the previous page; every answer is kept.
func (p *formPlain[S, P]) back() {
	if err := p.s.Prev(); err != nil {
		p.say(p.tx("answers.error"), err.Error())
	}
}

func (p *formPlain[S, P]) header() {
	s := p.s
	p.say("")
	p.say(p.tx("answers.page"), pageNumber(s), len(s.Pages()), s.Current().Title(s))
	p.say("%s", s.Current().Help(s))
}

// pageNumber is the position of the page shown, from 1.
func pageNumber[S formState[S, P], P ~int](s S) int {
	for i, pg := range s.Pages() {
		if pg.ID == s.CurrentID() {
			return i + 1
		}
	}
	return 0
}

// intro says the wizard's title and how to answer.
func (p *formPlain[S, P]) intro(title string) {
	p.say("%s", fmt.Sprintf(title, "-"))
	p.say("%s", p.tx("answers.plain"))
}

// toPage asks page after page until the wizard is on page stop (the
// Summary).
func (p *formPlain[S, P]) toPage(stop P) error {
	for p.s.CurrentID() != stop {
		if err := p.page(); err != nil {
			return err
		}
	}
	return nil
}

// page asks the page shown until Next takes it ("<" goes back instead).
func (p *formPlain[S, P]) page() error {
	s := p.s
	p.header()
	err := p.askPage(nil)
	for err == nil {
		nerr := s.Next()
		if nerr == nil {
			return nil
		}
		errs := s.PageErrors(s.CurrentID())
		if len(errs) == 0 {
			p.say(p.tx("answers.error"), nerr.Error())
			return nerr
		}
		err = p.again(errs)
	}
	if errors.Is(err, errBack) {
		p.back()
		return nil
	}
	return err
}

// settle asks the page's fields until it has no errors (the Summary's).
func (p *formPlain[S, P]) settle() error {
	err := p.askPage(nil)
	for err == nil {
		errs := p.s.PageErrors(p.s.CurrentID())
		if len(errs) == 0 {
			return nil
		}
		err = p.again(errs)
	}
	return err
}

// again says the errors and asks the fields that have them (the whole
// page when a note has one: it is fixed elsewhere on the page).
func (p *formPlain[S, P]) again(errs []form.FieldError[S, P]) error {
	var bad map[*form.Field[S]]bool
	for _, e := range errs {
		p.say(p.tx("answers.error"), e.Field.Label(p.s)+": "+e.Msg)
		if !e.Field.Editable() {
			bad = nil
			break
		}
		if bad == nil {
			bad = map[*form.Field[S]]bool{}
		}
		bad[e.Field] = true
	}
	if p.eof {
		return p.ended(errs[0].Field)
	}
	return p.askPage(bad)
}

// askPage asks the page's visible fields in order (only those in only,
// when given). Visibility is checked as it goes: an answer may show the
// next field (a password after "enable the account").
func (p *formPlain[S, P]) askPage(only map[*form.Field[S]]bool) error {
	for _, f := range p.s.Current().Fields {
		if !f.Visible(p.s) || only != nil && !only[f] || p.host.skip(f) {
			continue
		}
		if err := p.ask(f); err != nil {
			return err
		}
	}
	return nil
}

func (p *formPlain[S, P]) ask(f *form.Field[S]) error {
	s := p.s
	if !f.Editable() {
		p.say("%s: %s", f.Label(s), f.Get(s))
		return nil
	}
	if done, err := p.host.custom(f); done {
		return err
	}
	for {
		label := f.Label(s)
		if f.IsRequired(s) {
			label += " " + p.tx("answers.required") // words, not a star a screen reader spells out
		}
		p.say("")
		p.say("%s", label)
		if h := p.host.help(f); h != "" {
			p.say("%s", h)
		}
		opts := f.Options(s)
		list := f.IsList(s)
		cur := p.host.display(f)
		switch {
		case list:
			for i, o := range opts {
				mark := ""
				if o.Value == f.Get(s) {
					mark = " " + p.tx("answers.current")
				}
				p.say("  %d. %s%s", i+1, o.Label, mark)
				if n := f.OptionNote(s, o.Value); n != "" {
					p.say("     %s", n)
				}
			}
			if e := errText(f.Error(s)); len(opts) == 0 && e != "" {
				p.say(p.tx("answers.error"), e)
			}
			fmt.Fprintf(p.out, "%s [%s]: ", fmt.Sprintf(p.tx("answers.choose"), len(opts)), cur)
		case f.Kind == form.KindList:
			p.say("%s", p.mtx("answers.vars"))
			fmt.Fprintf(p.out, "[%s]: ", cur)
		case f.Kind == form.KindBool:
			fmt.Fprintf(p.out, "%s [%s]: ", p.tx("answers.bool"), cur)
		case f.Kind == form.KindSecret && p.readSecret != nil:
			fmt.Fprintf(p.out, "%s [%s]: ", p.tx("answers.secret"), cur)
		default:
			fmt.Fprintf(p.out, "[%s]: ", cur)
		}
		ans, ok := p.line(f.Kind == form.KindSecret)
		fmt.Fprintln(p.out)
		if !ok {
			if f.IsRequired(s) || f.Error(s) != nil {
				return p.ended(f)
			}
			return nil
		}
		if isBack(ans) {
			return errBack
		}
		ans = strings.TrimSpace(ans)
		before := f.Get(s)
		set := false
		switch done, again := p.host.answer(f, ans); {
		case again:
			continue
		case done:
		case ans != "":
			if msg := p.set(f, opts, list, ans); msg != "" {
				p.say(p.tx("answers.error"), msg)
				continue
			}
			set = true
			p.host.edited(f)
		}
		if e := errText(f.Error(s)); e != "" {
			p.say(p.tx("answers.error"), e)
			if p.eof {
				return p.ended(f)
			}
			if set {
				// A refused answer is not offered back as the default.
				f.Set(s, before)
				p.host.edited(f)
			}
			continue
		}
		if wn := errText(f.Warning(s)); wn != "" {
			p.say(p.tx("answers.warning"), wn)
		}
		return nil
	}
}

// set stores an answer; it returns a message when the answer is not one
// of the choices.
func (p *formPlain[S, P]) set(f *form.Field[S], opts []form.Option, list bool, ans string) string {
	s := p.s
	switch {
	case list:
		if n, err := strconv.Atoi(ans); err == nil && n >= 1 && n <= len(opts) {
			f.Set(s, opts[n-1].Value)
			return ""
		}
		for _, o := range opts {
			if strings.EqualFold(o.Value, ans) || o.Label == ans {
				f.Set(s, o.Value)
				return ""
			}
		}
		return fmt.Sprintf(p.tx("answers.choose"), len(opts))
	case f.Kind == form.KindBool:
		switch b, ok := yesNo(ans); {
		case !ok:
			return p.tx("answers.bool")
		case b:
			f.Set(s, "true")
		default:
			f.Set(s, "false")
		}
		return ""
	}
	f.Set(s, ans)
	return ""
}

// confirm asks whether to write (yes by default); back is "<". The end
// of input is an InputEndedError naming what was asked.
func (p *formPlain[S, P]) confirm(question, what string) (yes, back bool, err error) {
	for {
		p.say("")
		fmt.Fprintf(p.out, "%s [y]: ", question)
		ans, ok := p.line(false)
		fmt.Fprintln(p.out)
		if !ok {
			return false, false, &InputEndedError{texts: p.texts, Field: "summary.write", Label: what}
		}
		if isBack(ans) {
			return false, true, nil
		}
		if strings.TrimSpace(ans) == "" {
			ans = "y"
		}
		yes, valid := yesNo(ans)
		if !valid {
			p.say(p.tx("answers.error"), p.tx("answers.bool"))
			continue
		}
		return yes, false, nil
	}
}

func yesNo(s string) (yes, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes", "true", "1", "on", "예", "네", "ㅇ":
		return true, true
	case "n", "no", "false", "0", "off", "아니요", "아니오", "ㄴ":
		return false, true
	}
	return false, false
}
