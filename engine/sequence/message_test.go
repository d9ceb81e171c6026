package sequence

import (
	"os"
	"path/filepath"
	"testing"
)

// Every problem of Validate carries its message before formatting
// (for a user interface in another language), and its English Msg is
// that message's English: the translation hook changes no output.
func TestProblemMessages(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.toml")
	examples, _ := filepath.Glob("../../docs/examples/*.toml")
	n := 0
	for _, f := range append(files, examples...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seq, _ := Parse(filepath.Base(f), data)
		if seq == nil {
			continue
		}
		// Break every step a little, so that many rules speak.
		seq.Name = ""
		seq.Kind = "bogus"
		seq.Walk(func(it *Item, _ []*Item) bool {
			it.Name = ""
			it.RetryCount = 9
			it.SuccessCodes = nil
			it.Condition = "X =="
			return true
		})
		for _, p := range Validate(seq) {
			n++
			if p.Message.IsZero() {
				t.Errorf("%s: %s: no Message", f, p)
				continue
			}
			if got := p.Message.String(); got != p.Msg {
				t.Errorf("%s: Msg %q, Message says %q", f, p.Msg, got)
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d problems: the test does not exercise the rules", n)
	}
	for _, c := range []struct {
		got  string
		want string
	}{
		{CheckVariableName("_X").String(), ValidateVariableName("_X")},
		{CheckProductKey("x").String(), ValidateProductKey("x")},
		{CheckAccount("x").String(), ValidateAccount("x")},
		{CheckDomainOU("x").String(), ValidateDomainOU("x")},
		{CheckCapturePath("x").String(), ValidateCapturePath("x")},
	} {
		if c.got != c.want || c.want == "" {
			t.Errorf("Check %q, Validate %q", c.got, c.want)
		}
	}
	if !CheckVariableName("OK").IsZero() || ValidateVariableName("OK") != "" {
		t.Error("a good name has a message")
	}
}
