//go:build linux

package engine_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
)

// startHelper starts the test binary as a refimage run process.
func startHelper(t *testing.T, dir, seqFile string, resume bool) *exec.Cmd {
	t.Helper()
	h := exec.Command(os.Args[0], "-test.run=^$")
	h.Env = append(os.Environ(), "REFIMAGE_ENGINE_HELPER=run", "REFIMAGE_SEQ="+seqFile, "REFIMAGE_DIR="+dir)
	if resume {
		h.Env = append(h.Env, "REFIMAGE_RESUME=1")
	}
	if err := h.Start(); err != nil {
		t.Fatal(err)
	}
	return h
}

// waitFile waits for a file that ends with a newline and returns it.
func waitFile(t *testing.T, path string, h *exec.Cmd) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.HasSuffix(string(b), "\n") {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.Process.Kill()
	h.Wait()
	t.Fatalf("%s never came", path)
	return ""
}

func waitGone(pid int) bool {
	for i := 0; i < 200; i++ {
		if !alive(pid) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// kill -9 of the engine during the very first step, which is inside a
// group whose condition the step makes false, while the step's command
// has a child of its own: the state exists (item 3), the shell dies with
// the engine (parent-death signal), the grandchild still running is
// ended by the resume before the step runs again and the log says so
// (item 4), and the resume reruns the step inside its group instead of
// evaluating the group's condition again (item 1).
func TestKill9FirstStepInGroupEndsItsCommandsAndResumes(t *testing.T) {
	dir := t.TempDir()
	q := func(name string) string { return filepath.Join(dir, name) }
	src := "version = 1\nname = \"Kill test\"\nkind = \"custom\"\n" +
		"\n[[steps]]\ntype = \"group\"\nname = \"Once\"\ncondition = 'file(\"" + q("flag") + "\") not exists'\n" +
		"  [[steps.steps]]\n  type = \"run-command-line\"\n  name = \"first\"\n" +
		"  command_line = '''echo first >> " + q("out") + "; touch " + q("flag") + "; if [ ! -f " + q("done") + " ]; then sleep 60 & echo $! > " + q("child") + "; echo $$ > " + q("pid") + "; wait; fi'''\n" +
		"  [[steps.steps]]\n  type = \"run-command-line\"\n  name = \"second\"\n  command_line = 'echo second >> " + q("out") + "'\n" +
		"\n[[steps]]\ntype = \"run-command-line\"\nname = \"after\"\ncommand_line = 'echo after >> " + q("out") + "'\n"
	seqFile := q("seq.toml")
	os.WriteFile(seqFile, []byte(src), 0o644)

	h := startHelper(t, dir, seqFile, false)
	shPid, _ := strconv.Atoi(waitFile(t, q("pid"), h))
	childPid, _ := strconv.Atoi(waitFile(t, q("child"), h))
	h.Process.Signal(syscall.SIGKILL)
	h.Wait()
	if !waitGone(shPid) {
		syscall.Kill(-shPid, syscall.SIGKILL)
		t.Fatal("the step's shell outlived the engine (no parent-death signal)")
	}
	if !alive(childPid) {
		t.Fatal("test setup: the grandchild should still run until the resume ends it")
	}
	defer syscall.Kill(-shPid, syscall.SIGKILL)

	st, err := engine.LoadState(q("state"))
	if err != nil || st.InProgress == nil || st.InProgress.Index != 1 || len(st.Processes) != 1 || st.Processes[0].PID != shPid {
		t.Fatalf("state after kill -9 in the first step: %+v %v", st, err)
	}
	os.WriteFile(q("done"), nil, 0o644)
	o := liveOpts(dir)
	o.Resume = true
	res, err := engine.Run(context.Background(), nil, o)
	if err != nil || res.Status != engine.StatusSucceeded {
		t.Fatalf("resume: %v %+v", err, res)
	}
	if !waitGone(childPid) {
		t.Error("the command left running by the dead engine was not ended on resume")
	}
	out, _ := os.ReadFile(q("out"))
	if string(out) != "first\nfirst\nsecond\nafter\n" {
		t.Errorf("out %q: the group's steps must run (the interrupted one again) although its condition is false now", out)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log", engine.LogName))
	if !strings.Contains(string(log), "had started process "+strconv.Itoa(shPid)+" before the engine stopped, and it was still running: it was ended") {
		t.Errorf("log:\n%s", log)
	}
}

// A second engine on the same state folder is refused while the first
// runs; the first finishes undisturbed.
func TestSecondEngineOnOneStateFolderRefused(t *testing.T) {
	dir := t.TempDir()
	q := func(name string) string { return filepath.Join(dir, name) }
	src := "version = 1\nname = \"Lock test\"\nkind = \"custom\"\n" + cmd("one", "echo one >> "+q("out")+"; echo $$ > "+q("pid")+"; while [ ! -f "+q("go")+" ]; do sleep 0.05; done")
	seqFile := q("seq.toml")
	os.WriteFile(seqFile, []byte(src), 0o644)
	h := startHelper(t, dir, seqFile, false)
	waitFile(t, q("pid"), h)
	for _, resume := range []bool{false, true} {
		o := liveOpts(dir)
		o.Resume = resume
		var seq = loadSeqFile(t, seqFile)
		if resume {
			seq = nil
		}
		_, err := engine.Run(context.Background(), seq, o)
		if err == nil || !strings.Contains(err.Error(), "is in use by another refimage run (process "+strconv.Itoa(h.Process.Pid)) {
			t.Errorf("resume=%v: %v", resume, err)
		}
	}
	os.WriteFile(q("go"), nil, 0o644)
	if err := h.Wait(); err != nil {
		t.Fatalf("the first run: %v", err)
	}
	if out, _ := os.ReadFile(q("out")); string(out) != "one\n" {
		t.Errorf("out %q", out)
	}
}

func loadSeqFile(t *testing.T, path string) *sequence.Sequence {
	t.Helper()
	seq, probs := sequence.Load(path)
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatalf("%v", probs)
	}
	return seq
}
