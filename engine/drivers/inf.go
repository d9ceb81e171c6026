// Package drivers reads Windows driver INF files, reads the list of a
// machine's devices, and matches one against the other the way Auto Apply
// Drivers does: the best driver per device, or every compatible one,
// optionally limited to some device classes.
//
// It runs nothing: INF files and device lists are data (untrusted data: a
// driver folder comes from anywhere), the result is the list of driver
// packages (folders) to stage, each with the reason it was chosen. The
// device-list format is in docs/drivers.md.
package drivers

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits for untrusted INF files.
const (
	MaxINFSize    = 16 << 20
	maxLineLength = 64 << 10
	maxExpansion  = 1 << 20
)

// Entry is one line of an INF section: key = value, value, … or a line
// of values only (Key is then empty). Strings are substituted and quotes
// removed.
type Entry struct {
	Key    string
	Values []string
	Line   int // first line of the entry in the file
}

// INF is a parsed INF file.
type INF struct {
	Path          string // as given to ParseINF (slash-separated for files of a Store)
	Class         string
	ClassGUID     string
	Provider      string
	CatalogFile   string // any CatalogFile or CatalogFile.<decoration> in [Version]
	DriverDate    time.Time
	Version       string    // the version part of DriverVer, e.g. "12.19.1.37"
	version       [4]uint64 // parsed Version for comparisons
	Manufacturers []Manufacturer

	sections map[string][]Entry // lower-case name → entries
	names    []string           // section names as written, in order
	strs     map[string]string  // lower-case string key → value
}

// Manufacturer is an entry of [Manufacturer].
type Manufacturer struct {
	Name        string
	Section     string   // the models section name (undecorated)
	Decorations []string // TargetOSVersion decorations, e.g. NTamd64.10.0...16299
}

// Section returns the entries of a section (case-insensitive name).
func (f *INF) Section(name string) ([]Entry, bool) {
	e, ok := f.sections[strings.ToLower(name)]
	return e, ok
}

// Sections returns the section names in file order.
func (f *INF) Sections() []string { return append([]string(nil), f.names...) }

// String returns the value of a [Strings] key (without the %).
func (f *INF) String(key string) (string, bool) {
	v, ok := f.strs[strings.ToLower(key)]
	return v, ok
}

// Signed reports whether the INF names a catalog file. (Whether the
// catalog's signature is valid is for Windows to check.)
func (f *INF) Signed() bool { return f.CatalogFile != "" }

// decodeText turns the bytes of an INF file into text: UTF-16LE/BE with a
// BOM, UTF-16LE without one (detected by its zero bytes), UTF-8 with or
// without a BOM, or else Windows-1252-ish single bytes (kept as Latin-1).
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], true)
	case len(data) >= 4 && data[0] != 0 && data[1] == 0 && data[2] != 0 && data[3] == 0:
		return decodeUTF16(data, false)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", errors.New("binary data (NUL bytes) in a text INF")
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	r := make([]rune, len(data))
	for i, b := range data {
		r[i] = rune(b)
	}
	return string(r), nil
}

func decodeUTF16(data []byte, be bool) (string, error) {
	if len(data)%2 != 0 {
		data = data[:len(data)-1]
	}
	u := make([]uint16, len(data)/2)
	for i := range u {
		if be {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			u[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
		}
	}
	return string(utf16.Decode(u)), nil
}

// rawEntry is an entry before string substitution: each field keeps
// whether it was quoted (quoted text is not trimmed).
type rawEntry struct {
	key    string
	hasKey bool
	values []string
	line   int
}

// ParseINF parses an INF file. path is kept for messages and results.
func ParseINF(path string, data []byte) (*INF, error) {
	if len(data) > MaxINFSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxINFSize)
	}
	text, err := decodeText(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f := &INF{Path: path, sections: map[string][]Entry{}, strs: map[string]string{}}
	raw := map[string][]rawEntry{}
	cur := ""
	haveSection := false
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		logical, cont := stripComment(lines[i])
		for cont && i+1 < len(lines) {
			i++
			var next string
			next, cont = stripComment(lines[i])
			logical += next
			if len(logical) > maxLineLength {
				return nil, fmt.Errorf("%s:%d: a line longer than %d characters", path, lineNo, maxLineLength)
			}
		}
		s := strings.TrimSpace(logical)
		if s == "" {
			continue
		}
		if s[0] == '[' {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("%s:%d: a section header without ]", path, lineNo)
			}
			name := strings.TrimSpace(s[1:end])
			cur = strings.ToLower(name)
			if _, seen := raw[cur]; !seen {
				f.names = append(f.names, name)
				raw[cur] = nil
			}
			haveSection = true
			continue
		}
		if !haveSection {
			continue // text before the first section is ignored, as SetupAPI does
		}
		raw[cur] = append(raw[cur], splitEntry(s, lineNo))
	}

	// [Strings] first, then localised [Strings.LLLL] sections for keys it
	// lacks (in name order, for a stable result).
	var stringSections []string
	for name := range raw {
		if name == "strings" || strings.HasPrefix(name, "strings.") {
			stringSections = append(stringSections, name)
		}
	}
	sort.Slice(stringSections, func(i, j int) bool {
		if (stringSections[i] == "strings") != (stringSections[j] == "strings") {
			return stringSections[i] == "strings"
		}
		return stringSections[i] < stringSections[j]
	})
	for _, name := range stringSections {
		for _, e := range raw[name] {
			if !e.hasKey {
				continue
			}
			k := strings.ToLower(e.key)
			if _, ok := f.strs[k]; !ok {
				// %% is a percent sign in a string value too
				f.strs[k] = strings.ReplaceAll(strings.Join(e.values, ","), "%%", "%")
			}
		}
	}
	total := 0
	for name, entries := range raw {
		out := make([]Entry, 0, len(entries))
		for _, e := range entries {
			en := Entry{Line: e.line}
			if e.hasKey {
				en.Key = f.subst(e.key)
			}
			for _, v := range e.values {
				sv := f.subst(v)
				if total += len(sv); total > maxExpansion*16 {
					return nil, fmt.Errorf("%s: string substitution makes the file too large", path)
				}
				en.Values = append(en.Values, sv)
			}
			out = append(out, en)
		}
		f.sections[name] = out
	}

	f.readVersion()
	f.readManufacturers()
	return f, nil
}

