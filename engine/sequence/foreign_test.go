package sequence

import (
	"bytes"
	"strings"
	"testing"
)

const foreignSeq = `version = 1
name = "Imported"
kind = "custom"

[[steps]]
type = "foreign"
name = "Capture User State"
continue_on_error = true
class = "SMS_TaskSequence_CaptureUserStateAction"
xml = "<step type=\"SMS_TaskSequence_CaptureUserStateAction\" name=\"Capture User State\">\n  <action>osdmigrateuserstate.exe /collect /continueOnError:%_OSDMigrateContinueOnLockedFiles%</action>\n</step>"
`

func TestForeignStepLoadsWarnsAndRoundTrips(t *testing.T) {
	seq, probs := Parse("imported.toml", []byte(foreignSeq))
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatalf("parse: %v", probs)
	}
	w := probs.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Msg, "kept, not run by refimage") || !strings.Contains(w[0].Msg, "SMS_TaskSequence_CaptureUserStateAction") {
		t.Fatalf("warnings %v", w)
	}
	if w[0].Pos.Line != 6 {
		t.Errorf("warning at %+v, want line 6", w[0].Pos)
	}
	f := seq.Steps[0].Props.(*Foreign)
	if f.Format != ForeignConfigMgr || !strings.Contains(f.XML, "%_OSDMigrateContinueOnLockedFiles%") {
		t.Errorf("props %+v", f)
	}
	out, err := Marshal(seq, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	seq2, probs := Parse("again.toml", out)
	if seq2 == nil || len(probs.Errors()) > 0 {
		t.Fatalf("reparse: %v\n%s", probs, out)
	}
	out2, _ := Marshal(seq2, SaveOptions{})
	if !bytes.Equal(out, out2) || *seq2.Steps[0].Props.(*Foreign) != *f {
		t.Errorf("round trip differs:\n%s\n%s", out, out2)
	}
	for _, si := range StepTypes() {
		if si.Type == ForeignType {
			t.Error("StepTypes lists the foreign step: it is not one to add")
		}
	}
	if _, ok := LookupStep(ForeignType); !ok {
		t.Error("LookupStep does not know the foreign step")
	}
}

func TestForeignStepBroken(t *testing.T) {
	src := strings.Replace(foreignSeq, `class = "SMS_TaskSequence_CaptureUserStateAction"`, `class = ""`+"\nformat = \"sccm\"", 1)
	src = strings.Replace(src, `xml = "<step`, `xml = "<stop`, 1)
	_, probs := Parse("broken.toml", []byte(src))
	got := probs.Errors().Error()
	for _, want := range []string{"steps[0].class: a foreign step names its original step type", `steps[0].format: format is "configmgr" or "mdt", not "sccm"`} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
	src = strings.Replace(foreignSeq, `xml = "<step`, `xml = "<stop`, 1)
	_, probs = Parse("broken.toml", []byte(src))
	if got := probs.Errors().Error(); !strings.Contains(got, "steps[0].xml: a foreign step holds its original <step> element") {
		t.Errorf("errors: %s", got)
	}
}

// Strings of several lines are written as multi-line literal strings and
// read back unchanged; those that cannot be fall back to escapes.
func TestMultiLineStrings(t *testing.T) {
	for _, v := range []string{"a\nb", "\nstarts with a newline\n", "tab\there\nand 'quotes' \"too\" \\ back", "ends with '\nquote'", "has ''' in it\nx", "cr\r\nlf", "plain"} {
		s := &Sequence{Version: FormatVersion, Name: "M", Kind: KindCustom, Description: v}
		out, err := Marshal(s, SaveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		back, probs := Decode("m.toml", out)
		if back == nil || back.Description != v {
			t.Errorf("%q: came back %q (%v)\n%s", v, back.Description, probs, out)
			continue
		}
		if again, _ := Marshal(back, SaveOptions{}); !bytes.Equal(again, out) {
			t.Errorf("%q: not deterministic", v)
		}
		if multi := bytes.Contains(out, []byte("= '''")); multi != (strings.Contains(v, "\n") && !strings.Contains(v, "'''") && !strings.HasSuffix(v, "'") && !strings.Contains(v, "\r")) {
			t.Errorf("%q: multi-line form %v:\n%s", v, multi, out)
		}
	}
}
