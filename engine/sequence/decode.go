package sequence

import (
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/refimage/refimage/engine/sequence/secret"
)

// Load reads, decodes and validates a sequence file. The sequence is nil
// when the file could not be decoded; otherwise problems lists every
// semantic error and warning found.
func Load(path string) (*Sequence, Problems) {
	// Bounded input: a device or pipe could be read forever, and a
	// sequence file is never large.
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return nil, Problems{{File: path, Msg: "not a regular file (a folder, device, pipe or socket); give a sequence file"}}
	} else if err == nil && info.Size() > MaxFileSize {
		return nil, Problems{{File: path, Msg: fmt.Sprintf("the file has %d bytes; a sequence file holds at most %d MiB", info.Size(), MaxFileSize>>20)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Problems{{File: path, Msg: err.Error()}}
	}
	return Parse(path, data)
}

// MaxFileSize is the largest sequence file Load reads.
const MaxFileSize = 16 << 20

// MaxGroupDepth is how deep groups may nest. Deeper nesting is refused
// before the TOML is decoded: the decoder's cost grows with the square of
// the depth (10,000 levels took minutes and gigabytes).
const MaxGroupDepth = 64

// nestingProblem finds groups nested deeper than MaxGroupDepth: a table
// header such as [[steps.steps.steps]] with too many steps, or inline
// arrays and tables nested too deep (brackets outside strings and
// comments). Triple quotes read as three toggles, which leaves the
// state right.
func nestingProblem(file string, data []byte) *Problem {
	line, depth, maxInline := 1, 0, 2*MaxGroupDepth+8
	var quote byte
	escaped, comment := false, false
	lineStart := true
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line++
			comment, lineStart = false, true
			continue
		}
		if comment {
			continue
		}
		if quote != 0 {
			switch {
			case escaped:
				escaped = false
			case c == '\\' && quote == '"':
				escaped = true
			case c == quote:
				quote = 0
			}
			continue
		}
		if lineStart && c != ' ' && c != '\t' {
			lineStart = false
			if c == '[' && depth == 0 {
				end := i
				for end < len(data) && data[end] != '\n' && data[end] != '#' {
					end++
				}
				n := 0
				for _, part := range strings.Split(strings.Trim(string(data[i:end]), "[] \t\r"), ".") {
					if strings.TrimSpace(part) == "steps" {
						n++
					}
				}
				if n > MaxGroupDepth+1 {
					return &Problem{File: file, Pos: Pos{Line: line, Col: 1}, Msg: fmt.Sprintf("groups nest at most %d deep; this table is %d deep", MaxGroupDepth, n-1)}
				}
				i = end - 1
				continue
			}
		}
		switch c {
		case '#':
			comment = true
		case '"', '\'':
			quote = c
		case '[', '{':
			depth++
			if depth > maxInline {
				return &Problem{File: file, Pos: Pos{Line: line}, Msg: fmt.Sprintf("arrays and tables nest deeper than %d levels (groups nest at most %d deep)", maxInline, MaxGroupDepth)}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// Parse decodes and validates a sequence from data; file names it in
// problems.
func Parse(file string, data []byte) (*Sequence, Problems) {
	seq, probs := decode(file, data)
	if seq == nil {
		return nil, probs
	}
	if len(probs.Errors()) == 0 {
		probs = append(probs, Validate(seq)...)
		probs.sort()
		return seq, probs
	}
	// Every problem at once: what decoded is validated too, and its
	// problems are added, but for the keys that already have one (a
	// value of the wrong type is not "required" as well).
	probs = append(probs, validateRest(seq, probs)...)
	probs.sort()
	return nil, probs
}

// validateRest validates a sequence that decoded with problems, keeping
// the problems of keys (and their parents' keys) the decoder has not
// already reported.
func validateRest(seq *Sequence, decoded Problems) (out Problems) {
	for _, p := range Validate(seq) {
		dup := false
		for _, d := range decoded {
			if d.Path != "" && (p.Path == d.Path || strings.HasPrefix(p.Path, d.Path+".") || strings.HasPrefix(p.Path, d.Path+"[") || strings.HasPrefix(d.Path, p.Path+".")) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// Decode reads the TOML structure strictly: syntax errors, duplicate keys,
// unknown keys and wrong types are problems with their positions. It does
// not run the semantic rules (Validate does).
func Decode(file string, data []byte) (*Sequence, Problems) {
	seq, probs := decode(file, data)
	if len(probs.Errors()) > 0 {
		return nil, probs
	}
	return seq, probs
}

// decode is Decode that also returns what decoded when there are
// problems (nil only for a syntax error or too deep a nesting).
func decode(file string, data []byte) (*Sequence, Problems) {
	if p := nestingProblem(file, data); p != nil {
		return nil, Problems{*p}
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, Problems{syntaxProblem(file, err, string(data))}
	}
	d := &decoder{file: file, ix: indexPositions(string(data))}
	seq := d.sequence(raw)
	seq.file = file
	seq.ix = d.ix
	d.probs.sort()
	return seq, d.probs
}

func syntaxProblem(file string, err error, src string) Problem {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if msg == "" {
			msg = pe.Error()
		}
		msg = strings.TrimSuffix(strings.TrimSpace(msg), ".")
		p := Problem{File: file, Pos: Pos{Line: pe.Position.Line, Col: pe.Position.Col}, Path: pe.LastKey, Msg: "TOML syntax: " + lowerFirst(msg)}
		if strings.Contains(msg, "already been defined") {
			// The parser names the key without array indexes and points
			// past the line; find the key that was defined again.
			ix := indexPositions(src)
			for path, at := range ix.keys {
				if at.Line == p.Pos.Line && unindexed(path) == pe.LastKey {
					p.Path, p.Pos = path, at
					p.Msg = "this key is defined twice in the same table"
				}
			}
		}
		return p
	}
	return Problem{File: file, Msg: "TOML syntax: " + err.Error()}
}

// unindexed drops the [n] parts of a path.
func unindexed(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	if len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' { // an acronym: keep it
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

type decoder struct {
	file  string
	ix    *posIndex
	probs Problems
}

func (d *decoder) keyErr(path, format string, args ...any) {
	d.probs = append(d.probs, Problem{File: d.file, Pos: d.ix.key(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) valErr(path, format string, args ...any) {
	d.probs = append(d.probs, Problem{File: d.file, Pos: d.ix.value(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) warn(path, format string, args ...any) {
	d.probs = append(d.probs, Problem{File: d.file, Pos: d.ix.value(path), Path: path, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// unknown reports every key of m that is not in known.
func (d *decoder) unknown(prefix string, m map[string]any, known []string, what string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if contains(known, k) {
			continue
		}
		msg := "unknown key in " + what
		if s := suggest(k, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		d.keyErr(join(prefix, tomlKey(k)), "%s", msg)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var topKeys = []string{"version", "name", "description", "kind", "boot_image", "variables", "steps"}

func (d *decoder) sequence(m map[string]any) *Sequence {
	seq := &Sequence{}
	d.unknown("", m, topKeys, "the sequence")
	if v, ok := m["version"]; ok {
		seq.Version = d.int("version", v)
	} else {
		d.probs = append(d.probs, Problem{File: d.file, Pos: Pos{Line: 1, Col: 1}, Path: "version", Msg: fmt.Sprintf("missing: a sequence file starts with version = %d", FormatVersion)})
	}
	if seq.Version != 0 && seq.Version != FormatVersion {
		d.valErr("version", "this refimage reads format version %d, not %d", FormatVersion, seq.Version)
	}
	seq.Name = d.optString(m, "", "name")
	seq.Description = d.optString(m, "", "description")
	seq.Kind = d.optString(m, "", "kind")
	if v, ok := m["boot_image"]; ok {
		if bm, ok := d.table("boot_image", v); ok {
			d.unknown("boot_image", bm, []string{"path", "arch"}, "boot_image")
			seq.BootImage.Path = d.optString(bm, "boot_image", "path")
			seq.BootImage.Arch = d.optString(bm, "boot_image", "arch")
		}
	}
	if v, ok := m["variables"]; ok {
		if vm, ok := d.table("variables", v); ok {
			names := make([]string, 0, len(vm))
			for k := range vm {
				names = append(names, k)
			}
			// File order, as written.
			sort.Slice(names, func(i, j int) bool {
				a, b := d.ix.key(join("variables", tomlKey(names[i]))), d.ix.key(join("variables", tomlKey(names[j])))
				if a.Line != b.Line {
					return a.Line < b.Line
				}
				return names[i] < names[j]
			})
			for _, k := range names {
				seq.Variables = append(seq.Variables, Variable{Name: k, Value: d.string(join("variables", tomlKey(k)), vm[k])})
			}
		}
	}
	if v, ok := m["steps"]; ok {
		seq.Steps = d.items("steps", v)
	}
	return seq
}

var groupKeys = []string{"type", "name", "description", "disabled", "continue_on_error", "condition", "steps"}
var stepKeys = []string{"type", "name", "description", "disabled", "continue_on_error", "condition", "run_in", "success_codes", "timeout", "retry_count"}

func (d *decoder) items(path string, v any) []*Item {
	list, ok := d.tables(path, v)
	if !ok {
		return nil
	}
	var out []*Item
	for i, m := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		if it := d.item(p, m); it != nil {
			out = append(out, it)
		}
	}
	return out
}

func (d *decoder) item(path string, m map[string]any) *Item {
	it := &Item{Pos: d.ix.key(path)}
	tv, ok := m["type"]
	if !ok {
		d.keyErr(path, "missing type: say type = \"group\" or a step type such as \"run-command-line\"")
		return nil
	}
	it.Type = d.string(join(path, "type"), tv)
	if it.Type == "" {
		return nil
	}
	it.Name = d.optString(m, path, "name")
	it.Description = d.optString(m, path, "description")
	it.Disabled = d.optBool(m, path, "disabled")
	it.ContinueOnError = d.optBool(m, path, "continue_on_error")
	it.Condition = d.optString(m, path, "condition")
	if it.IsGroup() {
		d.unknown(path, m, groupKeys, "a group")
		if v, ok := m["steps"]; ok {
			it.Steps = d.items(join(path, "steps"), v)
		}
		return it
	}
	si, ok := LookupStep(it.Type)
	if !ok {
		msg := fmt.Sprintf("unknown step type %q", it.Type)
		if s := suggest(it.Type, stepTypeNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		d.valErr(join(path, "type"), "%s", msg)
		return nil
	}
	it.RunIn = si.RunIn[0]
	if v, ok := m["run_in"]; ok {
		it.RunIn = d.string(join(path, "run_in"), v)
	}
	it.SuccessCodes = append([]int(nil), DefaultSuccessCodes...)
	if v, ok := m["success_codes"]; ok {
		it.SuccessCodes = d.ints(join(path, "success_codes"), v)
	}
	if v, ok := m["timeout"]; ok {
		p := join(path, "timeout")
		if s := d.string(p, v); s != "" {
			dur, err := time.ParseDuration(s)
			if err != nil || dur <= 0 {
				d.valErr(p, "want a positive duration such as \"90s\", \"15m\" or \"2h\", not %q", s)
			}
			it.Timeout = dur
		}
	}
	if v, ok := m["retry_count"]; ok {
		it.RetryCount = d.int(join(path, "retry_count"), v)
	}
	props := si.New()
	known := append(append([]string(nil), stepKeys...), fieldKeys(reflect.TypeOf(props).Elem())...)
	d.unknown(path, m, known, article(it.Type)+" "+it.Type+" step")
	d.fields(path, m, reflect.ValueOf(props).Elem())
	it.Props = props
	return it
}

func stepTypeNames() []string {
	names := make([]string, 0, len(stepInfos)+1)
	for n := range stepInfos {
		names = append(names, n)
	}
	return append(names, GroupType)
}

func fieldKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if k := t.Field(i).Tag.Get("toml"); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	return keys
}

var secretType = reflect.TypeOf(secret.Value{})

// defaulter is implemented by list element types that have defaults.
type defaulter interface{ setDefaults() }

// fields decodes m into the struct rv by toml tags; rv holds the defaults.
func (d *decoder) fields(path string, m map[string]any, rv reflect.Value) {
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		v, ok := m[key]
		if key == "" || key == "-" || !ok {
			continue
		}
		p := join(path, key)
		fv := rv.Field(i)
		switch {
		case f.Type == secretType:
			s := d.string(p, v)
			sv, err := secret.Parse(s)
			if err != nil {
				d.valErr(p, "%v", err)
				continue
			}
			if f.Tag.Get("secret") == "productkey" {
				sv = sv.AsProductKey()
			}
			if sv.IsPlaintext() {
				d.warn(p, "the secret is stored in clear text (plain:); prefer env:NAME, prompt or an encrypted value")
			}
			fv.Set(reflect.ValueOf(sv))
		case f.Type.Kind() == reflect.String:
			fv.SetString(d.string(p, v))
		case f.Type.Kind() == reflect.Int:
			fv.SetInt(int64(d.int(p, v)))
		case f.Type.Kind() == reflect.Bool:
			fv.SetBool(d.bool(p, v))
		case f.Type == reflect.TypeOf([]int(nil)):
			fv.Set(reflect.ValueOf(d.ints(p, v)))
		case f.Type == reflect.TypeOf([]string(nil)):
			fv.Set(reflect.ValueOf(d.strings(p, v)))
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			list, ok := d.tables(p, v)
			if !ok {
				continue
			}
			out := reflect.MakeSlice(f.Type, len(list), len(list))
			et := f.Type.Elem()
			for j, em := range list {
				ep := fmt.Sprintf("%s[%d]", p, j)
				ev := out.Index(j)
				if df, ok := ev.Addr().Interface().(defaulter); ok {
					df.setDefaults()
				}
				d.unknown(ep, em, fieldKeys(et), key)
				d.fields(ep, em, ev)
			}
			fv.Set(out)
		default:
			panic("sequence: no decoder for field " + t.Name() + "." + f.Name)
		}
	}
}

func describe(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a number with a fraction"
	case bool:
		return "a boolean"
	case time.Time, toml.Primitive:
		return "a date-time"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

func (d *decoder) string(p string, v any) string {
	s, ok := v.(string)
	if !ok {
		d.valErr(p, "want a string, got %s", describe(v))
	}
	return s
}

func (d *decoder) optString(m map[string]any, prefix, key string) string {
	if v, ok := m[key]; ok {
		return d.string(join(prefix, key), v)
	}
	return ""
}

func (d *decoder) int(p string, v any) int {
	n, ok := v.(int64)
	if !ok {
		d.valErr(p, "want an integer, got %s", describe(v))
		return 0
	}
	if n > math.MaxInt32 || n < math.MinInt32 {
		d.valErr(p, "%d is out of range", n)
		return 0
	}
	return int(n)
}

func (d *decoder) bool(p string, v any) bool {
	b, ok := v.(bool)
	if !ok {
		d.valErr(p, "want true or false, got %s", describe(v))
	}
	return b
}

func (d *decoder) optBool(m map[string]any, prefix, key string) bool {
	if v, ok := m[key]; ok {
		return d.bool(join(prefix, key), v)
	}
	return false
}

func (d *decoder) list(p string, v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []map[string]any:
		out := make([]any, len(l))
		for i := range l {
			out[i] = l[i]
		}
		return out, true
	}
	d.valErr(p, "want an array, got %s", describe(v))
	return nil, false
}

func (d *decoder) ints(p string, v any) []int {
	l, ok := d.list(p, v)
	if !ok {
		return nil
	}
	out := make([]int, 0, len(l))
	for i, e := range l {
		n, ok := e.(int64)
		if !ok {
			d.valErr(fmt.Sprintf("%s[%d]", p, i), "want an integer, got %s", describe(e))
			continue
		}
		if n > math.MaxUint32 || n < math.MinInt32 {
			d.valErr(fmt.Sprintf("%s[%d]", p, i), "%d is out of range", n)
			continue
		}
		out = append(out, int(n))
	}
	return out
}

func (d *decoder) strings(p string, v any) []string {
	l, ok := d.list(p, v)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			d.valErr(fmt.Sprintf("%s[%d]", p, i), "want a string, got %s", describe(e))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) table(p string, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		d.valErr(p, "want a table, got %s", describe(v))
	}
	return m, ok
}

// tables accepts an array of tables ([[x]]) or an array of inline tables.
func (d *decoder) tables(p string, v any) ([]map[string]any, bool) {
	switch l := v.(type) {
	case []map[string]any:
		return l, true
	case []any:
		out := make([]map[string]any, 0, len(l))
		for i, e := range l {
			m, ok := e.(map[string]any)
			if !ok {
				d.valErr(fmt.Sprintf("%s[%d]", p, i), "want a table, got %s", describe(e))
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	d.valErr(p, "want an array of tables ([[%s]]), got %s", lastKey(p), describe(v))
	return nil, false
}

func lastKey(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// suggest returns the known word closest to s, if it is close enough.
func suggest(s string, known []string) string {
	best, bestD := "", 3
	if len(s) <= 4 {
		bestD = 2
	}
	for _, k := range known {
		if dd := editDistance(strings.ToLower(s), k); dd < bestD {
			best, bestD = k, dd
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
