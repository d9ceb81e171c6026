package sysprep

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/refimage/refimage/engine/sequence"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestCommandLine(t *testing.T) {
	cases := []struct {
		o    Options
		want string
	}{
		{FromStep(&sequence.PrepareWindowsForCapture{}, ""), `%SystemRoot%\System32\Sysprep\sysprep.exe /quiet /generalize /oobe /quit`},
		{FromStep(&sequence.PrepareWindowsForCapture{Shutdown: true}, `C:\Windows\System32\Sysprep\unattend.xml`),
			`%SystemRoot%\System32\Sysprep\sysprep.exe /quiet /generalize /oobe /quit /unattend:C:\Windows\System32\Sysprep\unattend.xml`},
		{Options{Generalize: true, OOBE: true, Shutdown: true, VMMode: true, Unattend: `C:\My Files\u.xml`},
			`%SystemRoot%\System32\Sysprep\sysprep.exe /quiet /generalize /oobe /shutdown /mode:vm /unattend:"C:\My Files\u.xml"`},
		{Options{Reboot: true}, `%SystemRoot%\System32\Sysprep\sysprep.exe /quiet /audit /reboot`},
	}
	for _, c := range cases {
		got, err := c.o.CommandLine()
		if err != nil || got != c.want {
			t.Errorf("%+v:\n got %s %v\nwant %s", c.o, got, err, c.want)
		}
	}
	for _, o := range []Options{{Shutdown: true, Reboot: true}, {VMMode: true, Generalize: true}, {Unattend: `C:\a"b`}} {
		if _, err := o.CommandLine(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestPreflight(t *testing.T) {
	if ps := Preflight(Facts{DomainRole: RoleStandaloneWorkstation}); len(ps) != 0 {
		t.Errorf("a clean workgroup computer: %v", ps)
	}
	if ps := Preflight(Facts{DomainRole: -1}); len(ps) != 0 {
		t.Errorf("unknown role: %v", ps)
	}
	all := Facts{
		DomainRole: RoleMemberWorkstation, Domain: "corp.example.test",
		UserOnlyPackages: []AppxPackage{
			{FullName: "Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe", User: `REF01\builder`},
			{FullName: "Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe", User: `REF01\builder`},
			{FullName: "NotepadPlusPlus_1.0.0.0_neutral__7njy0v32s6xk6"},
		},
		CBSRebootPending: true, WURebootRequired: true, PendingFileRenames: []string{`\??\C:\a`, ""}, PendingComputerRename: true,
		Upgraded: true, BitLockerOn: true, ImageState: ImageStateGeneralized,
	}
	ps := Preflight(all)
	if !Blocked(ps) {
		t.Fatal("not blocked")
	}
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Check + " " + p.String() + "\n")
	}
	golden(t, "preflight.txt", b.String())
	if ps[len(ps)-1].Severity != Warning || ps[len(ps)-1].Check != "state" {
		t.Error("the warning is not last")
	}
	if ps := Preflight(Facts{DomainRole: RolePrimaryDC}); len(ps) != 1 || !strings.Contains(ps[0].Message, "domain controller") {
		t.Errorf("DC: %v", ps)
	}
	if ps := Preflight(Facts{ImageState: ImageStateGeneralized}); Blocked(ps) || len(ps) != 1 {
		t.Errorf("generalized only warns: %v", ps)
	}
}

