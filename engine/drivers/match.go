package drivers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Store is a set of parsed INF files, usually every INF under a driver
// source folder.
type Store struct {
	INFs []*INF
	pkg  map[*INF]string
}

// Add puts a parsed INF into the store; pkg is its driver package
// (folder).
func (s *Store) Add(f *INF, pkg string) {
	if s.pkg == nil {
		s.pkg = map[*INF]string{}
	}
	s.INFs = append(s.INFs, f)
	s.pkg[f] = pkg
}

// Package returns the driver package folder of an INF of the store.
func (s *Store) Package(f *INF) string { return s.pkg[f] }

// LoadFS parses every *.inf file under root in fsys (a driver source
// folder). A file that does not parse is reported and skipped; the other
// files are still loaded. Packages are the INF files' folders,
// slash-separated and relative to fsys.
func LoadFS(fsys fs.FS, root string) (*Store, []error) {
	s := &Store{}
	var errs []error
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, err)
			if d != nil && d.IsDir() && p != root {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.EqualFold(path.Ext(p), ".inf") {
			return nil
		}
		if info, err := d.Info(); err == nil && info.Size() > MaxINFSize {
			errs = append(errs, fmt.Errorf("%s: larger than %d bytes", p, MaxINFSize))
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		f, err := ParseINF(p, data)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		s.Add(f, path.Dir(p))
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return s, errs
}

// Device is a device of the machine: its hardware IDs and compatible IDs,
// most specific first, as Plug and Play reports them.
type Device struct {
	HardwareIDs   []string
	CompatibleIDs []string
	Description   string
	Line          int // line in the device list (0 when not from a file)
}

// Name is the device's description, or its first ID.
func (d Device) Name() string {
	switch {
	case d.Description != "":
		return d.Description
	case len(d.HardwareIDs) > 0:
		return d.HardwareIDs[0]
	case len(d.CompatibleIDs) > 0:
		return d.CompatibleIDs[0]
	}
	return "(no IDs)"
}

// ParseDeviceList reads the offline device list (docs/drivers.md): one
// device per line, HardwareIDs|CompatibleIDs|Description, IDs separated
// by commas, the last two fields optional; # starts a comment line.
func ParseDeviceList(data []byte) ([]Device, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		s, _ := decodeUTF16(data[2:], data[0] == 0xFE)
		data = []byte(s)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	var out []Device
	var errs []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxLineLength)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.SplitN(line, "|", 3)
		d := Device{Line: n, HardwareIDs: splitIDs(fields[0])}
		if len(fields) > 1 {
			d.CompatibleIDs = splitIDs(fields[1])
		}
		if len(fields) > 2 {
			d.Description = strings.TrimSpace(fields[2])
		}
		if len(d.HardwareIDs)+len(d.CompatibleIDs) == 0 {
			errs = append(errs, fmt.Sprintf("line %d: a device needs at least one hardware or compatible ID", n))
			continue
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("device list: %w", err)
	}
	if len(errs) > 0 {
		return out, errors.New("device list: " + strings.Join(errs, "; "))
	}
	return out, nil
}

