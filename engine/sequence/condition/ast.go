// Package condition is the task sequence condition language: the text a
// step or group carries in its `condition` key, parsed into an AST,
// formatted back canonically, described in plain English, and evaluated
// against an Env.
//
// It covers every Configuration Manager condition type: if all / any / none
// (nested), task sequence variables, file and folder properties, registry
// settings, WMI queries, operating system version and language, and
// installed software. The grammar and examples are in docs/conditions.md.
//
// A condition in a TOML file is best written as a literal string, because
// strings in the condition language use double quotes and backslashes are
// not escape characters:
//
//	condition = '_SMSTSInWinPE == "false"'
//	condition = 'file("%windir%\System32\ntoskrnl.exe").version >= "10.0.19041"'
//
// Inside a condition string a double quote is written twice ("").
package condition

// Expr is a node of the condition AST. The concrete types are *Group,
// *VarTest, *FileTest, *FolderTest, *RegistryTest, *WMITest,
// *OSVersionTest, *OSPlatformTest, *OSLanguageTest and *SoftwareTest.
type Expr interface {
	isExpr()
}

// GroupOp is the operator of a Group: ConfigMgr's "If statement" with
// All, Any or None of the conditions true.
type GroupOp int

const (
	All  GroupOp = iota // every item is true (and)
	Any                 // at least one item is true (or)
	None                // no item is true (not)
)

// String returns "all", "any" or "none".
func (o GroupOp) String() string {
	switch o {
	case All:
		return "all"
	case Any:
		return "any"
	case None:
		return "none"
	}
	return "?"
}

// Group is an if statement: all(...), any(...), none(...), or the infix
// forms "a and b", "a or b" and "not a".
//
// Infix records which of the two spellings the text used, so that Format
// writes it back the same way; it does not change the meaning. An infix
// All or Any has at least two items, an infix None exactly one (Format
// falls back to the function form for other shapes).
type Group struct {
	Op    GroupOp
	Items []Expr
	Infix bool
}

// Op is a test operator.
type Op int

const (
	Exists    Op = iota // exists
	NotExists           // not exists
	Eq                  // ==
	Ne                  // !=
	Lt                  // <
	Le                  // <=
	Gt                  // >
	Ge                  // >=
	Like                // like
	NotLike             // not like
)

var opText = [...]string{
	Exists: "exists", NotExists: "not exists", Eq: "==", Ne: "!=",
	Lt: "<", Le: "<=", Gt: ">", Ge: ">=", Like: "like", NotLike: "not like",
}

var opWords = [...]string{
	Exists: "exists", NotExists: "does not exist", Eq: "equals", Ne: "does not equal",
	Lt: "is less than", Le: "is less than or equal to", Gt: "is greater than",
	Ge: "is greater than or equal to", Like: "is like", NotLike: "is not like",
}

// String returns the operator as written in the language, e.g. "==" or
// "not exists".
func (o Op) String() string {
	if o >= 0 && int(o) < len(opText) {
		return opText[o]
	}
	return "?"
}

// IsCompare reports whether o is one of ==, !=, <, <=, >, >=.
func (o Op) IsCompare() bool { return o >= Eq && o <= Ge }

// VarTest tests a task sequence variable:
//
//	NAME exists | NAME not exists | NAME op VALUE | NAME [not] like PATTERN
//
// Value is empty for Exists and NotExists.
type VarTest struct {
	Name  string
	Op    Op
	Value string
}

// Attr selects what a file or folder test looks at.
type Attr int

const (
	AttrExists  Attr = iota // the file or folder exists (Op is Exists or NotExists)
	AttrVersion             // the file's version resource (files only)
	AttrDate                // the last-modified time, UTC
)

// FileTest is ConfigMgr's "File properties" condition:
//
//	file("PATH") exists | file("PATH") not exists
//	file("PATH").version op "1.2.3.4"
//	file("PATH").date op "2024-01-31T00:00:00Z"
//
// Value is the version, or the date in RFC 3339 form in UTC (the parser
// normalises it). A version or date test is false when the file is missing.
type FileTest struct {
	Path  string
	Attr  Attr
	Op    Op
	Value string
}

// FolderTest is ConfigMgr's "Folder properties" condition:
//
//	folder("PATH") exists | folder("PATH") not exists
//	folder("PATH").date op "2024-01-31T00:00:00Z"
type FolderTest struct {
	Path  string
	Attr  Attr // AttrExists or AttrDate
	Op    Op
	Value string
}

