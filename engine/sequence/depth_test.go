package sequence

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Groups nested deeper than MaxGroupDepth are refused before decoding,
// with the line; as deep as allowed still loads. Non-regular and huge
// files are refused by Load without reading them.
func TestNestingBounded(t *testing.T) {
	deep := func(n int) string {
		var b strings.Builder
		b.WriteString("version = 1\nname = \"deep\"\nkind = \"custom\"\n")
		for d := 1; d <= n; d++ {
			fmt.Fprintf(&b, "[[%s]]\ntype = \"group\"\nname = \"g%d\"\n", strings.TrimSuffix(strings.Repeat("steps.", d), "."), d)
		}
		return b.String()
	}
	if seq, probs := Parse("ok.toml", []byte(deep(MaxGroupDepth+1))); seq == nil || len(probs.Errors()) > 0 {
		t.Errorf("%d levels: %v", MaxGroupDepth+1, probs)
	}
	_, probs := Parse("deep.toml", []byte(deep(3000)))
	if len(probs) != 1 || !strings.Contains(probs[0].String(), "deep.toml:") || !strings.Contains(probs[0].Msg, "groups nest at most 64 deep; this table is 65 deep") {
		t.Fatalf("3,000 levels: %v", probs)
	}
	if probs[0].Pos.Line != 3*(MaxGroupDepth+2)+1 {
		t.Errorf("line %d", probs[0].Pos.Line)
	}
	inline := "version = 1\nname = \"x\"\nkind = \"custom\"\nsteps = " + strings.Repeat("[{steps = ", 5000) + strings.Repeat("}]", 5000) + "\n"
	if _, probs := Parse("inline.toml", []byte(inline)); len(probs) != 1 || !strings.Contains(probs[0].Msg, "nest deeper than") {
		t.Errorf("inline: %v", probs)
	}
	// Brackets inside strings and comments do not count.
	quoted := "version = 1\nname = \"" + strings.Repeat("[", 500) + "\"\ndescription = '''" + strings.Repeat("{", 500) + "'''\n# " + strings.Repeat("[", 500) + "\nkind = \"custom\"\n[[steps]]\ntype = \"group\"\nname = \"g\"\n"
	if _, probs := Parse("quoted.toml", []byte(quoted)); len(probs) > 0 && strings.Contains(probs[0].Msg, "nest") {
		t.Errorf("quoted brackets counted: %v", probs)
	}

	dir := t.TempDir()
	if _, probs := Load(dir); len(probs) != 1 || !strings.Contains(probs[0].Msg, "not a regular file") {
		t.Errorf("a folder: %v", probs)
	}
	big := filepath.Join(dir, "big.toml")
	os.WriteFile(big, nil, 0o644)
	os.Truncate(big, MaxFileSize+1)
	if _, probs := Load(big); len(probs) != 1 || !strings.Contains(probs[0].Msg, "at most 16 MiB") {
		t.Errorf("a huge file: %v", probs)
	}
}