// stripComment removes a ; comment outside quotes and reports a line
// continuation (a \ as the last character before the comment).
func stripComment(line string) (string, bool) {
	inQuote := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			inQuote = !inQuote
		case ';':
			if !inQuote {
				line = line[:i]
				i = len(line)
			}
		}
	}
	t := strings.TrimRight(line, " \t")
	if strings.HasSuffix(t, "\\") {
		return t[:len(t)-1], true
	}
	return line, false
}

// splitEntry splits key = v1, v2, … honouring quotes ("" is a quote
// inside quotes). Unquoted parts are trimmed.
func splitEntry(s string, line int) rawEntry {
	e := rawEntry{line: line}
	var fields []string
	var b strings.Builder
	inQuote, quoted := false, false
	sepEq := -1
	flush := func() {
		v := b.String()
		if !quoted {
			v = strings.TrimSpace(v)
		}
		fields = append(fields, v)
		b.Reset()
		quoted = false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			if inQuote && i+1 < len(s) && s[i+1] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			if !inQuote {
				// text before the quote is whitespace in well-formed files
				if strings.TrimSpace(b.String()) == "" {
					b.Reset()
				}
			}
			inQuote = !inQuote
			quoted = true
		case inQuote:
			b.WriteByte(c)
		case c == '=' && sepEq < 0 && len(fields) == 0:
			flush()
			sepEq = len(fields)
		case c == ',':
			flush()
		case quoted && (c == ' ' || c == '\t'):
			// whitespace after a closing quote
		default:
			b.WriteByte(c)
		}
	}
	flush()
	if sepEq == 1 {
		e.key, e.hasKey = fields[0], true
		e.values = fields[1:]
	} else {
		e.values = fields
	}
	if len(e.values) == 1 && e.values[0] == "" {
		e.values = nil
	}
	return e
}

// subst replaces %key% with its [Strings] value and %% with %. Unknown
// keys are left as written.
func (f *INF) subst(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		key := s[i+1 : i+1+j]
		switch v, ok := f.strs[strings.ToLower(key)]; {
		case key == "":
			b.WriteByte('%')
		case ok:
			b.WriteString(v)
		default:
			b.WriteString(s[i : i+j+2])
		}
		s = s[i+j+2:]
		if b.Len() > maxExpansion {
			break
		}
	}
	return b.String()
}

func (f *INF) value(section, key string) string {
	for _, e := range f.sections[strings.ToLower(section)] {
		if strings.EqualFold(e.Key, key) {
			return strings.Join(e.Values, ",")
		}
	}
	return ""
}

func (f *INF) readVersion() {
	f.Class = f.value("Version", "Class")
	f.ClassGUID = strings.ToUpper(f.value("Version", "ClassGuid"))
	f.Provider = f.value("Version", "Provider")
	for _, e := range f.sections["version"] {
		k := strings.ToLower(e.Key)
		if (k == "catalogfile" || strings.HasPrefix(k, "catalogfile.")) && len(e.Values) > 0 && e.Values[0] != "" && f.CatalogFile == "" {
			f.CatalogFile = e.Values[0]
		}
		if k == "driverver" && len(e.Values) > 0 {
			f.DriverDate, _ = parseDate(e.Values[0])
			if len(e.Values) > 1 {
				f.Version = strings.TrimSpace(e.Values[1])
				f.version = parseVersion(f.Version)
			}
		}
	}
}

// parseDate reads DriverVer's mm/dd/yyyy (also m/d/yyyy and yyyy too
// short forms Windows tolerates are refused).
func parseDate(s string) (time.Time, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 3 {
		return time.Time{}, fmt.Errorf("DriverVer date %q is not mm/dd/yyyy", s)
	}
	m, e1 := strconv.Atoi(parts[0])
	d, e2 := strconv.Atoi(parts[1])
	y, e3 := strconv.Atoi(parts[2])
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 || d < 1 || d > 31 || y < 1980 || y > 9999 {
		return time.Time{}, fmt.Errorf("DriverVer date %q is not mm/dd/yyyy", s)
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

func parseVersion(s string) [4]uint64 {
	var v [4]uint64
	for i, p := range strings.SplitN(s, ".", 4) {
		n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 16)
		if err != nil {
			break
		}
		v[i] = n
	}
	return v
}

func (f *INF) readManufacturers() {
	for _, e := range f.sections["manufacturer"] {
		m := Manufacturer{Name: e.Key}
		if len(e.Values) == 0 {
			continue
		}
		if e.Key == "" {
			// old form: the manufacturer name is the models section
			m.Name, m.Section = e.Values[0], e.Values[0]
		} else {
			m.Section = e.Values[0]
			for _, d := range e.Values[1:] {
				if d = strings.TrimSpace(d); d != "" {
					m.Decorations = append(m.Decorations, d)
				}
			}
		}
		if m.Section != "" {
			f.Manufacturers = append(f.Manufacturers, m)
		}
	}
}
