package sequence

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence/secret"
)

const canaryPW = "CANARY-pw-7f3a9"
const canaryKey = "CANRY-KEY00-AAAAA-BBBBB-ZZZZZ"

func canarySequence() *Sequence {
	s := BuildAndCaptureTemplate()
	s.Name = "Canary"
	s.BootImage = BootImage{Path: `D:\boot.wim`, Arch: ArchX64}
	s.FindStep(StepApplyOS).Props.(*ApplyOSImage).Image = `D:\install.wim`
	aw := s.FindStep(StepApplySettings).Props.(*ApplyWindowsSettings)
	aw.RegisteredUser, aw.RegisteredOrg = "IT", "Contoso"
	aw.ProductKey = secret.New(canaryKey).AsProductKey()
	aw.RandomAdminPassword = false
	aw.AdminPassword = secret.New(canaryPW)
	s.Remove(StepInstallApps)
	s.FindStep(StepApplyDrivers).Props.(*AutoApplyDrivers).Source = `D:\Drivers`
	c := s.FindStep(StepCaptureReference).Props.(*CaptureOSImage)
	c.Destination = `\\srv\cap\ref.wim`
	c.Account = `CORP\cap`
	c.Password = secret.New(canaryPW)
	return s
}

func TestSecretsNeverSavedInClear(t *testing.T) {
	s := canarySequence()
	if _, err := Marshal(s, SaveOptions{}); !errors.Is(err, secret.ErrPlaintext) {
		t.Fatalf("saving clear secrets without opt-in: %v", err)
	}
	// Sealed with a passphrase: no canary in the file, and it loads back.
	s.Walk(func(it *Item, _ []*Item) bool {
		if h, ok := it.Props.(secretHolder); ok {
			for _, v := range h.Secrets() {
				sealed, err := v.Seal("passphrase")
				if err != nil {
					t.Fatal(err)
				}
				*v = sealed
			}
		}
		return true
	})
	out, err := Marshal(s, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), canaryPW) || strings.Contains(string(out), "CANRY") {
		t.Fatal("a canary is in the saved file")
	}
	path := filepath.Join(t.TempDir(), "s.toml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	seq, probs := Load(path)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	pw := seq.FindStep(StepCaptureReference).Props.(*CaptureOSImage).Password
	got, err := pw.Reveal("password", passResolver("passphrase"))
	if err != nil || got != canaryPW {
		t.Fatalf("reveal after load: %q %v", got, err)
	}
}

func TestPlaintextOptIn(t *testing.T) {
	s := canarySequence()
	out, err := Marshal(s, SaveOptions{AllowPlaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "plain:"+canaryPW) {
		t.Fatal("opt-in plaintext not written")
	}
	_, probs := Parse("s.toml", out)
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	if len(probs.Warnings()) != 3 {
		t.Errorf("want a warning per plaintext secret, got:\n%v", probs)
	}
	// Problems never repeat a secret's value, even a bad one.
	bad := strings.Replace(string(out), "plain:"+canaryKey, "plain:"+canaryPW, 1)
	_, probs = Parse("s.toml", []byte(bad))
	if !strings.Contains(probs.Error(), "product_key: a product key is") {
		t.Fatalf("bad product key not reported:\n%v", probs)
	}
	if strings.Contains(probs.Error(), canaryPW) {
		t.Fatal("a canary is in the problems")
	}
}

type passResolver string

func (p passResolver) Getenv(string) (string, bool)  { return "", false }
func (p passResolver) Prompt(string) (string, error) { return "", errors.New("no prompt") }
func (p passResolver) Passphrase() (string, error)   { return string(p), nil }