func splitIDs(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// MatchKind is how a device ID met an INF ID, best first.
type MatchKind int

const (
	HardwareToHardware     MatchKind = iota // device hardware ID = INF hardware ID
	HardwareToCompatible                    // device hardware ID = INF compatible ID
	CompatibleToHardware                    // device compatible ID = INF hardware ID
	CompatibleToCompatible                  // device compatible ID = INF compatible ID
)

func (k MatchKind) String() string {
	return [...]string{"hardware ID match", "hardware ID to INF compatible ID", "compatible ID to INF hardware ID", "compatible ID match"}[k]
}

// Options choose how drivers are matched.
type Options struct {
	Target Target
	// BestMatch keeps one driver per device (Install only the best
	// matched compatible drivers); false keeps every compatible driver.
	BestMatch bool
	// Categories limit matching to drivers of these classes (class name,
	// e.g. "Net", or ClassGuid), any of them; empty = all classes.
	Categories []string
	// ExcludeUnsigned leaves out INFs that name no catalog file.
	ExcludeUnsigned bool
}

// Match is a driver chosen for a device.
type Match struct {
	Device   Device
	Driver   *Driver
	Kind     MatchKind
	DeviceID string // the device's ID that matched
	INFID    string // the INF's ID that matched
	// Rank is Windows' driver rank 0xSSGGTHHH: signature score (0 with a
	// catalog, 0xFF without), feature score, match type, position in the
	// device's and the INF's ID lists. Lower is better.
	Rank   uint32
	Reason string
}

// Package is a driver package (folder) to stage, with why.
type Package struct {
	Dir     string
	INFs    []string // INF paths of the package that were chosen
	Reasons []string // one line per device it serves
}

// Result is the outcome of matching.
type Result struct {
	Matches   []Match
	Packages  []Package // sorted by folder
	Unmatched []Device  // devices no driver was found for
	// Excluded says which candidate drivers were left out by the
	// category or signature limits.
	Excluded []string
}

// Match matches the devices against the store.
func (s *Store) Match(devices []Device, opt Options) (*Result, error) {
	if _, err := normArch(opt.Target.Arch); err != nil {
		return nil, err
	}
	cats := map[string]bool{}
	for _, c := range opt.Categories {
		if c = strings.TrimSpace(c); c != "" {
			cats[strings.ToUpper(strings.Trim(c, "{}"))] = true
		}
	}
	// index: upper-case ID → drivers with the ID's position in their entry
	type ref struct {
		d   *Driver
		pos int // 0 = the INF hardware ID, 1.. = compatible IDs
	}
	index := map[string][]ref{}
	res := &Result{}
	excluded := map[string]bool{}
	for _, f := range s.INFs {
		var why string
		switch {
		case len(cats) > 0 && !cats[strings.ToUpper(f.Class)] && !cats[strings.ToUpper(strings.Trim(f.ClassGUID, "{}"))]:
			why = fmt.Sprintf("%s: class %s is not among the selected categories", f.Path, classOf(f))
		case opt.ExcludeUnsigned && !f.Signed():
			why = fmt.Sprintf("%s: no catalog file (unsigned)", f.Path)
		}
		for _, d := range f.Drivers(s.pkg[f], opt.Target) {
			if why != "" {
				if !excluded[why] {
					excluded[why] = true
					res.Excluded = append(res.Excluded, why)
				}
				break
			}
			if d.HardwareID != "" {
				k := strings.ToUpper(d.HardwareID)
				index[k] = append(index[k], ref{d, 0})
			}
			for i, c := range d.CompatibleIDs {
				k := strings.ToUpper(c)
				index[k] = append(index[k], ref{d, i + 1})
			}
		}
	}

	for _, dev := range devices {
		var cands []Match
		try := func(ids []string, compat bool) {
			for devPos, id := range ids {
				for _, r := range index[strings.ToUpper(id)] {
					kind := HardwareToHardware
					switch {
					case !compat && r.pos > 0:
						kind = HardwareToCompatible
					case compat && r.pos == 0:
						kind = CompatibleToHardware
					case compat && r.pos > 0:
						kind = CompatibleToCompatible
					}
					infID := r.d.HardwareID
					if r.pos > 0 {
						infID = r.d.CompatibleIDs[r.pos-1]
					}
					cands = append(cands, Match{Device: dev, Driver: r.d, Kind: kind, DeviceID: id, INFID: infID,
						Rank: rank(r.d, kind, devPos, r.pos)})
				}
			}
		}
		try(dev.HardwareIDs, false)
		try(dev.CompatibleIDs, true)
		if len(cands) == 0 {
			res.Unmatched = append(res.Unmatched, dev)
			continue
		}
		sort.SliceStable(cands, func(i, j int) bool { return better(cands[i], cands[j]) })
		// one entry per driver (its best match), then one per INF
		seen := map[*INF]bool{}
		for _, c := range cands {
			if seen[c.Driver.INF] {
				continue
			}
			seen[c.Driver.INF] = true
			c.Reason = reason(c, dev)
			res.Matches = append(res.Matches, c)
			if opt.BestMatch {
				break
			}
		}
	}

	byDir := map[string]*Package{}
	for _, m := range res.Matches {
		p := byDir[m.Driver.Package]
		if p == nil {
			p = &Package{Dir: m.Driver.Package}
			byDir[m.Driver.Package] = p
		}
		if !contains(p.INFs, m.Driver.INF.Path) {
			p.INFs = append(p.INFs, m.Driver.INF.Path)
		}
		p.Reasons = append(p.Reasons, m.Reason)
	}
	for _, p := range byDir {
		sort.Strings(p.INFs)
		res.Packages = append(res.Packages, *p)
	}
	sort.Slice(res.Packages, func(i, j int) bool { return res.Packages[i].Dir < res.Packages[j].Dir })
	return res, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func classOf(f *INF) string {
	if f.Class != "" {
		return f.Class
	}
	if f.ClassGUID != "" {
		return f.ClassGUID
	}
	return "(none)"
}

func rank(d *Driver, kind MatchKind, devPos, infPos int) uint32 {
	sig := uint32(0)
	if !d.INF.Signed() {
		sig = 0xFF
	}
	var id uint32
	if kind == HardwareToHardware {
		id = uint32(min(devPos, 0xFFF))
	} else {
		id = uint32(min(devPos, 0xF))<<8 | uint32(min(infPos, 0xFF))
	}
	return sig<<24 | uint32(d.FeatureScore&0xFF)<<16 | uint32(kind)<<12 | id
}

// better orders candidates: lower rank, then newer DriverVer date, then
// higher version, then INF path and line (stable, deterministic).
func better(a, b Match) bool {
	if a.Rank != b.Rank {
		return a.Rank < b.Rank
	}
	da, db := a.Driver.INF.DriverDate, b.Driver.INF.DriverDate
	if !da.Equal(db) {
		return da.After(db)
	}
	if va, vb := a.Driver.INF.version, b.Driver.INF.version; va != vb {
		for i := range va {
			if va[i] != vb[i] {
				return va[i] > vb[i]
			}
		}
	}
	if a.Driver.INF.Path != b.Driver.INF.Path {
		return a.Driver.INF.Path < b.Driver.INF.Path
	}
	return a.Driver.Line < b.Driver.Line
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

func reason(m Match, dev Device) string {
	list, which := dev.HardwareIDs, "hardware"
	if m.Kind == CompatibleToHardware || m.Kind == CompatibleToCompatible {
		list, which = dev.CompatibleIDs, "compatible"
	}
	pos := 0
	for i, id := range list {
		if strings.EqualFold(id, m.DeviceID) {
			pos = i + 1
			break
		}
	}
	d := m.Driver
	date := "no date"
	if !d.INF.DriverDate.IsZero() {
		date = d.INF.DriverDate.Format("2006-01-02")
	}
	ver := d.INF.Version
	if ver == "" {
		ver = "no version"
	}
	return fmt.Sprintf("%s: %s (%s %s ID) — %s of %q in %s [%s], class %s, DriverVer %s %s, rank 0x%08X",
		dev.Name(), m.DeviceID, ordinal(pos), which, m.Kind, d.Description, d.INF.Path, d.ModelsSection,
		classOf(d.INF), date, ver, m.Rank)
}

// Summary is the result as log lines: each package with why, the devices
// left without a driver, and what the limits excluded.
func (r *Result) Summary() string {
	var b strings.Builder
	if len(r.Packages) == 0 {
		b.WriteString("No driver package matches the devices.\n")
	}
	for _, p := range r.Packages {
		fmt.Fprintf(&b, "Package %s (%s)\n", p.Dir, strings.Join(p.INFs, ", "))
		for _, why := range p.Reasons {
			fmt.Fprintf(&b, "  %s\n", why)
		}
	}
	if len(r.Unmatched) > 0 {
		fmt.Fprintf(&b, "No driver for %d device(s):\n", len(r.Unmatched))
		for _, d := range r.Unmatched {
			ids := append(append([]string(nil), d.HardwareIDs...), d.CompatibleIDs...)
			fmt.Fprintf(&b, "  %s (%s)\n", d.Name(), strings.Join(ids, ", "))
		}
	}
	for _, e := range r.Excluded {
		fmt.Fprintf(&b, "Excluded: %s\n", e)
	}
	return b.String()
}
