package wizard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/interop"
)

// "Import a ConfigMgr or MDT task sequence" fills the pages from the
// imported sequence and keeps its foreign steps.
func TestImportFlow(t *testing.T) {
	w := newTest(t)
	w.A.Flow = FlowImport
	w.A.OpenPath = "ts.toml"
	if m := msgOf(PageByID(PageStart).Field("import").Error(w)); !strings.Contains(m, ".xml") {
		t.Errorf("a .toml to import: %q", m)
	}
	w.A.OpenPath = filepath.Join("..", "engine", "sequence", "interop", "testdata", "configmgr-build-capture.xml")
	if err := w.Next(); err != nil {
		t.Fatalf("import: %v (%v)", err, w.openErr)
	}
	if w.A.Name != "Build and Capture W11" || w.A.CaptureDest != `\\cm01\captures$\w11.wim` {
		t.Fatalf("prefill: %+v", w.A)
	}
	seq, err := w.Sequence()
	if err != nil {
		t.Fatal(err)
	}
	data, err := sequence.Marshal(seq, sequence.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`type = "foreign"`, `class = "SMS_TaskSequence_EnableBitLockerAction"`, `image = "package:PS100004"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the sequence lacks %s", want)
		}
	}
	// Bad input is refused on the first page with its element path.
	bad := filepath.Join(t.TempDir(), "bad.xml")
	os.WriteFile(bad, []byte(`<sequence version="3.10"><group/></sequence>`), 0o644)
	w = newTest(t)
	w.A.Flow, w.A.OpenPath = FlowImport, bad
	if err := w.Next(); err == nil {
		t.Fatal("imported a group without a name")
	}
	if m := msgOf(PageByID(PageStart).Field("import").Error(w)); !strings.Contains(m, "sequence/group[1]") {
		t.Errorf("import error %q", m)
	}
}

func TestImportFromAnswers(t *testing.T) {
	w := newTest(t)
	xml := filepath.Join("..", "engine", "sequence", "interop", "testdata", "configmgr-build-capture.xml")
	if errs := w.ApplyAnswers([]byte("[start]\nflow = \"import\"\nimport = '" + xml + "'\n")); errs != nil {
		t.Fatal(errs)
	}
	if w.Opened() == nil || w.A.Name != "Build and Capture W11" {
		t.Fatalf("not imported: %+v", w.A)
	}
	w = newTest(t)
	errs := w.ApplyAnswers([]byte("[start]\nflow = \"import\"\nimport = 'x.toml'\n"))
	if errs == nil || !strings.Contains(errs.Error(), "start.import") {
		t.Errorf("errs = %v", errs)
	}
}

// What the wizard writes goes to ConfigMgr and MDT XML and comes back the
// same (docs/interop.md, round trips).
func TestWizardSequencesRoundTripThroughXML(t *testing.T) {
	for _, f := range []string{"build.answers.toml", "custom.answers.toml"} {
		w := fromAnswers(t, f)
		seq, err := w.Sequence()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want, err := sequence.Marshal(seq, sequence.SaveOptions{AllowPlaintext: true})
		if err != nil {
			t.Fatal(err)
		}
		seq, probs := sequence.Decode(f, want)
		if seq == nil {
			t.Fatal(probs)
		}
		for _, format := range []string{interop.FormatConfigMgr, interop.FormatMDT} {
			x, _, err := interop.Export(seq, interop.ExportOptions{Format: format})
			if err != nil {
				t.Fatalf("%s %s: %v", f, format, err)
			}
			back, rep, err := interop.Import(f+".xml", x, interop.ImportOptions{})
			if err != nil || len(rep.Foreign) > 0 {
				t.Fatalf("%s %s: %v %v", f, format, err, rep)
			}
			got, _ := sequence.Marshal(back, sequence.SaveOptions{AllowPlaintext: true})
			if string(got) != string(want) {
				t.Errorf("%s %s: differs after XML:\n%s\n---\n%s", f, format, want, got)
			}
		}
	}
}
