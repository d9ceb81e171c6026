package wizard

import (
	"bytes"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// TestMarshalAnswersRoundTrip: the answers written give the same sequence.
func TestMarshalAnswersRoundTrip(t *testing.T) {
	for _, name := range []string{"build.answers.toml", "custom.answers.toml"} {
		w := fromAnswers(t, name)
		w.A.Description = "quotes \" and 'single' and \\ and tab\t"
		out := MarshalAnswers(w)
		w2 := newTest(t)
		if errs := w2.ApplyAnswers(out); errs != nil {
			t.Fatalf("%s: the written answers are refused: %v\n%s", name, errs, out)
		}
		s1, err1 := w.Sequence()
		s2, err2 := w2.Sequence()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		b1, _ := sequence.Marshal(s1, sequence.SaveOptions{})
		b2, _ := sequence.Marshal(s2, sequence.SaveOptions{})
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s: round trip differs:\n%s\n---\n%s\n---answers\n%s", name, b1, b2, out)
		}
	}
}

func TestMarshalAnswersLeavesTypedSecretsOut(t *testing.T) {
	w := fromAnswers(t, "build.answers.toml")
	w.A.AdminPassword, w.A.AdminConfirm = "Typed-Secret-5", "Typed-Secret-5"
	out := string(MarshalAnswers(w))
	if strings.Contains(out, "Typed-Secret-5") || !strings.Contains(out, "# admin_password = ") {
		t.Errorf("answers:\n%s", out)
	}
	if !strings.Contains(out, `password = "env:REFIMAGE_CAPTURE_PASSWORD"`) {
		t.Errorf("a reference was left out:\n%s", out)
	}
}
