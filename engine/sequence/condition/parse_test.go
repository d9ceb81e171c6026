package condition

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func v(name string, op Op, value string) *VarTest { return &VarTest{Name: name, Op: op, Value: value} }
func and(items ...Expr) *Group                    { return &Group{Op: All, Items: items, Infix: true} }
func or(items ...Expr) *Group                     { return &Group{Op: Any, Items: items, Infix: true} }
func not(x Expr) *Group                           { return &Group{Op: None, Items: []Expr{x}, Infix: true} }
func all(items ...Expr) *Group                    { return &Group{Op: All, Items: items} }
func anyOf(items ...Expr) *Group                  { return &Group{Op: Any, Items: items} }
func none(items ...Expr) *Group                   { return &Group{Op: None, Items: items} }

// The wizard's default conditions (reference §1.11).
const (
	condRestartWinPE = `_SMSTSInWinPE == "false"`
	condBIOS         = `_SMSTSClientCache not exists and _SMSTSMediaType != "OEMMedia" and _OSDMigrateUseHardlinks != "true" and _SMSTSBootUEFI != "true"`
	condUEFI         = `_SMSTSClientCache not exists and _SMSTSMediaType != "OEMMedia" and _OSDMigrateUseHardlinks != "true" and _SMSTSBootUEFI == "true"`
	condNotFull      = `_SMSTSMediaType != "FullMedia"`
)

type parseCase struct {
	src    string
	want   Expr
	format string // canonical text; "" means src itself
}

