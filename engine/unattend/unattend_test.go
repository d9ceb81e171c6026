package unattend

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"flag"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/refimage/refimage/engine/sequence"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// Fake, non-secret test values. The canaries must never appear in clear
// where they should not.
const (
	canaryAdmin = "CanaryAdminPw-7319"
	canaryJoin  = "CanaryJoinPw-4471"
	canaryKey   = "CANRY-TESTK-EYNOT-AREAL-KEY42"
)

func seeded() io.Reader { return rand.NewChaCha8([32]byte{1, 2, 3}) }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// paths parses the document with encoding/xml (namespace-aware) and
// returns every element path with its text, e.g.
// "settings[specialize]/component[Microsoft-Windows-Shell-Setup,amd64]/ComputerName=REF01".
// It fails the test on an element outside the unattend namespace and on a
// wcm attribute outside the wcm namespace.
func paths(t *testing.T, doc []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	var text strings.Builder
	var out []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the answer file does not parse: %v\n%s", err, doc)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Space != Namespace {
				t.Errorf("<%s> is in namespace %q", e.Name.Local, e.Name.Space)
			}
			seg := e.Name.Local
			var name, arch, pass, key string
			for _, a := range e.Attr {
				switch {
				case a.Name.Local == "name":
					name = a.Value
				case a.Name.Local == "processorArchitecture":
					arch = a.Value
				case a.Name.Local == "pass":
					pass = a.Value
				case a.Name.Local == "keyValue" || a.Name.Local == "action":
					if a.Name.Space != WCMNamespace {
						t.Errorf("%s attribute in namespace %q", a.Name.Local, a.Name.Space)
					}
					if a.Name.Local == "keyValue" {
						key = a.Value
					}
				}
			}
			switch {
			case pass != "":
				seg += "[" + pass + "]"
			case name != "":
				seg += "[" + name + "," + arch + "]"
			case key != "":
				seg += "[" + key + "]"
			}
			stack = append(stack, seg)
			text.Reset()
		case xml.CharData:
			text.Write(e)
		case xml.EndElement:
			p := strings.Join(stack[1:], "/")
			if s := strings.TrimSpace(text.String()); s != "" {
				p += "=" + s
			}
			if p != "" {
				out = append(out, p)
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	return out
}

func has(t *testing.T, ps []string, want ...string) {
	t.Helper()
	set := map[string]bool{}
	for _, p := range ps {
		set[p] = true
	}
	for _, w := range want {
		if !set[w] {
			t.Errorf("missing %s", w)
		}
	}
	if t.Failed() {
		sort.Strings(ps)
		t.Logf("paths:\n%s", strings.Join(ps, "\n"))
	}
}

func workgroupSettings() Settings {
	return Settings{
		Arch: "amd64", ComputerName: "REF01", RegisteredOwner: "Test Owner", RegisteredOrganization: "Example Org",
		TimeZone: "UTC", RandomAdminPassword: true, Join: sequence.JoinWorkgroup, Workgroup: "WORKGROUP", Rand: seeded(),
	}
}

func domainSettings() Settings {
	return Settings{
		Arch: "x64", ComputerName: "REF02", RegisteredOwner: "Test Owner", RegisteredOrganization: "Example Org",
		TimeZone: "W. Europe Standard Time", ProductKey: canaryKey, AdminPassword: canaryAdmin,
		InputLocale: "0409:00000409", SystemLocale: "en-US", UILanguage: "en-US", UILanguageFallback: "en-US", UserLocale: "en-GB",
		Join: sequence.JoinDomain, Domain: "corp.example.test", DomainOU: "OU=Reference,DC=corp,DC=example,DC=test",
		JoinAccount: `CORP\joiner`, JoinPassword: canaryJoin, DNSDomain: "corp.example.test", Rand: seeded(),
	}
}

