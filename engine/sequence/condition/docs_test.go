package condition

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every example in docs/conditions.md parses and round-trips.
func TestDocExamples(t *testing.T) {
	data, err := os.ReadFile("../../../docs/conditions.md")
	if err != nil {
		t.Skipf("docs/conditions.md: %v", err)
	}
	doc := string(data)
	var examples []string

	// ```text blocks: one condition per line; a line starting with spaces
	// continues the one before; "#" lines and blank lines separate; text
	// after three spaces outside a string is a comment of the page.
	trailer := regexp.MustCompile(`\s{3,}[^"]*$`)
	for _, block := range regexp.MustCompile("(?s)```text\n(.*?)```").FindAllStringSubmatch(doc, -1) {
		cur := ""
		flush := func() {
			if strings.TrimSpace(cur) != "" {
				examples = append(examples, cur)
			}
			cur = ""
		}
		for _, line := range strings.Split(block[1], "\n") {
			switch {
			case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
				flush()
			case strings.HasPrefix(line, " "):
				cur += "\n" + line
			default:
				flush()
				cur = trailer.ReplaceAllString(line, "")
			}
		}
		flush()
	}
	// condition = '...' and condition = '''...''' in ```toml blocks, and the
	// table of default conditions.
	for _, m := range regexp.MustCompile(`(?s)condition = '''\n?(.*?)'''`).FindAllStringSubmatch(doc, -1) {
		examples = append(examples, m[1])
	}
	for _, m := range regexp.MustCompile(`condition = '([^'\n]+)'`).FindAllStringSubmatch(doc, -1) {
		examples = append(examples, m[1])
	}
	for _, m := range regexp.MustCompile("(?m)^\\| [^|]+ \\| `([^`]+)` \\|$").FindAllStringSubmatch(doc, -1) {
		examples = append(examples, m[1])
	}
	if len(examples) < 40 {
		t.Fatalf("found only %d examples in docs/conditions.md", len(examples))
	}
	t.Logf("%d examples", len(examples))
	for _, src := range examples {
		e, err := Parse(src)
		if err != nil {
			t.Errorf("docs example %q: %v", src, err)
			continue
		}
		checkRoundTrip(t, src, e)
	}
	// The Describe text quoted in the docs is the real one.
	want := strings.Join(strings.Fields(`all of: the variable
_SMSTSClientCache does not exist; the variable _SMSTSMediaType does not equal
"OEMMedia"; the variable _OSDMigrateUseHardlinks does not equal "true"; the
variable _SMSTSBootUEFI does not equal "true"`), " ")
	if got := Describe(mustParse(t, condBIOS)); got != want {
		t.Errorf("Describe(BIOS) = %q, docs say %q", got, want)
	}
	if !strings.Contains(strings.Join(strings.Fields(doc), " "), want) {
		t.Errorf("docs no longer quote Describe(BIOS)")
	}
}