var parseCases = []parseCase{
	// variables
	{src: condRestartWinPE, want: v("_SMSTSInWinPE", Eq, "false")},
	{src: condBIOS, want: and(v("_SMSTSClientCache", NotExists, ""), v("_SMSTSMediaType", Ne, "OEMMedia"),
		v("_OSDMigrateUseHardlinks", Ne, "true"), v("_SMSTSBootUEFI", Ne, "true"))},
	{src: condUEFI, want: and(v("_SMSTSClientCache", NotExists, ""), v("_SMSTSMediaType", Ne, "OEMMedia"),
		v("_OSDMigrateUseHardlinks", Ne, "true"), v("_SMSTSBootUEFI", Eq, "true"))},
	{src: condNotFull, want: v("_SMSTSMediaType", Ne, "FullMedia")},
	{src: `X exists`, want: v("X", Exists, "")},
	{src: `X EXISTS`, want: v("X", Exists, ""), format: `X exists`},
	{src: `X Not Exists`, want: v("X", NotExists, ""), format: `X not exists`},
	{src: `X == false`, want: v("X", Eq, "false"), format: `X == "false"`},
	{src: `X = "a"`, want: v("X", Eq, "a"), format: `X == "a"`},
	{src: `X <> "a"`, want: v("X", Ne, "a"), format: `X != "a"`},
	{src: `X != "a"`, want: v("X", Ne, "a")},
	{src: `X < 10`, want: v("X", Lt, "10")},
	{src: `X <= -3.5`, want: v("X", Le, "-3.5")},
	{src: `X > "10"`, want: v("X", Gt, "10"), format: `X > 10`},
	{src: `X >= 10.0.19041`, want: v("X", Ge, "10.0.19041")},
	{src: `X<10`, want: v("X", Lt, "10"), format: `X < 10`},
	{src: `X like "Win*"`, want: v("X", Like, "Win*")},
	{src: `X not like "%PE%"`, want: v("X", NotLike, "%PE%")},
	{src: `OSD-Var_1 == "x"`, want: v("OSD-Var_1", Eq, "x")},
	{src: `X == "say ""hi"""`, want: v("X", Eq, `say "hi"`)},
	{src: `X == ""`, want: v("X", Eq, "")},
	{src: `X == "C:\Windows\"`, want: v("X", Eq, `C:\Windows\`)},
	{src: `X == "한국어"`, want: v("X", Eq, "한국어")},
	{src: "X ==\n\t\"a\"", want: v("X", Eq, "a"), format: `X == "a"`},
	{src: "X\u00a0==\u3000\"a\"", want: v("X", Eq, "a"), format: `X == "a"`},
	// names that are test keywords are variables unless followed by ( or .
	{src: `file exists`, want: v("file", Exists, "")},
	{src: `all == 1`, want: v("all", Eq, "1")},
	{src: `os exists`, want: v("os", Exists, "")},
	// precedence: not > and > or
	{src: `a exists or b exists and c exists`, want: or(v("a", Exists, ""), and(v("b", Exists, ""), v("c", Exists, "")))},
	{src: `a exists and b exists or c exists`, want: or(and(v("a", Exists, ""), v("b", Exists, "")), v("c", Exists, ""))},
	{src: `not a exists and b exists`, want: and(not(v("a", Exists, "")), v("b", Exists, ""))},
	{src: `not (a exists and b exists)`, want: not(and(v("a", Exists, ""), v("b", Exists, "")))},
	{src: `not not a exists`, want: not(not(v("a", Exists, "")))},
	{src: `(a exists or b exists) and c exists`, want: and(or(v("a", Exists, ""), v("b", Exists, "")), v("c", Exists, ""))},
	{src: `(a exists and b exists) and c exists`, want: and(and(v("a", Exists, ""), v("b", Exists, "")), v("c", Exists, ""))},
	{src: `a exists or (b exists or c exists)`, want: or(v("a", Exists, ""), or(v("b", Exists, ""), v("c", Exists, "")))},
	{src: `((a exists))`, want: v("a", Exists, ""), format: `a exists`},
	{src: `a exists AND b exists Or c exists`, want: or(and(v("a", Exists, ""), v("b", Exists, "")), v("c", Exists, "")),
		format: `a exists and b exists or c exists`},
	// if statements
	{src: `all(a exists)`, want: all(v("a", Exists, ""))},
	{src: `ALL( a exists , b exists )`, want: all(v("a", Exists, ""), v("b", Exists, "")), format: `all(a exists, b exists)`},
	{src: `any(a exists, all(b exists, none(c exists, d == 1)))`,
		want: anyOf(v("a", Exists, ""), all(v("b", Exists, ""), none(v("c", Exists, ""), v("d", Eq, "1"))))},
	{src: `none(a exists or b exists)`, want: none(or(v("a", Exists, ""), v("b", Exists, "")))},
	{src: `not all(a exists) and any(b exists)`, want: and(not(all(v("a", Exists, ""))), anyOf(v("b", Exists, "")))},
	// files and folders
	{src: `file("C:\Windows\System32\ntoskrnl.exe") exists`, want: &FileTest{Path: `C:\Windows\System32\ntoskrnl.exe`}},
	{src: `file("%windir%\x.dll") not exists`, want: &FileTest{Path: `%windir%\x.dll`, Op: NotExists}},
	{src: `File("x.dll").Version >= 10.0.19041.1`, want: &FileTest{Path: "x.dll", Attr: AttrVersion, Op: Ge, Value: "10.0.19041.1"},
		format: `file("x.dll").version >= "10.0.19041.1"`},
	{src: `file("x").date < "2024-01-31T00:00:00Z"`, want: &FileTest{Path: "x", Attr: AttrDate, Op: Lt, Value: "2024-01-31T00:00:00Z"}},
	{src: `file("x").date == "2024-01-31"`, want: &FileTest{Path: "x", Attr: AttrDate, Op: Eq, Value: "2024-01-31T00:00:00Z"},
		format: `file("x").date == "2024-01-31T00:00:00Z"`},
	{src: `file("x").date > "2024-01-31T09:30:00+09:00"`, want: &FileTest{Path: "x", Attr: AttrDate, Op: Gt, Value: "2024-01-31T00:30:00Z"},
		format: `file("x").date > "2024-01-31T00:30:00Z"`},
	{src: `folder("C:\Drivers") exists`, want: &FolderTest{Path: `C:\Drivers`}},
	{src: `folder("C:\Drivers") not exists`, want: &FolderTest{Path: `C:\Drivers`, Op: NotExists}},
	{src: `folder("C:\Drivers").date >= "2024-01-31T13:45:00"`, want: &FolderTest{Path: `C:\Drivers`, Attr: AttrDate, Op: Ge, Value: "2024-01-31T13:45:00Z"},
		format: `folder("C:\Drivers").date >= "2024-01-31T13:45:00Z"`},
	// registry
	{src: `registry("HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentBuild") exists`,
		want: &RegistryTest{Key: `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, Value: "CurrentBuild"}},
	{src: `registry("HKEY_LOCAL_MACHINE\SOFTWARE\X", "", reg_dword) not exists`,
		want:   &RegistryTest{Key: `HKEY_LOCAL_MACHINE\SOFTWARE\X`, Value: "", Type: "REG_DWORD", Op: NotExists},
		format: `registry("HKEY_LOCAL_MACHINE\SOFTWARE\X", "", REG_DWORD) not exists`},
	{src: `registry("HKLM\SOFTWARE\X", "Build", REG_SZ) >= 19041`,
		want: &RegistryTest{Key: `HKLM\SOFTWARE\X`, Value: "Build", Type: "REG_SZ", Op: Ge, Data: "19041"}},
	{src: `registry("HKCU\X", "Name") == "a ""b"""`, want: &RegistryTest{Key: `HKCU\X`, Value: "Name", Op: Eq, Data: `a "b"`}},
	{src: `registry("%KEY%", "V") exists`, want: &RegistryTest{Key: `%KEY%`, Value: "V"}},
	// WMI
	{src: `wmi("SELECT * FROM Win32_ComputerSystem WHERE Model LIKE '%Virtual%'")`,
		want: &WMITest{Query: `SELECT * FROM Win32_ComputerSystem WHERE Model LIKE '%Virtual%'`}},
	{src: `WMI("SELECT * FROM MSFT_Disk", "root\Microsoft\Windows\Storage")`,
		want:   &WMITest{Query: `SELECT * FROM MSFT_Disk`, Namespace: `root\Microsoft\Windows\Storage`},
		format: `wmi("SELECT * FROM MSFT_Disk", "root\Microsoft\Windows\Storage")`},
	// operating system
	{src: `os.version >= "10.0.19041"`, want: &OSVersionTest{Op: Ge, Version: "10.0.19041"}},
	{src: `OS.Version < 10.0.22000`, want: &OSVersionTest{Op: Lt, Version: "10.0.22000"}, format: `os.version < "10.0.22000"`},
	{src: `os.platform in ("Windows 10 x64", "windows 11 X64")`, want: &OSPlatformTest{Platforms: []string{"Windows 10 x64", "Windows 11 x64"}},
		format: `os.platform in ("Windows 10 x64", "Windows 11 x64")`},
	{src: `os.platform == "Windows Server 2022"`, want: &OSPlatformTest{Platforms: []string{"Windows Server 2022"}},
		format: `os.platform in ("Windows Server 2022")`},
	{src: `os.language == "ko-KR"`, want: &OSLanguageTest{Languages: []string{"ko-KR"}}},
	{src: `os.language != en-US`, want: &OSLanguageTest{Languages: []string{"en-US"}, Negate: true}, format: `os.language != "en-US"`},
	{src: `os.language in ("ko-KR", "en-US")`, want: &OSLanguageTest{Languages: []string{"ko-KR", "en-US"}}},
	{src: `os.language not in ("ko-KR", "ja-JP")`, want: &OSLanguageTest{Languages: []string{"ko-KR", "ja-JP"}, Negate: true}},
	{src: `os.language in ("ko-KR")`, want: &OSLanguageTest{Languages: []string{"ko-KR"}}, format: `os.language == "ko-KR"`},
	// software
	{src: `software(product: "{90160000-008C-0000-1000-0000000FF1CE}") installed`,
		want: &SoftwareTest{ProductCode: "{90160000-008C-0000-1000-0000000FF1CE}"}},
	{src: `software(product: "90160000-008c-0000-1000-0000000ff1ce", version: "16.0.4266.1001", name: "Office") installed`,
		want:   &SoftwareTest{ProductCode: "{90160000-008C-0000-1000-0000000FF1CE}", Version: "16.0.4266.1001", Name: "Office"},
		format: `software(product: "{90160000-008C-0000-1000-0000000FF1CE}", version: "16.0.4266.1001", name: "Office") installed`},
	{src: `software(name: "7-Zip", upgrade: "{23170F69-40C1-2702-0000-000004000000}") INSTALLED`,
		want:   &SoftwareTest{UpgradeCode: "{23170F69-40C1-2702-0000-000004000000}", Name: "7-Zip"},
		format: `software(upgrade: "{23170F69-40C1-2702-0000-000004000000}", name: "7-Zip") installed`},
	// mixed
	{src: `_SMSTSInWinPE == "false" and (file("C:\x") exists or registry("HKLM\X", "Y") == 1) and not wmi("SELECT * FROM Win32_Battery")`,
		want: and(v("_SMSTSInWinPE", Eq, "false"), or(&FileTest{Path: `C:\x`}, &RegistryTest{Key: `HKLM\X`, Value: "Y", Op: Eq, Data: "1"}),
			not(&WMITest{Query: "SELECT * FROM Win32_Battery"}))},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		got, err := Parse(c.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.src, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q)\n got  %s\n want %s", c.src, dump(got), dump(c.want))
		}
		want := c.format
		if want == "" {
			want = c.src
		}
		if f := Format(got); f != want {
			t.Errorf("Format(Parse(%q))\n got  %s\n want %s", c.src, f, want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, c := range parseCases {
		e, err := Parse(c.src)
		if err != nil {
			continue // reported by TestParse
		}
		checkRoundTrip(t, c.src, e)
	}
	// Shapes the parser never makes but an editor could build.
	for _, e := range []Expr{
		&Group{Op: All, Items: []Expr{v("a", Exists, "")}, Infix: true},
		&Group{Op: None, Items: []Expr{v("a", Exists, ""), v("b", Exists, "")}, Infix: true},
	} {
		f := Format(e)
		if _, err := Parse(f); err != nil {
			t.Errorf("Format(%s) = %q does not parse: %v", dump(e), f, err)
		}
	}
}

func checkRoundTrip(t *testing.T, src string, e Expr) {
	t.Helper()
	f := Format(e)
	e2, err := Parse(f)
	if err != nil {
		t.Errorf("Parse(Format(Parse(%q))) = Parse(%q): %v", src, f, err)
		return
	}
	if !reflect.DeepEqual(e, e2) {
		t.Errorf("round trip of %q via %q\n got  %s\n want %s", src, f, dump(e2), dump(e))
	}
	if f2 := Format(e2); f2 != f {
		t.Errorf("Format not stable for %q: %q then %q", src, f, f2)
	}
}

// dump writes an AST for failure messages.
func dump(e Expr) string {
	var b strings.Builder
	var walk func(Expr)
	walk = func(e Expr) {
		if g, ok := e.(*Group); ok {
			b.WriteString(g.Op.String())
			if g.Infix {
				b.WriteString("/infix")
			}
			b.WriteString("[")
			for i, it := range g.Items {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(it)
			}
			b.WriteString("]")
			return
		}
		b.WriteString(strings.TrimPrefix(reflect.TypeOf(e).String(), "*condition."))
		b.WriteString(fmtStruct(e))
	}
	walk(e)
	return b.String()
}

func fmtStruct(e Expr) string {
	rv := reflect.ValueOf(e).Elem()
	var parts []string
	for i := 0; i < rv.NumField(); i++ {
		parts = append(parts, rv.Type().Field(i).Name+"="+strings.TrimSpace(strings.ReplaceAll(fmtValue(rv.Field(i)), "\n", " ")))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func fmtValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return `"` + v.String() + `"`
	case reflect.Slice:
		var s []string
		for i := 0; i < v.Len(); i++ {
			s = append(s, fmtValue(v.Index(i)))
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	return strings.TrimSpace(strings.Trim(v.String(), "<>"))
}

type errCase struct {
	src    string
	offset int
	msg    string
}

var errCases = []errCase{
	{``, 0, "empty condition"},
	{"  \t", 3, "empty condition"},
	{`X == "abc`, 5, `unterminated string (a string ends with "; write "" for a quote inside it)`},
	{`X == "a""`, 5, `unterminated string (a string ends with "; write "" for a quote inside it)`},
	{`X === 1`, 2, `unknown operator "===" (want ==, !=, <, <=, >, >=)`},
	{`X =< 1`, 2, `unknown operator "=<" (want ==, !=, <, <=, >, >=)`},
	{`X ~= 1`, 2, `unknown operator "~=" (want ==, !=, <, <=, >, >=)`},
	{`X eq 1`, 2, `unknown operator "eq" after X (want exists, not exists, ==, !=, <, <=, >, >=, like or not like)`},
	{`X`, 1, `missing operator after X (want exists, not exists, ==, !=, <, <=, >, >=, like or not like)`},
	{`X and Y exists`, 2, `missing operator after X (want exists, not exists, ==, !=, <, <=, >, >=, like or not like)`},
	{`X ==`, 4, `missing value after "=="`},
	{`X == and Y exists`, 5, `missing value after "=="`},
	{`X like`, 6, `missing value after "like"`},
	{`X not`, 5, `expected "exists" or "like" after "not" but found end of condition`},
	{`X not equal 1`, 6, `expected "exists" or "like" after "not" but found "equal"`},
	{`X exists and`, 12, `missing condition after "and"`},
	{`X exists or`, 11, `missing condition after "or"`},
	{`not`, 3, `missing condition after "not"`},
	{`X exists and or Y exists`, 13, `expected a condition but found the keyword "or"`},
	{`X == 1 Y`, 7, `unexpected "Y": expected "and", "or" or the end of the condition`},
	{`X == 1 "s"`, 7, `unexpected string "s": expected "and", "or" or the end of the condition`},
	{`X == 1)`, 6, `unexpected ")" without a matching "("`},
	{`(X == 1`, 7, `missing ")" to close the "(" at col 1`},
	{`()`, 1, `missing condition after "("`},
	{`all()`, 0, `all() needs at least one condition`},
	{`None( )`, 0, `none() needs at least one condition`},
	{`all(a exists,)`, 13, `missing condition after ","`},
	{`all(a exists b exists)`, 13, `expected "," or ")" but found "b"`},
	{`any(a exists`, 12, `missing ")" to close the "(" at col 4`},
	{`"X" == 1`, 0, `expected a condition but found string "X" (a test starts with a variable name, file(, folder(, registry(, wmi(, os. or software()`},
	{`X == 'a'`, 5, `unexpected character '\'': strings are written in double quotes`},
	{`X == 1 && Y exists`, 7, `write "and" instead of "&&"`},
	{`X == 1 || Y exists`, 7, `write "or" instead of "||"`},
	{`X == 1 # comment`, 7, `unexpected character '#'`},
	{`X == 12abc`, 5, `malformed number "12a"`},
	{`X == 1.2.`, 5, `malformed number "1.2."`},
	{`foo("x") exists`, 0, `unknown test "foo(" (the tests are all, any, none, file, folder, registry, wmi, os and software)`},
	{`file() exists`, 5, `missing file path (a string in double quotes)`},
	{`file(C:\x) exists`, 5, `expected file path as a string in double quotes but found "C"`},
	{`file("") exists`, 5, `empty file path`},
	{`file("x")`, 9, `expected "exists", "not exists", ".version" or ".date" after file(...) but found end of condition`},
	{`file("x").`, 10, `expected "version" or "date" after "." but found end of condition`},
	{`folder("x").(`, 12, `expected "date" after "." but found "("`},
	{`file("x").version`, 17, `missing operator after file(...).version (want ==, !=, <, <=, >, >=)`},
	{`os.version`, 10, `missing operator after os.version (want ==, !=, <, <=, >, >=)`},
	{"X == \u201cfalse\u201d", 5, `unexpected character '“': write strings in plain double quotes (")`},
	{`file("x").size > 1`, 10, `unknown file property "size" (want version or date)`},
	{`folder("x").version > 1`, 12, `unknown folder property "version" (want date)`},
	{`file("x").version > "1.a"`, 20, `"1.a" is not a version (numbers separated by dots, like 10.0.19041)`},
	{`file("x").version like "1*"`, 18, `unknown operator "like" after file(...).version (want ==, !=, <, <=, >, >=)`},
	{`file("x").date < "yesterday"`, 17, `"yesterday" is not a date (write 2024-01-31, 2024-01-31T13:45:00 or 2024-01-31T13:45:00Z; times are UTC)`},
	{`registry("SOFTWARE\X", "V") exists`, 9, `registry key must start with a root key: HKLM\, HKCU\, HKCR\, HKU\ or HKCC\ (or their HKEY_ names)`},
	{`registry("HKLM\X") exists`, 17, `missing registry value name after the key (use "" for the default value)`},
	{`registry("HKLM\X", "V", REG_FOO) exists`, 24, `unknown registry type "REG_FOO" (want REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_MULTI_SZ, REG_BINARY, REG_QWORD, REG_NONE)`},
	{`registry("HKLM\X", "V", ) exists`, 24, `missing registry type (want REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_MULTI_SZ, REG_BINARY, REG_QWORD, REG_NONE)`},
	{`registry("HKLM\X", "V")`, 23, `missing operator after registry(...) (want exists, not exists, ==, !=, <, <=, >, >=)`},
	{`registry("HKLM\X", "V") contains "a"`, 24, `unknown operator "contains" after registry(...) (want exists, not exists, ==, !=, <, <=, >, >=)`},
	{`wmi()`, 4, `missing WMI query (a string in double quotes)`},
	{`wmi("  ")`, 4, `empty WMI query`},
	{`wmi("SELECT * FROM X", "")`, 23, `empty WMI namespace (leave it out for root\cimv2)`},
	{`wmi("SELECT * FROM X") == 1`, 23, `unexpected "==": expected "and", "or" or the end of the condition`},
	{`os.build > 1`, 3, `unknown os property "build" (want version, platform or language)`},
	{`os.version > "ten"`, 13, `"ten" is not a version (numbers separated by dots, like 10.0.19041)`},
	{`os.platform in ("Windows 95")`, 16, `unknown platform "Windows 95" (want one of: Windows 10 x86, Windows 10 x64, Windows 10 arm64, Windows 11 x64, Windows 11 arm64, Windows Server 2016, Windows Server 2019, Windows Server 2022, Windows Server 2025)`},
	{`os.platform in ()`, 16, `empty list of platforms`},
	{`os.platform != "Windows 11 x64"`, 12, `expected "in" or "==" after os.platform but found "!="`},
	{`os.language == "Korean language"`, 15, `"Korean language" is not a language name (write it like en-US or ko-KR)`},
	{`os.language like "ko*"`, 12, `expected ==, !=, "in" or "not in" after os.language but found "like"`},
	{`software() installed`, 0, `software() needs product: "{GUID}" or upgrade: "{GUID}"`},
	{`software(product: "{1234}") installed`, 18, `product code must be a GUID like {12345678-1234-1234-1234-123456789ABC}`},
	{`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", upgrade: "{90160000-008C-0000-1000-0000000FF1CE}") installed`, 0, `software() takes product: or upgrade:, not both`},
	{`software(upgrade: "{90160000-008C-0000-1000-0000000FF1CE}", version: "1.0") installed`, 0, `version: only goes with product: (upgrade: matches any version)`},
	{`software(product: "{90160000-008C-0000-1000-0000000FF1CE}")`, 59, `missing "installed" after software(...)`},
	{`software(product: "{90160000-008C-0000-1000-0000000FF1CE}", product: "{90160000-008C-0000-1000-0000000FF1CE}") installed`, 60, `product: given twice`},
	{`software(vendor: "x") installed`, 9, `unknown software argument "vendor" (want product, upgrade, version or name)`},
	{`software(product "{90160000-008C-0000-1000-0000000FF1CE}") installed`, 17, `expected ":" but found string "{90160000-008C-0000-1000-0000000FF1CE}"`},
	{`X == 1 and` + "\n" + `   Y`, 15, `missing operator after Y (want exists, not exists, ==, !=, <, <=, >, >=, like or not like)`},
	{"X == \"한국\" Y", 14, `unexpected "Y": expected "and", "or" or the end of the condition`},
	{strings.Repeat("A", 257) + " exists", 0, `variable name longer than 256 characters`},
	{strings.Repeat("(", 101) + "X exists" + strings.Repeat(")", 101), 100, `conditions nested deeper than 100 levels`},
	{strings.Repeat("not ", 101) + "X exists", 400, `conditions nested deeper than 100 levels`},
	{strings.Repeat("all(", 101) + "X exists" + strings.Repeat(")", 101), 400, `conditions nested deeper than 100 levels`},
}

func TestParseErrors(t *testing.T) {
	for _, c := range errCases {
		_, err := Parse(c.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): got %v, want a *SyntaxError", c.src, err)
			continue
		}
		if se.Offset != c.offset || se.Msg != c.msg {
			t.Errorf("Parse(%q)\n got  %d: %s\n want %d: %s", c.src, se.Offset, se.Msg, c.offset, c.msg)
		}
	}
}

func TestSyntaxErrorText(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`X === 1`, `col 3: unknown operator "===" (want ==, !=, <, <=, >, >=)`},
		{`X == "한국" Y`, `col 11: unexpected "Y": expected "and", "or" or the end of the condition`},
		{"X == 1 and\n   Y", `line 2, col 5: missing operator after Y (want exists, not exists, ==, !=, <, <=, >, >=, like or not like)`},
	} {
		_, err := Parse(c.src)
		if err == nil || err.Error() != c.want {
			t.Errorf("Parse(%q) error = %v, want %s", c.src, err, c.want)
		}
	}
}

func TestDepthLimitAccepts100(t *testing.T) {
	src := strings.Repeat("(", 100) + "X exists" + strings.Repeat(")", 100)
	if _, err := Parse(src); err != nil {
		t.Fatalf("100 levels: %v", err)
	}
	src = strings.Repeat("not ", 100) + "X exists"
	e, err := Parse(src)
	if err != nil {
		t.Fatalf("100 nots: %v", err)
	}
	checkRoundTrip(t, src, e)
}

func TestString(t *testing.T) {
	for _, c := range parseCases {
		e, err := Parse(c.src)
		if err != nil {
			continue
		}
		if s, ok := e.(interface{ String() string }); !ok || s.String() != Format(e) {
			t.Errorf("%T.String() is not Format", e)
		}
	}
}
