package secret

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const canary = "CANARY-s3cret-Pa55"

type resolver struct {
	env  map[string]string
	pass string
}

func (r resolver) Getenv(n string) (string, bool) { v, ok := r.env[n]; return v, ok }
func (r resolver) Prompt(field string) (string, error) {
	return "", errors.New("no terminal to ask for " + field)
}
func (r resolver) Passphrase() (string, error) { return r.pass, nil }

func TestParseForms(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind Kind
		err  bool
	}{
		{"", None, false},
		{"prompt", Prompt, false},
		{"env:ADMIN_PW", Env, false},
		{"env:1BAD", None, true},
		{"env:", None, true},
		{"plain:hunter2", Clear, false},
		{"hunter2", None, true},
		{"enc:v1:!!", None, true},
		{"enc:v2:AAAA", None, true},
	} {
		v, err := Parse(c.in)
		if (err != nil) != c.err || (err == nil && v.Kind() != c.kind) {
			t.Errorf("Parse(%q) = %v, %v; want kind %v, err %v", c.in, v.Kind(), err, c.kind, c.err)
		}
	}
}

func TestEncryptReveal(t *testing.T) {
	v, err := Encrypt(canary, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := v.Stored(false)
	if strings.Contains(stored, canary) || !strings.HasPrefix(stored, "enc:v1:") {
		t.Fatalf("stored form %q", stored)
	}
	v2, err := Parse(stored)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v2.Reveal("admin_password", resolver{pass: "correct horse"})
	if err != nil || got != canary {
		t.Fatalf("Reveal = %q, %v", got, err)
	}
	if _, err := v2.Reveal("admin_password", resolver{pass: "wrong"}); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	// Tampering is detected.
	b := []byte(stored)
	b[len(b)-3] ^= 1
	if v3, err := Parse(string(b)); err == nil {
		if _, err := v3.Reveal("x", resolver{pass: "correct horse"}); err == nil {
			t.Fatal("tampered ciphertext decrypted")
		}
	}
	if _, err := Encrypt("x", ""); err == nil {
		t.Fatal("empty passphrase accepted")
	}
}

func TestRevealRefs(t *testing.T) {
	r := resolver{env: map[string]string{"PW": canary}}
	if got, err := EnvRef("PW").Reveal("f", r); err != nil || got != canary {
		t.Fatal(got, err)
	}
	if _, err := EnvRef("MISSING").Reveal("capture password", r); err == nil || err.Error() != "capture password: the environment variable MISSING is not set" {
		t.Fatal(err)
	}
	if _, err := PromptRef().Reveal("f", r); err == nil {
		t.Fatal("prompt without a terminal")
	}
}

// TestNoFormattedFormLeaks proves a clear secret cannot leak through any
// formatting path.
func TestNoFormattedFormLeaks(t *testing.T) {
	for _, v := range []Value{New(canary), New(canary + "-ABCDE").AsProductKey(), mustParse(t, "plain:"+canary)} {
		type holder struct {
			Password Value
			Ptr      *Value
		}
		h := holder{Password: v, Ptr: &v}
		var forms []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%T", "%10s", "%-10v"} {
			forms = append(forms, fmt.Sprintf(verb, v), fmt.Sprintf(verb, h), fmt.Sprintf(verb, &h))
		}
		forms = append(forms, v.String(), v.GoString(), fmt.Sprint(v), fmt.Sprintln(v, h))
		j, _ := json.Marshal(h)
		forms = append(forms, string(j))
		var tb strings.Builder
		if err := toml.NewEncoder(&tb).Encode(h); err != nil {
			t.Fatal(err)
		}
		forms = append(forms, tb.String())
		txt, _ := v.MarshalText()
		forms = append(forms, string(txt))
		if _, err := v.Stored(false); !errors.Is(err, ErrPlaintext) {
			t.Errorf("Stored(false) of a clear value: %v", err)
		}
		for _, f := range forms {
			if strings.Contains(f, canary) || strings.Contains(f, "s3cret") {
				t.Errorf("clear secret leaked: %q", f)
			}
		}
	}
}

func mustParse(t *testing.T, s string) Value {
	v, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMaskProductKey(t *testing.T) {
	if got := MaskProductKey("NPPR9-FWDCX-D2C8J-H872K-2YT43"); got != "*****-*****-*****-*****-2YT43" {
		t.Error(got)
	}
	if got := New("NPPR9-FWDCX-D2C8J-H872K-2YT43").AsProductKey().String(); got != "*****-*****-*****-*****-2YT43" {
		t.Error(got)
	}
	if got := MaskProductKey("garbage"); got != Masked {
		t.Error(got)
	}
}

func TestRedactor(t *testing.T) {
	var r Redactor
	r.Add(canary, false)
	r.Add("NPPR9-FWDCX-D2C8J-H872K-2YT43", true)
	r.Add("ab", false) // too short to register
	got := r.Redact("net use \\\\srv\\c /user:x " + canary + " key NPPR9-FWDCX-D2C8J-H872K-2YT43 ab")
	want := "net use \\\\srv\\c /user:x ******** key *****-*****-*****-*****-2YT43 ab"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	var nilR *Redactor
	if nilR.Redact("x") != "x" {
		t.Error("nil redactor")
	}
}

func TestStdResolver(t *testing.T) {
	enc, _ := Encrypt(canary, "pp")
	asked := 0
	r := &StdResolver{
		Lookup: func(n string) (string, bool) { return map[string]string{"X": "1"}[n], n == "X" },
		Ask:    func(string) (string, error) { asked++; return "pp", nil },
	}
	for i := 0; i < 2; i++ {
		if got, err := enc.Reveal("f", r); err != nil || got != canary {
			t.Fatal(got, err)
		}
	}
	if asked != 1 {
		t.Errorf("passphrase asked %d times, want once", asked)
	}
	r2 := &StdResolver{Lookup: func(n string) (string, bool) {
		if n == PassphraseEnv {
			return "pp", true
		}
		return "", false
	}}
	if got, err := enc.Reveal("f", r2); err != nil || got != canary {
		t.Fatal(got, err)
	}
	if _, err := PromptRef().Reveal("f", &StdResolver{}); !errors.Is(err, ErrNoPrompt) {
		t.Fatal(err)
	}
	if _, err := enc.Reveal("f", &StdResolver{}); err == nil || !strings.Contains(err.Error(), PassphraseEnv) {
		t.Fatal(err)
	}
}
