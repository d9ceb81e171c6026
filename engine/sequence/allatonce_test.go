package sequence

import (
	"strings"
	"testing"
)

// Every problem at once: an unknown key does not hide the over-long
// name and the bad condition after it, a wrong type is not also
// "required", and the problems come sorted by position.
func TestEveryProblemAtOnce(t *testing.T) {
	src := `version = 1
name = "Everything at once"
kind = "custom"

[[steps]]
type = "run-command-line"
name = "` + strings.Repeat("n", 60) + `"
command_line = "cmd /c exit 0"
condition = "Variable(((("
colour = "blue"

[[steps]]
type = "run-command-line"
name = 5
command_line = "cmd /c exit 0"
`
	seq, probs := Parse("all.toml", []byte(src))
	if seq != nil {
		t.Error("a sequence with errors was returned")
	}
	var lines []string
	for _, p := range probs {
		lines = append(lines, p.String())
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"all.toml:7:",  // the name, 60 characters
		"all.toml:9:",  // the condition
		"all.toml:10:", // the unknown key
		"all.toml:14:", // name = 5
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no problem at %s:\n%s", want, got)
		}
	}
	if strings.Count(got, "steps[1].name") != 1 {
		t.Errorf("the wrong type is reported more than once:\n%s", got)
	}
	for i := 1; i < len(probs); i++ {
		if probs[i].Pos.Line != 0 && probs[i].Pos.Line < probs[i-1].Pos.Line {
			t.Errorf("not sorted by position:\n%s", got)
		}
	}
}
