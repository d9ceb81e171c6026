package engine_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got ---\n%s", name, got)
	}
}

// dirPath matches a path under the run's folder once it is written $DIR.
var dirPath = regexp.MustCompile(`\$DIR[^\s,;"')\]]*`)

// underDir writes the run's folder dir as $DIR and, on Windows, the
// separators of the paths under it as /, so that one golden file holds
// on both.
func underDir(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "$DIR")
	if filepath.Separator == '/' {
		return s
	}
	return dirPath.ReplaceAllStringFunc(s, filepath.ToSlash)
}

func TestFormatCMTraceBias(t *testing.T) {
	for _, c := range []struct {
		zone int // seconds east of UTC
		want string
	}{
		{2 * 3600, `time="15:00:59.137-120" date="05-04-2020"`},
		{-5 * 3600, `time="15:00:59.137+300" date="05-04-2020"`},
		{0, `time="15:00:59.137+000" date="05-04-2020"`},
		{5*3600 + 1800, `time="15:00:59.137-330" date="05-04-2020"`},
		{-3600, `time="15:00:59.137+060" date="05-04-2020"`},
	} {
		tm := time.Date(2020, 5, 4, 15, 0, 59, 137e6, time.FixedZone("", c.zone))
		got := engine.FormatCMTrace(tm, 1, "TSManager", 5532, "tsmanager.cpp:1009", "Successfully initialized Logging for Task Sequence Manager.")
		want := `<![LOG[Successfully initialized Logging for Task Sequence Manager.]LOG]!><` + c.want + ` component="TSManager" context="" type="1" thread="5532" file="tsmanager.cpp:1009">` + "\r\n"
		want = strings.Replace(want, `-120" date`, `-120" date`, 1)
		if got != strings.Replace(want, `" date`, `" date`, 1) {
			t.Errorf("zone %d:\n got %q\nwant %q", c.zone, got, want)
		}
		if !cmtraceLine.MatchString(strings.TrimSuffix(got, "\r\n")) {
			t.Errorf("does not parse: %q", got)
		}
	}
}

var fileAttr = regexp.MustCompile(`file="[^"]*"`)

// TestLogGolden runs a small sequence and compares smsts.log with the
// golden file (the file="source:line" attribute normalized), then parses
// every record with the CMTrace regular expression.
func TestLogGolden(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "group"
name = "Build the Reference Computer"
  [[steps.steps]]
  type = "restart-computer"
  name = "Restart in Windows PE"
  condition = '_SMSTSInWinPE == "false"'
  [[steps.steps]]
  type = "set-variable"
  name = "Set Greeting"
  variable = "Greeting"
  value = "hello %_SMSTSMachineName%"
  [[steps.steps]]
  type = "run-command-line"
  name = "Say it"
  command_line = 'cmd.exe /c echo %Greeting%'
  continue_on_error = true
  [[steps.steps]]
  type = "apply-os-image"
  name = "Apply Operating System"
  image = 'D:\install.wim'
`)
	f := enginetest.New(t)
	f.ExpectRun("cmd.exe /c echo hello REF01").Output("hello REF01").Exit(1)
	f.ExpectVolumes() // no volume to apply to: the step fails
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, engine.CodePathNotFound) || !strings.Contains(res.Failed.Message, "no formatted NTFS partition") {
		t.Fatalf("%s %s %+v", res.Status, engine.FormatCode(res.Code), res.Failed)
	}
	log := r.log(t)
	recs := splitRecords(log)
	if len(recs) < 10 {
		t.Fatalf("%d records", len(recs))
	}
	for i, rec := range recs {
		m := cmtraceLine.FindStringSubmatch(rec)
		if m == nil {
			t.Fatalf("record %d does not parse as CMTrace: %q", i, rec)
		}
		if m[5] != "-120" || m[6] != "11" || m[7] != "26" || m[8] != "2026" || m[11] != "1208" {
			t.Errorf("record %d fields %q", i, m[5:12])
		}
	}
	norm := strings.ReplaceAll(underDir(log, r.dir), "\r\n", "⏎\n")
	golden(t, "smsts.golden", fileAttr.ReplaceAllString(norm, `file="…"`))

	// The JSON lines say the same.
	jf, err := os.Open(filepath.Join(r.dir, "log", engine.JSONLogName))
	if err != nil {
		t.Fatal(err)
	}
	defer jf.Close()
	sc := bufio.NewScanner(jf)
	n := 0
	for sc.Scan() {
		var e engine.LogEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("json line %d: %v", n, err)
		}
		if !strings.Contains(log, e.Message) {
			t.Errorf("json message %q not in smsts.log", e.Message)
		}
		n++
	}
	if n != len(recs) {
		t.Errorf("%d json lines, %d records", n, len(recs))
	}
}

// A fresh run keeps the previous log (renamed), a resumed one appends.
func TestLogHistoryKept(t *testing.T) {
	seq := load(t, cmd("one", "one"))
	r := newRun(t)
	for i := 0; i < 2; i++ {
		f := enginetest.New(t)
		f.ExpectRun("one")
		r.go_(t, context.Background(), seq, r.opts(f))
	}
	old, _ := filepath.Glob(filepath.Join(r.dir, "log", "smsts-*.log"))
	if len(old) != 1 {
		t.Fatalf("old logs %v", old)
	}
}
