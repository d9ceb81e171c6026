package tui

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/refimage/refimage/wizard"
)

// Accessible mode: the wizard's pages, fields, validation and output as
// plain line prompts a screen reader can follow. It is driven by the pure
// wizard state, like the screens; it does not use huh's accessible mode,
// which drops validation errors and reads from several buffers.
//
// Every answer is read from one buffered reader, so answers piped in at
// once are not lost. An empty line keeps the value shown in brackets. End
// of input on a required field (or one whose value is wrong) is an
// InputEndedError: nothing is written. A wrong value is explained and the
// question asked again.

// InputEndedError is the end of the answers before a field that needs one.
type InputEndedError struct {
	Field string // page.key, e.g. info.name
	Label string
}

func (e *InputEndedError) Error() string { return fmt.Sprintf(tx("answers.eof"), e.Label, e.Field) }

// AccessibleOptions configure RunAccessible.
type AccessibleOptions struct {
	WizardOptions
	// ReadSecret reads a password without echo (a terminal); nil reads it
	// as a line from the stream like every other answer.
	ReadSecret func() (string, error)
}

type plain struct {
	w   *wizard.Wizard
	opt AccessibleOptions
	in  *bufio.Reader
	out io.Writer
}

// RunAccessible runs the wizard as line prompts on out, reading answers
// from in.
func RunAccessible(w *wizard.Wizard, opt AccessibleOptions, in io.Reader, out io.Writer) (WizardResult, error) {
	if opt.Commands == nil {
		opt.Commands = DefaultCommands
	}
	p := &plain{w: w, opt: opt, in: bufio.NewReader(in), out: out}
	return p.run()
}

func (p *plain) say(format string, args ...any) { fmt.Fprintf(p.out, format+"\n", args...) }

// line reads one answer; ok is false at the end of input.
func (p *plain) line(secret bool) (string, bool) {
	if secret && p.opt.ReadSecret != nil {
		s, err := p.opt.ReadSecret()
		return strings.TrimRight(s, "\r\n"), err == nil
	}
	s, err := p.in.ReadString('\n')
	if err != nil && s == "" {
		return "", false
	}
	return strings.TrimRight(s, "\r\n"), true
}

func (p *plain) run() (WizardResult, error) {
	w := p.w
	p.say("%s", fmt.Sprintf(tx("title"), "-"))
	p.say("%s", tx("answers.plain"))
	for {
		switch w.CurrentID() {
		case wizard.PageSummary:
			res, done, err := p.summary()
			if done || err != nil {
				return res, err
			}
			continue
		case wizard.PageProgress, wizard.PageCompletion:
			return WizardResult{}, errors.New("unexpected page")
		}
		p.header()
		err := p.askPage(nil)
		for err == nil {
			nerr := w.Next()
			if nerr == nil {
				break
			}
			errs := w.PageErrors(w.CurrentID())
			if len(errs) == 0 {
				p.say(tx("answers.error"), nerr.Error())
				return WizardResult{}, nerr
			}
			bad := map[*wizard.Field]bool{}
			for _, e := range errs {
				p.say(tx("answers.error"), e.Field.Label(w)+": "+e.Msg)
				bad[e.Field] = true
			}
			err = p.askPage(bad)
		}
		if errors.Is(err, errBack) {
			p.back()
			continue
		}
		if err != nil {
			return WizardResult{Cancelled: true}, err
		}
	}
}

// errBack is the answer "<": go back to the previous page.
var errBack = errors.New("back")

func isBack(ans string) bool { return strings.TrimSpace(ans) == "<" }

// back goes to the previous page; every answer is kept.
func (p *plain) back() {
	if err := p.w.Prev(); err != nil {
		p.say(tx("answers.error"), err.Error())
	}
}

func (p *plain) header() {
	w := p.w
	n, i := len(w.Pages()), 0
	for k, pg := range w.Pages() {
		if pg.ID == w.CurrentID() {
			i = k + 1
		}
	}
	p.say("")
	p.say(tx("answers.page"), i, n, w.Current().Title())
	p.say("%s", w.Current().Help())
}

// askPage asks the page's visible fields in order (only those in only,
// when given). Visibility is checked as it goes: an answer may show the
// next field (a password after "enable the account").
func (p *plain) askPage(only map[*wizard.Field]bool) error {
	w := p.w
	for _, f := range w.Current().Fields {
		if !f.Visible(w) || only != nil && !only[f] {
			continue
		}
		if f.EditorOnly() && w.CurrentID() == wizard.PageApps {
			continue // asked per application
		}
		if err := p.ask(f); err != nil {
			return err
		}
	}
	return nil
}