func TestCheckOutcome(t *testing.T) {
	ok := []Outcome{
		{ImageState: ImageStateGeneralized},
		{ImageState: ImageStateGeneralized, ExitCode: 1}, // the state is what counts
		{CloneTag: true},
	}
	for _, o := range ok {
		if err := CheckOutcome(o); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
	bad := map[string]Outcome{
		"IMAGE_STATE_COMPLETE": {ImageState: "IMAGE_STATE_COMPLETE"},
		"exit code 5":          {ExitCode: 5, CloneTag: true},
		"CloneTag":             {},
	}
	for want, o := range bad {
		if err := CheckOutcome(o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", o, err, want)
		}
	}
}

const setupact = `2024-01-31 12:00:00, Info                  SYSPRP ========================================================
2024-01-31 12:00:00, Info                  SYSPRP ===           Beginning of a new sysprep run             ===
2024-01-31 12:00:01, Info                  SYSPRP ActionPlatform::LaunchModule: Executing method 'SysprepGeneralizeValidate' from C:\Windows\System32\AppxSysprep.dll
2024-01-31 12:00:02, Error                 SYSPRP Package Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image.
2024-01-31 12:00:02, Error                 SYSPRP Failed to remove apps for the current user: 0x80073cf2.
2024-01-31 12:00:02, Error                 SYSPRP Exit code of RemoveAllApps thread was 0x3cf2.
2024-01-31 12:00:02, Error      [0x0f0082] SYSPRP ActionPlatform::LaunchModule: Failure occurred while executing 'SysprepGeneralizeValidate' from C:\Windows\System32\AppxSysprep.dll; dwRet = 0x3cf2
   continued detail line
2024-01-31 12:00:02, Error                 SYSPRP SysprepSession::Validate: Error in validating actions from C:\Windows\System32\Sysprep\ActionFiles\Generalize.xml; dwRet = 0x3cf2
2024-01-31 12:00:02, Warning               SYSPRP Sysprep_Clean_Validate_Opk: nothing to do
2024-01-31 12:00:02, Error                 SYSPRP Package Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image.
`

const setuperr = `2024-01-31 12:00:02, Error                 SYSPRP Package Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image.
2024-01-31 12:00:02, Error      [0x0f0082] SYSPRP ActionPlatform::LaunchModule: Failure occurred while executing 'SysprepGeneralizeValidate' from C:\Windows\System32\AppxSysprep.dll; dwRet = 0x3cf2
`

func TestParseLog(t *testing.T) {
	ls := ParseLog("setupact.log", []byte(strings.ReplaceAll(setupact, "\n", "\r\n")))
	if len(ls) != 10 {
		t.Fatalf("%d entries", len(ls))
	}
	e := ls[6]
	if e.Level != "Error" || e.Code != "0x0f0082" || e.Component != "SYSPRP" || e.Line != 7 ||
		!strings.HasSuffix(e.Message, "dwRet = 0x3cf2 continued detail line") || e.Time.Hour() != 12 || !e.IsError() {
		t.Errorf("%+v", e)
	}
	if ls[0].IsError() || ls[8].Level != "Warning" {
		t.Errorf("%+v %+v", ls[0], ls[8])
	}
	// UTF-16 with a BOM, as some Panther logs are
	u := []byte{0xFF, 0xFE}
	for _, c := range utf16.Encode([]rune(setuperr)) {
		u = append(u, byte(c), byte(c>>8))
	}
	if ls := ParseLog("setuperr.log", u); len(ls) != 2 || ls[1].Code != "0x0f0082" {
		t.Errorf("utf-16: %+v", ls)
	}
	if ls := ParseLog("x", []byte("garbage first\nmore\n2024-01-31 12:00:00, Info\n")); len(ls) != 2 || ls[0].Message != "garbage first more" || ls[1].Level != "Info" {
		t.Errorf("%+v", ls)
	}
}

func TestDiagnose(t *testing.T) {
	r := Diagnose(map[string][]byte{"setupact.log": []byte(setupact), "setuperr.log": []byte(setuperr)}, 0)
	if len(r.Packages) != 1 || r.Packages[0] != "Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe" {
		t.Errorf("packages %v", r.Packages)
	}
	golden(t, "diagnose.txt", r.Text())
	if len(r.Errors) != 6 || r.Errors[0].File != "setuperr.log" {
		t.Errorf("%d errors, first from %s", len(r.Errors), r.Errors[0].File)
	}
	if r := Diagnose(map[string][]byte{"setupact.log": []byte(setupact)}, 2); len(r.Errors) != 2 {
		t.Errorf("maxErrors: %d", len(r.Errors))
	}
	clean := Diagnose(map[string][]byte{"setupact.log": []byte("2024-01-31 12:00:00, Info SYSPRP fine\n")}, 0)
	if clean.Text() != "sysprep's logs have no error lines." {
		t.Error(clean.Text())
	}
	other := Diagnose(map[string][]byte{"setuperr.log": []byte(
		"2024-01-31 12:00:00, Error SYSPRP Sysprep will not run on an upgraded OS. You can only run Sysprep on a custom (clean) install version of Windows.\n" +
			"2024-01-31 12:00:00, Error SYSPRP RunExternalDlls:An error occurred while running registry sysprep DLLs, halting sysprep execution. dwRet = 0xc004d307\n" +
			"2024-01-31 12:00:00, Error SYSPRP BitLocker-Sysprep: BitLocker is on for the OS volume. Turn BitLocker off to run Sysprep. (0x80310039)\n")}, 0)
	var causes []string
	for _, h := range other.Hints {
		causes = append(causes, h.Cause)
	}
	got := strings.Join(causes, "|")
	for _, w := range []string{"upgraded", "rearms", "BitLocker"} {
		if !strings.Contains(got, w) {
			t.Errorf("no %s hint in %s", w, got)
		}
	}
}

func FuzzParseLog(f *testing.F) {
	f.Add([]byte(setupact))
	f.Add([]byte(setuperr))
	f.Add([]byte("\xff\xfe2\x00"))
	f.Add([]byte("2024-01-31 12:00:00, Error [0x1] X y\n\tz"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ls := ParseLog("f", data)
		for _, l := range ls {
			if len(l.Message) > maxMessageLen+len("…") {
				t.Fatalf("message of %d bytes", len(l.Message))
			}
			_ = l.String()
		}
		_ = Diagnose(map[string][]byte{"setupact.log": data, "setuperr.log": data}, 5).Text()
	})
}

func TestUserOnly(t *testing.T) {
	if got := FamilyName("Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe"); got != "Microsoft.WindowsTerminal_8wekyb3d8bbwe" {
		t.Error(got)
	}
	if got := FamilyName("Microsoft.WindowsTerminal_1.18.3181.0_neutral_~_8wekyb3d8bbwe"); got != "Microsoft.WindowsTerminal_8wekyb3d8bbwe" {
		t.Error(got)
	}
	if got := FamilyName("odd"); got != "odd" {
		t.Error(got)
	}
	installed := []InstalledPackage{
		{FullName: "Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe", Users: []string{`REF01\b`, `REF01\a`}},
		{FullName: "Microsoft.WindowsCalculator_11.2307.4.0_x64__8wekyb3d8bbwe", Users: []string{`REF01\a`}},
		{FullName: "Microsoft.VCLibs.140.00_14.0.33519.0_x64__8wekyb3d8bbwe", Framework: true},
		{FullName: "Microsoft.Windows.ShellExperienceHost_10.0.22621.1_neutral_neutral_cw5n1h2txyewy", System: true},
		{FullName: "Contoso.Tool_1.0.0.0_x64__abcdefghjkmnp"},
	}
	provisioned := []string{"Microsoft.WindowsCalculator_2021.2307.4.0_neutral_~_8wekyb3d8bbwe"}
	got := UserOnly(installed, provisioned)
	want := []AppxPackage{
		{FullName: "Contoso.Tool_1.0.0.0_x64__abcdefghjkmnp"},
		{FullName: "Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe", User: `REF01\a`},
		{FullName: "Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe", User: `REF01\b`},
	}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %v, want %v", i, got[i], want[i])
		}
	}
}
