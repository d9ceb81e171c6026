package condition

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Env answers what a condition asks about the machine. The engine's
// Windows platform answers from the live system; SimEnv answers from
// declared facts (tests, `refimage plan`).
type Env interface {
	// Var returns a task sequence variable; the lookup is
	// case-insensitive. A variable whose value is "" does not exist (in
	// ConfigMgr setting a variable to "" deletes it).
	Var(name string) (string, bool)
	// FileInfo describes a file; a missing file is FileInfo{Exists: false}
	// with a nil error.
	FileInfo(path string) (FileInfo, error)
	// FolderInfo describes a folder; a missing folder is
	// FolderInfo{Exists: false} with a nil error.
	FolderInfo(path string) (FolderInfo, error)
	// Registry reads a registry value; key starts with a root key (HKLM\,
	// HKEY_LOCAL_MACHINE\, ...), value "" is the key's default value. A
	// missing key or value is RegValue{Exists: false} with a nil error.
	Registry(key, value string) (RegValue, error)
	// WMI runs a WQL query and returns how many rows it gave.
	WMI(namespace, query string) (rows int, err error)
	// OSVersion returns the running OS version, e.g. "10.0.19045".
	OSVersion() (string, error)
	// OSLanguage returns the OS UI language as a name, e.g. "ko-KR".
	OSLanguage() (string, error)
	// Software returns the installed products whose product code is
	// productCode, or, when productCode is "", whose upgrade code is
	// upgradeCode. Codes are GUIDs in braces.
	Software(productCode, upgradeCode string) ([]Installed, error)
}

// PlatformEnv is implemented by an Env that can say the OS architecture
// (x86, x64 or arm64) and whether it is a server edition. os.platform
// tests use it when the Env has it, and otherwise ask WMI
// (Win32_Processor and Win32_OperatingSystem) as ConfigMgr does.
type PlatformEnv interface {
	OSPlatform() (arch string, server bool, err error)
}

// FileInfo is what a file test needs to know about a file.
type FileInfo struct {
	Exists   bool
	Version  string    // the file version resource, e.g. "10.0.19041.1"; "" when it has none
	Modified time.Time // last write time
}

// FolderInfo is what a folder test needs to know about a folder.
type FolderInfo struct {
	Exists   bool
	Modified time.Time // last write time
}

// RegValue is a registry value as a registry test sees it.
type RegValue struct {
	Exists bool
	Type   string // REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_MULTI_SZ, REG_BINARY, REG_QWORD or REG_NONE
	// Data is the value as text: strings as stored (REG_EXPAND_SZ not
	// expanded), REG_DWORD and REG_QWORD in decimal, REG_BINARY as lower
	// case hex digits, REG_NONE empty.
	Data string
	// Multi holds the strings of a REG_MULTI_SZ value; a comparison is
	// true when it holds for any of them.
	Multi []string
}

// Installed is an installed product (an MSI product as Windows Installer
// knows it).
type Installed struct {
	ProductCode string // {GUID}
	UpgradeCode string // {GUID}
	Name        string
	Version     string
}

// ErrUnknown is returned (wrapped) when an Env cannot answer a question,
// e.g. a SimEnv asked about a file nobody declared.
var ErrUnknown = errors.New("unknown")

// Result is the outcome of Evaluate: the value, and why.
type Result struct {
	Value bool
	// Reason says in plain English what decided the value, from the
	// machine's point of view, e.g. `_SMSTSInWinPE equals "true"`, so a
	// caller can write "skipped because " + Reason.
	Reason string
	// Tests are the tests (leaves of the AST) that decided the value, in
	// order.
	Tests []Expr
}

// Eval evaluates e against env.
func Eval(e Expr, env Env) (bool, error) {
	r, err := Evaluate(e, env)
	return r.Value, err
}