func (p *plain) ended(f *wizard.Field) error {
	return &InputEndedError{Field: f.ID, Label: f.Label(p.w)}
}

func (p *plain) ask(f *wizard.Field) error {
	w := p.w
	if f.Kind == wizard.KindNote {
		p.say("%s: %s", f.Label(w), f.Get(w))
		return nil
	}
	if f.Kind == wizard.KindApps {
		return p.apps(f)
	}
	for {
		label := f.Label(w)
		if f.IsRequired(w) {
			label += " " + tx("answers.required") // words, not a star a screen reader spells out
		}
		p.say("")
		p.say("%s", label)
		if h := f.AccessibleHelp(w); h != "" {
			p.say("%s", h)
		}
		opts := f.Options(w)
		list := f.IsList(w)
		cur := w.Display(f)
		switch {
		case list:
			for i, o := range opts {
				mark := ""
				if o.Value == f.Get(w) {
					mark = " " + tx("answers.current")
				}
				p.say("  %d. %s%s", i+1, o.Label, mark)
			}
			fmt.Fprintf(p.out, "%s [%s]: ", fmt.Sprintf(tx("answers.choose"), len(opts)), cur)
		case f.Kind == wizard.KindBool:
			fmt.Fprintf(p.out, "%s [%s]: ", tx("answers.bool"), cur)
		case f.Kind == wizard.KindSecret && p.opt.ReadSecret != nil:
			fmt.Fprintf(p.out, "%s [%s]: ", tx("answers.secret"), cur)
		default:
			fmt.Fprintf(p.out, "[%s]: ", cur)
		}
		ans, ok := p.line(f.Kind == wizard.KindSecret)
		fmt.Fprintln(p.out)
		if !ok {
			if f.IsRequired(w) || errText(f.Error(w)) != "" {
				return p.ended(f)
			}
			return nil
		}
		if isBack(ans) {
			return errBack
		}
		ans = strings.TrimSpace(ans)
		before := f.Get(w)
		if ans != "" {
			if msg := p.set(f, opts, list, ans); msg != "" {
				p.say(tx("answers.error"), msg)
				continue
			}
		}
		if e := errText(f.Error(w)); e != "" {
			p.say(tx("answers.error"), e)
			if ans != "" {
				// A refused answer is not offered back as the default.
				f.Set(w, before)
			}
			continue
		}
		if wn := errText(f.Warning(w)); wn != "" {
			p.say(tx("answers.warning"), wn)
		}
		return nil
	}
}