func TestGolden(t *testing.T) {
	arm := workgroupSettings()
	arm.Arch = "arm64"
	arm.DriverPaths = []string{`C:\_SMSTaskSequence\Drivers\1`, `C:\_SMSTaskSequence\Drivers\2`}
	arm.SkipRearm = true
	arm.DriverPathsAuditSystem = true
	x86 := workgroupSettings()
	x86.Arch = "x86"
	x86.ComputerName = "*"
	x86.Workgroup = ""
	cases := []struct {
		name  string
		s     Settings
		admin string
	}{
		{"workgroup-amd64.xml", workgroupSettings(), AdminDisable},
		{"domain-amd64.xml", domainSettings(), AdminEnable},
		{"drivers-arm64.xml", arm, AdminDisable},
		{"minimal-x86.xml", x86, AdminDisable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Generate(c.s, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.AdminAccount != c.admin {
				t.Errorf("AdminAccount = %q, want %q", r.AdminAccount, c.admin)
			}
			golden(t, c.name, r.XML)
			checkCanaries(t, r.XML)
			for _, p := range paths(t, r.XML) {
				arch, _ := Arch(c.s.Arch)
				if i := strings.Index(p, "component["); i >= 0 && !strings.Contains(p, ","+arch+"]") {
					t.Errorf("%s: not processorArchitecture %s", p, arch)
				}
			}
		})
	}
}

// checkCanaries: the admin password only in its encoded form.
func checkCanaries(t *testing.T, doc []byte) {
	t.Helper()
	if bytes.Contains(doc, []byte(canaryAdmin)) {
		t.Error("the administrator password is in clear in the answer file")
	}
}