// Evaluate evaluates e against env and says why it came out as it did.
// Groups short-circuit like ConfigMgr's if statements: all() stops at the
// first false item, any() and none() at the first true one, so an
// unanswerable test after a deciding one is never asked. An error from
// the Env is returned wrapped with the test it came from.
func Evaluate(e Expr, env Env) (Result, error) {
	switch x := e.(type) {
	case *Group:
		return evalGroup(x, env)
	case nil:
		return Result{}, errors.New("condition: nil expression")
	}
	v, reason, err := evalTest(e, env)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", Format(e), err)
	}
	return Result{Value: v, Reason: reason, Tests: []Expr{e}}, nil
}

func evalGroup(g *Group, env Env) (Result, error) {
	if len(g.Items) == 0 {
		return Result{}, fmt.Errorf("condition: %s() with no conditions", g.Op)
	}
	// stopOn is the item value that decides the group.
	stopOn := g.Op != All
	var all []Result
	for _, it := range g.Items {
		r, err := Evaluate(it, env)
		if err != nil {
			return Result{}, err
		}
		if r.Value == stopOn {
			// all: a false item makes it false; any: a true item makes it
			// true; none: a true item makes it false.
			return Result{Value: g.Op == Any, Reason: r.Reason, Tests: r.Tests}, nil
		}
		all = append(all, r)
	}
	out := Result{Value: g.Op != Any}
	reasons := make([]string, len(all))
	for i, r := range all {
		reasons[i] = r.Reason
		out.Tests = append(out.Tests, r.Tests...)
	}
	out.Reason = strings.Join(reasons, " and ")
	return out, nil
}

func evalTest(e Expr, env Env) (bool, string, error) {
	switch x := e.(type) {
	case *VarTest:
		return evalVar(x, env)
	case *FileTest:
		path := Expand(x.Path, env)
		fi, err := env.FileInfo(path)
		if err != nil {
			return false, "", err
		}
		subject := "the file " + Quote(path)
		return evalPathTest(subject, fi.Exists, x.Attr, x.Op, x.Value, fi.Version, fi.Modified)
	case *FolderTest:
		path := Expand(x.Path, env)
		fi, err := env.FolderInfo(path)
		if err != nil {
			return false, "", err
		}
		subject := "the folder " + Quote(path)
		return evalPathTest(subject, fi.Exists, x.Attr, x.Op, x.Value, "", fi.Modified)
	case *RegistryTest:
		return evalRegistry(x, env)
	case *WMITest:
		ns := x.Namespace
		if ns == "" {
			ns = DefaultNamespace
		}
		ns = Expand(ns, env)
		q := Expand(x.Query, env)
		n, err := env.WMI(ns, q)
		if err != nil {
			return false, "", err
		}
		rows := "rows"
		if n == 1 {
			rows = "row"
		}
		return n > 0, fmt.Sprintf("the WMI query %s returned %d %s", Quote(q), n, rows), nil
	case *OSVersionTest:
		ver, err := env.OSVersion()
		if err != nil {
			return false, "", err
		}
		c, ok := compareVersions(ver, x.Version)
		if !ok {
			return false, "", fmt.Errorf("operating system version %q is not a version", ver)
		}
		return opHolds(x.Op, c), "the operating system version is " + ver, nil
	case *OSPlatformTest:
		return evalPlatform(x, env)
	case *OSLanguageTest:
		lang, err := env.OSLanguage()
		if err != nil {
			return false, "", err
		}
		in := false
		for _, l := range x.Languages {
			if strings.EqualFold(l, lang) {
				in = true
			}
		}
		return in != x.Negate, "the operating system language is " + lang, nil
	case *SoftwareTest:
		return evalSoftware(x, env)
	}
	return false, "", fmt.Errorf("condition: unknown expression %T", e)
}

// UnknownVarEnv is implemented by an Env that knows some variables get
// their value only when the run gets there (refimage plan: a command's
// output variable, the machine's name): a test of such a variable is
// unknown (ErrUnknown), not a test of a missing variable.
type UnknownVarEnv interface {
	VarUnknown(name string) bool
}

