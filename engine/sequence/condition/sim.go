package condition

import (
	"fmt"
	"strings"
)

// SimEnv is a simulated Env backed by maps, for tests and for
// `refimage plan`. Everything it is not told is unknown: a question about
// an undeclared file, folder, registry value, WMI query, the OS or
// software returns an error wrapping ErrUnknown. Variables are the
// exception: an undeclared variable simply does not exist, as on a real
// machine.
//
// Names, paths, registry keys, WMI queries and namespaces are looked up
// case-insensitively; registry root keys may be written short or long
// (HKLM or HKEY_LOCAL_MACHINE) and WMI queries with any spacing.
//
// The zero value is ready to use; the Set methods create the maps.
type SimEnv struct {
	Vars    map[string]string     // task sequence variables
	Files   map[string]FileInfo   // by path; Exists false declares a missing file
	Folders map[string]FolderInfo // by path; Exists false declares a missing folder
	// RegValues is keyed by RegKey(key, value); Exists false declares a
	// missing value.
	RegValues map[string]RegValue
	// WMIRows is keyed by WMIKey(namespace, query): how many rows the
	// query returns.
	WMIRows map[string]int

	Version  string // OS version, e.g. "10.0.22631"; "" is unknown
	Language string // OS language, e.g. "ko-KR"; "" is unknown
	Arch     string // x86, x64 or arm64; "" is unknown
	Server   bool   // a server edition

	// Installed lists the installed products; SoftwareKnown says the list
	// is complete (otherwise software tests are unknown).
	Installed     []Installed
	SoftwareKnown bool
}

// SetVar sets a variable.
func (s *SimEnv) SetVar(name, value string) {
	if s.Vars == nil {
		s.Vars = map[string]string{}
	}
	for k := range s.Vars {
		if strings.EqualFold(k, name) {
			delete(s.Vars, k)
		}
	}
	s.Vars[name] = value
}

// SetFile declares a file.
func (s *SimEnv) SetFile(path string, fi FileInfo) {
	if s.Files == nil {
		s.Files = map[string]FileInfo{}
	}
	s.Files[path] = fi
}

// SetFolder declares a folder.
func (s *SimEnv) SetFolder(path string, fi FolderInfo) {
	if s.Folders == nil {
		s.Folders = map[string]FolderInfo{}
	}
	s.Folders[path] = fi
}

// SetRegistry declares a registry value.
func (s *SimEnv) SetRegistry(key, value string, v RegValue) {
	if s.RegValues == nil {
		s.RegValues = map[string]RegValue{}
	}
	s.RegValues[RegKey(key, value)] = v
}

// SetWMI declares how many rows a query returns ("" namespace means
// root\cimv2).
func (s *SimEnv) SetWMI(namespace, query string, rows int) {
	if s.WMIRows == nil {
		s.WMIRows = map[string]int{}
	}
	s.WMIRows[WMIKey(namespace, query)] = rows
}

var hiveShort = map[string]string{
	"HKEY_LOCAL_MACHINE": "HKLM", "HKEY_CURRENT_USER": "HKCU", "HKEY_CLASSES_ROOT": "HKCR",
	"HKEY_USERS": "HKU", "HKEY_CURRENT_CONFIG": "HKCC",
}

// RegKey is the SimEnv.RegValues key of a registry value: the key with
// a short root key, upper case, no trailing backslash, then "|" and the
// value name in upper case.
func RegKey(key, value string) string {
	key = strings.ToUpper(strings.TrimRight(strings.TrimSpace(key), `\`))
	h, rest, _ := strings.Cut(key, `\`)
	if s, ok := hiveShort[h]; ok {
		h = s
	}
	if rest != "" {
		h += `\` + rest
	}
	return h + "|" + strings.ToUpper(value)
}

// WMIKey is the SimEnv.WMIRows key of a query: the namespace (root\cimv2
// when empty) and the query with spaces collapsed, in upper case.
func WMIKey(namespace, query string) string {
	if strings.TrimSpace(namespace) == "" {
		namespace = DefaultNamespace
	}
	return strings.ToUpper(strings.TrimSpace(namespace)) + "|" + strings.ToUpper(strings.Join(strings.Fields(query), " "))
}

func lookup[V any](m map[string]V, k string) (V, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

func unknown(format string, args ...any) error {
	return fmt.Errorf("%w: the simulated environment has no answer for "+format, append([]any{ErrUnknown}, args...)...)
}

// Var implements Env.
func (s *SimEnv) Var(name string) (string, bool) { return lookup(s.Vars, name) }

// FileInfo implements Env.
func (s *SimEnv) FileInfo(path string) (FileInfo, error) {
	if fi, ok := lookup(s.Files, path); ok {
		return fi, nil
	}
	return FileInfo{}, unknown("the file %s", Quote(path))
}

// FolderInfo implements Env.
func (s *SimEnv) FolderInfo(path string) (FolderInfo, error) {
	if fi, ok := lookup(s.Folders, strings.TrimRight(path, `\/`)); ok {
		return fi, nil
	}
	if fi, ok := lookup(s.Folders, path); ok {
		return fi, nil
	}
	return FolderInfo{}, unknown("the folder %s", Quote(path))
}

// Registry implements Env.
func (s *SimEnv) Registry(key, value string) (RegValue, error) {
	k := RegKey(key, value)
	for mk, v := range s.RegValues {
		if mk == k {
			return v, nil
		}
		if mkey, mval, ok := strings.Cut(mk, "|"); ok && RegKey(mkey, mval) == k {
			return v, nil
		}
	}
	return RegValue{}, unknown("the registry value %s in %s", Quote(value), key)
}

// WMI implements Env.
func (s *SimEnv) WMI(namespace, query string) (int, error) {
	k := WMIKey(namespace, query)
	for mk, n := range s.WMIRows {
		if mk == k {
			return n, nil
		}
		if mns, mq, ok := strings.Cut(mk, "|"); ok && WMIKey(mns, mq) == k {
			return n, nil
		}
	}
	return 0, unknown("the WMI query %s", Quote(query))
}

// OSVersion implements Env.
func (s *SimEnv) OSVersion() (string, error) {
	if s.Version == "" {
		return "", unknown("the operating system version")
	}
	return s.Version, nil
}

// OSLanguage implements Env.
func (s *SimEnv) OSLanguage() (string, error) {
	if s.Language == "" {
		return "", unknown("the operating system language")
	}
	return s.Language, nil
}

// OSPlatform implements PlatformEnv.
func (s *SimEnv) OSPlatform() (string, bool, error) {
	if s.Arch == "" {
		return "", false, unknown("the operating system architecture")
	}
	return s.Arch, s.Server, nil
}

// Software implements Env.
func (s *SimEnv) Software(productCode, upgradeCode string) ([]Installed, error) {
	if !s.SoftwareKnown {
		return nil, unknown("installed software")
	}
	var out []Installed
	for _, in := range s.Installed {
		if productCode != "" && sameGUID(in.ProductCode, productCode) ||
			productCode == "" && sameGUID(in.UpgradeCode, upgradeCode) {
			out = append(out, in)
		}
	}
	return out, nil
}