func TestWorkgroupStructure(t *testing.T) {
	r, err := Generate(workgroupSettings(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ps := paths(t, r.XML)
	sh := "settings[specialize]/component[Microsoft-Windows-Shell-Setup,amd64]/"
	oobe := "settings[oobeSystem]/component[Microsoft-Windows-Shell-Setup,amd64]/"
	has(t, ps,
		sh+"ComputerName=REF01", sh+"RegisteredOwner=Test Owner", sh+"RegisteredOrganization=Example Org", sh+"TimeZone=UTC",
		"settings[specialize]/component[Microsoft-Windows-UnattendedJoin,amd64]/Identification/JoinWorkgroup=WORKGROUP",
		oobe+"OOBE/HideEULAPage=true", oobe+"OOBE/HideLocalAccountScreen=true", oobe+"OOBE/ProtectYourPC=3",
		oobe+"UserAccounts/AdministratorPassword/PlainText=false",
	)
	for _, p := range ps {
		if strings.Contains(p, "ProductKey") || strings.Contains(p, "International-Core") || strings.Contains(p, "Credentials") {
			t.Errorf("unexpected %s", p)
		}
	}
	if !bytes.HasPrefix(r.XML, []byte(`<?xml version="1.0" encoding="utf-8"?>`+"\r\n<unattend xmlns=\"urn:schemas-microsoft-com:unattend\" xmlns:wcm=")) {
		t.Errorf("header:\n%s", r.XML[:200])
	}
	// A random password: different runs give different files.
	s2 := workgroupSettings()
	s2.Rand = nil
	r2, _ := Generate(s2, nil)
	r3, _ := Generate(s2, nil)
	if bytes.Equal(r2.XML, r3.XML) {
		t.Error("two random administrator passwords are the same")
	}
}

func TestDomainStructure(t *testing.T) {
	r, err := Generate(domainSettings(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ps := paths(t, r.XML)
	j := "settings[specialize]/component[Microsoft-Windows-UnattendedJoin,amd64]/Identification/"
	intl := "settings[specialize]/component[Microsoft-Windows-International-Core,amd64]/"
	has(t, ps,
		j+"JoinDomain=corp.example.test", j+"MachineObjectOU=OU=Reference,DC=corp,DC=example,DC=test",
		j+"Credentials/Domain=CORP", j+"Credentials/Username=joiner", j+"Credentials/Password="+canaryJoin,
		"settings[specialize]/component[Microsoft-Windows-Shell-Setup,amd64]/ProductKey="+canaryKey,
		"settings[specialize]/component[Microsoft-Windows-DNS-Client,amd64]/DNSDomain=corp.example.test",
		intl+"InputLocale=0409:00000409", intl+"SystemLocale=en-US", intl+"UILanguage=en-US",
		intl+"UILanguageFallback=en-US", intl+"UserLocale=en-GB",
		"settings[oobeSystem]/component[Microsoft-Windows-Shell-Setup,amd64]/UserAccounts/AdministratorPassword/Value="+
			EncodePassword(canaryAdmin, "AdministratorPassword"),
	)
	for _, p := range ps {
		if strings.Contains(p, "JoinWorkgroup") {
			t.Errorf("unexpected %s", p)
		}
	}
	// Scrub: no canary at all, structure kept.
	clean, err := Scrub(r.XML)
	if err != nil {
		t.Fatal(err)
	}
	enc := EncodePassword(canaryAdmin, "AdministratorPassword")
	for _, c := range []string{canaryAdmin, canaryJoin, canaryKey, enc, "Credentials", "ProductKey", "AdministratorPassword"} {
		if bytes.Contains(clean, []byte(c)) {
			t.Errorf("%q is still in the scrubbed file", c)
		}
	}
	has(t, paths(t, clean), j+"JoinDomain=corp.example.test", "settings[specialize]/component[Microsoft-Windows-Shell-Setup,amd64]/ComputerName=REF02")
	golden(t, "domain-amd64-scrubbed.xml", clean)
}

func TestEncodePassword(t *testing.T) {
	// The documented example: "Password" for a LocalAccount named with the
	// value "pw" encodes "pwPassword".
	got := EncodePassword("pw", "Password")
	if got != "cAB3AFAAYQBzAHMAdwBvAHIAZAA=" {
		t.Errorf("EncodePassword = %s", got)
	}
	raw, _ := base64.StdEncoding.DecodeString(EncodePassword("Ünï", "AdministratorPassword"))
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	if string(utf16.Decode(u)) != "ÜnïAdministratorPassword" {
		t.Errorf("round trip = %q", string(utf16.Decode(u)))
	}
}

func TestRandomPassword(t *testing.T) {
	for i := 0; i < 50; i++ {
		p, err := RandomPassword(nil, 24)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 24 || !strings.ContainsAny(p, "ABCDEFGHJKLMNPQRSTUVWXYZ") || !strings.ContainsAny(p, "abcdefghijkmnopqrstuvwxyz") ||
			!strings.ContainsAny(p, "23456789") || !strings.ContainsAny(p, "!#$*+-=?@_") {
			t.Fatalf("weak password %q", p)
		}
	}
	if _, err := RandomPassword(strings.NewReader(""), 24); err == nil {
		t.Error("an empty random source gave a password")
	}
}

func TestRefused(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Settings)
		error string
	}{
		{"arch", func(s *Settings) { s.Arch = "mips" }, "processor architecture"},
		{"long name", func(s *Settings) { s.ComputerName = "ABCDEFGHIJKLMNOP" }, "1 to 15"},
		{"digits", func(s *Settings) { s.ComputerName = "12345" }, "not only digits"},
		{"unexpanded", func(s *Settings) { s.ComputerName = "%OSDComputerName%" }, "variable"},
		{"bad key", func(s *Settings) { s.ProductKey = "NOT-A-KEY" + canaryKey }, "product key"},
		{"no admin password", func(s *Settings) { s.RandomAdminPassword = false; s.AdminPassword = "" }, "no administrator password"},
		{"domain without name", func(s *Settings) { s.Join = sequence.JoinDomain; s.JoinAccount = "a" }, "domain name"},
		{"domain without account", func(s *Settings) { s.Join = sequence.JoinDomain; s.Domain = "d.test" }, "account"},
		{"join type", func(s *Settings) { s.Join = "realm" }, "join"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := workgroupSettings()
			c.edit(&s)
			_, err := Generate(s, nil)
			if err == nil || !strings.Contains(err.Error(), c.error) {
				t.Fatalf("error %v, want %q", err, c.error)
			}
			if strings.Contains(err.Error(), canaryKey) {
				t.Error("the error shows the product key")
			}
		})
	}
}

const userFile = `<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend">
  <!-- the organisation's own settings -->
  <settings pass="windowsPE">
    <component name="Microsoft-Windows-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">
      <UserData><AcceptEula>true</AcceptEula></UserData>
    </component>
  </settings>
  <settings pass="specialize">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <ComputerName>OLDNAME</ComputerName>
      <CopyProfile>true</CopyProfile>
      <OEMInformation><Manufacturer>Example &amp; Co</Manufacturer></OEMInformation>
    </component>
    <component name="Microsoft-Windows-UnattendedJoin" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <Identification><JoinDomain>old.example.test</JoinDomain><UnsecureJoin>true</UnsecureJoin></Identification>
    </component>
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="x86" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS">
      <ComputerName>X86NAME</ComputerName>
    </component>
  </settings>
  <settings pass="oobeSystem">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">
      <OOBE><ProtectYourPC>1</ProtectYourPC><NetworkLocation>Work</NetworkLocation></OOBE>
      <FirstLogonCommands>
        <SynchronousCommand wcm:action="add"><Order>1</Order><CommandLine>cmd /c echo hello</CommandLine></SynchronousCommand>
      </FirstLogonCommands>
    </component>
  </settings>
  <settings pass="offlineServicing">
    <component name="Microsoft-Windows-PnpCustomizationsNonWinPE" processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">
      <DriverPaths><PathAndCredentials wcm:action="add" wcm:keyValue="1"><Path>\\server\drivers</Path></PathAndCredentials></DriverPaths>
    </component>
  </settings>
</unattend>
`

func TestMerge(t *testing.T) {
	s := workgroupSettings()
	s.DriverPaths = []string{`C:\Drivers\nic`}
	s.SkipRearm = true
	r, err := Generate(s, []byte(userFile))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "merged.xml", r.XML)
	ps := paths(t, r.XML)
	sh := "settings[specialize]/component[Microsoft-Windows-Shell-Setup,amd64]/"
	oobe := "settings[oobeSystem]/component[Microsoft-Windows-Shell-Setup,amd64]/"
	pnp := "settings[offlineServicing]/component[Microsoft-Windows-PnpCustomizationsNonWinPE,amd64]/DriverPaths/"
	has(t, ps,
		"settings[windowsPE]/component[Microsoft-Windows-Setup,amd64]/UserData/AcceptEula=true", // kept
		sh+"ComputerName=REF01", // replaced
		sh+"CopyProfile=true",   // kept
		sh+"OEMInformation/Manufacturer=Example & Co",
		sh+"TimeZone=UTC", // added
		"settings[specialize]/component[Microsoft-Windows-Shell-Setup,x86]/ComputerName=X86NAME", // other arch kept
		"settings[specialize]/component[Microsoft-Windows-UnattendedJoin,amd64]/Identification/JoinWorkgroup=WORKGROUP",
		oobe+"OOBE/ProtectYourPC=3", oobe+"OOBE/NetworkLocation=Work", oobe+"OOBE/HideEULAPage=true",
		oobe+"FirstLogonCommands/SynchronousCommand/CommandLine=cmd /c echo hello",
		oobe+"UserAccounts/AdministratorPassword/PlainText=false",
		pnp+`PathAndCredentials[1]/Path=\\server\drivers`, pnp+`PathAndCredentials[2]/Path=C:\Drivers\nic`,
		"settings[generalize]/component[Microsoft-Windows-Security-SPP,amd64]/SkipRearm=1",
	)
	for _, p := range ps {
		if strings.Contains(p, "old.example.test") || strings.Contains(p, "UnsecureJoin") || strings.Contains(p, "OLDNAME") {
			t.Errorf("the user's Identification/ComputerName should be replaced: %s", p)
		}
	}
	// passes in Setup's order: the new generalize pass goes before specialize
	order := regexpPasses(r.XML)
	if strings.Join(order, ",") != "windowsPE,generalize,specialize,oobeSystem,offlineServicing" {
		t.Errorf("pass order %v", order)
	}
	if !bytes.Contains(r.XML, []byte("<!-- the organisation's own settings -->")) {
		t.Error("the user's comment was lost")
	}
}

