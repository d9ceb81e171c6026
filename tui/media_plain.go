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

// The media wizard's accessible mode: the same pages, fields and
// validation as the screens, as plain line prompts a screen reader can
// follow, driven by the pure mediawiz state like the wizard's accessible
// mode (wizard_plain.go).
//
// Every answer is read from one buffered reader, so answers piped in at
// once are not lost. An empty line keeps the value in brackets; "<" goes
// back a page. End of input on a required field (or one whose value is
// wrong) is an InputEndedError naming it: nothing is written. Writing a
// device still needs its name typed on the Summary.

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
type MediaWriteError struct{ Err error }

func (e *MediaWriteError) Error() string { return mtx("progress.failed") + " " + e.Err.Error() }
func (e *MediaWriteError) Unwrap() error { return e.Err }

type mediaPlain struct {
	w        *mediawiz.Wizard
	opt      MediaAccessibleOptions
	in       *bufio.Reader
	out      io.Writer
	eof      bool
	writeErr error
}

// RunMediaAccessible runs the media wizard as line prompts on out,
// reading answers from in.
func RunMediaAccessible(seq *sequence.Sequence, seqPath string, opt MediaAccessibleOptions, in io.Reader, out io.Writer) (MediaResult, error) {
	if opt.Env == nil {
		opt.Env = DefaultMediaEnv()
	}
	if opt.Context == nil {
		opt.Context = context.Background()
	}
	opt.Hooks.defaults()
	w := mediawiz.New(seq, seqPath, opt.Env)
	if opt.Answers != nil {
		opt.Answers(&w.A)
	}
	p := &mediaPlain{w: w, opt: opt, in: bufio.NewReader(in), out: out}
	return p.run()
}

func (p *mediaPlain) say(format string, args ...any) { fmt.Fprintf(p.out, format+"\n", args...) }

