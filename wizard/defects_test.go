package wizard

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// Issue 15: an invalid product key was displayed masked as if complete
// (*****-*****-*****-*****-12345). What was typed is masked as typed; a
// whole key shows only its last group.
func TestMaskProductKeyAsTyped(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ABCDE-12345", "*****-*****"},
		{"ABC", "***"},
		{"plain:ABCDE-1234", "*****-****"},
		{"ABCDE-FGHIJ-KLMNO-PQRST-12345", "*****-*****-*****-*****-12345"},
	} {
		if got := newTest(t).MaskSecret(c.in, true); got != c.want {
			t.Errorf("MaskSecret(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Issue 15: errors quoted values with Go syntax ("CORP\\svc join"); they
// show them as typed, in English and Korean.
func TestErrorsQuoteAsTyped(t *testing.T) {
	for _, l := range Langs() {
		m := msgOf(New(testEnv(), l).accountErr(`CORP\svc join`))
		if !strings.Contains(m, `"CORP\svc join"`) || strings.Contains(m, `\\`) {
			t.Errorf("%s: %q", l, m)
		}
	}
	for _, cat := range []map[string]string{catalogs[English], catalogs[Korean]} {
		for k, v := range cat {
			if strings.Contains(v, "%q") {
				t.Errorf("%s quotes with %%q: %q", k, v)
			}
		}
	}
}

// stepShape lists a sequence's items: kind, type, name, condition,
// disabled, in order.
func stepShape(s *sequence.Sequence) []string {
	var out []string
	s.Walk(func(it *sequence.Item, parents []*sequence.Item) bool {
		out = append(out, fmt.Sprintf("%d %s %q if %q off=%v", len(parents), it.Type, it.Name, it.Condition, it.Disabled))
		return true
	})
	return out
}

// Issue 15: "Open an existing sequence" added a step the file did not
// have (offline-build.toml gained a Prepare Windows for Capture step).
// Every example and every answers output, opened and walked through
// every page with Next, is written back with the same steps.
func TestOpenKeepsSteps(t *testing.T) {
	files, _ := filepath.Glob("../docs/examples/*.toml")
	// The answers outputs: the sequences the wizard writes from the
	// answers files of testdata.
	dir := t.TempDir()
	for _, a := range []string{"build.answers.toml", "custom.answers.toml"} {
		w := fromAnswers(t, a)
		seq, err := w.Sequence()
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		out := filepath.Join(dir, strings.TrimSuffix(a, ".answers.toml")+".toml")
		if err := sequence.Save(out, seq, sequence.SaveOptions{AllowPlaintext: true}); err != nil {
			t.Fatal(err)
		}
		files = append(files, out)
	}
	if len(files) < 4 {
		t.Fatalf("only %d files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			orig, probs := sequence.Load(f)
			if orig == nil || len(probs.Errors()) > 0 {
				t.Fatalf("%v", probs)
			}
			w := newTest(t)
			w.A.Flow = FlowOpen
			w.A.OpenPath = f
			for w.CurrentID() != PageSummary {
				if err := w.Next(); err != nil {
					t.Fatalf("Next on %s: %v %v", w.CurrentID(), err, w.PageErrors(w.CurrentID()))
				}
			}
			got, err := w.Sequence()
			if err != nil {
				t.Fatal(err)
			}
			if a, b := strings.Join(stepShape(orig), "\n"), strings.Join(stepShape(got), "\n"); a != b {
				t.Errorf("the steps changed:\nfile:\n%s\nwritten:\n%s", a, b)
			}
		})
	}
}

// Issue 15: in Korean the passphrase and the passwords shared one word
// (암호), making the sealing message ambiguous. Every message about the
// passphrase says 암호 문구.
func TestKoreanPassphraseTerm(t *testing.T) {
	for k, en := range catalogEN {
		if strings.Contains(strings.ToLower(en), "passphrase") && !strings.Contains(en, "REFIMAGE_PASSPHRASE") || strings.Contains(k, "passphrase") {
			if ko := catalogKO[k]; !strings.Contains(ko, "암호 문구") {
				t.Errorf("%s: %q does not say 암호 문구", k, ko)
			}
		}
	}
}

// Issue 15: an escaped comma in a DN (OU=R\,ef) was refused; an OU in
// another domain than the one joined was accepted silently (now a
// warning).
func TestOUChecks(t *testing.T) {
	w := newTest(t)
	w.A.Join, w.A.Domain = sequence.JoinDomain, "corp.example.com"
	f := PageByID(PageNetwork).Field("domain_ou")
	w.A.DomainOU = `LDAP://OU=R\,ef,DC=corp,DC=example,DC=com`
	if e := msgOf(f.Error(w)); e != "" {
		t.Errorf("escaped comma refused: %s", e)
	}
	if wn := msgOf(f.Warning(w)); wn != "" {
		t.Errorf("same domain warned: %s", wn)
	}
	w.A.DomainOU = `LDAP://OU=Ref,DC=other,DC=example,DC=com`
	if wn := msgOf(f.Warning(w)); !strings.Contains(wn, "other.example.com") || !strings.Contains(wn, "corp.example.com") {
		t.Errorf("another domain: warning %q", wn)
	}
	if got := OUDomain(`LDAP://OU=A\,B,OU=C,DC=x,DC=y`); got != "x.y" {
		t.Errorf("OUDomain %q", got)
	}
	if sequence.ValidateDomainOU(`LDAP://OU=R\,ef,DC=corp,DC=com`) != "" || sequence.ValidateDomainOU(`LDAP://OU=R,ef,DC=corp`) == "" {
		t.Error("engine/sequence's OU check")
	}
}

// Issue 15: the time zone was free text and any typo was written. A
// typed ID is checked against the Windows IDs, a near miss suggests the
// ID, the IDs that match what is typed are listed; refimage validate
// checks it too.
func TestTimeZoneChecked(t *testing.T) {
	w := newTest(t)
	f := PageByID(PageWindows).Field("time_zone")
	for tz, want := range map[string]string{
		"Korea Standard Time": "", "UTC": "", "%OSDTimeZone%": "",
		"korea standard time": `did you mean "Korea Standard Time"`,
		"Korea Standrad Time": "not a Windows time zone ID",
	} {
		w.A.TimeZone = tz
		if got := msgOf(f.Error(w)); want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("%q: error %q, want %q", tz, got, want)
		}
	}
	w.A.TimeZone = "Pacific"
	if wn := msgOf(f.Warning(w)); !strings.Contains(wn, "Pacific Standard Time") || !strings.Contains(wn, "more") {
		t.Errorf("matches: %q", wn)
	}
	s := sequence.BuildAndCaptureTemplate()
	s.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		if ws, ok := it.Props.(*sequence.ApplyWindowsSettings); ok {
			ws.TimeZone = "Korea Standrad Time"
		}
		return true
	})
	found := false
	for _, p := range sequence.Validate(s) {
		if strings.HasSuffix(p.Path, "time_zone") && strings.Contains(p.Msg, "not a Windows time zone ID") {
			found = true
		}
	}
	if !found {
		t.Error("refimage validate accepts a time zone that is not one")
	}
}
