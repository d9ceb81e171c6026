package engine

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

type mapResolver map[string]string

func (r mapResolver) Getenv(n string) (string, bool) { v, ok := r[n]; return v, ok }
func (r mapResolver) Prompt(f string) (string, error) {
	return "", fmt.Errorf("no prompt: %s", f)
}
func (r mapResolver) Passphrase() (string, error) { return "", fmt.Errorf("no passphrase") }

// Values derived from a secret — a copy by set-variable, an expansion,
// a command's output that printed it — are secrets too: masked on the
// console and in every log, never in clear in state.json, results.jsonl
// or smsts.jsonl, sealed in the state and restored when the run resumes
// after a crash (without the --var given again).
func TestSecretsDerivedNeverReachTheDisk(t *testing.T) {
	const side, root = "CANARY-side-1f2e", "CANARY-root-77aa"
	seq, probs := sequence.Parse("t.toml", []byte(`version = 1
name = "Side doors"
kind = "custom"

[[steps]]
type = "apply-windows-settings"
name = "Settings kept for later"
registered_user = "IT"
registered_organization = "Contoso"
random_admin_password = false
admin_password = "env:TEST_PW"
disabled = true

[[steps]]
type = "set-variable"
name = "Copy"
variable = "Innocent"
value = "x%MyPassword%y"

[[steps]]
type = "run-command-line"
name = "Print"
command_line = "echo token %MyPassword% end"
output_variable = "Captured"

[[steps]]
type = "run-command-line"
name = "Crash here"
command_line = "mark crashhere"

[[steps]]
type = "run-command-line"
name = "Use them"
command_line = "echo %Innocent% %Captured%"
`))
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	dir := t.TempDir()
	var console bytes.Buffer
	lr := &LineReporter{W: &console}
	crashedOnce := false
	plat := &crashPlat{}
	plat.tick = func() {
		if !crashedOnce && plat.rec[len(plat.rec)-1] == "run crashhere" {
			crashedOnce = true
			panic(crashed{})
		}
	}
	opts := Options{Platform: plat, StateDir: filepath.Join(dir, "state"), LogDir: filepath.Join(dir, "log"), JSONLog: true,
		Resolver: mapResolver{"TEST_PW": root}, Vars: []sequence.Variable{{Name: "MyPassword", Value: side}}, Events: lr.Event}
	func() {
		defer func() {
			if v := recover(); v == nil {
				t.Fatal("no crash")
			}
		}()
		Run(context.Background(), seq, opts)
	}()
	st, err := LoadState(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	sealed := map[string]bool{}
	for _, v := range st.Sealed {
		sealed[v.Name] = true
	}
	if !sealed["Innocent"] || !sealed["Captured"] || !sealed["MyPassword"] {
		t.Errorf("sealed after the crash: %v (vars %v)", st.Sealed, st.Vars)
	}
	// Resume without giving the --var again.
	opts.Resume, opts.Vars = true, nil
	res, err := Run(context.Background(), nil, opts)
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("resume: %v %+v", err, res)
	}
	if last := plat.rec[len(plat.rec)-1]; last != "echo x"+side+"y token "+side+" end" {
		t.Errorf("the restored secrets did not reach the command: %q", last)
	}
	var leaks []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			for _, c := range []string{side, root} {
				if bytes.Contains(b, []byte(c)) {
					leaks = append(leaks, p+" holds "+c)
				}
			}
		}
		return nil
	})
	for _, c := range []string{side, root} {
		if strings.Contains(console.String(), c) || strings.Contains(fmt.Sprintf("%+v", res), c) {
			leaks = append(leaks, "the console or the result holds "+c)
		}
	}
	if len(leaks) > 0 {
		t.Errorf("leaks:\n%s\nconsole:\n%s", strings.Join(leaks, "\n"), console.String())
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log", LogName))
	if !strings.Contains(string(log), "Set the task sequence variable Innocent = x********y") {
		t.Errorf("log:\n%s", log)
	}
}
