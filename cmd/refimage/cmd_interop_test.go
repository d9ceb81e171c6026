package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// export → import gives back the example byte for byte, with the package
// map turning paths into package IDs and back.
func TestExportImportExample(t *testing.T) {
	dir := t.TempDir()
	pm := filepath.Join(dir, "packages.toml")
	os.WriteFile(pm, []byte(`PS100004 = '\\deploy01\images$\Windows11\install.wim'
PS100005 = '\\deploy01\client$'
PS100001 = '\\deploy01\boot$\x64\boot.wim'
`), 0o644)
	xmlFile := filepath.Join(dir, "bc.xml")
	code, _, errs := run(t, "export", "../../docs/examples/build-and-capture.toml", "--format", "configmgr", "-o", xmlFile, "--package-map", pm)
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	x, _ := os.ReadFile(xmlFile)
	for _, want := range []string{`<sequence version="3.10"`, `<variable name="ImagePackageID" property="ImagePackageID">PS100004</variable>`, `<variable name="_SMSClientPackageID" property="ClientPackageID">PS100005</variable>`, `<action>OSDApplyOS.exe /image:PS100004,%OSDImageIndex%</action>`} {
		if !strings.Contains(string(x), want) {
			t.Errorf("the XML lacks %s", want)
		}
	}
	ps, err := os.ReadFile(filepath.Join(dir, "bc.ps1"))
	if err != nil || !strings.Contains(string(ps), "ImportSequence") || !strings.Contains(string(ps), "SetSequence") || !strings.Contains(string(ps), "[string]$BootImageID = 'PS100001'") {
		t.Errorf("script: %v\n%s", err, ps)
	}
	if !strings.Contains(string(ps), "Set-StepSecret 'sequence/group[2]/step[4]' 'OSDCaptureAccountPassword'") {
		t.Errorf("the script does not ask for the capture password:\n%s", ps)
	}
	code, out, errs := run(t, "import", xmlFile, "--package-map", pm)
	if code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	want, _ := os.ReadFile("../../docs/examples/build-and-capture.toml")
	if out != string(want) {
		t.Errorf("import of the export differs from the example:\n%s", out)
	}
	if !strings.Contains(errs, "14 steps mapped, 0 kept as foreign steps") {
		t.Errorf("report: %s", errs)
	}
	if code, _, errs := run(t, "export", "../../docs/examples/build-and-capture.toml", "--format", "mdt", "-o", filepath.Join(dir, "ts.xml")); code != 0 {
		t.Fatalf("mdt: %s", errs)
	}
	if x, _ := os.ReadFile(filepath.Join(dir, "ts.xml")); !bytes.Contains(x, []byte(`<sequence version="3.00"`)) || !bytes.Contains(x, []byte(`ZTIDiskpart.wsf`)) {
		t.Errorf("mdt ts.xml:\n%s", x)
	}
	if _, err := os.Stat(filepath.Join(dir, "ts.ps1")); err == nil {
		t.Error("an MDT export wrote an import script")
	}
}

// Secrets never reach the XML, the script or the messages.
func TestExportNeverWritesSecrets(t *testing.T) {
	dir := t.TempDir()
	src := `version = 1
name = "Secrets"
kind = "custom"

[[steps]]
type = "apply-windows-settings"
name = "Settings"
registered_user = "IT"
registered_organization = "Contoso"
product_key = "plain:CANRY-KEYAA-BBBBB-CCCCC-2YT43"
random_admin_password = false
admin_password = "plain:Canary-Admin-7f3e"

[[steps]]
type = "join-domain-or-workgroup"
name = "Join"
join = "domain"
domain = "corp.example.com"
account = 'CORP\join'
password = "plain:Canary-Join-51aa"
`
	f := filepath.Join(dir, "s.toml")
	os.WriteFile(f, []byte(src), 0o644)
	out := filepath.Join(dir, "s.xml")
	code, stdout, errs := run(t, "export", f, "--format", "configmgr", "-o", out)
	if code != 0 {
		t.Fatalf("%d %s", code, errs)
	}
	x, _ := os.ReadFile(out)
	ps, _ := os.ReadFile(filepath.Join(dir, "s.ps1"))
	for _, canary := range []string{"Canary-Admin-7f3e", "Canary-Join-51aa", "CANRY-KEYAA"} {
		for what, s := range map[string]string{"xml": string(x), "script": string(ps), "stdout": stdout, "stderr": errs} {
			if strings.Contains(s, canary) {
				t.Errorf("%s holds the secret %s", what, canary)
			}
		}
	}
	for _, v := range []string{"OSDLocalAdminPassword", "OSDJoinPassword", "OSDProductKey"} {
		if !strings.Contains(string(ps), "'"+v+"'") {
			t.Errorf("the script does not ask for %s", v)
		}
	}
}

