package condition

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, src string) Expr {
	t.Helper()
	e, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

// testEnv is a simulated machine: a Windows 11 x64 reference computer in
// full OS with a few files, registry values, WMI answers and products.
func testEnv() *SimEnv {
	env := &SimEnv{Version: "10.0.22631", Language: "ko-KR", Arch: "x64", SoftwareKnown: true}
	env.SetVar("_SMSTSInWinPE", "false")
	env.SetVar("_SMSTSMediaType", "BootMedia")
	env.SetVar("Empty", "")
	env.SetVar("Ten", "10")
	env.SetVar("Nine", "9")
	env.SetVar("Name", "Windows PE")
	env.SetVar("Drive", "C:")
	env.SetVar("Model", "Virtual Machine")
	env.SetFile(`C:\Windows\System32\ntoskrnl.exe`, FileInfo{Exists: true, Version: "10.0.22621.3155 (WinBuild.160101.0800)",
		Modified: time.Date(2024, 1, 31, 12, 0, 0, 500, time.UTC)})
	env.SetFile(`C:\missing.txt`, FileInfo{})
	env.SetFile(`C:\noversion.txt`, FileInfo{Exists: true, Modified: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)})
	env.SetFolder(`C:\Drivers`, FolderInfo{Exists: true, Modified: time.Date(2023, 6, 1, 8, 0, 0, 0, time.UTC)})
	env.SetFolder(`C:\Nope`, FolderInfo{})
	env.SetRegistry(`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, "CurrentBuild", RegValue{Exists: true, Type: "REG_SZ", Data: "22631"})
	env.SetRegistry(`HKLM\SOFTWARE\Policies\X`, "Enabled", RegValue{Exists: true, Type: "REG_DWORD", Data: "1"})
	env.SetRegistry(`HKLM\SOFTWARE\Policies\X`, "", RegValue{Exists: true, Type: "REG_SZ", Data: "Default"})
	env.SetRegistry(`HKLM\SOFTWARE\Policies\X`, "List", RegValue{Exists: true, Type: "REG_MULTI_SZ", Multi: []string{"alpha", "beta"}})
	env.SetRegistry(`HKLM\SOFTWARE\Policies\X`, "Gone", RegValue{})
	env.SetWMI("", "SELECT * FROM Win32_ComputerSystem WHERE Model LIKE '%Virtual%'", 1)
	env.SetWMI(`root\cimv2`, "SELECT * FROM Win32_Battery", 0)
	env.SetWMI(`root\Microsoft\Windows\Storage`, "SELECT * FROM MSFT_Disk WHERE BusType = 17", 2)
	env.Installed = []Installed{
		{ProductCode: "{90160000-008C-0000-1000-0000000FF1CE}", UpgradeCode: "{00000000-0000-0000-0000-0000000000AA}", Name: "Office", Version: "16.0.4266.1001"},
		{ProductCode: "{23170F69-40C1-2702-2301-000001000000}", UpgradeCode: "{23170F69-40C1-2702-0000-000004000000}", Name: "7-Zip", Version: "23.01.00.0"},
	}
	return env
}

var evalCases = []struct {
	src  string
	want bool
}{
	// variables: case-insensitive names and values
	{`_SMSTSInWinPE == "false"`, true},
	{`_smstsinwinpe == "FALSE"`, true},
	{`_SMSTSInWinPE != false`, false},
	{`NAME == "windows pe"`, true},
	{`Name exists`, true},
	{`Undefined exists`, false},
	{`Undefined not exists`, true},
	// exists on empty values: "" means deleted
	{`Empty exists`, false},
	{`Empty not exists`, true},
	{`Empty == ""`, true},
	// a missing variable compares as ""
	{`Undefined != "true"`, true},
	{`Undefined == "true"`, false},
	{`Undefined == ""`, true},
	// numeric when both sides are numbers
	{`Ten > Nine`, false}, // a bare word is text: "10" > "nine" is false as text
	{`Ten > 9`, true},
	{`Ten > "9"`, true},
	{`Ten == "010"`, true},
	{`Ten == 10.0`, true},
	{`Ten < 9.5`, false},
	{`Nine < 10`, true},
	{`Nine >= -1`, true},
	{`Nine <= 9`, true},
	{`Ten > 99999999999999999999999999`, false},
	// strings otherwise, case-insensitively
	{`Name > "Windows"`, true},
	{`Name < "x"`, true},
	{`Name < "WINDOWS PF"`, true},
	{`Ten < "abc"`, true}, // "10" < "abc" as text
	// like
	{`Name like "Windows*"`, true},
	{`Name like "win%"`, true},
	{`Name like "*PE"`, true},
	{`Name like "w*s*e"`, true},
	{`Name like "Windows"`, false},
	{`Name like "windows pe"`, true},
	{`Name like "*"`, true},
	{`Name like "%x%"`, false},
	{`Name not like "*XP*"`, true},
	{`Name not like "*pe"`, false},
	{`Undefined like "*"`, true},
	{`Undefined like ""`, true},
	{`Name like ""`, false},
	// %VAR% expansion in values but not in like patterns
	{`Name == "%Name%"`, true},
	{`Name like "%Name%"`, false}, // % is a wildcard here, not a reference
	{`Name like "%DOWS%"`, true},
	{`Name == "%Undefined%"`, false},
	// default wizard conditions on this machine
	{condRestartWinPE, true},
	{condBIOS, true},
	{condUEFI, false},
	{condNotFull, true},
	// groups
	{`all(Name exists, Ten > 9)`, true},
	{`all(Name exists, Ten < 9)`, false},
	{`any(Undefined exists, Ten > 9)`, true},
	{`any(Undefined exists, Ten < 9)`, false},
	{`none(Undefined exists, Ten < 9)`, true},
	{`none(Undefined exists, Ten > 9)`, false},
	{`not Undefined exists`, true},
	{`not not Undefined exists`, false},
	{`any(none(Name exists), all(Ten > 9, any(Nine == 9, Undefined exists)))`, true},
	{`Name exists or Undefined exists and Ten < 1`, true},
	{`(Name exists or Undefined exists) and Ten < 1`, false},
	// files
	{`file("C:\Windows\System32\ntoskrnl.exe") exists`, true},
	{`file("c:\windows\system32\NTOSKRNL.EXE") exists`, true},
	{`file("%Drive%\Windows\System32\ntoskrnl.exe") exists`, true},
	{`file("C:\missing.txt") exists`, false},
	{`file("C:\missing.txt") not exists`, true},
	{`file("C:\Windows\System32\ntoskrnl.exe") not exists`, false},
	{`file("C:\Windows\System32\ntoskrnl.exe").version >= "10.0.19041"`, true},
	{`file("C:\Windows\System32\ntoskrnl.exe").version == "10.0.22621.3155"`, true},
	{`file("C:\Windows\System32\ntoskrnl.exe").version < "10.0.9999"`, false},
	{`file("C:\Windows\System32\ntoskrnl.exe").version > "10.0.22621.999"`, true},
	{`file("C:\missing.txt").version < "99"`, false},
	{`file("C:\missing.txt").version != "1"`, false},
	{`file("C:\noversion.txt").version != "1"`, false},
	{`file("C:\Windows\System32\ntoskrnl.exe").date > "2024-01-01"`, true},
	{`file("C:\Windows\System32\ntoskrnl.exe").date == "2024-01-31T12:00:00Z"`, true},
	{`file("C:\Windows\System32\ntoskrnl.exe").date == "2024-01-31T21:00:00+09:00"`, true},
	{`file("C:\Windows\System32\ntoskrnl.exe").date < "2024-01-31T12:00:00Z"`, false},
	{`file("C:\noversion.txt").date <= "2020-05-01"`, true},
	// folders
	{`folder("C:\Drivers") exists`, true},
	{`folder("C:\Drivers\") exists`, true},
	{`folder("C:\Nope") exists`, false},
	{`folder("C:\Nope") not exists`, true},
	{`folder("C:\Drivers").date >= "2023-06-01T08:00:00Z"`, true},
	{`folder("C:\Drivers").date > "2023-06-01T08:00:00Z"`, false},
	{`folder("C:\Nope").date > "2000-01-01"`, false},
	// registry
	{`registry("HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentBuild") exists`, true},
	{`registry("HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentBuild", REG_SZ) exists`, true},
	{`registry("HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentBuild", REG_DWORD) exists`, false},
	{`registry("HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentBuild", REG_DWORD) not exists`, true},
	{`registry("hklm\software\microsoft\windows nt\currentversion\", "currentbuild") >= 22000`, true},
	{`registry("HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentBuild") < 9000`, false},
	{`registry("HKLM\SOFTWARE\Policies\X", "Enabled", REG_DWORD) == 1`, true},
	{`registry("HKLM\SOFTWARE\Policies\X", "Enabled") != 0`, true},
	{`registry("HKLM\SOFTWARE\Policies\X", "") == "default"`, true},
	{`registry("HKLM\SOFTWARE\Policies\X", "List") == "BETA"`, true},
	{`registry("HKLM\SOFTWARE\Policies\X", "List") == "gamma"`, false},
	{`registry("HKLM\SOFTWARE\Policies\X", "List") != "beta"`, false},
	{`registry("HKLM\SOFTWARE\Policies\X", "List") != "gamma"`, true},
	{`registry("HKLM\SOFTWARE\Policies\X", "Gone") exists`, false},
	{`registry("HKLM\SOFTWARE\Policies\X", "Gone") not exists`, true},
	{`registry("HKLM\SOFTWARE\Policies\X", "Gone") != "x"`, false},
	// WMI
	{`wmi("SELECT * FROM Win32_ComputerSystem WHERE Model LIKE '%Virtual%'")`, true},
	{`wmi("select *   from win32_computersystem where model like '%virtual%'", "ROOT\CIMV2")`, true},
	{`wmi("SELECT * FROM Win32_Battery")`, false},
	{`wmi("SELECT * FROM MSFT_Disk WHERE BusType = 17", "root\Microsoft\Windows\Storage")`, true},
	// operating system
	{`os.version >= "10.0.19041"`, true},
	{`os.version == "10.0.22631.0"`, true},
	{`os.version < "10.0.22000"`, false},
	{`os.version > 6.3`, true},
	{`os.platform in ("Windows 11 x64")`, true},
	{`os.platform in ("Windows 10 x64", "Windows 11 arm64")`, false},
	{`os.platform in ("Windows Server 2022", "Windows 11 x64")`, true},
	{`os.language == "ko-KR"`, true},
	{`os.language == "KO-kr"`, true},
	{`os.language != "ko-KR"`, false},
	{`os.language in ("en-US", "ko-KR")`, true},
	{`os.language not in ("en-US", "ja-JP")`, true},
	// software
	{`software(product: "{90160000-008C-0000-1000-0000000FF1CE}") installed`, true},
	{`software(product: "{90160000-008c-0000-1000-0000000ff1ce}", version: "16.0.4266.1001") installed`, true},
	{`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", version: "16.0.4266.1002") installed`, false},
	{`software(product: "{23170F69-40C1-2702-0000-000004000000}") installed`, false},
	{`software(upgrade: "{23170F69-40C1-2702-0000-000004000000}", name: "7-Zip") installed`, true},
	{`software(upgrade: "{23170F69-40C1-2702-0000-0000040000FF}") installed`, false},
}

func TestEval(t *testing.T) {
	env := testEnv()
	for _, c := range evalCases {
		e := mustParse(t, c.src)
		got, err := Eval(e, env)
		if err != nil {
			t.Errorf("Eval(%q): %v", c.src, err)
			continue
		}
		if got != c.want {
			r, _ := Evaluate(e, env)
			t.Errorf("Eval(%q) = %v, want %v (%s)", c.src, got, c.want, r.Reason)
		}
		checkRoundTrip(t, c.src, e)
	}
}

// The wizard's default conditions in the situations the reference names.
func TestDefaultConditions(t *testing.T) {
	type sit struct {
		name string
		vars map[string]string
		// restart, BIOS partition, UEFI partition, drivers/updates
		want [4]bool
	}
	for _, s := range []sit{
		{"full OS, no client", map[string]string{"_SMSTSInWinPE": "false", "_SMSTSMediaType": "BootMedia"}, [4]bool{true, true, false, true}},
		{"WinPE from boot media, BIOS", map[string]string{"_SMSTSInWinPE": "true", "_SMSTSMediaType": "BootMedia"}, [4]bool{false, true, false, true}},
		{"WinPE from boot media, UEFI", map[string]string{"_SMSTSInWinPE": "true", "_SMSTSMediaType": "BootMedia", "_SMSTSBootUEFI": "true"}, [4]bool{false, false, true, true}},
		{"WinPE from full media, UEFI", map[string]string{"_SMSTSInWinPE": "true", "_SMSTSMediaType": "FullMedia", "_SMSTSBootUEFI": "TRUE"}, [4]bool{false, false, true, false}},
		{"prestaged media", map[string]string{"_SMSTSInWinPE": "true", "_SMSTSMediaType": "OEMMedia"}, [4]bool{false, false, false, true}},
		{"client cache present", map[string]string{"_SMSTSInWinPE": "false", "_SMSTSClientCache": `C:\Windows\ccmcache`}, [4]bool{true, false, false, true}},
		{"hard links (USMT)", map[string]string{"_SMSTSInWinPE": "true", "_OSDMigrateUseHardlinks": "true", "_SMSTSBootUEFI": "true"}, [4]bool{false, false, false, true}},
	} {
		env := &SimEnv{}
		for k, v := range s.vars {
			env.SetVar(k, v)
		}
		for i, src := range []string{condRestartWinPE, condBIOS, condUEFI, condNotFull} {
			got, err := Eval(mustParse(t, src), env)
			if err != nil || got != s.want[i] {
				t.Errorf("%s: %s = %v, %v; want %v", s.name, src, got, err, s.want[i])
			}
		}
	}
}

// none(a, b, ...) is not any(a, b, ...), and all/any agree with and/or,
// for every combination of item values.
func TestGroupLaws(t *testing.T) {
	names := []string{"A", "B", "C"}
	for mask := 0; mask < 8; mask++ {
		env := &SimEnv{}
		for i, n := range names {
			if mask&(1<<i) != 0 {
				env.SetVar(n, "1")
			}
		}
		eval := func(src string) bool {
			b, err := Eval(mustParse(t, src), env)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		a, b, c := mask&1 != 0, mask&2 != 0, mask&4 != 0
		checks := []struct {
			src  string
			want bool
		}{
			{`none(A exists, B exists, C exists)`, !(a || b || c)},
			{`not any(A exists, B exists, C exists)`, !(a || b || c)},
			{`all(A exists, B exists, C exists)`, a && b && c},
			{`A exists and B exists and C exists`, a && b && c},
			{`any(A exists, B exists, C exists)`, a || b || c},
			{`A exists or B exists or C exists`, a || b || c},
			{`A exists or B exists and C exists`, a || b && c},
			{`not A exists and B exists`, !a && b},
			{`none(all(A exists, B exists), C exists)`, !(a && b || c)},
			{`all(any(A exists, B exists), none(C exists))`, (a || b) && !c},
		}
		for _, ch := range checks {
			if got := eval(ch.src); got != ch.want {
				t.Errorf("A=%v B=%v C=%v: %s = %v, want %v", a, b, c, ch.src, got, ch.want)
			}
		}
	}
}

func TestEvaluateReasons(t *testing.T) {
	env := &SimEnv{}
	env.SetVar("_SMSTSInWinPE", "true")
	env.SetVar("_SMSTSMediaType", "FullMedia")
	env.SetVar("_SMSTSBootUEFI", "true")
	env.SetFile(`C:\x.dll`, FileInfo{Exists: true, Version: "1.2"})
	for _, c := range []struct {
		src    string
		want   bool
		reason string
		tests  int
	}{
		{condRestartWinPE, false, `_SMSTSInWinPE equals "true"`, 1},
		{condNotFull, false, `_SMSTSMediaType equals "FullMedia"`, 1},
		{condBIOS, false, `_SMSTSBootUEFI equals "true"`, 1},
		{condUEFI, true, `_SMSTSClientCache does not exist and _SMSTSMediaType equals "FullMedia" and _OSDMigrateUseHardlinks does not exist and _SMSTSBootUEFI equals "true"`, 4},
		{`_SMSTSClientCache exists`, false, `_SMSTSClientCache does not exist`, 1},
		{`_SMSTSInWinPE exists`, true, `_SMSTSInWinPE exists`, 1},
		{`any(_SMSTSClientCache exists, _SMSTSInWinPE == "true")`, true, `_SMSTSInWinPE equals "true"`, 1},
		{`none(_SMSTSClientCache exists, _SMSTSInWinPE == "true")`, false, `_SMSTSInWinPE equals "true"`, 1},
		{`not _SMSTSInWinPE exists`, false, `_SMSTSInWinPE exists`, 1},
		{`file("C:\x.dll").version >= 2`, false, `the file "C:\x.dll" has version 1.2`, 1},
	} {
		r, err := Evaluate(mustParse(t, c.src), env)
		if err != nil {
			t.Errorf("Evaluate(%q): %v", c.src, err)
			continue
		}
		if r.Value != c.want || r.Reason != c.reason || len(r.Tests) != c.tests {
			t.Errorf("Evaluate(%q)\n got  %v %q (%d tests)\n want %v %q (%d tests)", c.src, r.Value, r.Reason, len(r.Tests), c.want, c.reason, c.tests)
		}
	}
}

func TestUnknown(t *testing.T) {
	env := &SimEnv{}
	env.SetVar("_SMSTSInWinPE", "true")
	for _, c := range []struct{ src, msg string }{
		{`file("C:\x") exists`, `file("C:\x") exists: unknown: the simulated environment has no answer for the file "C:\x"`},
		{`folder("C:\x") exists`, `folder("C:\x") exists: unknown: the simulated environment has no answer for the folder "C:\x"`},
		{`registry("HKLM\X", "V") exists`, `registry("HKLM\X", "V") exists: unknown: the simulated environment has no answer for the registry value "V" in HKLM\X`},
		{`wmi("SELECT * FROM Win32_BIOS")`, `wmi("SELECT * FROM Win32_BIOS"): unknown: the simulated environment has no answer for the WMI query "SELECT * FROM Win32_BIOS"`},
		{`os.version > 10`, `os.version > "10": unknown: the simulated environment has no answer for the operating system version`},
		{`os.language == "ko-KR"`, `os.language == "ko-KR": unknown: the simulated environment has no answer for the operating system language`},
		{`software(upgrade: "{23170F69-40C1-2702-0000-000004000000}") installed`, `software(upgrade: "{23170F69-40C1-2702-0000-000004000000}") installed: unknown: the simulated environment has no answer for installed software`},
		{`_SMSTSInWinPE == "true" and wmi("SELECT * FROM Win32_BIOS")`, `wmi("SELECT * FROM Win32_BIOS"): unknown: the simulated environment has no answer for the WMI query "SELECT * FROM Win32_BIOS"`},
	} {
		_, err := Eval(mustParse(t, c.src), env)
		if !errors.Is(err, ErrUnknown) || err.Error() != c.msg {
			t.Errorf("Eval(%q) error\n got  %v\n want %s", c.src, err, c.msg)
		}
	}
	// A deciding test before an unanswerable one: no error.
	for _, src := range []string{
		`_SMSTSInWinPE == "false" and wmi("SELECT * FROM Win32_BIOS")`,
		`_SMSTSInWinPE == "true" or file("C:\x") exists`,
		`none(_SMSTSInWinPE exists, os.version > 10)`,
	} {
		if _, err := Eval(mustParse(t, src), env); err != nil {
			t.Errorf("Eval(%q): %v", src, err)
		}
	}
}

type fakeWMIEnv struct {
	SimEnv
	asked []string
}

func (f *fakeWMIEnv) WMI(ns, q string) (int, error) {
	f.asked = append(f.asked, q)
	return f.SimEnv.WMI(ns, q)
}

// An Env without OSPlatform answers os.platform through WMI.
func TestPlatformByWMI(t *testing.T) {
	type wmiOnly struct{ Env } // hides SimEnv's OSPlatform
	for _, c := range []struct {
		version             string
		arm, wide, server   int
		platform            string
		want                bool
		reasonContainsAfter string
	}{
		{"10.0.19045", 0, 1, 0, "Windows 10 x64", true, "Windows 10 x64"},
		{"10.0.19045", 0, 0, 0, "Windows 10 x86", true, "Windows 10 x86"},
		{"10.0.26100", 1, 1, 0, "Windows 11 arm64", true, "Windows 11 arm64"},
		{"10.0.17763", 0, 1, 1, "Windows Server 2019", true, "Windows Server 2019"},
		{"10.0.17763", 0, 1, 0, "Windows Server 2019", false, "Windows 10 x64"},
		{"10.0.20348", 0, 1, 1, "Windows 11 x64", false, "Windows Server 2022"},
		{"6.3.9600", 0, 1, 0, "Windows 10 x64", false, "6.3.9600 x64 (client)"},
	} {
		f := &fakeWMIEnv{SimEnv: SimEnv{Version: c.version}}
		f.SetWMI("", wqlARM64, c.arm)
		f.SetWMI("", wql64Bit, c.wide)
		f.SetWMI("", wqlServer, c.server)
		r, err := Evaluate(&OSPlatformTest{Platforms: []string{c.platform}}, wmiOnly{f})
		if err != nil {
			t.Fatal(err)
		}
		if r.Value != c.want || !strings.Contains(r.Reason, c.reasonContainsAfter) {
			t.Errorf("%s arm=%d wide=%d server=%d in %q = %v (%s), want %v (%s)", c.version, c.arm, c.wide, c.server, c.platform, r.Value, r.Reason, c.want, c.reasonContainsAfter)
		}
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{condRestartWinPE, `the variable _SMSTSInWinPE equals "false"`},
		{condBIOS, `all of: the variable _SMSTSClientCache does not exist; the variable _SMSTSMediaType does not equal "OEMMedia"; the variable _OSDMigrateUseHardlinks does not equal "true"; the variable _SMSTSBootUEFI does not equal "true"`},
		{`X exists or not (Y < 10 and Z like "a*")`, `any of: the variable X exists; not (all of: the variable Y is less than 10; the variable Z is like "a*")`},
		{`none(X not like "*PE*", all(Y >= 2))`, `none of: the variable X is not like "*PE*"; (all of: the variable Y is greater than or equal to 2)`},
		{`not X exists`, `not the variable X exists`},
		{`file("C:\a.dll") exists`, `the file "C:\a.dll" exists`},
		{`file("C:\a.dll") not exists`, `the file "C:\a.dll" does not exist`},
		{`file("C:\a.dll").version >= "10.0"`, `the version of the file "C:\a.dll" is greater than or equal to 10.0`},
		{`file("C:\a.dll").date < "2024-01-31"`, `the file "C:\a.dll" was last modified before 2024-01-31T00:00:00Z`},
		{`folder("C:\D").date >= "2024-01-31"`, `the folder "C:\D" was last modified on or after 2024-01-31T00:00:00Z`},
		{`folder("C:\D") exists`, `the folder "C:\D" exists`},
		{`registry("HKLM\X", "V", REG_DWORD) exists`, `the registry value "V" in HKLM\X exists as REG_DWORD`},
		{`registry("HKLM\X", "") == "a"`, `the default value of the registry key HKLM\X equals "a"`},
		{`wmi("SELECT * FROM Win32_Battery")`, `the WMI query "SELECT * FROM Win32_Battery" returns at least one row`},
		{`wmi("SELECT * FROM MSFT_Disk", "root\Microsoft\Windows\Storage")`, `the WMI query "SELECT * FROM MSFT_Disk" in root\Microsoft\Windows\Storage returns at least one row`},
		{`os.version >= "10.0.19041"`, `the operating system version is greater than or equal to 10.0.19041`},
		{`os.platform in ("Windows 11 x64")`, `the operating system is Windows 11 x64`},
		{`os.platform in ("Windows 10 x64", "Windows 11 x64")`, `the operating system is one of Windows 10 x64, Windows 11 x64`},
		{`os.language == "ko-KR"`, `the operating system language is ko-KR`},
		{`os.language != "ko-KR"`, `the operating system language is not ko-KR`},
		{`os.language in ("ko-KR", "en-US")`, `the operating system language is one of ko-KR, en-US`},
		{`os.language not in ("ko-KR", "en-US")`, `the operating system language is none of ko-KR, en-US`},
		{`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", version: "16.0", name: "Office") installed`, `the product {90160000-008C-0000-1000-0000000FF1CE} (Office) is installed in version 16.0`},
		{`software(upgrade: "{23170F69-40C1-2702-0000-000004000000}") installed`, `any version of the product family {23170F69-40C1-2702-0000-000004000000} is installed`},
	} {
		if got := Describe(mustParse(t, c.src)); got != c.want {
			t.Errorf("Describe(%q)\n got  %s\n want %s", c.src, got, c.want)
		}
	}
}

func TestVariables(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{condBIOS, []string{"_SMSTSClientCache", "_SMSTSMediaType", "_OSDMigrateUseHardlinks", "_SMSTSBootUEFI"}},
		{`X exists and x == "%Y%" or all(Y exists, file("%OSDisk%\%Dir%\a") exists)`, []string{"X", "Y", "OSDisk", "Dir"}},
		{`X like "%Y%"`, []string{"X"}},
		{`registry("%K%", "%V%") == "%D%" and wmi("SELECT * FROM T WHERE A LIKE '%Virtual%'", "%NS%")`, []string{"K", "V", "D", "Virtual", "NS"}},
		{`os.version > 10`, nil},
	} {
		if got := Variables(mustParse(t, c.src)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Variables(%q) = %q, want %q", c.src, got, c.want)
		}
	}
}

func TestExpand(t *testing.T) {
	env := &SimEnv{}
	env.SetVar("OSDisk", "C:")
	env.SetVar("Empty", "")
	for _, c := range []struct{ in, want string }{
		{`%OSDisk%\Windows`, `C:\Windows`},
		{`%osdisk%\%OSDisk%`, `C:\C:`},
		{`%Undefined%\x`, `%Undefined%\x`},
		{`%Empty%`, `%Empty%`},
		{`100%`, `100%`},
		{`50% of %OSDisk%`, `50% of C:`},
		{`%not a name%OSDisk%`, `%not a nameC:`},
		{`%%`, `%%`},
		{`LIKE '%Virtual%'`, `LIKE '%Virtual%'`},
	} {
		if got := Expand(c.in, env); got != c.want {
			t.Errorf("Expand(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCompareValues(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"10", "9", 1}, {"9", "10", -1}, {"010", "10", 0}, {"10.0", "10", 0}, {"1.5", "1.10", 1},
		{"-1", "0", -1}, {"-0", "0", 0}, {"-2", "-10", 1}, {"+3", "3", 0},
		{"123456789012345678901234567890", "123456789012345678901234567891", -1},
		{"abc", "ABC", 0}, {"abc", "abd", -1}, {"10", "abc", -1}, {"", "0", -1},
		{"1e3", "999", -1}, // not a decimal number: compared as text
		{"NaN", "nan", 0},
	} {
		if got := CompareValues(c.a, c.b); got != c.want {
			t.Errorf("CompareValues(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true}, {"", "", true}, {"", "a", false}, {"a", "A", true},
		{"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "abbbc", true}, {"a*c", "abcd", false},
		{"%b%", "abc", true}, {"a%", "b", false}, {"**", "x", true}, {"*a*a*a*", "aaa", true},
		{"*a*a*a*", "aa", false}, {"a?c", "abc", false}, {"a?c", "a?c", true}, {"ä*", "Äpfel", true},
		{"*" + strings.Repeat("a*", 50) + "b", strings.Repeat("a", 200), false},
	} {
		if got := Match(c.pattern, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
		ok   bool
	}{
		{"10.0.19041", "10.0.19041.0", 0, true}, {"10.0.9", "10.0.10", -1, true},
		{"10.0.22621.3155 (WinBuild.160101.0800)", "10.0.22621.3155", 0, true},
		{"2", "10", -1, true}, {"abc", "1", 0, false}, {"1.", "1", 0, true},
		{"99999999999999999999.1", "99999999999999999999.2", -1, true},
	} {
		got, ok := compareVersions(c.a, c.b)
		if got != c.want || ok != c.ok {
			t.Errorf("compareVersions(%q, %q) = %d, %v; want %d, %v", c.a, c.b, got, ok, c.want, c.ok)
		}
	}
}

func TestWalk(t *testing.T) {
	e := mustParse(t, `a exists and any(b exists, not c exists) or file("x") exists`)
	var seen []string
	Walk(e, func(x Expr) bool {
		if g, ok := x.(*Group); ok {
			seen = append(seen, g.Op.String())
			return g.Op != None
		}
		seen = append(seen, Format(x))
		return true
	})
	want := []string{"any", "all", "a exists", "any", "b exists", "none", `file("x") exists`}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("Walk visited %q, want %q", seen, want)
	}
}

func TestAssess(t *testing.T) {
	env := &SimEnv{}
	env.SetVar("_SMSTSInWinPE", "true")
	env.SetFile(`C:\a`, FileInfo{Exists: true})
	const wmi = `wmi("SELECT * FROM Win32_Battery")`
	const wmiWhy = `cannot tell whether the WMI query "SELECT * FROM Win32_Battery" returns at least one row (unknown: the simulated environment has no answer for the WMI query "SELECT * FROM Win32_Battery")`
	for _, c := range []struct {
		src    string
		want   Truth
		reason string
	}{
		{`_SMSTSInWinPE == "false"`, False, `_SMSTSInWinPE equals "true"`},
		{`_SMSTSInWinPE == "true"`, True, `_SMSTSInWinPE equals "true"`},
		{wmi, Unknown, wmiWhy},
		{wmi + ` and _SMSTSInWinPE == "false"`, False, `_SMSTSInWinPE equals "true"`},
		{wmi + ` and _SMSTSInWinPE == "true"`, Unknown, wmiWhy},
		{wmi + ` or _SMSTSInWinPE == "true"`, True, `_SMSTSInWinPE equals "true"`},
		{wmi + ` or _SMSTSInWinPE == "false"`, Unknown, wmiWhy},
		{`none(` + wmi + `, _SMSTSInWinPE == "true")`, False, `_SMSTSInWinPE equals "true"`},
		{`none(` + wmi + `, _SMSTSInWinPE == "false")`, Unknown, wmiWhy},
		{`not ` + wmi, Unknown, wmiWhy},
		{`none(X exists, file("C:\a") not exists)`, True, `X does not exist and the file "C:\a" exists`},
		{`all(X not exists, file("C:\a") exists)`, True, `X does not exist and the file "C:\a" exists`},
		{`any(X exists, file("C:\a") not exists)`, False, `X does not exist and the file "C:\a" exists`},
		{`os.version > 10 and folder("D:\") exists`, Unknown, `cannot tell whether the operating system version is greater than 10 (unknown: the simulated environment has no answer for the operating system version) and cannot tell whether the folder "D:\" exists (unknown: the simulated environment has no answer for the folder "D:\")`},
	} {
		e := mustParse(t, c.src)
		a := Assess(e, env)
		if a.Truth != c.want || a.Reason != c.reason {
			t.Errorf("Assess(%q)\n got  %v %s\n want %v %s", c.src, a.Truth, a.Reason, c.want, c.reason)
		}
		// Where Eval can answer, Assess agrees.
		if v, err := Eval(e, env); err == nil && (a.Truth == Unknown || (a.Truth == True) != v) {
			t.Errorf("Assess(%q) = %v but Eval = %v", c.src, a.Truth, v)
		}
	}
}
