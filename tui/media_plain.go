package tui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

// The media wizard's accessible mode: the line prompts of any form
// (form_plain.go) with this wizard's media variables, disk list,
// Summary and writing. Writing a device still needs its name typed on
// the Summary.

// MediaAccessibleOptions configure RunMediaAccessible.
type MediaAccessibleOptions struct {
	MediaOptions
	// ReadSecret reads a password without echo (a terminal); nil reads it
	// as a line from the stream like every other answer.
	ReadSecret func() (string, error)
	// Context stops the writing (ctrl+c); nil is never.
	Context context.Context
}

// MediaWriteError is a medium that could not be written (exit 1), as
// opposed to answers that ended or were wrong (exit 2).
type MediaWriteError struct {
	texts // the language it is said in
	Err   error
}

func (e *MediaWriteError) Error() string { return e.mtx("progress.failed") + " " + e.Err.Error() }
func (e *MediaWriteError) Unwrap() error { return e.Err }

type mediaPlain struct {
	formPlain[*mediawiz.Wizard, mediawiz.PageID]
	w        *mediawiz.Wizard
	opt      MediaAccessibleOptions
	writeErr error
}

// RunMediaAccessible runs the media wizard as line prompts on out,
// reading answers from in.
func RunMediaAccessible(seq *sequence.Sequence, seqPath string, opt MediaAccessibleOptions, in io.Reader, out io.Writer) (MediaResult, error) {
	if opt.Env == nil {
		opt.Env = DefaultMediaEnv(opt.Lang)
	}
	if opt.Context == nil {
		opt.Context = context.Background()
	}
	opt.Hooks.defaults(textsIn(opt.Lang))
	w := mediawiz.New(seq, seqPath, opt.Env, opt.Lang)
	if opt.Answers != nil {
		opt.Answers(&w.A)
	}
	p := &mediaPlain{w: w, opt: opt}
	p.formPlain = formPlain[*mediawiz.Wizard, mediawiz.PageID]{texts: textsIn(w.Lang), s: w, host: p, in: bufio.NewReader(in), out: out, readSecret: opt.ReadSecret}
	return p.run()
}

func (p *mediaPlain) run() (MediaResult, error) {
	p.intro(p.mtx("title"))
	for {
		if err := p.toPage(mediawiz.PageSummary); err != nil {
			return MediaResult{Cancelled: true}, err
		}
		if res, done, err := p.summary(); done || err != nil {
			return res, err
		}
	}
}

// The line prompts' host (plainHost): what only this wizard has.

func (p *mediaPlain) skip(*mediawiz.Field) bool            { return false }
func (p *mediaPlain) custom(*mediawiz.Field) (bool, error) { return false, nil }

// edited: a changed source is checked again.
func (p *mediaPlain) edited(f *mediawiz.Field) {
	if f.Key == "winpe" || f.Key == "fwfiles" {
		p.w.RecheckSource()
	}
}

// answer reads the media variables, and r in the disk list looks for
// disks again.
func (p *mediaPlain) answer(f *mediawiz.Field, ans string) (done, again bool) {
	switch {
	case f.Kind == mediawiz.KindList:
		p.vars(ans)
		return true, false
	case f.Key == "device" && strings.EqualFold(ans, "r"):
		p.w.Rescan()
		p.say("%s", p.mtx("status.rescanned"))
		return false, true
	}
	return false, false
}

// help is a field's help without the keys of the screens.
func (p *mediaPlain) help(f *mediawiz.Field) string {
	if f.Kind == mediawiz.KindList {
		return "" // answers.vars says how
	}
	if h, ok := mediaText[p.lang]["plain."+f.ID]; ok {
		return h
	}
	return f.Help(p.w)
}

// display is a field's value as the prompt shows it in brackets.
func (p *mediaPlain) display(f *mediawiz.Field) string {
	w := p.w
	v := f.Get(w)
	switch {
	case f.Kind == wizard.KindSecret && v != "" && !strings.HasPrefix(v, "env:"):
		return w.Msg("summary.password.typed")
	case f.Kind == wizard.KindBool:
		if v == "true" {
			return w.Msg("value.yes")
		}
		return w.Msg("value.no")
	case f.IsList(w):
		for i, o := range f.Options(w) {
			if o.Value == v {
				return strconv.Itoa(i + 1)
			}
		}
	case f.Kind == mediawiz.KindList:
		var l []string
		for _, x := range w.A.Vars {
			if strings.TrimSpace(x) != "" {
				l = append(l, x)
			}
		}
		v = strings.Join(l, ", ")
	}
	if v == "" {
		return w.Msg("value.none")
	}
	return v
}

