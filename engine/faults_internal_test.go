package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

func loadSeq(t *testing.T, body string) *sequence.Sequence {
	t.Helper()
	seq, probs := sequence.Parse("t.toml", []byte("version = 1\nname = \"Faults\"\nkind = \"custom\"\n"+body))
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatalf("%v", probs)
	}
	return seq
}

const threeMarks = `
[[steps]]
type = "run-command-line"
name = "one"
command_line = "mark one"
[[steps]]
type = "run-command-line"
name = "two"
command_line = "mark two"
[[steps]]
type = "run-command-line"
name = "three"
command_line = "mark three"
`

// A state write that fails (a full disk under --state) stops the run
// before the next step touches the machine: status failed, a message
// naming the file and the cause, and the state on disk still the last
// good one, so a resume reruns nothing that finished.
func TestFullDiskUnderStateStopsTheRun(t *testing.T) {
	seq := loadSeq(t, threeMarks)
	dir := t.TempDir()
	writes := 0
	writeStateFile = func(path string, data []byte, perm os.FileMode) error {
		writes++
		if writes == 3 { // the start, step one, then step two's write fails
			return &os.PathError{Op: "write", Path: path + ".tmp-1", Err: syscall.ENOSPC}
		}
		return sequence.WriteFileAtomic(path, data, perm)
	}
	defer func() { writeStateFile = sequence.WriteFileAtomic }()
	plat := &crashPlat{tick: func() {}}
	res, err := Run(context.Background(), seq, Options{Platform: plat, StateDir: filepath.Join(dir, "state"), LogDir: filepath.Join(dir, "log")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusFailed || !strings.Contains(res.Message, "cannot save the task sequence state in "+filepath.Join(dir, "state", StateFile)) ||
		!strings.Contains(res.Message, "no space left on device") {
		t.Fatalf("result %s: %s", res.Status, res.Message)
	}
	if got := strings.Join(plat.rec, ","); got != "run one,done one" {
		t.Errorf("ran %s; step two must not start without its state", got)
	}
	writeStateFile = sequence.WriteFileAtomic
	st, err := LoadState(filepath.Join(dir, "state"))
	if err != nil || st.Pointer != 1 || st.InProgress != nil {
		t.Fatalf("state after the failure: %+v %v", st, err)
	}
	// The stopped run resumes: step one does not run again.
	plat.tick = func() {}
	res, err = Run(context.Background(), nil, Options{Platform: plat, StateDir: filepath.Join(dir, "state"), LogDir: filepath.Join(dir, "log"), Resume: true})
	if err != nil && !errors.Is(err, ErrNothingToResume) {
		t.Fatal(err)
	}
}

// A log that cannot be written (smsts.log on a full disk: /dev/full)
// is reported once and stops the run; with IgnoreLogErrors the run goes
// on, still reporting it once.
func TestFullDiskUnderLogIsReported(t *testing.T) {
	// Not on Windows: there "/dev/full" is a path on the current drive
	// (under Wine, Z:\dev\full: Linux's device seen as a file).
	if _, err := os.Stat("/dev/full"); err != nil || runtime.GOOS != "linux" {
		t.Skip("needs /dev/full (Linux)")
	}
	for _, ignore := range []bool{false, true} {
		seq := loadSeq(t, threeMarks)
		dir := t.TempDir()
		logDir := filepath.Join(dir, "log")
		os.MkdirAll(logDir, 0o755)
		if err := os.Symlink("/dev/full", filepath.Join(logDir, LogName)); err != nil {
			t.Fatal(err)
		}
		var warnings []string
		plat := &crashPlat{tick: func() {}}
		res, err := Run(context.Background(), seq, Options{Platform: plat, StateDir: filepath.Join(dir, "state"), LogDir: logDir, Resume: false,
			IgnoreLogErrors: ignore, Events: func(e Event) {
				if l, ok := e.(Log); ok && l.Entry.Type == LogWarning && strings.Contains(l.Entry.Message, "log could not be written") {
					warnings = append(warnings, l.Entry.Message)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], "no space left on device") {
			t.Errorf("ignore=%v: warnings %q", ignore, warnings)
		}
		switch {
		case ignore && (res.Status != StatusSucceeded || len(plat.rec) != 6):
			t.Errorf("ignore: %s %s %v", res.Status, res.Message, plat.rec)
		case !ignore && (res.Status != StatusFailed || len(plat.rec) != 0 || !strings.Contains(res.Message, "the log could not be written")):
			t.Errorf("stop: %s %s %v", res.Status, res.Message, plat.rec)
		}
	}
}

// Temporary files of interrupted atomic writes are removed when the
// engine next opens the folder.
func TestStaleTemporaryFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	os.MkdirAll(state, 0o755)
	stale := []string{".state.json.tmp-123", ".results.jsonl.tmp-9", ".sequence.toml.tmp-77"}
	for _, n := range stale {
		os.WriteFile(filepath.Join(state, n), []byte("half"), 0o600)
	}
	os.WriteFile(filepath.Join(state, "keep.txt"), []byte("mine"), 0o600)
	plat := &crashPlat{tick: func() {}}
	if _, err := Run(context.Background(), loadSeq(t, threeMarks), Options{Platform: plat, StateDir: state, LogDir: filepath.Join(dir, "log")}); err != nil {
		t.Fatal(err)
	}
	for _, n := range stale {
		if _, err := os.Stat(filepath.Join(state, n)); err == nil {
			t.Errorf("%s is still there", n)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "keep.txt")); err != nil {
		t.Error("a file that is not the engine's was removed")
	}
}

// One engine per state folder: while a run holds it, a second run and
// a resume are refused with a LockedError naming the holder; once the
// holder is gone its lock is taken over.
func TestStateFolderLock(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	l, err := lockStateDir(state, false)
	if err != nil || l == nil {
		t.Fatal(err)
	}
	plat := &crashPlat{tick: func() {}}
	for _, resume := range []bool{false, true} {
		_, err := Run(context.Background(), loadSeq(t, threeMarks), Options{Platform: plat, StateDir: state, LogDir: filepath.Join(dir, "log"), Resume: resume})
		var le *LockedError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), "in use by another refimage run (process ") {
			t.Fatalf("resume=%v: %v", resume, err)
		}
	}
	if _, _, err := Unfinished(context.Background(), Options{Platform: plat, StateDir: state}); err == nil {
		t.Error("Unfinished does not see the lock")
	}
	if len(plat.rec) != 0 {
		t.Fatalf("a refused run ran %v", plat.rec)
	}
	l.release() // the holder dies: the kernel drops its lock
	res, err := Run(context.Background(), loadSeq(t, threeMarks), Options{Platform: plat, StateDir: state, LogDir: filepath.Join(dir, "log")})
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("after the holder went: %v %+v", err, res)
	}
}