// Bad input exits 2 with the element path and writes nothing.
func TestImportBadInput(t *testing.T) {
	dir := t.TempDir()
	step := func(cond string) string {
		return `<sequence version="3.10"><group name="G"><step type="SMS_TaskSequence_SetVariableAction" name="S">` +
			`<defaultVarList><variable name="VariableName">A</variable><variable name="VariableValue">1</variable></defaultVarList>` +
			`<action>tsenv.exe "A=1"</action>` + cond + `</step></group></sequence>`
	}
	var zipNoSeq, zipEnc bytes.Buffer
	zw := zip.NewWriter(&zipNoSeq)
	w, _ := zw.Create("SMS_Package/PS100001/object.xml")
	w.Write([]byte(`<INSTANCE CLASSNAME="SMS_Package"/>`))
	zw.Close()
	zw = zip.NewWriter(&zipEnc)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: `SMS_TaskSequencePackage\PS100010\object.xml`, Flags: 0x1})
	w.Write([]byte("\x8a\x11garbage"))
	zw.Close()
	cases := []struct{ name, body, want string }{
		{"malformed.xml", `<sequence version="3.10"><group name="G">`, "malformed XML"},
		{"root.xml", `<unattend/>`, "unknown root element <unattend>"},
		{"version.xml", `<sequence version="2.0"/>`, `version "2.0"`},
		{"cond.xml", step(`<condition><expression type="SMS_TaskSequence_VariableConditionExpression"><variable name="Variable">in</variable><variable name="Operator">exists</variable></expression></condition>`), "sequence/group[1]/step[1]/condition"},
		{"op.xml", step(`<condition><operator type="xor"/></condition>`), "sequence/group[1]/step[1]/condition/operator[1]"},
		{"dupvar.xml", `<sequence version="3.10"><globalVarList><variable name="A">1</variable><variable name="a">2</variable></globalVarList></sequence>`, "sequence/globalVarList[1]/variable[2]: duplicate variable name a"},
		{"dupstepvar.xml", strings.Replace(step(""), `<variable name="VariableValue">1</variable>`, `<variable name="VariableValue">1</variable><variable name="variablename">B</variable>`, 1), "sequence/group[1]/step[1]/defaultVarList[1]/variable[3]: duplicate variable name variablename"},
		{"binary.xml", "\x00\x01\x02PKG\xff\xfe", "binary file"},
		{"latin1.xml", "<sequence version=\"3.10\" name=\"Caf\xe9\"/>", "neither UTF-8 nor UTF-16"},
		{"dtd.xml", `<!DOCTYPE sequence [<!ENTITY x "y">]><sequence version="3.10"/>`, "DTD"},
		{"noseq.zip", zipNoSeq.String(), "the .zip holds no task sequence"},
		{"enc.zip", zipEnc.String(), "encrypted"},
	}
	for _, c := range cases {
		in := filepath.Join(dir, c.name)
		os.WriteFile(in, []byte(c.body), 0o644)
		out := filepath.Join(dir, c.name+".toml")
		code, stdout, errs := run(t, "import", in, "-o", out)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, want 2 and %q in\n%s", c.name, code, c.want, errs)
		}
		if _, err := os.Stat(out); err == nil || stdout != "" {
			t.Errorf("%s: something was written", c.name)
		}
	}
}