// vars reads the media variables: the first line was read already; an
// empty one keeps the list, "-" empties it, otherwise lines are read up
// to an empty one (or the end of input).
func (p *mediaPlain) vars(first string) {
	w := p.w
	switch first {
	case "":
		return
	case "-":
		w.A.Vars = nil
		return
	}
	lines := []string{first}
	for {
		fmt.Fprintf(p.out, "%d: ", len(lines)+1)
		l, ok := p.line(false)
		fmt.Fprintln(p.out)
		l = strings.TrimSpace(l)
		if !ok || l == "" {
			break
		}
		lines = append(lines, l)
	}
	w.A.Vars = lines
}

// summary shows the choices, asks the Summary's fields (a device's name)
// and writes the medium.
func (p *mediaPlain) summary() (MediaResult, bool, error) {
	w := p.w
	p.header()
	for id := mediawiz.PageType; id < mediawiz.PageSummary; id++ {
		for _, wn := range w.PageWarnings(id) {
			p.say(p.tx("answers.warning"), mediawiz.PageByID(id).Title(w)+": "+wn.Msg)
		}
	}
	p.say("%s", p.mtx("summary.choices"))
	for _, it := range w.Summary() {
		p.say("  %s: %s", it.Label, it.Value)
	}
	if w.A.Target == mediawiz.TargetDevice {
		p.say(p.tx("answers.warning"), fmt.Sprintf(p.mtx("summary.erase"), w.Target()))
	}
	err := p.settle()
	if errors.Is(err, errBack) {
		p.back()
		return MediaResult{}, false, nil
	}
	if err != nil {
		if p.writeErr != nil {
			return MediaResult{Cancelled: true}, true, &MediaWriteError{texts: p.texts, Err: p.writeErr}
		}
		return MediaResult{Cancelled: true}, true, err
	}
	if id, bad := w.FirstInvalid(); bad {
		// A page went wrong since (a file appeared): back to it.
		p.say(p.tx("answers.error"), w.Msgf("nav.fix-page", mediawiz.PageByID(id).Title(w)))
		for w.CurrentID() > id {
			if w.Prev() != nil {
				break
			}
		}
		return MediaResult{}, false, nil
	}
	switch yes, back, err := p.confirm(p.mtx("answers.write"), p.mtx("key.write")); {
	case err != nil && p.writeErr != nil:
		return MediaResult{Cancelled: true}, true, &MediaWriteError{texts: p.texts, Err: p.writeErr}
	case err != nil:
		return MediaResult{Cancelled: true}, true, err
	case back:
		p.back()
		return MediaResult{}, false, nil
	case !yes:
		return MediaResult{Cancelled: true}, true, nil
	}
	return p.write()
}

// write writes the medium, saying each phase at every quarter.
func (p *mediaPlain) write() (MediaResult, bool, error) {
	w := p.w
	job := mediaJobFor(w)
	w.Goto(mediawiz.PageProgress)
	w.Writing = true
	p.say("")
	p.say("%s", fmt.Sprintf(p.mtx("progress.writing"), w.Target()))
	said := map[string]int64{}
	prog := &mediaProgress{onReport: func(phase string, done, total int64) {
		q := int64(4)
		if total > 0 {
			q = min(4, done*4/total)
		}
		if last, ok := said[phase]; ok && q <= last {
			return
		}
		said[phase] = q
		p.say(p.mtx("answers.phase"), p.mtx("phase."+phase), q*25)
	}}
	msg := p.runMediaJob(p.opt.Context, job, p.opt.Hooks, prog)
	w.Writing = false
	if msg.rewrite {
		p.say(p.tx("answers.warning"), fmt.Sprintf(p.mtx("progress.rewrite"), w.Target()))
	}
	if msg.err != nil {
		if p.opt.Context.Err() != nil {
			p.say(p.tx("answers.warning"), fmt.Sprintf(p.mtx("progress.stopped"), w.Target()))
			return MediaResult{Cancelled: true}, true, nil
		}
		p.say(p.tx("answers.error"), p.mtx("progress.failed")+" "+msg.err.Error())
		p.writeErr = msg.err
		w.Goto(mediawiz.PageSummary)
		return MediaResult{}, false, nil
	}
	r := msg.res
	w.Written = r.Path
	p.say(p.mtx("answers.written"), r.Path)
	p.say(p.mtx("progress.files"), r.Files, mb(r.Size), r.ID)
	if len(r.Manifest) > 0 {
		p.say(p.mtx("progress.content"), len(r.Manifest))
	}
	w.Goto(mediawiz.PageCompletion)
	p.say("")
	p.say("%s", w.Current().Title(w))
	p.say(p.mtx("completion.done"), p.mediaKindName(w))
	p.say("  %s", r.Path)
	p.say("%s", p.mtx("completion.repeat"))
	p.say("  %s", w.CommandLine())
	if _, env := w.Password(); w.A.Protect && env == "" {
		p.say("%s", p.mtx("completion.pass"))
	}
	return MediaResult{Written: r.Path, Command: w.CommandLine()}, true, nil
}
