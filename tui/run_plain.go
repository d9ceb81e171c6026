package tui

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/internal/bytesize"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// PlainReporter prints a run's events as plain lines a screen reader
// follows (refimage run --plain or --accessible, and Run now after the
// accessible wizard), in its Lang. In English it is
// engine.LineReporter itself; in another language the same lines with
// the catalog's words (what the engine writes, a step's output and the
// reason a step failed, stays as the engine wrote it). Safe for use from
// the engine's goroutine.
type PlainReporter struct {
	W     io.Writer
	Width int           // for the summary; 0 is 80
	Theme *themes.Theme // symbols of the summary; nil: ascii (plain lines are for screen readers)
	Lang  wizard.Lang   // the language of the lines ("": English)

	once    sync.Once
	en      *engine.LineReporter
	mu      sync.Mutex
	total   int
	lastPct map[string]int
}

// tr is the reporter's language.
func (pr *PlainReporter) tr() texts { return textsIn(pr.Lang) }

func (pr *PlainReporter) english() *engine.LineReporter {
	pr.once.Do(func() {
		if pr.tr().english() {
			pr.en = &engine.LineReporter{W: pr.W, Width: pr.Width}
		}
	})
	return pr.en
}

// Note prints a line of its own (e.g. what ctrl+c does).
func (pr *PlainReporter) Note(s string) {
	if en := pr.english(); en != nil {
		en.Note(s)
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	fmt.Fprintln(pr.W, s)
}

// Event prints one event.
func (pr *PlainReporter) Event(e engine.Event) {
	if en := pr.english(); en != nil {
		en.Event(e)
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	p := func(format string, args ...any) { fmt.Fprintf(pr.W, format+"\n", args...) }
	switch e := e.(type) {
	case engine.RunStarted:
		pr.total = e.Total
		key := "plain.start"
		if e.Resumed {
			key = "plain.resume"
		}
		fw := "BIOS"
		if e.Machine.UEFI {
			fw = "UEFI"
		}
		where := pr.tr().rtx("plain.fullos")
		if e.Machine.InWinPE {
			where = "Windows PE"
		}
		p(pr.tr().rtx(key), e.Sequence, e.Total, fw, where)
		if e.LogPath != "" {
			p(pr.tr().rtx("log.path"), e.LogPath)
		}
	case engine.GroupStarted:
		p("== %s", e.Path)
	case engine.GroupSkipped:
		p("== %s: %s (%s)", e.Path, pr.tr().outcomeText(engine.Skipped), e.Reason)
	case engine.StepStarted:
		extra := ""
		if e.Attempt > 1 {
			extra = fmt.Sprintf(pr.tr().rtx("attempt"), e.Attempt)
		}
		p("[%d/%d] %s%s", e.Number, pr.total, e.Path, extra)
	case engine.StepProgress:
		if e.Total <= 0 {
			return
		}
		pct := int(e.Done * 100 / e.Total)
		if pr.lastPct == nil {
			pr.lastPct = map[string]int{}
		}
		if last, ok := pr.lastPct[e.Path]; ok && pct/10 == last/10 && pct != 100 {
			return
		}
		pr.lastPct[e.Path] = pct
		if e.Unit == "bytes" {
			p("    %3d%% "+pr.tr().rtx("plain.bytes"), pct, bytesize.Format(e.Done), bytesize.Format(e.Total))
		} else {
			p("    %3d%% %s", pct, e.Message)
		}
	case engine.StepOutput:
		p("    | %s", e.Line)
	case engine.StepFinished:
		r := e.Result
		switch r.Outcome {
		case engine.Skipped, engine.Disabled:
			p("[%d/%d] %s: %s (%s)", r.Number, pr.total, r.Path, pr.tr().outcomeText(r.Outcome), r.Message)
		case engine.Succeeded:
			p("[%d/%d] %s: "+pr.tr().rtx("plain.ok"), r.Number, pr.total, r.Path, engine.Decimal(r.ExitCode), engine.FormatDuration(r.Duration))
		default:
			p("[%d/%d] %s: %s, %s, %s: %s", r.Number, pr.total, r.Path, pr.tr().outcomeText(r.Outcome), engine.FormatCode(r.ExitCode), engine.FormatDuration(r.Duration), r.Message)
		}
	case engine.Log:
		if e.Entry.Type == engine.LogWarning {
			p(pr.tr().rtx("plain.warning"), e.Entry.Message)
		}
	case engine.Restarting:
		to := pr.tr().rtx("plain.to.default")
		switch strings.ToLower(e.Target) {
		case "winpe":
			to = "Windows PE"
		case "hd":
			to = pr.tr().rtx("plain.to.os")
		}
		p(pr.tr().rtx("plain.restart"), to, e.Step)
		if e.Message != "" {
			p("  %s", e.Message)
		}
	case engine.RunFinished:
		w := pr.Width
		if w == 0 {
			w = 80
		}
		th := pr.Theme
		if th == nil {
			th = themes.ASCII()
		}
		m := &RunModel{texts: pr.tr(), th: th}
		p("")
		for _, l := range m.summaryTable(e.Result, w) {
			p("%s", l)
		}
		for _, l := range m.summaryDetails(e.Result, w) {
			p("%s", l.text)
		}
	}
}
