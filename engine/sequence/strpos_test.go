package sequence

import (
	"fmt"
	"strings"
	"testing"
)

// Positions inside strings are exact: on the right line of a multi-line
// ”' or """ condition, and past escapes in basic strings (\", \\,
// \t, \u00e9, a line-ending backslash).
func TestConditionPositionsInsideStrings(t *testing.T) {
	step := func(name, cond string) string {
		return "\n[[steps]]\ntype = \"run-command-line\"\nname = \"" + name + "\"\ncommand_line = \"cmd /c exit 0\"\ncondition = " + cond + "\n"
	}
	src := "version = 1\nname = \"Positions\"\nkind = \"custom\"\n" +
		step("a", "'''\n_SMSTSInWinPE == \"false\" and\n  bogus(\"x\")\n'''") + // bogus: line 11, col 3
		step("b", `"A == \"1\\\\2\" and bogus(\"x\")"`) + // line 18: `condition = "` is 13, the escapes are 20 source characters for 16
		step("c", "\"\"\"\nA == \"\\u00e9\" and \\\n     B == \"x\" and\n   \\tbogus(\"x\")\"\"\"") + // line 27, col 6
		step("d", `'A == "1" and bogus("x")'`) // line 33, col 27
	_, probs := Parse("pos.toml", []byte(src))
	var got []string
	for _, p := range probs {
		if strings.Contains(p.Msg, "bogus") {
			got = append(got, fmt.Sprintf("%d:%d", p.Pos.Line, p.Pos.Col))
		}
	}
	if want := "11:3 18:34 27:6 33:27"; strings.Join(got, " ") != want {
		t.Errorf("positions %v, want %s\n%v", got, want, probs)
	}
}
