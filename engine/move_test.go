package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// The state and the log follow the environment: X:\ until the target
// disk has _SMSTaskSequence, then there — with the log's history.
func TestStateAndLogFollowTheDisk(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(dir, "X")
	c := filepath.Join(dir, "C")
	seq := load(t, cmd("partition", "diskpart")+cmd("apply", "dism"))
	f := enginetest.New(t)
	f.MachineInfo.StateDir = filepath.Join(x, "_SMSTaskSequence")
	f.MachineInfo.LogDir = filepath.Join(x, "Windows", "Temp", "SMSTSLog")
	f.ExpectRun("diskpart").Do(func(ctx context.Context, _ engine.Command) (int64, error) {
		// The partition step wiped the old disk and made C:\_SMSTaskSequence.
		os.RemoveAll(x)
		f.MachineInfo.StateDir = filepath.Join(c, "_SMSTaskSequence")
		f.MachineInfo.LogDir = filepath.Join(c, "_SMSTaskSequence", "Logs", "Smstslog")
		return 0, nil
	})
	f.ExpectRun("dism")
	res, err := engine.Run(context.Background(), seq, engine.Options{Platform: f, NoSync: true})
	if err != nil || res.Status != engine.StatusSucceeded {
		t.Fatal(err, res)
	}
	if res.StateDir != filepath.Join(c, "_SMSTaskSequence") || !strings.HasPrefix(res.LogPath, c) {
		t.Fatalf("state %s log %s", res.StateDir, res.LogPath)
	}
	log, _ := os.ReadFile(res.LogPath)
	for _, s := range []string{"Successfully initialized Logging", "Instruction name: 'partition'", "moved from", "Successfully completed the action (apply)"} {
		if !strings.Contains(string(log), s) {
			t.Errorf("the moved log lacks %q", s)
		}
	}
	st, err := engine.LoadState(res.StateDir)
	if err != nil || st.Status != engine.StatusSucceeded {
		t.Fatal(st, err)
	}
	if _, err := engine.LoadStateSequence(res.StateDir, st); err != nil {
		t.Fatal(err)
	}
	if len(engine.ParseResults(mustRead(t, filepath.Join(res.StateDir, engine.ResultsFile)))) != 2 {
		t.Error("results lost in the move")
	}
}

type countingResolver struct {
	asked, pass int
}

func (c *countingResolver) Getenv(string) (string, bool) { return "", false }
func (c *countingResolver) Prompt(field string) (string, error) {
	c.asked++
	if strings.Contains(field, "Capture") {
		return canaryPW3, nil
	}
	return "", errors.New("no")
}
func (c *countingResolver) Passphrase() (string, error) { c.pass++; return "pp", nil }

// Preresolve asks for every secret once, before the run; the run then
// asks nothing.
func TestPreresolve(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "capture-os-image"
name = "Capture"
destination = '\\srv\cap\ref.wim'
account = 'CORP\cap'
password = "prompt"
continue_on_error = true
`)
	enc, _ := secret.Encrypt(canaryPW, "pp")
	cr := &countingResolver{}
	res, err := engine.Preresolve(seq, cr)
	if err != nil || cr.asked != 1 {
		t.Fatal(err, cr.asked)
	}
	if v, _ := res.Prompt("Capture: password"); v != canaryPW3 || cr.asked != 1 {
		t.Fatal("not cached")
	}
	if _, err := enc.Reveal("x", res); err != nil {
		t.Fatal(err)
	}
	enc.Reveal("y", res)
	if cr.pass != 1 {
		t.Errorf("passphrase asked %d times", cr.pass)
	}
	r := newRun(t)
	f := enginetest.New(t)
	f.ExpectRun(`net.exe use \\srv\cap /user:CORP\cap ` + canaryPW3).Exit(2)
	o := r.opts(f)
	o.Resolver = res
	if out := r.go_(t, context.Background(), seq, o); out.Steps[0].ExitCode != engine.CodeAccessDenied {
		t.Fatal(out.Steps[0])
	}
	if cr.asked != 1 {
		t.Errorf("the run asked again")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
