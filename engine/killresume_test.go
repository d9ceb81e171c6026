//go:build !windows

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

// TestMain lets the test binary act as a refimage run process for the
// kill -9 test.
func TestMain(m *testing.M) {
	if os.Getenv("REFIMAGE_ENGINE_HELPER") == "run" {
		seq, probs := sequence.Load(os.Getenv("REFIMAGE_SEQ"))
		if seq == nil || len(probs.Errors()) > 0 {
			os.Exit(3)
		}
		o := liveOpts(os.Getenv("REFIMAGE_DIR"))
		if os.Getenv("REFIMAGE_RESUME") == "1" {
			o.Resume, seq = true, nil
		}
		res, err := engine.Run(context.Background(), seq, o)
		if err != nil || res.Status != engine.StatusSucceeded {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func liveOpts(dir string) engine.Options {
	return engine.Options{
		Platform: engine.Live(engine.LiveOptions{Machine: &engine.Machine{InWinPE: true, UEFI: true}}),
		StateDir: filepath.Join(dir, "state"),
		LogDir:   filepath.Join(dir, "log"),
	}
}

// A real process is killed with SIGKILL in the middle of a step; the
// resumed run runs that step again and goes on.
func TestResumeAfterKill9MidStep(t *testing.T) {
	dir := t.TempDir()
	q := func(name string) string { return filepath.Join(dir, name) } // t.TempDir has no spaces
	src := "version = 1\nname = \"Kill test\"\nkind = \"custom\"\n" +
		cmd("one", "echo one >> "+q("out")) +
		cmd("two", "echo two >> "+q("out")+"; if [ ! -f "+q("done")+" ]; then echo $$ > "+q("pid")+"; sleep 30; fi") +
		cmd("three", "echo three >> "+q("out"))
	seqFile := filepath.Join(dir, "seq.toml")
	os.WriteFile(seqFile, []byte(src), 0o644)

	helper := exec.Command(os.Args[0], "-test.run=^$")
	helper.Env = append(os.Environ(), "REFIMAGE_ENGINE_HELPER=run", "REFIMAGE_SEQ="+seqFile, "REFIMAGE_DIR="+dir)
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	var shPid int
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil && strings.HasSuffix(string(b), "\n") {
			shPid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if shPid == 0 {
		helper.Process.Kill()
		helper.Wait()
		t.Fatal("the step never started")
	}
	helper.Process.Signal(syscall.SIGKILL)
	helper.Wait()
	syscall.Kill(-shPid, syscall.SIGKILL) // the orphaned step, as a restart would end it

	st, err := engine.LoadState(filepath.Join(dir, "state"))
	if err != nil || st.Pointer != 1 || st.InProgress == nil || st.InProgress.Index != 1 {
		t.Fatalf("state after kill -9: %+v %v", st, err)
	}
	os.WriteFile(filepath.Join(dir, "done"), nil, 0o644)
	o := liveOpts(dir)
	o.Resume = true
	res, err := engine.Run(context.Background(), nil, o)
	if err != nil || res.Status != engine.StatusSucceeded {
		t.Fatalf("resume: %v %+v", err, res)
	}
	out, _ := os.ReadFile(filepath.Join(dir, "out"))
	if string(out) != "one\ntwo\ntwo\nthree\n" {
		t.Errorf("out %q", out)
	}
	if res.Steps[1].Attempt != 2 || res.Steps[0].Outcome != engine.Succeeded {
		t.Errorf("steps %+v", res.Steps)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log", engine.LogName))
	if !strings.Contains(string(log), "The action (two) was interrupted") || strings.Count(string(log), "Successfully initialized Logging") != 2 {
		t.Errorf("log:\n%s", log)
	}
}
