package sysprep

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/refimage/refimage/internal/lazyre"
)

// LogLine is one entry of setupact.log / setuperr.log:
//
//	2024-01-31 12:00:00, Error      [0x0f0082] SYSPRP ActionPlatform::LaunchModule: ...
//
// Lines without a time stamp continue the entry before them.
type LogLine struct {
	File      string // the name given to Parse
	Line      int    // first line of the entry
	Time      time.Time
	Level     string // Info, Warning, Error, …
	Code      string // [0x0f0082] without brackets, if any
	Component string // SYSPRP, CBS, CSI, PANTHR…
	Message   string
}

func (l LogLine) String() string {
	var b strings.Builder
	if !l.Time.IsZero() {
		b.WriteString(l.Time.Format("2006-01-02 15:04:05") + " ")
	}
	b.WriteString(l.Level)
	if l.Code != "" {
		b.WriteString(" [" + l.Code + "]")
	}
	if l.Component != "" {
		b.WriteString(" " + l.Component)
	}
	return b.String() + " " + l.Message
}

// IsError reports an Error or Fatal entry.
func (l LogLine) IsError() bool {
	lv := strings.ToLower(l.Level)
	return strings.HasPrefix(lv, "error") || strings.HasPrefix(lv, "fatal")
}

// Limits for log files (they can be large; only the error lines matter).
const (
	maxLogSize    = 64 << 20
	maxMessageLen = 4096
	maxEntries    = 1 << 20
)

var (
	headRe      = lazyre.New(`^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}), ([A-Za-z]+)\s*(.*)$`)
	codeRe      = lazyre.New(`^\[(0x[0-9A-Fa-f]+)\]\s*`)
	componentRe = lazyre.New(`^([A-Z][A-Z0-9_]{1,11})(\s+|$)`)
)

func logText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		be := data[0] == 0xFE
		data = data[2:]
		u := make([]uint16, len(data)/2)
		for i := range u {
			if be {
				u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			} else {
				u[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
			}
		}
		return string(utf16.Decode(u))
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if utf8.Valid(data) {
		return string(data)
	}
	return strings.ToValidUTF8(string(data), "?")
}

