package drivers

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Target is the Windows the drivers are for.
type Target struct {
	// Arch is amd64, x86 or arm64 ("x64" is accepted).
	Arch string
	// Version is the Windows version, e.g. "10.0.22631"; empty means the
	// newest (every decoration's version applies).
	Version string
	// ProductType is 1 (workstation), 2 (domain controller) or 3
	// (server); 0 = unknown (decorations with a product type apply).
	ProductType int
}

func normArch(a string) (string, error) {
	switch strings.ToLower(a) {
	case "amd64", "x64", "x86_64":
		return "amd64", nil
	case "x86", "i386", "386":
		return "x86", nil
	case "arm64", "aarch64":
		return "arm64", nil
	}
	return "", fmt.Errorf("architecture %q: use amd64, x86 or arm64", a)
}

// decoration is a parsed TargetOSVersion: NT[arch][.major[.minor[.type[.suite[.build]]]]].
type decoration struct {
	arch        string
	ver         [3]uint64 // major, minor, build
	hasType     bool
	productType int
	fields      int // how many version fields were given (specificity)
}

func parseDecoration(s string) (decoration, bool) {
	var d decoration
	low := strings.ToLower(strings.TrimSpace(s))
	if !strings.HasPrefix(low, "nt") {
		return d, false
	}
	parts := strings.Split(low[2:], ".")
	switch parts[0] {
	case "", "x86", "amd64", "arm64", "arm", "ia64":
		d.arch = parts[0]
	default:
		return d, false
	}
	num := func(i int) (uint64, bool, bool) { // value, present, ok
		if i >= len(parts) || parts[i] == "" {
			return 0, false, true
		}
		n, err := strconv.ParseUint(parts[i], 0, 32)
		return n, true, err == nil
	}
	for i, slot := range []int{1, 2} {
		n, present, ok := num(slot)
		if !ok {
			return d, false
		}
		if present {
			d.ver[i] = n
			d.fields++
		}
	}
	if n, present, ok := num(3); !ok {
		return d, false
	} else if present {
		d.hasType, d.productType = true, int(n)
		d.fields++
	}
	if _, _, ok := num(4); !ok { // suite mask: not used
		return d, false
	}
	if n, present, ok := num(5); !ok {
		return d, false
	} else if present {
		d.ver[2] = n
		d.fields++
	}
	return d, true
}

func parseTargetVersion(v string) ([3]uint64, bool) {
	var out [3]uint64
	if v == "" {
		return out, false
	}
	parts := strings.Split(v, ".")
	for i := 0; i < len(parts) && i < 4; i++ {
		n, err := strconv.ParseUint(parts[i], 10, 32)
		if err != nil {
			break
		}
		switch i {
		case 0, 1:
			out[i] = n
		case 2:
			out[2] = n
		}
	}
	return out, true
}

func lessVer(a, b [3]uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// ModelsSection returns the name of the models section Windows uses for
// the manufacturer on the target: the applicable decoration closest to
// the target version, else the undecorated section (x86 only: other
// architectures need a decoration). ok is false when none applies.
func (m Manufacturer) ModelsSection(t Target) (string, bool) {
	arch, err := normArch(t.Arch)
	if err != nil {
		return "", false
	}
	tv, known := parseTargetVersion(t.Version)
	best, bestDec := "", decoration{}
	found := false
	for _, raw := range m.Decorations {
		d, ok := parseDecoration(raw)
		if !ok {
			continue
		}
		if d.arch != arch && !(d.arch == "" && arch == "x86") {
			continue
		}
		if known && lessVer(tv, d.ver) {
			continue // for a newer Windows
		}
		if d.hasType && t.ProductType != 0 && d.productType != t.ProductType {
			continue
		}
		if !found || lessVer(bestDec.ver, d.ver) || (bestDec.ver == d.ver && d.fields > bestDec.fields) ||
			(bestDec.ver == d.ver && d.fields == bestDec.fields && bestDec.arch == "" && d.arch != "") {
			best, bestDec, found = raw, d, true
		}
	}
	if found {
		return m.Section + "." + best, true
	}
	if arch == "x86" {
		return m.Section, true
	}
	return "", false
}

// Driver is one device entry of an INF models section.
type Driver struct {
	INF            *INF
	Package        string // folder of the INF (the driver package)
	Manufacturer   string
	ModelsSection  string
	Description    string
	InstallSection string
	HardwareID     string   // the INF's hardware ID ("" if the entry has none)
	CompatibleIDs  []string // the INF's compatible IDs
	FeatureScore   int      // 0x00–0xFF, 0xFF when the INF does not say
	Line           int
}

// Drivers returns the device entries of the INF that apply to the target.
func (f *INF) Drivers(pkg string, t Target) []*Driver {
	arch, err := normArch(t.Arch)
	if err != nil {
		return nil
	}
	var out []*Driver
	seen := map[string]bool{}
	for _, m := range f.Manufacturers {
		sec, ok := m.ModelsSection(t)
		if !ok || seen[strings.ToLower(sec)] {
			continue
		}
		seen[strings.ToLower(sec)] = true
		for _, e := range f.sections[strings.ToLower(sec)] {
			if len(e.Values) == 0 {
				continue
			}
			d := &Driver{INF: f, Package: pkg, Manufacturer: m.Name, ModelsSection: sec,
				Description: e.Key, InstallSection: e.Values[0], Line: e.Line}
			ids := e.Values[1:]
			if len(ids) > 0 {
				d.HardwareID = strings.TrimSpace(ids[0])
				for _, c := range ids[1:] {
					if c = strings.TrimSpace(c); c != "" {
						d.CompatibleIDs = append(d.CompatibleIDs, c)
					}
				}
			}
			if d.HardwareID == "" && len(d.CompatibleIDs) == 0 {
				continue
			}
			d.FeatureScore = f.featureScore(d.InstallSection, arch)
			out = append(out, d)
		}
	}
	return out
}

// featureScore reads FeatureScore from the DDInstall section (the
// architecture-decorated one first).
func (f *INF) featureScore(install, arch string) int {
	for _, name := range []string{install + ".NT" + arch, install + ".NT", install} {
		if v := f.value(name, "FeatureScore"); v != "" {
			if n, err := strconv.ParseUint(strings.TrimSpace(v), 0, 8); err == nil {
				return int(n)
			}
		}
	}
	return 0xFF
}

// Date is the DriverVer date of the driver's INF.
func (d *Driver) Date() time.Time { return d.INF.DriverDate }