// set stores an answer; it returns a message when the answer is not one
// of the choices.
func (p *plain) set(f *wizard.Field, opts []wizard.Option, list bool, ans string) string {
	w := p.w
	switch {
	case list:
		if n, err := strconv.Atoi(ans); err == nil && n >= 1 && n <= len(opts) {
			f.Set(w, opts[n-1].Value)
			return ""
		}
		for _, o := range opts {
			if strings.EqualFold(o.Value, ans) || o.Label == ans {
				f.Set(w, o.Value)
				return ""
			}
		}
		return fmt.Sprintf(tx("answers.choose"), len(opts))
	case f.Kind == wizard.KindBool:
		switch b, ok := yesNo(ans); {
		case !ok:
			return tx("answers.bool")
		case b:
			f.Set(w, "true")
		default:
			f.Set(w, "false")
		}
		return ""
	}
	f.Set(w, ans)
	return ""
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

// apps asks for applications one at a time until the answer is no.
func (p *plain) apps(list *wizard.Field) error {
	w := p.w
	p.say("")
	p.say("%s: %s", list.Label(w), w.Display(list))
	for {
		fmt.Fprintf(p.out, "%s [%s]: ", tx("answers.app-add"), wizard.Msg("value.no"))
		ans, ok := p.line(false)
		fmt.Fprintln(p.out)
		if !ok {
			return nil
		}
		if isBack(ans) {
			return errBack
		}
		yes, valid := yesNo(ans)
		if strings.TrimSpace(ans) == "" {
			yes, valid = false, true
		}
		if !valid {
			p.say(tx("answers.error"), tx("answers.bool"))
			continue
		}
		if !yes {
			return nil
		}
		w.AddApp()
		p.say(tx("answers.app"), w.EditingApp+1)
		var fields []*wizard.Field
		for _, f := range w.Current().Fields {
			if f.EditorOnly() {
				fields = append(fields, f)
			}
		}
		only := map[*wizard.Field]bool{}
		for _, f := range fields {
			only[f] = true
		}
		for {
			for _, f := range fields {
				if !only[f] {
					continue
				}
				if err := p.ask(f); err != nil {
					if errors.Is(err, errBack) {
						w.RemoveApp(w.EditingApp) // the application being added is dropped
					}
					return err
				}
			}
			if err := w.FinishApp(); err != nil {
				p.say(tx("answers.error"), err.Error())
				only = map[*wizard.Field]bool{}
				for _, f := range fields {
					if errText(f.Error(w)) != "" {
						only[f] = true
					}
				}
				if len(only) == 0 {
					for _, f := range fields {
						only[f] = true
					}
				}
				continue
			}
			break
		}
	}
}

// summary shows the choices, asks the Summary's fields and writes.
func (p *plain) summary() (WizardResult, bool, error) {
	w := p.w
	p.header()
	for _, g := range w.Summary() {
		for _, wn := range w.PageWarnings(g.Page.ID) {
			p.say(tx("answers.warning"), g.Page.Title()+": "+wn.Msg)
		}
	}
	p.say("%s", tx("summary.choices"))
	for _, g := range w.Summary() {
		p.say("%s", g.Page.Title())
		for _, it := range g.Items {
			p.say("  %s: %s", it.Label, it.Value)
		}
	}
	err := p.askPage(nil)
	for err == nil {
		errs := w.PageErrors(wizard.PageSummary)
		if len(errs) == 0 {
			break
		}
		bad := map[*wizard.Field]bool{}
		for _, e := range errs {
			p.say(tx("answers.error"), e.Field.Label(w)+": "+e.Msg)
			bad[e.Field] = true
		}
		err = p.askPage(bad)
	}
	if errors.Is(err, errBack) {
		p.back()
		return WizardResult{}, false, nil
	}
	if err != nil {
		return WizardResult{Cancelled: true}, true, err
	}
	for {
		p.say("")
		fmt.Fprintf(p.out, "%s [y]: ", tx("answers.write"))
		ans, ok := p.line(false)
		fmt.Fprintln(p.out)
		if !ok {
			return WizardResult{Cancelled: true}, true, &InputEndedError{Field: "summary.write", Label: tx("key.write")}
		}
		if isBack(ans) {
			p.back()
			return WizardResult{}, false, nil
		}
		if strings.TrimSpace(ans) == "" {
			ans = "y"
		}
		yes, valid := yesNo(ans)
		if !valid {
			p.say(tx("answers.error"), tx("answers.bool"))
			continue
		}
		if !yes {
			return WizardResult{Cancelled: true}, true, nil
		}
		break
	}
	w.Goto(wizard.PageProgress)
	p.say("")
	p.say("%s", tx("progress.writing"))
	msg := writeSequence(w)
	for _, wn := range msg.warnings {
		p.say(tx("answers.warning"), wn)
	}
	if msg.err != nil {
		p.say(tx("answers.error"), tx("progress.failed")+" "+msg.err.Error())
		w.Goto(wizard.PageSummary)
		return WizardResult{}, false, nil
	}
	w.Written = msg.path
	res := WizardResult{Written: msg.path}
	p.say(tx("answers.written"), msg.path)
	if msg.steps > 0 {
		p.say(tx("progress.steps"), msg.steps, msg.groups)
	}
	if msg.sealed {
		p.say("%s", tx("progress.sealed"))
	}
	w.Goto(wizard.PageCompletion)
	p.say("")
	p.say("%s", w.Current().Title())
	for i, a := range completionActions {
		label := actionName(a)
		if a != ActionQuit && !p.opt.Available[a] {
			label += " " + tx("completion.cli")
		}
		p.say("  %d. %s", i+1, label)
	}
	for {
		fmt.Fprintf(p.out, "%s [%d]: ", tx("answers.next"), len(completionActions))
		ans, ok := p.line(false)
		fmt.Fprintln(p.out)
		n, err := strconv.Atoi(strings.TrimSpace(ans))
		if !ok || strings.TrimSpace(ans) == "" {
			n, err = len(completionActions), nil
		}
		if err != nil || n < 1 || n > len(completionActions) {
			p.say(tx("answers.error"), fmt.Sprintf(tx("answers.choose"), len(completionActions)))
			continue
		}
		a := completionActions[n-1]
		if a != ActionQuit && !p.opt.Available[a] {
			if note := p.opt.Notes[a]; note != "" {
				p.say("%s", note)
			}
			if !ok {
				a = ActionQuit
			} else {
				continue
			}
		}
		res.Action = a
		break
	}
	p.say("%s", tx("completion.later"))
	for _, c := range p.opt.Commands(res.Written) {
		p.say("  %s", c)
	}
	return res, true, nil
}