// line reads one answer; ok is false at the end of input.
func (p *mediaPlain) line(secret bool) (string, bool) {
	if p.eof {
		return "", false
	}
	if secret && p.opt.ReadSecret != nil {
		s, err := p.opt.ReadSecret()
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

func (p *mediaPlain) ended(f *mediawiz.Field) error {
	return &InputEndedError{Field: f.ID, Label: f.Label(p.w)}
}

func (p *mediaPlain) run() (MediaResult, error) {
	w := p.w
	p.say("%s", fmt.Sprintf(mtx("title"), "-"))
	p.say("%s", tx("answers.plain"))
	for {
		switch w.CurrentID() {
		case mediawiz.PageSummary:
			res, done, err := p.summary()
			if done || err != nil {
				return res, err
			}
			continue
		case mediawiz.PageProgress, mediawiz.PageCompletion:
			return MediaResult{}, errors.New("unexpected page")
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
				return MediaResult{Cancelled: true}, nerr
			}
			var bad map[*mediawiz.Field]bool
			for _, e := range errs {
				p.say(tx("answers.error"), e.Field.Label(w)+": "+e.Msg)
				if !e.Field.Editable() {
					bad = nil // a note is fixed elsewhere on the page: ask it all
					break
				}
				if bad == nil {
					bad = map[*mediawiz.Field]bool{}
				}
				bad[e.Field] = true
			}
			if p.eof {
				return MediaResult{Cancelled: true}, p.ended(errs[0].Field)
			}
			err = p.askPage(bad)
		}
		if errors.Is(err, errBack) {
			p.back()
			continue
		}
		if err != nil {
			return MediaResult{Cancelled: true}, err
		}
	}
}

func (p *mediaPlain) back() {
	if err := p.w.Prev(); err != nil {
		p.say(tx("answers.error"), err.Error())
	}
}

func (p *mediaPlain) header() {
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
// when given), checking visibility as it goes: a file that exists brings
// up "Replace the existing file".
func (p *mediaPlain) askPage(only map[*mediawiz.Field]bool) error {
	w := p.w
	for _, f := range w.Current().Fields {
		if !f.Visible(w) || only != nil && !only[f] {
			continue
		}
		if err := p.ask(f); err != nil {
			return err
		}
	}
	return nil
}

// help is a field's help without the keys of the screens.
func (p *mediaPlain) help(f *mediawiz.Field) string {
	if f.Kind == mediawiz.KindList {
		return "" // answers.vars says how
	}
	if h, ok := mediaText[wizard.CurrentLang()]["plain."+f.ID]; ok {
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
		return mediawiz.Msg("summary.password.typed")
	case f.Kind == wizard.KindBool:
		if v == "true" {
			return mediawiz.Msg("value.yes")
		}
		return mediawiz.Msg("value.no")
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
		return mediawiz.Msg("value.none")
	}
	return v
}

func (p *mediaPlain) ask(f *mediawiz.Field) error {
	w := p.w
	if !f.Editable() {
		p.say("%s: %s", f.Label(w), f.Get(w))
		return nil
	}
	for {
		label := f.Label(w)
		if f.Required {
			label += " " + tx("answers.required") // words, not a star a screen reader spells out
		}
		p.say("")
		p.say("%s", label)
		if h := p.help(f); h != "" {
			p.say("%s", h)
		}
		opts := f.Options(w)
		switch {
		case f.IsList(w):
			for i, o := range opts {
				mark := ""
				if o.Value == f.Get(w) {
					mark = " " + tx("answers.current")
				}
				p.say("  %d. %s%s", i+1, o.Label, mark)
				if n := f.OptionNote(w, o.Value); n != "" {
					p.say("     %s", n)
				}
			}
			if len(opts) == 0 {
				if e := errText(f.Error(w)); e != "" {
					p.say(tx("answers.error"), e)
				}
			}
			fmt.Fprintf(p.out, "%s [%s]: ", fmt.Sprintf(tx("answers.choose"), len(opts)), p.display(f))
		case f.Kind == mediawiz.KindList:
			p.say("%s", mtx("answers.vars"))
			fmt.Fprintf(p.out, "[%s]: ", p.display(f))
		case f.Kind == wizard.KindBool:
			fmt.Fprintf(p.out, "%s [%s]: ", tx("answers.bool"), p.display(f))
		case f.Kind == wizard.KindSecret && p.opt.ReadSecret != nil:
			fmt.Fprintf(p.out, "%s [%s]: ", tx("answers.secret"), p.display(f))
		default:
			fmt.Fprintf(p.out, "[%s]: ", p.display(f))
		}
		ans, ok := p.line(f.Kind == wizard.KindSecret)
		fmt.Fprintln(p.out)
		if !ok {
			if f.Required || errText(f.Error(w)) != "" {
				return p.ended(f)
			}
			return nil
		}
		if isBack(ans) {
			return errBack
		}
		ans = strings.TrimSpace(ans)
		if f.Kind == mediawiz.KindList {
			p.vars(ans)
		} else if ans != "" {
			if f.Key == "device" && strings.EqualFold(ans, "r") {
				w.Rescan()
				p.say("%s", mtx("status.rescanned"))
				continue
			}
			if msg := p.set(f, opts, ans); msg != "" {
				p.say(tx("answers.error"), msg)
				continue
			}
			if f.Key == "winpe" || f.Key == "fwfiles" {
				w.RecheckSource()
			}
		}
		if e := errText(f.Error(w)); e != "" {
			p.say(tx("answers.error"), e)
			if p.eof {
				return p.ended(f)
			}
			continue
		}
		if wn := errText(f.Warning(w)); wn != "" {
			p.say(tx("answers.warning"), wn)
		}
		return nil
	}
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

// set stores an answer; it returns a message when the answer is not one
// of the choices.
func (p *mediaPlain) set(f *mediawiz.Field, opts []wizard.Option, ans string) string {
	w := p.w
	switch {
	case f.IsList(w):
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

// summary shows the choices, asks the Summary's fields (a device's name)
// and writes the medium.
func (p *mediaPlain) summary() (MediaResult, bool, error) {
	w := p.w
	p.header()
	for id := mediawiz.PageType; id < mediawiz.PageSummary; id++ {
		for _, wn := range w.PageWarnings(id) {
			p.say(tx("answers.warning"), mediawiz.PageByID(id).Title()+": "+wn.Msg)
		}
	}
	p.say("%s", mtx("summary.choices"))
	for _, it := range w.Summary() {
		p.say("  %s: %s", it.Label, it.Value)
	}
	if w.A.Target == mediawiz.TargetDevice {
		p.say(tx("answers.warning"), fmt.Sprintf(mtx("summary.erase"), w.Target()))
	}
	err := p.askPage(nil)
	for err == nil {
		errs := w.PageErrors(mediawiz.PageSummary)
		if len(errs) == 0 {
			break
		}
		bad := map[*mediawiz.Field]bool{}
		for _, e := range errs {
			p.say(tx("answers.error"), e.Field.Label(w)+": "+e.Msg)
			bad[e.Field] = true
		}
		if p.eof {
			return MediaResult{Cancelled: true}, true, p.ended(errs[0].Field)
		}
		err = p.askPage(bad)
	}
	if errors.Is(err, errBack) {
		p.back()
		return MediaResult{}, false, nil
	}
	if err != nil {
		if p.writeErr != nil {
			return MediaResult{Cancelled: true}, true, &MediaWriteError{p.writeErr}
		}
		return MediaResult{Cancelled: true}, true, err
	}
	if id, bad := w.FirstInvalid(); bad {
		// A page went wrong since (a file appeared): back to it.
		p.say(tx("answers.error"), mediawiz.Msgf("nav.fix-page", mediawiz.PageByID(id).Title()))
		for w.CurrentID() > id {
			if w.Prev() != nil {
				break
			}
		}
		return MediaResult{}, false, nil
	}
	for {
		p.say("")
		fmt.Fprintf(p.out, "%s [y]: ", mtx("answers.write"))
		ans, ok := p.line(false)
		fmt.Fprintln(p.out)
		if !ok {
			if p.writeErr != nil {
				return MediaResult{Cancelled: true}, true, &MediaWriteError{p.writeErr}
			}
			return MediaResult{Cancelled: true}, true, &InputEndedError{Field: "summary.write", Label: mtx("key.write")}
		}
		if isBack(ans) {
			p.back()
			return MediaResult{}, false, nil
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
			return MediaResult{Cancelled: true}, true, nil
		}
		break
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
	p.say("%s", fmt.Sprintf(mtx("progress.writing"), w.Target()))
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
		p.say(mtx("answers.phase"), mtx("phase."+phase), q*25)
	}}
	msg := runMediaJob(p.opt.Context, job, p.opt.Hooks, prog)
	w.Writing = false
	if msg.rewrite {
		p.say(tx("answers.warning"), fmt.Sprintf(mtx("progress.rewrite"), w.Target()))
	}
	if msg.err != nil {
		if p.opt.Context.Err() != nil {
			p.say(tx("answers.warning"), fmt.Sprintf(mtx("progress.stopped"), w.Target()))
			return MediaResult{Cancelled: true}, true, nil
		}
		p.say(tx("answers.error"), mtx("progress.failed")+" "+msg.err.Error())
		p.writeErr = msg.err
		w.Goto(mediawiz.PageSummary)
		return MediaResult{}, false, nil
	}
	r := msg.res
	w.Written = r.Path
	p.say(mtx("answers.written"), r.Path)
	p.say(mtx("progress.files"), r.Files, mb(r.Size), r.ID)
	if len(r.Manifest) > 0 {
		p.say(mtx("progress.content"), len(r.Manifest))
	}
	w.Goto(mediawiz.PageCompletion)
	p.say("")
	p.say("%s", w.Current().Title())
	p.say(mtx("completion.done"), mediaKindName(w))
	p.say("  %s", r.Path)
	p.say("%s", mtx("completion.repeat"))
	p.say("  %s", w.CommandLine())
	if _, env := w.Password(); w.A.Protect && env == "" {
		p.say("%s", mtx("completion.pass"))
	}
	return MediaResult{Written: r.Path, Command: w.CommandLine()}, true, nil
}
