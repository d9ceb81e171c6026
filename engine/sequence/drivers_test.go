package sequence

import (
	"strings"
	"testing"
)

// Issue 15: Apply Device Drivers was written without a source and plan
// printed an empty path. A driver step without its folder is refused
// with the position of the step's key, for both driver step types.
func TestDriverStepsNeedTheirFolder(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"auto-apply-drivers", "[[steps]]\ntype = \"auto-apply-drivers\"\nname = \"Apply Device Drivers\"\n",
			"d.toml:5:1: steps[0].source: the driver source folder is required"},
		{"auto-apply-drivers blank", "[[steps]]\ntype = \"auto-apply-drivers\"\nname = \"Apply Device Drivers\"\nsource = \"  \"\n",
			"d.toml:8:10: steps[0].source: the driver source folder is required"},
		{"apply-driver-package", "[[steps]]\ntype = \"apply-driver-package\"\nname = \"Drivers\"\n",
			"d.toml:5:1: steps[0].package: the driver package folder is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "version = 1\nname = \"D\"\nkind = \"custom\"\n\n" + c.body
			_, probs := Parse("d.toml", []byte(src))
			var got []string
			for _, p := range probs.Errors() {
				got = append(got, p.String())
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], c.want) {
				t.Errorf("problems %q, want one starting %q", got, c.want)
			}
		})
	}
	// With their folders they are valid.
	src := "version = 1\nname = \"D\"\nkind = \"custom\"\n\n[[steps]]\ntype = \"auto-apply-drivers\"\nname = \"A\"\nsource = 'D:\\Drivers'\n\n" +
		"[[steps]]\ntype = \"apply-driver-package\"\nname = \"B\"\npackage = 'D:\\Drivers\\Net'\n"
	if _, probs := Parse("d.toml", []byte(src)); len(probs.Errors()) > 0 {
		t.Errorf("valid driver steps refused: %v", probs)
	}
}
