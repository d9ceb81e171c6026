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
	// Exports of the examples: refimage comments, every mapped step.
	examples, _ := filepath.Glob("../../../docs/examples/*.toml")
	for _, p := range examples {
		if seq, probs := sequence.Load(p); seq != nil && len(probs.Errors()) == 0 {
			if x, _, err := Export(seq, ExportOptions{}); err == nil {
				f.Add(x)
			}
		}
	}
	f.Add([]byte(`<sequence version="3.10"><step type="X" name="a"><condition><operator type="not"><expression type="SMS_TaskSequence_FileConditionExpression"><variable name="Path">C:\x</variable></expression></operator></condition></step></sequence>`))
	f.Add([]byte(`<INSTANCE><PROPERTY NAME="Sequence"><VALUE>&lt;sequence version="3.00"/&gt;</VALUE></PROPERTY></INSTANCE>`))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		seq, rep, err := Import("fuzz.xml", data, ImportOptions{})
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
		x, _, err := Export(back, ExportOptions{Format: rep.Format})
		if err != nil {
			t.Fatalf("export of an import: %v\n%s", err, out)
		}
		// XML → TOML → XML keeps everything (as parsed trees).
		orig, odoc, err := parseXML("in", data)
		if err != nil || orig.Name != "sequence" {
			return // object.xml or a zip: the sequence is inside
		}
		_ = odoc
		again, _, err := parseXML("out", x)
		if err != nil {
			t.Fatalf("the export does not parse: %v\n%s", err, x)
		}
		if _, ok := orig.attr("name"); !ok {
			again.delAttr("name") // named after the file
		}
		if a, b := canonical(orig), canonical(again); a != b {
			t.Fatalf("XML → TOML → XML differs at %s\n--- in\n%s\n--- out\n%s", firstDiff(a, b), data, x)
		}
	})
}
