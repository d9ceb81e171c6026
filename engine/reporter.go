package engine

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/refimage/refimage/internal/bytesize"
)

// SummaryLines is the end-of-run summary as plain text lines no wider
// than width: a table of every step (name, result, exit code in hex and
// decimal, duration), then SummaryDetails.
func SummaryLines(res *Result, width int) []string {
	return append(SummaryTable(res, width), SummaryDetails(res, width)...)
}

func summaryWidth(width int) int {
	if width < 60 {
		return 60
	}
	return width
}

// SummaryTable is the table of every step: number, name, result, exit
// code in hex and decimal, duration.
func SummaryTable(res *Result, width int) []string {
	width = summaryWidth(width)
	const fixed = 3 + 1 + 1 + 18 + 1 + 22 + 1 + 8
	nameW := width - fixed
	var out []string
	out = append(out, fmt.Sprintf("%-3s %-*s %-18s %-22s %8s", "#", nameW, "Step", "Result", "Exit code", "Time"))
	out = append(out, strings.Repeat("-", width))
	for _, s := range res.Steps {
		num := ""
		if s.Number > 0 {
			num = fmt.Sprint(s.Number)
		}
		code, dur := "", ""
		switch s.Outcome {
		case Succeeded, Failed, FailedCont, Cancelled:
			code = fmt.Sprintf("0x%08X %s", uint32(s.ExitCode), Decimal(s.ExitCode))
			dur = FormatDuration(s.Duration)
		}
		out = append(out, strings.TrimRight(fmt.Sprintf("%-3s %-*s %-18s %-22s %8s", num, nameW, Truncate(s.Name, nameW), s.Outcome, code, dur), " "))
	}
	return append(out, strings.Repeat("-", width))
}

// SummaryDetails is how the run ended, and for a failure the failing
// step, the tail of its output, the log, and what the codes that
// appeared mean.
func SummaryDetails(res *Result, width int) []string {
	width = summaryWidth(width)
	var out []string
	out = append(out, Wrap(fmt.Sprintf("%s: %s (%s).", res.Sequence, res.Message, FormatDuration(res.Elapsed)), width)...)
	if f := res.Failed; f != nil {
		out = append(out, "")
		out = append(out, Wrap(fmt.Sprintf("Failed step: %s (%s) with %s: %s", f.Path, f.Type, FormatCode(f.ExitCode), f.Message), width)...)
		if len(f.Output) > 0 {
			out = append(out, "Its last output:")
			tail := f.Output
			if len(tail) > 8 {
				tail = tail[len(tail)-8:]
			}
			for _, l := range tail {
				out = append(out, Truncate("  "+l, width))
			}
		}
	}
	if res.LogPath != "" {
		out = append(out, Truncate("Log: "+res.LogPath, width))
	}
	seen := map[uint32]bool{}
	var codes []string
	for _, s := range res.Steps {
		if s.ExitCode == 0 || seen[uint32(s.ExitCode)] {
			continue
		}
		seen[uint32(s.ExitCode)] = true
		if ci, ok := LookupCode(s.ExitCode); ok {
			codes = append(codes, Wrap(fmt.Sprintf("%s %s: %s", FormatCode(s.ExitCode), ci.Name, ci.Meaning), width)...)
		}
	}
	if len(codes) > 0 {
		out = append(out, "What the codes mean:")
		out = append(out, codes...)
	}
	return out
}

// FormatDuration shows a duration as 1.2s, 3m04s or 1h02m.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// Truncate cuts s to n characters, ending with "…" when cut.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return string([]rune(s)[:n])
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Wrap breaks s into lines of at most width characters at spaces.
func Wrap(s string, width int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			for utf8.RuneCountInString(w) > width {
				if line != "" {
					out = append(out, line)
					line = ""
				}
				r := []rune(w)
				out = append(out, string(r[:width]))
				w = string(r[width:])
			}
			switch {
			case line == "":
				line = w
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
				line += " " + w
			default:
				out = append(out, line)
				line = w
			}
		}
		out = append(out, line)
	}
	return out
}

// LineReporter prints events as plain lines (for --plain, or when stderr
// is not a terminal). Safe for use from the engine's goroutine.
type LineReporter struct {
	W     io.Writer
	Width int // for the summary; 0 is 80

	mu      sync.Mutex
	total   int
	current string
	num     int
	lastPct map[string]int
}

// Event prints one event.
func (lr *LineReporter) Event(e Event) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	p := func(format string, args ...any) { fmt.Fprintf(lr.W, format+"\n", args...) }
	switch e := e.(type) {
	case RunStarted:
		lr.total = e.Total
		verb := "Running"
		if e.Resumed {
			verb = "Resuming"
		}
		p("%s: %s (%d steps, %s in %s)", verb, e.Sequence, e.Total, map[bool]string{true: "UEFI", false: "BIOS"}[e.Machine.UEFI], envWords(e.Machine))
		if e.LogPath != "" {
			p("Log: %s", e.LogPath)
		}
	case GroupStarted:
		p("== %s", e.Path)
	case GroupSkipped:
		p("== %s: skipped (%s)", e.Path, e.Reason)
	case StepStarted:
		lr.num, lr.current = e.Number, e.Path
		extra := ""
		if e.Attempt > 1 {
			extra = fmt.Sprintf(" (attempt %d)", e.Attempt)
		}
		p("[%d/%d] %s%s", e.Number, lr.total, e.Path, extra)
	case StepProgress:
		if e.Total <= 0 {
			return
		}
		pct := int(e.Done * 100 / e.Total)
		if lr.lastPct == nil {
			lr.lastPct = map[string]int{}
		}
		if last, ok := lr.lastPct[e.Path]; ok && pct/10 == last/10 && pct != 100 {
			return
		}
		lr.lastPct[e.Path] = pct
		if e.Unit == "bytes" {
			p("    %3d%% %s of %s", pct, bytesize.Format(e.Done), bytesize.Format(e.Total))
		} else {
			p("    %3d%% %s", pct, e.Message)
		}
	case StepOutput:
		p("    | %s", e.Line)
	case StepFinished:
		r := e.Result
		switch r.Outcome {
		case Skipped, Disabled:
			n := fmt.Sprint(r.Number)
			p("[%s/%d] %s: %s (%s)", n, lr.total, r.Path, r.Outcome, r.Message)
		case Succeeded:
			p("[%d/%d] %s: succeeded, exit code %s, %s", r.Number, lr.total, r.Path, Decimal(r.ExitCode), FormatDuration(r.Duration))
		default:
			p("[%d/%d] %s: %s, %s, %s: %s", r.Number, lr.total, r.Path, r.Outcome, FormatCode(r.ExitCode), FormatDuration(r.Duration), r.Message)
		}
	case Log:
		if e.Entry.Type == LogWarning {
			p("warning: %s", e.Entry.Message)
		}
	case Restarting:
		p("Restarting to %s (asked by %s).", targetWords(e.Target), e.Step)
		if e.Message != "" {
			p("  %s", e.Message)
		}
	case RunFinished:
		w := lr.Width
		if w == 0 {
			w = 80
		}
		p("")
		for _, l := range SummaryLines(e.Result, w) {
			p("%s", l)
		}
	}
}

// Note prints a line of its own (e.g. what ctrl+c does).
func (lr *LineReporter) Note(s string) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	fmt.Fprintln(lr.W, s)
}
