package condition

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// describeCorpus is a condition of every kind with every operator.
func describeCorpus() []string {
	cmp := []string{"==", "!=", "<", "<=", ">", ">="}
	var out []string
	for _, op := range append(cmp, "like", "not like") {
		out = append(out, `X `+op+` "1"`)
	}
	out = append(out, `X exists`, `X not exists`, `not X exists`, `X exists and (Y exists or Z exists)`, `none(X exists)`, `none(X exists, Y exists)`)
	for _, kind := range []string{"file", "folder"} {
		out = append(out, kind+`("C:\a") exists`, kind+`("C:\a") not exists`)
		for _, op := range cmp {
			out = append(out, kind+`("C:\a").date `+op+` "2024-01-31"`)
			if kind == "file" {
				out = append(out, kind+`("C:\a").version `+op+` "10.0"`)
			}
		}
	}
	for _, op := range cmp {
		out = append(out, `registry("HKLM\X", "V") `+op+` "a"`, `registry("HKLM\X", "") `+op+` "a"`, `os.version `+op+` "10.0"`)
	}
	out = append(out, `registry("HKLM\X", "V") exists`, `registry("HKLM\X", "V", REG_SZ) not exists`, `registry("HKLM\X", "") exists`,
		`wmi("SELECT * FROM Win32_Battery")`, `wmi("SELECT * FROM X", "root\Y")`,
		`os.platform in ("Windows 11 x64")`, `os.platform in ("Windows 10 x64", "Windows 11 x64")`,
		`os.language == "ko-KR"`, `os.language != "ko-KR"`, `os.language in ("ko-KR", "en-US")`, `os.language not in ("ko-KR", "en-US")`,
		`software(product: "{90160000-008C-0000-1000-0000000FF1CE}") installed`,
		`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", name: "Office") installed`,
		`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", version: "16.0") installed`,
		`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", version: "16.0", name: "Office") installed`,
		`software(upgrade: "{23170F69-40C1-2702-0000-000004000000}") installed`,
		`software(upgrade: "{23170F69-40C1-2702-0000-000004000000}", name: "7-Zip") installed`)
	return out
}

// The English of Describe over the corpus is fixed by a golden file
// (written before Describe was built from msg.Messages, to prove the
// English did not change), and it is DescribeMessage's English.
func TestDescribeCorpus(t *testing.T) {
	var b strings.Builder
	for _, src := range describeCorpus() {
		e := mustParse(t, src)
		b.WriteString(src + "\n\t" + Describe(e) + "\n")
	}
	path := filepath.Join("testdata", "TestDescribeCorpus.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("Describe changed (-update rewrites %s):\n%s", path, got)
	}
}
