package engine

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/refimage/refimage/engine/unattend"
)

// Parsers of the part-B steps read untrusted input: an update folder's
// manifest, pnputil's output, an answer file on the target.

func FuzzUpdatesManifest(f *testing.F) {
	f.Add([]byte("# x\nmandatory a.msu servicing stack\noptional b.cab\n"))
	f.Add([]byte("\ufeffMANDATORY A.MSU\r\n"))
	f.Add([]byte("sometimes c.exe\nmandatory\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := parseUpdatesManifest(data)
		if err != nil {
			return
		}
		for _, u := range list {
			ext := strings.ToLower(u.File[strings.LastIndexByte(u.File, '.')+1:])
			if (ext != "msu" && ext != "cab") || strings.ContainsAny(u.File, `/\`) {
				t.Fatalf("accepted %q", u.File)
			}
		}
	})
}

func FuzzPnputil(f *testing.F) {
	f.Add("Instance ID: X\\1\nHardware IDs: A\n   B\nCompatible IDs: C\n\nInstance ID: Y\n")
	f.Add("Hardware IDs: orphan\n\t\n:")
	f.Fuzz(func(t *testing.T, out string) {
		for _, d := range parsePnputil(strings.Split(out, "\n")) {
			if len(d.HardwareIDs)+len(d.CompatibleIDs) == 0 {
				t.Fatal("a device without IDs")
			}
		}
	})
}

func FuzzAnswerParts(f *testing.F) {
	f.Add([]byte(`<unattend xmlns="urn:schemas-microsoft-com:unattend"><settings pass="oobeSystem"><component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64"><UserAccounts><AdministratorPassword><Value>` + unattend.EncodePassword("pw", "AdministratorPassword") + `</Value><PlainText>false</PlainText></AdministratorPassword></UserAccounts></component></settings></unattend>`))
	f.Add([]byte("\xff\xfe<\x00u\x00"))
	f.Add([]byte(`<unattend><settings pass="specialize"><component name="Microsoft-Windows-UnattendedJoin" processorArchitecture="x64"><Identification><Credentials><Domain>D</Domain><Username>u</Username><Password>p</Password></Credentials><JoinDomain>d.test</JoinDomain></Identification></component></settings></unattend>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		readParts(data, "amd64")
	})
}

func TestDecodePasswordRoundTrip(t *testing.T) {
	for _, pw := range []string{"", "p@ss w0rd", "한국어-암호", "emoji 😀"} {
		got, ok := decodePassword(unattend.EncodePassword(pw, "AdministratorPassword"), "AdministratorPassword")
		if !ok || got != pw {
			t.Errorf("%q: %q %v", pw, got, ok)
		}
	}
	if _, ok := decodePassword("not base64!", "AdministratorPassword"); ok {
		t.Error("garbage decoded")
	}
}

// A UTF-16 answer file with a BOM (as Windows SIM saves it) is read back.
func TestReadPartsUTF16(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-16"?><unattend xmlns="urn:schemas-microsoft-com:unattend"><settings pass="specialize"><component name="Microsoft-Windows-UnattendedJoin" processorArchitecture="amd64"><Identification><Credentials><Domain>CORP</Domain><Username>joiner</Username><Password>secret</Password></Credentials><JoinDomain>corp.test</JoinDomain><MachineObjectOU>OU=X</MachineObjectOU></Identification></component></settings><settings pass="offlineServicing"><component name="Microsoft-Windows-PnpCustomizationsNonWinPE" processorArchitecture="amd64"><DriverPaths><PathAndCredentials><Path>C:\Drivers\01-nic</Path></PathAndCredentials></DriverPaths></component></settings></unattend>`
	u := utf16.Encode([]rune(doc))
	b := []byte{0xff, 0xfe}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	p, err := readParts(b, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !p.join || p.domain != "corp.test" || p.account != `CORP\joiner` || p.password != "secret" || p.ou != "OU=X" || len(p.driverPaths) != 1 {
		t.Errorf("%+v", p)
	}
	if p, _ := readParts(b, "arm64"); p.join {
		t.Error("a component of another architecture was read")
	}
}

func TestParseUpdatesManifestErrors(t *testing.T) {
	_, err := parseUpdatesManifest([]byte("mandatory a.msu\nsometimes b.msu\noptional c.exe\nmandatory sub\\d.cab\nlonely\n"))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"line 2", "line 3", "line 4", "line 5"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %s", err, want)
		}
	}
}
