package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

// A capture password with spaces, quotes and a trailing backslash
// reaches net.exe whole — quoted as CommandLineToArgvW splits it, the
// final backslash doubled — and neither it nor its quoted form is in the
// log, the state or the events. Before, the password became
// "pass \"w0rd""\" (doubled quotes, the closing quote escaped by the
// backslash), and that form was not masked.
func TestCaptureOSImageNetUseQuoting(t *testing.T) {
	const pw = `CANARY pass "w0rd"\`
	f := enginetest.New(t)
	netUse := f.ExpectRun(`net.exe use \\deploy01\captures$ /user:CONTOSO\svc-capture "CANARY pass \"w0rd\"\\"`).Output("System error 86 has occurred.").Exit(2)
	r := newRun(t)
	o := r.opts(f)
	o.Resolver = envResolver{"CAPTURE_PW": pw}
	res := r.go_(t, context.Background(), load(t, captureStep), o)
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, engine.CodeAccessDenied) {
		t.Fatal(res.Status, res.Failed)
	}
	if netUse.Got.Line == "" {
		t.Fatal("net use was not run")
	}
	var all []string
	filepath.WalkDir(r.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			all = append(all, p+"\n"+string(b))
		}
		return nil
	})
	for _, e := range r.events {
		all = append(all, fmtAny(e))
	}
	all = append(all, fmtAny(res))
	logged := false
	for _, s := range all {
		if strings.Contains(s, "CANARY") || strings.Contains(s, "w0rd") {
			t.Errorf("the capture password leaked: %.300s", s)
		}
		logged = logged || strings.Contains(s, `net.exe use \\deploy01\captures$ /user:CONTOSO\svc-capture ********`)
	}
	if !logged {
		t.Error("the masked net use line is not logged")
	}
}