// ParseLog reads a setupact.log or setuperr.log. It never fails: lines it
// cannot read continue the entry before them, or are kept as entries with
// no level.
func ParseLog(name string, data []byte) []LogLine {
	if len(data) > maxLogSize {
		data = data[len(data)-maxLogSize:] // the end is where the failure is
	}
	var out []LogLine
	for i, raw := range strings.Split(logText(data), "\n") {
		line := strings.TrimRight(raw, "\r\x00 \t")
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := headRe.FindStringSubmatch(line)
		if m == nil {
			if len(out) > 0 {
				last := &out[len(out)-1]
				if len(last.Message) < maxMessageLen {
					last.Message = truncate(last.Message+" "+strings.TrimSpace(line), maxMessageLen)
				}
				continue
			}
			out = append(out, LogLine{File: name, Line: i + 1, Message: truncate(strings.TrimSpace(line), maxMessageLen)})
			continue
		}
		if len(out) >= maxEntries {
			out = out[1:]
		}
		e := LogLine{File: name, Line: i + 1, Level: m[2]}
		e.Time, _ = time.Parse("2006-01-02 15:04:05", m[1])
		rest := m[3]
		if c := codeRe.FindStringSubmatch(rest); c != nil {
			e.Code = c[1]
			rest = rest[len(c[0]):]
		}
		if c := componentRe.FindStringSubmatch(rest); c != nil {
			e.Component = c[1]
			rest = rest[len(c[0]):]
		}
		e.Message = truncate(strings.TrimSpace(rest), maxMessageLen)
		out = append(out, e)
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// Hint is a known cause recognised in the logs, with what to do.
type Hint struct {
	Cause string
	Fix   string
}

var (
	appxRe    = lazyre.New(`Package (\S+) was installed for a user, but not provisioned for all users`)
	hintRules = []struct {
		re   *lazyre.Regexp
		hint Hint
	}{
		{lazyre.New(`(?i)will not run on an upgraded OS`), Hint{
			"Windows was upgraded in place; sysprep does not run on an upgraded Windows.",
			"Build the reference computer from a clean installation."}},
		{lazyre.New(`(?i)0xc004d307|maximum (allowed )?number of re-?arms|SLRearm.*(fail|0xc004)`), Hint{
			"Windows has run out of activation rearms.",
			"Keep activation (keep_activation = true writes SkipRearm=1), or start again from a fresh installation."}},
		{lazyre.New(`(?i)bitlocker|0x80310039`), Hint{
			"BitLocker or device encryption is on for the Windows volume.",
			"Turn it off (manage-bde -off C:) and wait for decryption to finish."}},
		{lazyre.New(`(?i)require[sd]? a reboot|reboot (is )?pending|pending reboot`), Hint{
			"Windows is waiting for a restart.",
			"Restart the computer before Prepare Windows for Capture."}},
		{lazyre.New(`(?i)0x3cf2|AppxSysprep\.dll`), Hint{
			"An app package blocks sysprep's generalize validation (AppxSysprep.dll, 0x3CF2).",
			"Find the package in the log lines above and remove it for every user (Remove-AppxPackage -AllUsers)."}},
		{lazyre.New(`(?i)domain controller|joined to a domain`), Hint{
			"The computer is joined to a domain (or is a domain controller).",
			"Join a workgroup before Prepare Windows for Capture."}},
	}
)

// Report is what to show when sysprep failed.
type Report struct {
	Errors   []LogLine // Error/Fatal entries, each message once, in order
	Packages []string  // app packages installed for a user but not provisioned
	Hints    []Hint
}

// Diagnose reads the logs (name → content, e.g. "setupact.log") and
// returns the error lines worth showing and the known causes. maxErrors
// limits the lines kept (the last ones; 0 = 20).
func Diagnose(logs map[string][]byte, maxErrors int) Report {
	if maxErrors <= 0 {
		maxErrors = 20
	}
	var r Report
	seenMsg := map[string]bool{}
	seenPkg := map[string]bool{}
	seenHint := map[string]bool{}
	// setuperr.log first: it has only the errors; setupact.log adds context.
	names := make([]string, 0, len(logs))
	for n := range logs {
		names = append(names, n)
	}
	sortLogNames(names)
	for _, name := range names {
		for _, l := range ParseLog(name, logs[name]) {
			for _, m := range appxRe.FindAllStringSubmatch(l.Message, -1) {
				if !seenPkg[m[1]] {
					seenPkg[m[1]] = true
					r.Packages = append(r.Packages, m[1])
				}
			}
			if !l.IsError() && !strings.Contains(l.Message, "not provisioned for all users") {
				continue
			}
			for _, rule := range hintRules {
				if rule.re.MatchString(l.Message) && !seenHint[rule.hint.Cause] {
					seenHint[rule.hint.Cause] = true
					r.Hints = append(r.Hints, rule.hint)
				}
			}
			if l.IsError() {
				key := l.Code + "\x00" + l.Message
				if !seenMsg[key] {
					seenMsg[key] = true
					r.Errors = append(r.Errors, l)
				}
			}
		}
	}
	if len(r.Packages) > 0 {
		r.Hints = append([]Hint{{
			Cause: fmt.Sprintf("App package(s) installed for a user but not provisioned for all users: %s.", strings.Join(r.Packages, ", ")),
			Fix:   "Remove them for every user (Remove-AppxPackage -Package NAME -AllUsers) or provision them, then run the capture again.",
		}}, r.Hints...)
	}
	if len(r.Errors) > maxErrors {
		r.Errors = r.Errors[len(r.Errors)-maxErrors:]
	}
	return r
}

func sortLogNames(names []string) {
	rank := func(n string) int {
		switch l := strings.ToLower(n); {
		case strings.Contains(l, "setuperr"):
			return 0
		case strings.Contains(l, "setupact"):
			return 1
		}
		return 2
	}
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := rank(names[i]), rank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
}

// Text renders the report for the log and the error view.
func (r Report) Text() string {
	var b strings.Builder
	if len(r.Errors) == 0 && len(r.Hints) == 0 {
		return "sysprep's logs have no error lines."
	}
	for _, h := range r.Hints {
		fmt.Fprintf(&b, "Cause: %s\n  Fix: %s\n", h.Cause, h.Fix)
	}
	if len(r.Errors) > 0 {
		b.WriteString("Errors from sysprep's logs:\n")
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "  %s:%d: %s\n", e.File, e.Line, e.String())
		}
	}
	return b.String()
}