func TestImportZipAndObjectXML(t *testing.T) {
	dir := t.TempDir()
	seqXML := `<sequence version="3.10"><step type="SMS_TaskSequence_SetVariableAction" name="Set A"><defaultVarList><variable name="VariableName" property="VariableName">A</variable><variable name="VariableValue" property="VariableValue">1 &lt; 2</variable></defaultVarList><action>tsenv.exe "A=1 &lt; 2"</action></step></sequence>`
	var esc bytes.Buffer
	xmlEscapeForTest(&esc, seqXML)
	object := `<?xml version="1.0" encoding="utf-16"?><INSTANCE CLASSNAME="SMS_TaskSequencePackage"><PROPERTY NAME="Name" TYPE="string"><VALUE>From the console</VALUE></PROPERTY><PROPERTY NAME="Sequence" TYPE="string"><VALUE>` + esc.String() + `</VALUE></PROPERTY></INSTANCE>`
	// object.xml as the console writes it: UTF-16 with a byte order mark.
	u16 := []byte{0xFF, 0xFE}
	for _, r := range object {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("SMS_Package/PS100001/object.xml")
	w.Write([]byte(`<INSTANCE CLASSNAME="SMS_Package"/>`))
	w, _ = zw.Create(`SMS_TaskSequencePackage\PS100010\object.xml`)
	w.Write(u16)
	zw.Close()
	for name, data := range map[string][]byte{"object.xml": u16, "export.zip": z.Bytes()} {
		in := filepath.Join(dir, name)
		os.WriteFile(in, data, 0o644)
		code, out, errs := run(t, "import", in)
		if code != 0 {
			t.Fatalf("%s: %d %s", name, code, errs)
		}
		if !strings.Contains(out, `name = "From the console"`) || !strings.Contains(out, `value = "1 < 2"`) {
			t.Errorf("%s:\n%s", name, out)
		}
	}
}

func xmlEscapeForTest(b *bytes.Buffer, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	b.WriteString(r.Replace(s))
}

// A password found in the XML is not kept: the TOML says prompt.
func TestImportDropsClearSecrets(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ts.xml")
	os.WriteFile(in, []byte(`<sequence version="3.10"><step type="SMS_TaskSequence_ApplyWindowsSettingsAction" name="Settings" runIn="WinPE">
<defaultVarList><variable name="OSDRegisteredUserName">IT</variable><variable name="OSDRegisteredOrgName">Contoso</variable>
<variable name="OSDRandomAdminPassword">false</variable><variable name="OSDLocalAdminPassword">Canary-Imp-33aa</variable>
<variable name="OSDProductKey">CANRY-IMPAA-BBBBB-CCCCC-DDDDD</variable><variable name="OSDTimeZone">UTC</variable></defaultVarList>
<action>osdwinsettings.exe /config</action></step></sequence>`), 0o644)
	code, out, errs := run(t, "import", in)
	if code != 0 {
		t.Fatalf("%d %s", code, errs)
	}
	for _, canary := range []string{"Canary-Imp-33aa", "CANRY-IMPAA"} {
		if strings.Contains(out+errs, canary) {
			t.Errorf("the import shows the secret %s", canary)
		}
	}
	if !strings.Contains(out, `admin_password = "prompt"`) || !strings.Contains(out, `product_key = "prompt"`) {
		t.Errorf("secrets are not asked for:\n%s", out)
	}
}

func TestImportRefusesToOverwriteItsInput(t *testing.T) {
	in := filepath.Join(t.TempDir(), "ts.xml")
	body := []byte(`<sequence version="3.10"/>`)
	os.WriteFile(in, body, 0o644)
	code, _, errs := run(t, "import", in, "-o", in)
	if got, _ := os.ReadFile(in); code != exitUsage || !bytes.Equal(got, body) || !strings.Contains(errs, "is the file being imported") {
		t.Errorf("exit %d, %s, file now %q", code, errs, got)
	}
}