func evalVar(x *VarTest, env Env) (bool, string, error) {
	if u, ok := env.(UnknownVarEnv); ok && u.VarUnknown(x.Name) {
		return false, "", fmt.Errorf("%w: %s gets its value only when the run gets there", ErrUnknown, x.Name)
	}
	val, ok := env.Var(x.Name)
	exists := ok && val != ""
	reason := x.Name + " does not exist"
	if exists {
		reason = x.Name + " equals " + Quote(val)
	}
	switch x.Op {
	case Exists:
		if exists {
			reason = x.Name + " exists"
		}
		return exists, reason, nil
	case NotExists:
		if exists {
			reason = x.Name + " exists"
		}
		return !exists, reason, nil
	case Like, NotLike:
		// A missing variable compares as "".
		m := Match(x.Value, val)
		return m == (x.Op == Like), reason, nil
	}
	want := Expand(x.Value, env)
	return opHolds(x.Op, CompareValues(val, want)), reason, nil
}

func evalPathTest(subject string, exists bool, attr Attr, op Op, value, version string, mod time.Time) (bool, string, error) {
	if !exists {
		return op == NotExists && attr == AttrExists, subject + " does not exist", nil
	}
	switch attr {
	case AttrVersion:
		if version == "" {
			return false, subject + " has no version", nil
		}
		c, ok := compareVersions(version, value)
		if !ok {
			return false, subject + " has version " + Quote(version) + ", which is not a number", nil
		}
		return opHolds(op, c), subject + " has version " + version, nil
	case AttrDate:
		want, err := time.Parse(time.RFC3339Nano, value)
		if err != nil {
			return false, "", fmt.Errorf("bad date %q: %v", value, err)
		}
		got := mod.UTC()
		if want.Nanosecond() == 0 {
			got = got.Truncate(time.Second)
		}
		return opHolds(op, got.Compare(want)), subject + " was last modified " + got.Format(time.RFC3339Nano), nil
	}
	return op == Exists, subject + " exists", nil
}

func regSubject(x *RegistryTest, key, value string) string {
	if value == "" {
		return "the default value of the registry key " + key
	}
	return "the registry value " + Quote(value) + " in " + key
}

func evalRegistry(x *RegistryTest, env Env) (bool, string, error) {
	key, value := Expand(x.Key, env), Expand(x.Value, env)
	rv, err := env.Registry(key, value)
	if err != nil {
		return false, "", err
	}
	subject := regSubject(x, key, value)
	if !rv.Exists {
		return x.Op == NotExists, subject + " does not exist", nil
	}
	if x.Op == Exists || x.Op == NotExists {
		exists := x.Type == "" || strings.EqualFold(x.Type, rv.Type)
		reason := subject + " exists"
		if rv.Type != "" {
			reason += " as " + rv.Type
		}
		return exists == (x.Op == Exists), reason, nil
	}
	want := Expand(x.Data, env)
	if strings.EqualFold(rv.Type, "REG_MULTI_SZ") {
		quoted := make([]string, len(rv.Multi))
		anyHolds := false
		for i, s := range rv.Multi {
			quoted[i] = Quote(s)
			if opHolds(x.Op, CompareValues(s, want)) {
				anyHolds = true
			}
		}
		reason := subject + " holds " + strings.Join(quoted, ", ")
		if len(rv.Multi) == 0 {
			reason = subject + " is an empty list"
		}
		if x.Op == Ne {
			// != means: no string equals.
			for _, s := range rv.Multi {
				if CompareValues(s, want) == 0 {
					return false, reason, nil
				}
			}
			return true, reason, nil
		}
		return anyHolds, reason, nil
	}
	return opHolds(x.Op, CompareValues(rv.Data, want)), subject + " is " + formatValue(rv.Data), nil
}

