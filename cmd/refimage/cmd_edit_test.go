package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// runTTY runs the command line as if on a terminal, with keys as input.
func runTTY(t *testing.T, keys string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cmdEnv{
		stdin:      strings.NewReader(keys),
		stdout:     &out,
		stderr:     &errb,
		getenv:     func(string) string { return "" },
		isTerminal: func() bool { return true },
	}
	code := runMain(env, args)
	return code, out.String(), errb.String()
}

func copyExample(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../docs/examples/build-and-capture.toml")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "ref.toml")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEditRefusesBadFiles(t *testing.T) {
	code, _, errs := runTTY(t, "", "edit", "does-not-exist.toml")
	if code != exitUsage || !strings.Contains(errs, "does-not-exist.toml: ") || !strings.Contains(errs, "cannot be opened") {
		t.Fatalf("missing file: exit %d\n%s", code, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("version = 1\nname = \"x\"\nkind = \"custom\"\n[[steps]]\ntype = \"no-such-step\"\nname = \"x\"\n"), 0o644)
	code, _, errs = runTTY(t, "", "edit", bad)
	if code != exitUsage || !strings.Contains(errs, "bad.toml:5:") {
		t.Fatalf("invalid file: exit %d\n%s", code, errs)
	}
	if code, _, _ := runTTY(t, "", "edit"); code != exitUsage {
		t.Fatalf("no file: exit %d", code)
	}
	if code, _, _ := runTTY(t, "", "edit", "a.toml", "b.toml"); code != exitUsage {
		t.Fatalf("two files: exit %d", code)
	}
	if code, _, errs := run(t, "edit", copyExample(t)); code != exitUsage || !strings.Contains(errs, "no terminal") {
		t.Fatalf("no terminal: exit %d %s", code, errs)
	}
}

func TestEditCtrlC(t *testing.T) {
	f := copyExample(t)
	before, _ := os.ReadFile(f)
	if code, _, errs := runTTY(t, "\x03", "edit", f); code != exitCancelled {
		t.Fatalf("ctrl+c: exit %d\n%s", code, errs)
	}
	after, _ := os.ReadFile(f)
	if !bytes.Equal(before, after) {
		t.Fatal("ctrl+c changed the file")
	}
}

func TestEditMoveSaveQuit(t *testing.T) {
	f := copyExample(t)
	// Select the third step of the first group, move it up, save, quit.
	code, _, errs := runTTY(t, "jjj[\x13q", "edit", f)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	seq, probs := sequence.Load(f)
	if seq == nil || len(probs) > 0 {
		t.Fatalf("saved file: %v", probs)
	}
	if got := seq.Steps[0].Steps[1].Name; got != "Partition Disk 0 - UEFI" {
		t.Fatalf("second step is %q", got)
	}
}
