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

// The wizard's accessible mode: the line prompts of any form
// (form_plain.go) with this wizard's application list, Summary, writing
// and Completion.

// AccessibleOptions configure RunAccessible.
type AccessibleOptions struct {
	WizardOptions
	// ReadSecret reads a password without echo (a terminal); nil reads it
	// as a line from the stream like every other answer.
	ReadSecret func() (string, error)
}

type plain struct {
	formPlain[*wizard.Wizard, wizard.PageID]
	w   *wizard.Wizard
	opt AccessibleOptions
}

// RunAccessible runs the wizard as line prompts on out, reading answers
// from in, in the wizard's language.
func RunAccessible(w *wizard.Wizard, opt AccessibleOptions, in io.Reader, out io.Writer) (WizardResult, error) {
	if opt.Commands == nil {
		opt.Commands = DefaultCommands
	}
	p := &plain{w: w, opt: opt}
	p.formPlain = formPlain[*wizard.Wizard, wizard.PageID]{texts: textsIn(w.Lang), s: w, host: p, in: bufio.NewReader(in), out: out, readSecret: opt.ReadSecret}
	return p.run()
}

func (p *plain) run() (WizardResult, error) {
	p.intro(p.tx("title"))
	for {
		if err := p.toPage(wizard.PageSummary); err != nil {
			return WizardResult{Cancelled: true}, err
		}
		if res, done, err := p.summary(); done || err != nil {
			return res, err
		}
	}
}

// The line prompts' host (plainHost): what only this wizard has.

// skip: an application's fields are asked per application.
func (p *plain) skip(f *wizard.Field) bool {
	return f.EditorOnly() && p.w.CurrentID() == wizard.PageApps
}

func (p *plain) custom(f *wizard.Field) (bool, error) {
	if f.Kind != wizard.KindApps {
		return false, nil
	}
	return true, p.apps(f)
}

func (p *plain) help(f *wizard.Field) string               { return f.AccessibleHelp(p.w) }
func (p *plain) display(f *wizard.Field) string            { return p.w.Display(f) }
func (p *plain) answer(*wizard.Field, string) (bool, bool) { return false, false }
func (p *plain) edited(*wizard.Field)                      {}

// apps asks for applications one at a time until the answer is no.
func (p *plain) apps(list *wizard.Field) error {
	w := p.w
	p.say("")
	p.say("%s: %s", list.Label(w), w.Display(list))
	for {
		fmt.Fprintf(p.out, "%s [%s]: ", p.tx("answers.app-add"), w.Msg("value.no"))
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
			p.say(p.tx("answers.error"), p.tx("answers.bool"))
			continue
		}
		if !yes {
			return nil
		}
		w.AddApp()
		p.say(p.tx("answers.app"), w.EditingApp+1)
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
				p.say(p.tx("answers.error"), err.Error())
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
			p.say(p.tx("answers.warning"), g.Page.Title(w)+": "+wn.Msg)
		}
	}
	p.say("%s", p.tx("summary.choices"))
	for _, g := range w.Summary() {
		p.say("%s", g.Page.Title(w))
		for _, it := range g.Items {
			p.say("  %s: %s", it.Label, it.Value)
		}
	}
	err := p.settle()
	if errors.Is(err, errBack) {
		p.back()
		return WizardResult{}, false, nil
	}
	if err != nil {
		return WizardResult{Cancelled: true}, true, err
	}
	switch yes, back, err := p.confirm(p.tx("answers.write"), p.tx("key.write")); {
	case err != nil:
		return WizardResult{Cancelled: true}, true, err
	case back:
		p.back()
		return WizardResult{}, false, nil
	case !yes:
		return WizardResult{Cancelled: true}, true, nil
	}
	w.Goto(wizard.PageProgress)
	p.say("")
	p.say("%s", p.tx("progress.writing"))
	msg := writeSequence(w)
	for _, wn := range msg.warnings {
		p.say(p.tx("answers.warning"), wn)
	}
	if msg.err != nil {
		p.say(p.tx("answers.error"), p.tx("progress.failed")+" "+msg.err.Error())
		w.Goto(wizard.PageSummary)
		return WizardResult{}, false, nil
	}
	w.Written = msg.path
	res := WizardResult{Written: msg.path}
	p.say(p.tx("answers.written"), msg.path)
	if msg.steps > 0 {
		p.say(p.tx("progress.steps"), msg.steps, msg.groups)
	}
	if msg.sealed {
		p.say("%s", p.tx("progress.sealed"))
	}
	w.Goto(wizard.PageCompletion)
	p.say("")
	p.say("%s", w.Current().Title(w))
	for i, a := range completionActions {
		label := p.actionName(a)
		if a != ActionQuit && !p.opt.Available[a] {
			label += " " + p.tx("completion.cli")
		}
		p.say("  %d. %s", i+1, label)
	}
	for {
		fmt.Fprintf(p.out, "%s [%d]: ", p.tx("answers.next"), len(completionActions))
		ans, ok := p.line(false)
		fmt.Fprintln(p.out)
		n, err := strconv.Atoi(strings.TrimSpace(ans))
		if !ok || strings.TrimSpace(ans) == "" {
			n, err = len(completionActions), nil
		}
		if err != nil || n < 1 || n > len(completionActions) {
			p.say(p.tx("answers.error"), fmt.Sprintf(p.tx("answers.choose"), len(completionActions)))
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
	p.say("%s", p.tx("completion.later"))
	for _, c := range p.opt.Commands(res.Written) {
		p.say("  %s", c)
	}
	return res, true, nil
}
