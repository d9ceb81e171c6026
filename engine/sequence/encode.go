package sequence

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/internal/lazyre"
)

// SaveOptions control how secrets are written.
type SaveOptions struct {
	// AllowPlaintext writes clear secrets as plain:VALUE. Without it, a
	// clear secret is an error (seal it with secret.Value.Seal first).
	AllowPlaintext bool
}

// Marshal writes the sequence in its canonical TOML form. The output is
// deterministic: Marshal(Decode(Marshal(s))) == Marshal(s).
func Marshal(s *Sequence, opt SaveOptions) ([]byte, error) {
	e := &encoder{opt: opt}
	e.kv("", "version", FormatVersion)
	e.kv("", "name", s.Name)
	if s.Description != "" {
		e.kv("", "description", s.Description)
	}
	if s.Kind != "" {
		e.kv("", "kind", s.Kind)
	}
	if s.BootImage != (BootImage{}) {
		e.nl()
		e.line("", "[boot_image]")
		if s.BootImage.Path != "" {
			e.kv("", "path", s.BootImage.Path)
		}
		if s.BootImage.Arch != "" {
			e.kv("", "arch", s.BootImage.Arch)
		}
	}
	if len(s.Variables) > 0 {
		e.nl()
		e.line("", "[variables]")
		for _, v := range s.Variables {
			e.kv("", v.Name, v.Value)
		}
	}
	e.items("", "steps", s.Steps)
	if e.err != nil {
		return nil, e.err
	}
	return e.buf.Bytes(), nil
}

// Save writes the sequence to path atomically: a temporary file in the
// same folder, fsync, rename, fsync of the folder.
func Save(path string, s *Sequence, opt SaveOptions) error {
	data, err := Marshal(s, opt)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data, 0o644)
}

// WriteFileAtomic writes data to path so that path holds either its old
// content or all of data, never a part.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: not every OS can sync a folder
		d.Close()
	}
	return nil
}

type encoder struct {
	buf bytes.Buffer
	opt SaveOptions
	err error
}

func indent(depth int) string { return strings.Repeat("  ", depth) }

func (e *encoder) nl() { e.buf.WriteByte('\n') }

func (e *encoder) line(ind, s string) {
	e.buf.WriteString(ind)
	e.buf.WriteString(s)
	e.buf.WriteByte('\n')
}

func (e *encoder) kv(ind, key string, v any) {
	e.line(ind, tomlKey(key)+" = "+tomlValue(v))
}

func (e *encoder) items(prefix, key string, items []*Item) {
	header := join(prefix, key)
	depth := strings.Count(header, ".")
	ind := indent(depth)
	for _, it := range items {
		e.nl()
		e.line(ind, "[["+header+"]]")
		e.kv(ind, "type", it.Type)
		e.kv(ind, "name", it.Name)
		if it.Description != "" {
			e.kv(ind, "description", it.Description)
		}
		if it.Disabled {
			e.kv(ind, "disabled", true)
		}
		if it.ContinueOnError {
			e.kv(ind, "continue_on_error", true)
		}
		if it.Condition != "" {
			e.kv(ind, "condition", it.Condition)
		}
		if it.IsGroup() {
			e.items(header, "steps", it.Steps)
			continue
		}
		si, ok := LookupStep(it.Type)
		if !ok || it.Props == nil {
			if e.err == nil {
				e.err = fmt.Errorf("step %q: unknown step type %q", it.Name, it.Type)
			}
			continue
		}
		if it.RunIn != "" && it.RunIn != si.RunIn[0] {
			e.kv(ind, "run_in", it.RunIn)
		}
		if !equalInts(it.SuccessCodes, DefaultSuccessCodes) {
			e.kv(ind, "success_codes", it.SuccessCodes)
		}
		if it.Timeout > 0 {
			e.kv(ind, "timeout", formatDuration(it.Timeout))
		}
		if it.RetryCount != 0 {
			e.kv(ind, "retry_count", it.RetryCount)
		}
		e.props(ind, header, it.Name, reflect.ValueOf(it.Props).Elem(), reflect.ValueOf(si.New()).Elem())
	}
}

// props writes the fields that differ from the defaults, then the arrays
// of tables.
func (e *encoder) props(ind, header, step string, v, def reflect.Value) {
	t := v.Type()
	var tables []int
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		if key == "" || key == "-" {
			continue
		}
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct {
			if fv.Len() > 0 {
				tables = append(tables, i)
			}
			continue
		}
		var dv reflect.Value
		if def.IsValid() {
			dv = def.Field(i)
		} else {
			dv = reflect.Zero(f.Type)
		}
		if reflect.DeepEqual(normalize(fv), normalize(dv)) {
			continue
		}
		if f.Type == secretType {
			sv := fv.Interface().(secret.Value)
			stored, err := sv.Stored(e.opt.AllowPlaintext)
			if err != nil {
				if e.err == nil {
					e.err = fmt.Errorf("step %q, %s: %w", step, key, err)
				}
				continue
			}
			e.kv(ind, key, stored)
			continue
		}
		e.kv(ind, key, fv.Interface())
	}
	for _, i := range tables {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		fv := v.Field(i)
		for j := 0; j < fv.Len(); j++ {
			e.nl()
			e.line(ind, "[["+header+"."+key+"]]")
			ev := fv.Index(j)
			dv := reflect.New(f.Type.Elem())
			if df, ok := dv.Interface().(defaulter); ok {
				df.setDefaults()
			}
			e.props(ind, header+"."+key, step, ev, dv.Elem())
		}
	}
}

// normalize makes nil and empty slices compare equal.
func normalize(v reflect.Value) any {
	if v.Kind() == reflect.Slice && v.Len() == 0 {
		return nil
	}
	return v.Interface()
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func formatDuration(d interface{ String() string }) string {
	s := d.String() // 1h0m0s → 1h, 15m0s → 15m, 1h30m0s → 1h30m
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

var bareKey = lazyre.New(`^[A-Za-z0-9_-]+$`)

func tomlKey(k string) string {
	if bareKey.MatchString(k) {
		return k
	}
	return tomlString(k)
}

func tomlValue(v any) string {
	switch x := v.(type) {
	case string:
		return tomlString(x)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case []int:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.Itoa(n)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = tomlString(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	panic(fmt.Sprintf("sequence: cannot encode %T", v))
}

// QuoteTOML quotes s as a TOML string: a literal string ('…') when that
// keeps Windows paths readable, a basic string with escapes otherwise.
func QuoteTOML(s string) string { return tomlString(s) }

func tomlString(s string) string {
	if multiLineOK(s) {
		// Several lines (a foreign step's XML): a multi-line literal
		// string, written as it is. TOML drops the newline right after
		// the opening quotes.
		return "'''\n" + s + "'''"
	}
	literalOK := strings.ContainsAny(s, `\"`) && !strings.ContainsAny(s, "'\n\r\t\x7f") && !hasControl(s)
	if literalOK {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// multiLineOK reports whether s has several lines and can be a
// multi-line literal string: no three single quotes in a row, no single
// quote at the end, no carriage return or
// control character other than a newline or a tab.
func multiLineOK(s string) bool {
	if !strings.Contains(s, "\n") || strings.Contains(s, "'''") || strings.HasSuffix(s, "'") {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
