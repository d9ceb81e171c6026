package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

const (
	canaryPW  = "CANARY-pw-7f3a9"
	canaryPW2 = "CANARY-join-51c2"
	canaryPW3 = "CANARY-typed-9e0d"
	canaryKey = "CANRY-KEY00-AAAAA-BBBBB-ZZZZZ"
)

type envResolver map[string]string

func (r envResolver) Getenv(n string) (string, bool) { v, ok := r[n]; return v, ok }
func (r envResolver) Prompt(f string) (string, error) {
	return "", errors.New("no prompt in tests: " + f)
}
func (r envResolver) Passphrase() (string, error) { return "", errors.New("no passphrase") }

func canarySeq(t testing.TB) *sequence.Sequence {
	seq := load(t, `
[[steps]]
type = "run-command-line"
name = "Map the share"
command_line = 'net use \\srv\share /user:CORP\x %OSDJoinPassword%'
[[steps]]
type = "apply-windows-settings"
name = "Apply Windows Settings"
registered_user = "IT"
registered_organization = "Contoso"
product_key = "env:TEST_PK"
random_admin_password = false
admin_password = "env:TEST_PW"
continue_on_error = true
[[steps]]
type = "capture-os-image"
name = "Capture"
destination = '\\srv\cap\ref.wim'
account = 'CORP\cap'
password = "prompt"
continue_on_error = true
`)
	// A secret typed into the wizard (clear in memory).
	seq.FindStep("Capture").Props.(*sequence.CaptureOSImage).Password = secret.New(canaryPW3)
	return seq
}

// Canary secrets never reach smsts.log, smsts.jsonl, the state files or
// the events; product keys show their last group only.
func TestCanarySecretsNeverLeak(t *testing.T) {
	seq := canarySeq(t)
	r := newRun(t)
	f := enginetest.New(t)
	c := f.ExpectRun(`net use \\srv\share /user:CORP\x `+canaryPW2).Output("using "+canaryPW2, "admin "+canaryPW, "key "+canaryKey, "typed "+canaryPW3).Exit(0)
	// The capture connects its share with the capture account (the
	// connection fails here: the step fails and continues on error).
	netUse := f.ExpectRun(`net.exe use \\srv\cap /user:CORP\cap ` + canaryPW3).Output("System error 5 has occurred.").Exit(2)
	o := r.opts(f)
	o.Resolver = envResolver{"TEST_PK": canaryKey, "TEST_PW": canaryPW}
	o.Vars = append(o.Vars, varKV("OSDJoinPassword", canaryPW2))
	res := r.go_(t, context.Background(), seq, o)
	if !strings.Contains(netUse.Got.Line, canaryPW3) {
		t.Error("net use must get the clear capture password")
	}
	if res.Status != engine.StatusSucceeded {
		t.Fatalf("%s %s", res.Status, res.Message)
	}
	if !strings.Contains(c.Got.Line, canaryPW2) {
		t.Error("the platform must get the clear value")
	}
	log := r.log(t)
	if !strings.Contains(log, "key *****-*****-*****-*****-ZZZZZ") || !strings.Contains(log, "using ********") ||
		!strings.Contains(log, `Executing command line: net.exe use \\srv\cap /user:CORP\cap ********`) {
		t.Errorf("masked forms missing:\n%s", log)
	}
	var all []string
	filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			all = append(all, p+":\n"+string(b))
		}
		return nil
	})
	all = append(all, fmt.Sprintf("%+v", r.events), fmt.Sprintf("%+v", res))
	for _, text := range all {
		for _, canary := range []string{canaryPW, canaryPW2, canaryPW3, "CANRY-KEY00", "AAAAA-BBBBB"} {
			if strings.Contains(text, canary) {
				t.Errorf("canary %s leaked in %.200s", canary, text)
			}
		}
	}
	// The typed secret is kept as "prompt", the others as references.
	saved, _ := os.ReadFile(filepath.Join(r.dir, "state", engine.SequenceFile))
	if !strings.Contains(string(saved), `password = "prompt"`) || !strings.Contains(string(saved), `"env:TEST_PK"`) {
		t.Errorf("saved sequence:\n%s", saved)
	}
	st, _ := engine.LoadState(filepath.Join(r.dir, "state"))
	// The --var secret is sealed with the sequence's secrets (not
	// written in clear, restored on resume).
	if len(st.OmittedSecrets) != 0 || len(st.Sealed) != 1 || st.Sealed[0].Name != "OSDJoinPassword" {
		t.Errorf("omitted %v, sealed %v", st.OmittedSecrets, st.Sealed)
	}
}

func TestUnresolvableSecretStopsBeforeAnything(t *testing.T) {
	seq := canarySeq(t)
	r := newRun(t)
	f := enginetest.New(t) // no calls expected
	o := r.opts(f)
	o.Resolver = envResolver{}
	_, err := engine.Run(context.Background(), seq, o)
	if err == nil || !strings.Contains(err.Error(), "TEST_PK is not set") {
		t.Fatal(err)
	}
}