func regexpPasses(doc []byte) []string {
	var out []string
	for _, part := range strings.Split(string(doc), `<settings pass="`)[1:] {
		out = append(out, part[:strings.IndexByte(part, '"')])
	}
	return out
}

func TestMergeTwiceIsStable(t *testing.T) {
	s := workgroupSettings()
	r1, err := Generate(s, []byte(userFile))
	if err != nil {
		t.Fatal(err)
	}
	s.Rand = seeded()
	r2, err := Generate(s, r1.XML)
	if err != nil {
		t.Fatal(err)
	}
	s.Rand = seeded()
	r3, err := Generate(s, r2.XML)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r2.XML, r3.XML) {
		t.Errorf("merging our own output again changes it:\n%s\n---\n%s", r2.XML, r3.XML)
	}
}

func TestMergePrefixedAndUTF16(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-16"?><u:unattend xmlns:u="urn:schemas-microsoft-com:unattend"><u:settings pass="specialize"><u:component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64"><u:ComputerName>OLD</u:ComputerName></u:component></u:settings></u:unattend>`
	u := utf16.Encode([]rune(doc))
	b := []byte{0xFF, 0xFE}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	r, err := Generate(workgroupSettings(), b)
	if err != nil {
		t.Fatal(err)
	}
	has(t, paths(t, r.XML), "settings[specialize]/component[Microsoft-Windows-Shell-Setup,amd64]/ComputerName=REF01",
		"settings[oobeSystem]/component[Microsoft-Windows-Shell-Setup,amd64]/OOBE/HideEULAPage=true")
}

func TestMergeRefused(t *testing.T) {
	cases := map[string]string{
		"not xml":       "this is not xml",
		"wrong root":    `<configuration xmlns="urn:schemas-microsoft-com:unattend"/>`,
		"wrong ns":      `<unattend xmlns="urn:example"/>`,
		"no ns":         `<unattend/>`,
		"doctype":       `<!DOCTYPE unattend [<!ENTITY x "y">]><unattend xmlns="urn:schemas-microsoft-com:unattend">&x;</unattend>`,
		"unbalanced":    `<unattend xmlns="urn:schemas-microsoft-com:unattend"><settings></unattend>`,
		"wcm rebound":   `<unattend xmlns="urn:schemas-microsoft-com:unattend" xmlns:wcm="urn:evil"/>`,
		"two roots":     `<unattend xmlns="urn:schemas-microsoft-com:unattend"/><unattend xmlns="urn:schemas-microsoft-com:unattend"/>`,
		"pi":            `<unattend xmlns="urn:schemas-microsoft-com:unattend"><?evil x?></unattend>`,
		"deep":          `<unattend xmlns="urn:schemas-microsoft-com:unattend">` + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + `</unattend>`,
		"latin1":        `<?xml version="1.0" encoding="iso-8859-1"?><unattend xmlns="urn:schemas-microsoft-com:unattend"/>`,
		"text at top":   `hello<unattend xmlns="urn:schemas-microsoft-com:unattend"/>`,
		"unclosed":      `<unattend xmlns="urn:schemas-microsoft-com:unattend">`,
		"bad utf8":      "<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">\xff</unattend>",
		"odd utf16":     "\xff\xfe<\x00u",
		"component wcm": `<unattend xmlns="urn:schemas-microsoft-com:unattend"><settings pass="specialize"><component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64" xmlns:wcm="urn:evil"><ComputerName>A</ComputerName></component></settings></unattend>`,
		"external ent":  `<unattend xmlns="urn:schemas-microsoft-com:unattend">&ext;</unattend>`,
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Generate(workgroupSettings(), []byte(doc)); err == nil {
				t.Errorf("accepted %q", doc)
			}
		})
	}
}

