package engine_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

func TestLineReporterAndSummary(t *testing.T) {
	seq := load(t, cmd("Copy the sources", "copy", "continue_on_error = true")+cmd("Install the very long application name that is cut", "install")+cmd("never", "never"))
	f := enginetest.New(t)
	f.ExpectRun("copy").Exit(2)
	f.ExpectRun("install").Output("Installing…", "error: disk full").Exit(0x80070070)
	r := newRun(t)
	var b strings.Builder
	lr := &engine.LineReporter{W: &b, Width: 80}
	o := r.opts(f)
	o.Events = lr.Event
	r.go_(t, context.Background(), seq, o)
	out := underDir(b.String(), r.dir)
	summary := out[strings.Index(out, "\n\n#"):]
	for _, l := range strings.Split(summary, "\n") {
		if utf8.RuneCountInString(l) > 80 && !strings.HasPrefix(l, "Log:") && !strings.Contains(l, "$DIR") {
			t.Errorf("line wider than 80: %q", l)
		}
	}
	golden(t, "plain-report.golden", out)
}