func evalPlatform(x *OSPlatformTest, env Env) (bool, string, error) {
	ver, err := env.OSVersion()
	if err != nil {
		return false, "", err
	}
	var arch string
	var server bool
	if pe, ok := env.(PlatformEnv); ok {
		arch, server, err = pe.OSPlatform()
	} else {
		arch, server, err = platformByWMI(env)
	}
	if err != nil {
		return false, "", err
	}
	build := buildNumber(ver)
	var here string
	for _, pl := range Platforms {
		if pl.matches(ver, build, arch, server) {
			here = pl.Name
		}
	}
	kind := "client"
	if server {
		kind = "server"
	}
	reason := fmt.Sprintf("the operating system is %s %s (%s)", ver, arch, kind)
	if here != "" {
		reason = fmt.Sprintf("the operating system is %s (%s)", here, ver)
	}
	for _, name := range x.Platforms {
		for _, pl := range Platforms {
			if pl.Name == name && pl.matches(ver, build, arch, server) {
				return true, reason, nil
			}
		}
	}
	return false, reason, nil
}

func (pl Platform) matches(ver string, build int, arch string, server bool) bool {
	if !strings.HasPrefix(ver, "10.0.") || build < 0 {
		return false
	}
	return strings.EqualFold(pl.Arch, arch) && pl.Server == server &&
		build >= pl.MinBuild && (pl.MaxBuild == 0 || build <= pl.MaxBuild)
}