func TestScrub(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">
  <settings pass="windowsPE">
    <component name="Microsoft-Windows-Setup" processorArchitecture="amd64">
      <UserData><ProductKey><Key>` + canaryKey + `</Key></ProductKey><AcceptEula>true</AcceptEula></UserData>
    </component>
  </settings>
  <settings pass="oobeSystem">
    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64">
      <!-- old password: ` + canaryAdmin + ` -->
      <AutoLogon><Password><Value>` + canaryAdmin + `</Value><PlainText>true</PlainText></Password><Enabled>true</Enabled><Username>Administrator</Username></AutoLogon>
      <UserAccounts><LocalAccounts><LocalAccount wcm:action="add"><Password><Value>` + canaryJoin + `</Value></Password><Name>u1</Name></LocalAccount></LocalAccounts></UserAccounts>
    </component>
  </settings>
</unattend>`
	clean, err := Scrub([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{canaryAdmin, canaryJoin, canaryKey} {
		if bytes.Contains(clean, []byte(c)) {
			t.Errorf("%q survived Scrub:\n%s", c, clean)
		}
	}
	has(t, paths(t, clean),
		"settings[windowsPE]/component[Microsoft-Windows-Setup,amd64]/UserData/AcceptEula=true",
		"settings[oobeSystem]/component[Microsoft-Windows-Shell-Setup,amd64]/AutoLogon/Username=Administrator",
		"settings[oobeSystem]/component[Microsoft-Windows-Shell-Setup,amd64]/UserAccounts/LocalAccounts/LocalAccount/Name=u1")
	if _, err := Scrub([]byte("<nope/>")); err == nil {
		t.Error("Scrub accepted a file that is not an answer file")
	}
}

func TestDriverPathsFile(t *testing.T) {
	b, err := DriverPathsFile("amd64", []string{`C:\_SMSTaskSequence\Drivers`})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "drivers-only.xml", b)
	has(t, paths(t, b), `settings[offlineServicing]/component[Microsoft-Windows-PnpCustomizationsNonWinPE,amd64]/DriverPaths/PathAndCredentials[1]/Path=C:\_SMSTaskSequence\Drivers`)
	if _, err := DriverPathsFile("amd64", nil); err == nil {
		t.Error("no paths accepted")
	}
}

func TestFromSteps(t *testing.T) {
	ws := &sequence.ApplyWindowsSettings{RegisteredUser: "U", RegisteredOrg: "O", TimeZone: "UTC", ComputerName: "PC1", RandomAdminPassword: false, UILanguage: "fr-FR"}
	ns := &sequence.ApplyNetworkSettings{Join: sequence.JoinDomain, Domain: "d.test", DomainOU: "OU=x", Account: "d\\u", DNSDomain: "d.test"}
	s := FromSteps("amd64", ws, ns, "", canaryAdmin, canaryJoin)
	if s.ComputerName != "PC1" || s.AdminPassword != canaryAdmin || s.RandomAdminPassword || s.JoinPassword != canaryJoin ||
		s.Domain != "d.test" || s.JoinAccount != `d\u` || s.UILanguage != "fr-FR" || s.RegisteredOwner != "U" {
		t.Errorf("%+v", s)
	}
	r, err := Generate(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	has(t, paths(t, r.XML), "settings[specialize]/component[Microsoft-Windows-UnattendedJoin,amd64]/Identification/MachineObjectOU=OU=x",
		"settings[specialize]/component[Microsoft-Windows-UnattendedJoin,amd64]/Identification/Credentials/Domain=d")
	ns.DomainOU = "LDAP://OU=Ref,DC=d,DC=test"
	r, _ = Generate(FromSteps("amd64", ws, ns, "", canaryAdmin, canaryJoin), nil)
	has(t, paths(t, r.XML), "settings[specialize]/component[Microsoft-Windows-UnattendedJoin,amd64]/Identification/MachineObjectOU=OU=Ref,DC=d,DC=test")
	if d := FromSteps("amd64", nil, nil, "", "", ""); !d.RandomAdminPassword {
		t.Error("without a settings step the administrator account is disabled")
	}
}

func FuzzMerge(f *testing.F) {
	f.Add([]byte(userFile))
	f.Add([]byte(`<unattend xmlns="urn:schemas-microsoft-com:unattend"/>`))
	f.Add([]byte(`<u:unattend xmlns:u="urn:schemas-microsoft-com:unattend"><u:settings pass="oobeSystem"/></u:unattend>`))
	f.Add([]byte("\xff\xfe<\x00"))
	f.Add([]byte(`<unattend xmlns="urn:schemas-microsoft-com:unattend"><!-- a- ---></unattend>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := workgroupSettings()
		s.DriverPaths = []string{`C:\D`}
		r, err := Generate(s, data)
		if err != nil {
			return
		}
		// comments we write back are valid XML comments
		for _, part := range strings.Split(string(r.XML), "<!--")[1:] {
			body := part[:strings.Index(part, "-->")]
			if strings.Contains(body, "--") || strings.HasSuffix(body, "-") {
				t.Fatalf("invalid comment %q", body)
			}
		}
		// what we write parses, merges again and scrubs
		if _, err := parseUnattend(r.XML); err != nil {
			t.Fatalf("our output does not parse: %v\n%s", err, r.XML)
		}
		var v struct{}
		if err := xml.Unmarshal(r.XML, &v); err != nil {
			t.Fatalf("encoding/xml rejects our output: %v\n%s", err, r.XML)
		}
		clean, err := Scrub(r.XML)
		if err != nil {
			t.Fatalf("Scrub of our output: %v", err)
		}
		if bytes.Contains(clean, []byte("<AdministratorPassword")) {
			t.Fatal("Scrub left AdministratorPassword")
		}
	})
}

func FuzzScrub(f *testing.F) {
	f.Add([]byte(userFile))
	f.Add([]byte(`<unattend xmlns="urn:schemas-microsoft-com:unattend"><a><Password>x</Password><!-- c --></a></unattend>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		clean, err := Scrub(data)
		if err != nil {
			return
		}
		root, err := parse(clean)
		if err != nil {
			t.Fatalf("Scrub output does not parse: %v\n%s", err, clean)
		}
		var walk func(n *node)
		walk = func(n *node) {
			for _, c := range n.children {
				if c.kind == commentNode {
					t.Fatal("a comment survived Scrub")
				}
				if c.kind == elemNode {
					for _, s := range SecretElements {
						if c.name.Local == s {
							t.Fatalf("%s survived Scrub", s)
						}
					}
					walk(c)
				}
			}
		}
		walk(root)
		again, err := Scrub(clean)
		if err != nil || !bytes.Equal(again, clean) {
			t.Fatalf("Scrub is not idempotent: %v", err)
		}
	})
}
