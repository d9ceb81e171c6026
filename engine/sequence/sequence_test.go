package sequence

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestInvalidFiles(t *testing.T) {
	// Each file under testdata/invalid has exactly these errors (warnings
	// are checked separately), with their positions.
	want := map[string][]string{
		"syntax.toml":            {"syntax.toml:2:13: name: TOML syntax: strings cannot contain newlines"},
		"unknown-key.toml":       {"unknown-key.toml:9:1: steps[0].imagee: unknown key in an apply-os-image step (did you mean image?)"},
		"wrong-type.toml":        {"wrong-type.toml:8:12: steps[0].disabled: want true or false, got a string"},
		"duplicate-key.toml":     {"duplicate-key.toml:9:1: steps[0].name: this key is defined twice in the same table"},
		"long-name.toml":         {"long-name.toml:2:8: name: the task sequence name has at most 50 characters (this has 51)"},
		"bad-product-key.toml":   {"bad-product-key.toml:10:15: steps[0].product_key: a product key is five groups of five letters or digits separated by dashes (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)"},
		"bad-capture-path.toml":  {`bad-capture-path.toml:8:15: steps[0].destination: a capture destination is a .wim file, e.g. \\server\captures\reference.wim`},
		"per-server-3.toml":      {"per-server-3.toml:11:19: steps[0].max_connections: per-server licensing needs 5 to 9999 connections, not 3"},
		"domain-no-account.toml": {`domain-no-account.toml:5:1: steps[0].account: joining a domain needs an account with permission to join (DOMAIN\user or %VARIABLE%)`},
		"set-readonly.toml":      {"set-readonly.toml:8:12: steps[0].variable: _SMSTSInWinPE is read-only: variables whose names start with _ are set by the engine"},
		"partition-full-os.toml": {`partition-full-os.toml:8:10: steps[0].run_in: a partition-disk step runs only in Windows PE (run_in = "winpe")`},
		"bad-condition.toml":     {`bad-condition.toml:8:42: steps[0].condition: condition: missing condition after "and"`},
	}
	files, _ := filepath.Glob("testdata/invalid/*.toml")
	if len(files) != len(want) {
		t.Errorf("testdata/invalid has %d files, the table %d", len(files), len(want))
	}
	for name, lines := range want {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/invalid", name))
			if err != nil {
				t.Fatal(err)
			}
			_, probs := Parse(name, data)
			var got []string
			for _, p := range probs.Errors() {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(lines, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(lines, "\n"))
			}
		})
	}
}

func TestExamplesRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../../docs/examples/*.toml")
	if len(files) < 2 {
		t.Fatalf("want the example sequences in docs/examples, found %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			seq, probs := Parse(f, data)
			if len(probs) > 0 {
				t.Fatalf("example has problems:\n%v", probs)
			}
			out, err := Marshal(seq, SaveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// The examples are in canonical form: load → save is the identity.
			if !bytes.Equal(out, data) {
				t.Errorf("save of %s differs from the file:\n%s", f, diffLines(string(data), string(out)))
			}
			seq2, probs := Parse(f, out)
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			out2, _ := Marshal(seq2, SaveOptions{})
			if !bytes.Equal(out, out2) {
				t.Error("save → load → save is not stable")
			}
		})
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n  file: " + x + "\n  save: " + y
		}
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestBuildAndCaptureTemplateShape(t *testing.T) {
	s := BuildAndCaptureTemplate()
	var got []string
	s.Walk(func(it *Item, parents []*Item) bool {
		line := strings.Repeat("  ", len(parents)) + it.Name + " [" + it.Type + "]"
		if it.Condition != "" {
			line += " if " + it.Condition
		}
		got = append(got, line)
		return true
	})
	want := []string{
		"Build the Reference Computer [group]",
		`  Restart in Windows PE [restart-computer] if _SMSTSInWinPE == "false"`,
		`  Partition Disk 0 - BIOS [partition-disk] if _SMSTSClientCache not exists and _SMSTSMediaType != "OEMMedia" and _OSDMigrateUseHardlinks != "true" and _SMSTSBootUEFI != "true"`,
		`  Partition Disk 0 - UEFI [partition-disk] if _SMSTSClientCache not exists and _SMSTSMediaType != "OEMMedia" and _OSDMigrateUseHardlinks != "true" and _SMSTSBootUEFI == "true"`,
		"  Apply Operating System [apply-os-image]",
		"  Apply Windows Settings [apply-windows-settings]",
		"  Apply Network Settings [apply-network-settings]",
		`  Apply Device Drivers [auto-apply-drivers] if _SMSTSMediaType != "FullMedia"`,
		"  Setup Windows and ConfigMgr [setup-windows-and-configmgr]",
		`  Install Updates [install-software-updates] if _SMSTSMediaType != "FullMedia"`,
		"  Install Applications [install-applications]",
		"Capture the Reference Computer [group]",
		"  Join Workgroup [join-domain-or-workgroup]",
		"  Prepare ConfigMgr Client [prepare-configmgr-client]",
		"  Prepare Operating System [prepare-windows-for-capture]",
		"  Capture the Reference Computer [capture-os-image]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, it := range []string{StepRestartInWinPE, StepPartitionBIOS, StepApplyDrivers, StepInstallUpdates} {
		if _, _, ok := checkCondition(s.FindStep(it).Condition); !ok {
			t.Errorf("%s: default condition does not parse", it)
		}
	}
}

func TestValidateReportsEverythingAtOnce(t *testing.T) {
	src := `version = 1
name = ""
kind = "other"

[variables]
_SMSTSInWinPE = "true"
1abc = "x"

[[steps]]
type = "group"
name = "G"

  [[steps.steps]]
  type = "capture-os-image"
  name = "Capture"
  run_in = "full-os"
  destination = 'relative\path.wim'
  compression = "zip"
`
	_, probs := Parse("x.toml", []byte(src))
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		"x.toml:2:8: name: a task sequence name is required",
		`x.toml:3:8: kind: kind is "build-and-capture" or "custom", not "other"`,
		"x.toml:6:17: variables._SMSTSInWinPE: _SMSTSInWinPE is read-only: variables whose names start with _ are set by the engine",
		`x.toml:7:8: variables.1abc: "1abc" is not a variable name: start with a letter, then letters, digits, _ or -`,
		`x.toml:16:12: steps[0].steps[0].run_in: a capture-os-image step runs only in Windows PE (run_in = "winpe")`,
		`x.toml:17:17: steps[0].steps[0].destination: a capture destination is a UNC path (\\server\share\name.wim) or an absolute path (D:\captures\name.wim)`,
		`x.toml:18:17: steps[0].steps[0].compression: compression is "xpress", "lzx" or "none", not "zip"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestValidators(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(string) string
		in   string
		ok   bool
	}{
		{"key", ValidateProductKey, "", true},
		{"key", ValidateProductKey, "NPPR9-FWDCX-D2C8J-H872K-2YT43", true},
		{"key", ValidateProductKey, "nppr9-fwdcx-d2c8j-h872k-2yt43", true},
		{"key", ValidateProductKey, "NPPR9FWDCXD2C8JH872K2YT43", false},
		{"key", ValidateProductKey, "NPPR9-FWDCX-D2C8J-H872K", false},
		{"key", ValidateProductKey, "NPPR9-FWDCX-D2C8J-H872K-2YT4!", false},
		{"account", ValidateAccount, `CONTOSO\svc-capture`, true},
		{"account", ValidateAccount, `%CaptureAccount%`, true},
		{"account", ValidateAccount, `svc-capture`, false},
		{"account", ValidateAccount, `CONTOSO\`, false},
		{"account", ValidateAccount, `a\b\c`, false},
		{"ou", ValidateDomainOU, "", true},
		{"ou", ValidateDomainOU, "LDAP://OU=Ref,DC=corp,DC=contoso,DC=com", true},
		{"ou", ValidateDomainOU, "LDAP://OU=Ref,OU=Lab,DC=corp", true},
		{"ou", ValidateDomainOU, "OU=Ref,DC=corp", false},
		{"ou", ValidateDomainOU, "LDAP//OU=computers, DC=Fabricam.com, C=com", false},
		{"capture", ValidateCapturePath, `\\server\share\ref.wim`, true},
		{"capture", ValidateCapturePath, `\\server\share\sub\REF.WIM`, true},
		{"capture", ValidateCapturePath, `D:\captures\ref.wim`, true},
		{"capture", ValidateCapturePath, `/srv/captures/ref.wim`, true},
		{"capture", ValidateCapturePath, `%CaptureDestination%.wim`, true},
		{"capture", ValidateCapturePath, `\\server\ref.wim`, false},
		{"capture", ValidateCapturePath, `captures\ref.wim`, false},
		{"capture", ValidateCapturePath, `\\server\share\ref.iso`, false},
		{"capture", ValidateCapturePath, `\\server\share\` + strings.Repeat("a", 250) + ".wim", false},
		{"var", ValidateVariableName, "OSDComputerName", true},
		{"var", ValidateVariableName, "My-Var_2", true},
		{"var", ValidateVariableName, "_SMSTSInWinPE", false},
		{"var", ValidateVariableName, "2abc", false},
		{"var", ValidateVariableName, "has space", false},
		{"var", ValidateVariableName, "", false},
	} {
		if got := c.f(c.in) == ""; got != c.ok {
			t.Errorf("%s(%q): ok=%v, want %v (%s)", c.name, c.in, got, c.ok, c.f(c.in))
		}
	}
}

func TestItemPositions(t *testing.T) {
	seq, probs := Load("../../docs/examples/build-and-capture.toml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if p := seq.Steps[0].Steps[1].Pos; p.Line != 19 || p.Col != 3 {
		t.Errorf("position of the BIOS partition step = %+v, want 19:3", p)
	}
}

func TestStepKeysDoNotCollide(t *testing.T) {
	for _, si := range StepTypes() {
		for _, k := range fieldKeys(reflect.TypeOf(si.New()).Elem()) {
			if contains(stepKeys, k) || contains(groupKeys, k) {
				t.Errorf("%s: property %q collides with a common step key", si.Type, k)
			}
		}
		if len(si.RunIn) == 0 || si.EditorName == "" || si.WizardName == "" || si.Category == "" || si.Component == "" {
			t.Errorf("%s: incomplete step info %+v", si.Type, si)
		}
	}
	if n := len(StepTypes()); n != 16 {
		t.Errorf("%d step types, want the 16 of the reference", n)
	}
}

func TestEveryStepTypeRoundTrips(t *testing.T) {
	s := &Sequence{Version: FormatVersion, Name: "All", Kind: KindCustom}
	g := NewGroup("Everything")
	for _, si := range StepTypes() {
		g.Steps = append(g.Steps, NewStep(si.Type))
	}
	s.Steps = []*Item{g}
	out, err := Marshal(s, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s2, probs := Decode("all.toml", out)
	if s2 == nil {
		t.Fatal(probs)
	}
	out2, _ := Marshal(s2, SaveOptions{})
	if !bytes.Equal(out, out2) {
		t.Errorf("round trip differs:\n%s", diffLines(string(out), string(out2)))
	}
	for i, it := range s2.Steps[0].Steps {
		if !reflect.DeepEqual(it.Props, g.Steps[i].Props) {
			t.Errorf("%s: props differ after a round trip:\n%#v\n%#v", it.Type, it.Props, g.Steps[i].Props)
		}
	}
}