// buildNumber returns the third part of a version, or -1.
func buildNumber(ver string) int {
	parts := strings.Split(versionPrefix(ver), ".")
	if len(parts) < 3 {
		return -1
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil {
		return -1
	}
	return n
}

// The WQL that tells the platform apart when the Env has no PlatformEnv.
const (
	wqlARM64  = "SELECT * FROM Win32_Processor WHERE Architecture = 12"
	wql64Bit  = "SELECT * FROM Win32_Processor WHERE AddressWidth = 64"
	wqlServer = "SELECT * FROM Win32_OperatingSystem WHERE ProductType <> 1"
)

func platformByWMI(env Env) (string, bool, error) {
	arch := "x86"
	n, err := env.WMI(DefaultNamespace, wqlARM64)
	if err != nil {
		return "", false, err
	}
	if n > 0 {
		arch = "arm64"
	} else {
		n, err = env.WMI(DefaultNamespace, wql64Bit)
		if err != nil {
			return "", false, err
		}
		if n > 0 {
			arch = "x64"
		}
	}
	n, err = env.WMI(DefaultNamespace, wqlServer)
	if err != nil {
		return "", false, err
	}
	return arch, n > 0, nil
}

func evalSoftware(x *SoftwareTest, env Env) (bool, string, error) {
	list, err := env.Software(x.ProductCode, x.UpgradeCode)
	if err != nil {
		return false, "", err
	}
	name := ""
	if x.Name != "" {
		name = " (" + x.Name + ")"
	}
	if x.ProductCode != "" {
		var versions []string
		for _, in := range list {
			if !sameGUID(in.ProductCode, x.ProductCode) {
				continue
			}
			if x.Version == "" || sameVersion(in.Version, x.Version) {
				return true, "the product " + x.ProductCode + name + " is installed in version " + in.Version, nil
			}
			versions = append(versions, in.Version)
		}
		if len(versions) > 0 {
			return false, "the product " + x.ProductCode + name + " is installed in version " + strings.Join(versions, ", ") + ", not " + x.Version, nil
		}
		return false, "the product " + x.ProductCode + name + " is not installed", nil
	}
	for _, in := range list {
		if sameGUID(in.UpgradeCode, x.UpgradeCode) {
			return true, "the product family " + x.UpgradeCode + name + " is installed in version " + in.Version, nil
		}
	}
	return false, "no product of the family " + x.UpgradeCode + name + " is installed", nil
}

func sameGUID(a, b string) bool {
	return strings.EqualFold(strings.Trim(a, "{} "), strings.Trim(b, "{} "))
}

func sameVersion(a, b string) bool {
	if c, ok := compareVersions(a, b); ok {
		return c == 0
	}
	return strings.EqualFold(a, b)
}

func opHolds(op Op, c int) bool {
	switch op {
	case Eq:
		return c == 0
	case Ne:
		return c != 0
	case Lt:
		return c < 0
	case Le:
		return c <= 0
	case Gt:
		return c > 0
	case Ge:
		return c >= 0
	}
	return false
}

// CompareValues compares two values as a variable test does: as numbers
// when both are decimal numbers (so "10" > "9" and "010" == "10"),
// otherwise as strings, case-insensitively. It returns -1, 0 or +1.
func CompareValues(a, b string) int {
	if na, ok := parseDecimal(a); ok {
		if nb, ok := parseDecimal(b); ok {
			return na.cmp(nb)
		}
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// decimal is an exact decimal number: sign, integer digits without
// leading zeros, fraction digits without trailing zeros.
type decimal struct {
	neg        bool
	intd, frac string
}

func parseDecimal(s string) (decimal, bool) {
	s = strings.TrimSpace(s)
	var d decimal
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	i, f, hasDot := strings.Cut(s, ".")
	if i == "" || hasDot && f == "" {
		return d, false
	}
	for _, part := range []string{i, f} {
		for j := 0; j < len(part); j++ {
			if !isDigit(part[j]) {
				return d, false
			}
		}
	}
	d.intd = strings.TrimLeft(i, "0")
	d.frac = strings.TrimRight(f, "0")
	if d.intd == "" && d.frac == "" {
		d.neg = false // -0 == 0
	}
	return d, true
}

func (a decimal) cmp(b decimal) int {
	if a.neg != b.neg {
		if a.neg {
			return -1
		}
		return 1
	}
	c := cmpDigits(a.intd, b.intd)
	if c == 0 {
		c = strings.Compare(a.frac, b.frac) // same scale after padding: lexical works for fractions
	}
	if a.neg {
		return -c
	}
	return c
}

// cmpDigits compares two digit strings without leading zeros as numbers.
func cmpDigits(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// versionPrefix returns the leading dotted-number part of a version
// string such as "10.0.19041.1 (WinBuild.160101.0800)".
func versionPrefix(s string) string {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.' && i+1 < len(s) && isDigit(s[i+1]) && i > 0) {
		i++
	}
	return s[:i]
}

// compareVersions compares dotted versions part by part as numbers, a
// missing part counting as 0 ("10.0" == "10.0.0"). ok is false when
// either has no leading number.
func compareVersions(a, b string) (int, bool) {
	pa, pb := versionPrefix(a), versionPrefix(b)
	if pa == "" || pb == "" {
		return 0, false
	}
	as, bs := strings.Split(pa, "."), strings.Split(pb, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		x, y := "", ""
		if i < len(as) {
			x = strings.TrimLeft(as[i], "0")
		}
		if i < len(bs) {
			y = strings.TrimLeft(bs[i], "0")
		}
		if c := cmpDigits(x, y); c != 0 {
			return c, true
		}
	}
	return 0, true
}

// Match reports whether s matches the like pattern, case-insensitively:
// * and % match any run of characters (also none); every other character
// matches itself.
func Match(pattern, s string) bool {
	p := []rune(strings.ToLower(pattern))
	r := []rune(strings.ToLower(s))
	// Greedy matching with backtracking to the last star: linear in
	// practice, O(len(p)*len(r)) at worst.
	pi, ri := 0, 0
	star, mark := -1, 0
	for ri < len(r) {
		switch {
		case pi < len(p) && (p[pi] == '*' || p[pi] == '%'):
			star, mark = pi, ri
			pi++
		case pi < len(p) && p[pi] == r[ri]:
			pi++
			ri++
		case star >= 0:
			pi = star + 1
			mark++
			ri = mark
		default:
			return false
		}
	}
	for pi < len(p) && (p[pi] == '*' || p[pi] == '%') {
		pi++
	}
	return pi == len(p)
}

// Expand replaces each %NAME% in s by the value of the task sequence
// variable NAME. A reference to a variable that does not exist stays as
// written, as in ConfigMgr (so a WQL pattern like '%Virtual%' survives).
func Expand(s string, env Env) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			b.WriteString(s[i:])
			return b.String()
		}
		name := s[i+1 : i+1+j]
		if validVarName(name) {
			if val, ok := env.Var(name); ok && val != "" {
				b.WriteString(val)
				s = s[i+j+2:]
				continue
			}
		}
		b.WriteByte('%')
		s = s[i+1:]
	}
}