// RegistryTest is ConfigMgr's "Registry setting" condition:
//
//	registry("HKLM\SOFTWARE\Key", "ValueName" [, REG_DWORD]) exists
//	registry("HKLM\SOFTWARE\Key", "ValueName") op "data"
//
// Value is the value name ("" for the key's default value). Type is empty
// when not given; it only matters for exists and not exists (the value
// must exist and have that type). Comparisons compare Data with the
// value's data, numerically when both are numbers.
type RegistryTest struct {
	Key   string
	Value string
	Type  string
	Op    Op
	Data  string
}

// WMITest is ConfigMgr's "Query WMI" condition, true when the query
// returns at least one row:
//
//	wmi("SELECT * FROM Win32_ComputerSystem WHERE ..." [, "root\cimv2"])
//
// Namespace is empty when not given, which means root\cimv2.
type WMITest struct {
	Query     string
	Namespace string
}

// DefaultNamespace is the WMI namespace used when a wmi() test names none.
const DefaultNamespace = `root\cimv2`

// OSVersionTest compares the running operating system's version:
//
//	os.version op "10.0.19041"
//
// Versions compare part by part as numbers.
type OSVersionTest struct {
	Op      Op // a comparison
	Version string
}

// OSPlatformTest is the platform-list style of ConfigMgr's "Operating
// system version" condition: true when the running OS is one of the
// listed platforms (see Platforms for the names).
//
//	os.platform in ("Windows 10 x64", "Windows 11 x64")
type OSPlatformTest struct {
	Platforms []string
}

// OSLanguageTest is ConfigMgr's "Operating system language" condition:
//
//	os.language == "ko-KR" | os.language != "ko-KR"
//	os.language in ("ko-KR", "en-US") | os.language not in (...)
type OSLanguageTest struct {
	Languages []string
	Negate    bool
}

// SoftwareTest is ConfigMgr's "Installed software" condition:
//
//	software(product: "{GUID}" [, version: "1.2.3"] [, name: "..."]) installed
//	software(upgrade: "{GUID}" [, name: "..."]) installed
//
// With a product code the product must be installed, in exactly Version
// when one is given ("Match this specific product"); with an upgrade code
// any version of the product family will do ("Match any version of this
// product"). Name is informational. GUIDs are stored as {UPPER-CASE}.
type SoftwareTest struct {
	ProductCode string
	UpgradeCode string
	Version     string
	Name        string
}

func (*Group) isExpr()          {}
func (*VarTest) isExpr()        {}
func (*FileTest) isExpr()       {}
func (*FolderTest) isExpr()     {}
func (*RegistryTest) isExpr()   {}
func (*WMITest) isExpr()        {}
func (*OSVersionTest) isExpr()  {}
func (*OSPlatformTest) isExpr() {}
func (*OSLanguageTest) isExpr() {}
func (*SoftwareTest) isExpr()   {}

// RegistryTypes lists the registry value types a registry test may name.
var RegistryTypes = []string{"REG_SZ", "REG_EXPAND_SZ", "REG_DWORD", "REG_MULTI_SZ", "REG_BINARY", "REG_QWORD", "REG_NONE"}

// Platform is an entry of the platform list of os.platform.
type Platform struct {
	Name     string // as written in conditions, e.g. "Windows 11 x64"
	Arch     string // x86, x64 or arm64
	Server   bool   // Windows Server (product type 2 or 3) rather than a client
	MinBuild int    // the first build of the platform (10.0.MinBuild)
	MaxBuild int    // the last build, or 0 for no upper bound
}

// Platforms is the platform list of os.platform, in the order the docs
// show it. Client and server editions that share a build number are told
// apart by the product type.
var Platforms = []Platform{
	{"Windows 10 x86", "x86", false, 10240, 21999},
	{"Windows 10 x64", "x64", false, 10240, 21999},
	{"Windows 10 arm64", "arm64", false, 10240, 21999},
	{"Windows 11 x64", "x64", false, 22000, 0},
	{"Windows 11 arm64", "arm64", false, 22000, 0},
	{"Windows Server 2016", "x64", true, 14393, 14393},
	{"Windows Server 2019", "x64", true, 17763, 17763},
	{"Windows Server 2022", "x64", true, 20348, 20348},
	{"Windows Server 2025", "x64", true, 26100, 26100},
}
