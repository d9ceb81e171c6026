package interop

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

func mustLoad(t testing.TB, path string) *sequence.Sequence {
	t.Helper()
	seq, probs := sequence.Load(path)
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatalf("%s: %v", path, probs)
	}
	return seq
}

func marshal(t testing.TB, s *sequence.Sequence) []byte {
	t.Helper()
	out, err := sequence.Marshal(s, sequence.SaveOptions{AllowPlaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TOML → XML → TOML is the identity for every example.
func TestExamplesRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../../../docs/examples/*.toml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		for _, format := range []string{FormatConfigMgr, FormatMDT} {
			t.Run(filepath.Base(f)+"/"+format, func(t *testing.T) {
				seq := mustLoad(t, f)
				x, rep, err := Export(seq, ExportOptions{Format: format})
				if err != nil {
					t.Fatal(err)
				}
				back, irep, err := Import(f+".xml", x, ImportOptions{})
				if err != nil {
					t.Fatalf("import: %v\n%s", err, x)
				}
				if len(irep.Foreign) > 0 {
					t.Errorf("steps came back foreign: %v", irep.Foreign)
				}
				back.Kind = seq.Kind
				back.BootImage = seq.BootImage
				a, b := marshal(t, seq), marshal(t, back)
				if !bytes.Equal(a, b) {
					t.Errorf("round trip differs:\n--- toml\n%s\n--- xml\n%s\n--- back\n%s\nnotes %v", a, x, b, rep.Notes)
				}
			})
		}
	}
}

func TestXMLFilesRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "bad-") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			seq, rep, err := Import(f, data, ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			toml := marshal(t, seq)
			seq2, probs := sequence.Decode("back.toml", toml)
			if seq2 == nil {
				t.Fatalf("%v\n%s", probs, toml)
			}
			out, _, err := Export(seq2, ExportOptions{Format: rep.Format})
			if err != nil {
				t.Fatal(err)
			}
			orig, _, _ := parseXML(f, data)
			again, _, err := parseXML("out", out)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := canonical(orig), canonical(again); a != b {
				t.Errorf("XML → TOML → XML differs at %s\n--- toml\n%s\n--- out\n%s", firstDiff(a, b), toml, out)
			}
			want := map[string][3]any{
				"configmgr-build-capture.xml": {15, 20, FormatConfigMgr},
				"mdt-ts.xml":                  {4, 4, FormatMDT},
			}[filepath.Base(f)]
			if want[0] != nil && (rep.Steps != want[0] || len(rep.Foreign) != want[1] || rep.Format != want[2]) {
				t.Errorf("%d mapped, %d foreign, %s; want %v\nforeign: %v", rep.Steps, len(rep.Foreign), rep.Format, want, rep.Foreign)
			}
		})
	}
}

// A <sequence> element wrapped in another document is found.
func TestSequenceInsideAnotherElement(t *testing.T) {
	seq, _, err := Import("wrapped.xml", []byte(`<export><meta/><sequence version="3.10" name="Inner"><step type="SMS_TaskSequence_PrepareSMSClientAction" name="Prep"><action>osdpreparesmsclient.exe</action></step></sequence></export>`), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if seq.Name != "Inner" || len(seq.Steps) != 1 || seq.Steps[0].Type != "prepare-configmgr-client" {
		t.Errorf("%+v", seq)
	}
}

// A step whose condition names platforms refimage does not know stays a
// mapped step; the condition becomes the WMI queries of the platforms.
func TestUnknownOSPlatform(t *testing.T) {
	x := `<sequence version="3.10"><step type="SMS_TaskSequence_SetVariableAction" name="Set A">
<defaultVarList><variable name="VariableName">A</variable><variable name="VariableValue">1</variable></defaultVarList>
<action>tsenv.exe "A=1"</action>
<condition><osConditionGroup type="or">
<osExpressionGroup name="All Windows 10 (64-bit)">
<expression type="SMS_TaskSequence_WMIConditionExpression"><variable name="Namespace">root\cimv2</variable><variable name="Query">SELECT * FROM Win32_OperatingSystem WHERE Version like '10.0.%' AND ProductType = 1</variable></expression>
<expression type="SMS_TaskSequence_WMIConditionExpression"><variable name="Namespace">root\cimv2</variable><variable name="Query">SELECT * FROM Win32_Processor WHERE Architecture = 9</variable></expression>
</osExpressionGroup>
<osExpressionGroup name="Windows 11 x64"><expression type="SMS_TaskSequence_WMIConditionExpression"><variable name="Namespace">root\cimv2</variable><variable name="Query">SELECT 1</variable></expression></osExpressionGroup>
</osConditionGroup></condition></step></sequence>`
	seq, rep, err := Import("os.xml", []byte(x), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Foreign) != 0 || seq.Steps[0].Type != "set-variable" || len(rep.Warnings) != 1 {
		t.Fatalf("foreign %v, warnings %v", rep.Foreign, rep.Warnings)
	}
	want := `wmi("SELECT * FROM Win32_OperatingSystem WHERE Version like '10.0.%' AND ProductType = 1") and wmi("SELECT * FROM Win32_Processor WHERE Architecture = 9") or wmi("SELECT 1")`
	if seq.Steps[0].Condition != want {
		t.Errorf("condition\n got %s\nwant %s", seq.Steps[0].Condition, want)
	}
}

// A refimage comment cannot smuggle a clear secret into the sequence.
func TestCommentWithClearSecretIsRefused(t *testing.T) {
	x := `<sequence version="3.10"><step type="SMS_TaskSequence_CaptureSystemImageAction" name="Capture" runIn="WinPE">
<!-- refimage
password = "plain:Canary-Cmt-1"
 -->
<defaultVarList><variable name="OSDCaptureDestination">\\s\c\x.wim</variable></defaultVarList>
<action>osdcapturesystemimage.exe</action></step></sequence>`
	_, _, err := Import("c.xml", []byte(x), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "holds a secret") || strings.Contains(err.Error(), "Canary") {
		t.Fatalf("err = %v", err)
	}
}

// The order of a step's children does not decide whether it is mapped.
func TestStepChildrenInAnyOrder(t *testing.T) {
	x := `<sequence version="3.10"><group name="G"><step type="SMS_TaskSequence_SetVariableAction" name="Set A">
<condition><expression type="SMS_TaskSequence_VariableConditionExpression"><variable name="Variable">B</variable><variable name="Operator">exists</variable></expression></condition>
<action>tsenv.exe "A=1"</action>
<defaultVarList><variable name="VariableValue">1</variable><variable name="VariableName">A</variable></defaultVarList>
</step><condition><expression type="SMS_TaskSequence_VariableConditionExpression"><variable name="Variable">C</variable><variable name="Operator">exists</variable></expression></condition></group></sequence>`
	seq, rep, err := Import("order.xml", []byte(x), ImportOptions{})
	if err != nil || len(rep.Foreign) > 0 {
		t.Fatalf("%v %v", err, rep)
	}
	if seq.Steps[0].Condition != "C exists" || seq.Steps[0].Steps[0].Condition != "B exists" {
		t.Errorf("%+v", seq.Steps[0])
	}
}

// True and true, WinPE and winpe, "0  3010" and "0 3010" are the same to
// ConfigMgr: they do not make a step foreign.
func TestCaseOfBooleansDoesNotMatter(t *testing.T) {
	x := `<sequence version="3.10"><step type="SMS_TaskSequence_PrepareOSAction" name="Prep" disable="True" continueOnError="FALSE" runIn="fullos" successCodeList="0  3010">
<defaultVarList><variable name="OSDKeepActivation">True</variable><variable name="OSDBuildStorageDriverList">False</variable></defaultVarList>
<action>osdprepareos.exe /activate:%OSDKeepActivation% /bmsd:%OSDBuildStorageDriverList%</action></step></sequence>`
	seq, rep, err := Import("case.xml", []byte(x), ImportOptions{})
	if err != nil || len(rep.Foreign) > 0 {
		t.Fatalf("%v %v", err, rep)
	}
	it := seq.Steps[0]
	if !it.Disabled || it.Props.(*sequence.PrepareWindowsForCapture).KeepActivation != true {
		t.Errorf("%+v", it)
	}
}
