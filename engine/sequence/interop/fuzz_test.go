package interop

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// FuzzImport feeds the XML decoder (and the zip reader) untrusted input:
// it must never panic, and what it accepts must save as TOML that loads
// again and export again.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<sequence version="3.10"><step type="X" name="a"><condition><operator type="not"><expression type="SMS_TaskSequence_FileConditionExpression"><variable name="Path">C:\x</variable></expression></operator></condition></step></sequence>`))
	f.Add([]byte(`<INSTANCE><PROPERTY NAME="Sequence"><VALUE>&lt;sequence version="3.00"/&gt;</VALUE></PROPERTY></INSTANCE>`))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		seq, _, err := Import("fuzz.xml", data, ImportOptions{})
		if err != nil {
			return
		}
		out, err := sequence.Marshal(seq, sequence.SaveOptions{})
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, probs := sequence.Decode("fuzz.toml", out)
		if back == nil {
			t.Fatalf("the TOML does not load: %v\n%s", probs, out)
		}
		if _, _, err := Export(back, ExportOptions{}); err != nil {
			t.Fatalf("export of an import: %v\n%s", err, out)
		}
	})
}
