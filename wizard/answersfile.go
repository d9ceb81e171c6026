package wizard

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/refimage/refimage/engine/sequence"
)

// AnswerError is a problem of an answers file; Key is table.key, Pos
// where in the file (zero when unknown): the value's start, or the
// character a control-character problem is about.
type AnswerError struct {
	Key string
	Msg string
	Pos sequence.Pos
}

func (e AnswerError) Error() string {
	if e.Key == "" {
		return e.Msg
	}
	return e.Key + ": " + e.Msg
}

// AnswerErrors is every problem of an answers file.
type AnswerErrors []AnswerError

func (es AnswerErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// ApplyAnswers sets the answers from an answers file (docs/answers.md):
// one table per page, named by the page's key, with the field keys. It is
// strict: an unknown table or key, a value of the wrong type, a table of a
// page the flow does not have, and every validation rule of every page are
// errors. It returns nil when the wizard can go straight to the Summary.
func (w *Wizard) ApplyAnswers(data []byte) AnswerErrors {
	errs := w.applyAnswers(data)
	if errs != nil {
		w.placeAnswerErrors(data, errs)
	}
	return errs
}

// placeAnswerErrors finds where in the file each problem is.
func (w *Wizard) placeAnswerErrors(data []byte, errs AnswerErrors) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return
	}
	ix := sequence.IndexTOML(string(data))
	for i, e := range errs {
		if e.Key == "" {
			continue
		}
		errs[i].Pos = ix.Value(e.Key)
		s, ok := rawValue(raw, e.Key).(string)
		if !ok {
			continue
		}
		for _, multi := range []bool{false, true} {
			if m := w.controlMsgIn(s, multi); m != "" && m == e.Msg {
				_, off, _, _ := sequence.FindControl(s, multi)
				errs[i].Pos = ix.Within(e.Key, off)
			}
		}
	}
}

// rawValue is the decoded value at a path such as info.name or
// applications.app[1].name (nil when there is none).
func rawValue(v any, path string) any {
	for _, seg := range strings.Split(path, ".") {
		idx := -1
		if i := strings.IndexByte(seg, '['); i > 0 && strings.HasSuffix(seg, "]") {
			n, err := strconv.Atoi(seg[i+1 : len(seg)-1])
			if err != nil {
				return nil
			}
			seg, idx = seg[:i], n
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[seg]
		if idx >= 0 {
			switch l := v.(type) {
			case []map[string]any:
				if idx >= len(l) {
					return nil
				}
				v = l[idx]
			case []any:
				if idx >= len(l) {
					return nil
				}
				v = l[idx]
			default:
				return nil
			}
		}
	}
	return v
}

func (w *Wizard) applyAnswers(data []byte) AnswerErrors {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			m := pe.Message
			if m == "" {
				m = err.Error()
			}
			return AnswerErrors{{Msg: "TOML syntax: " + m, Pos: sequence.Pos{Line: pe.Position.Line, Col: pe.Position.Col}}}
		}
		return AnswerErrors{{Msg: err.Error()}}
	}
	var errs AnswerErrors
	add := func(key, format string, args ...any) {
		errs = append(errs, AnswerError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	tables := map[string]map[string]any{}
	for _, k := range sortedKeys(raw) {
		t, ok := raw[k].(map[string]any)
		if !ok {
			add(k, w.Msg("file.table"), k)
			continue
		}
		tables[k] = t
	}
	given := map[*Field]bool{}
	// The first page decides the flow.
	if t, ok := tables["start"]; ok {
		w.setTable(pages.Page(PageStart), t, given, add)
		delete(tables, "start")
	}
	if errs != nil {
		return errs
	}
	if w.opening() {
		f, key := w.Current().Fields[1], "start.open"
		if w.A.Flow == FlowImport {
			f, key = w.Current().Fields[2], "start.import"
		}
		if m := f.Error(w); m != nil {
			add(key, "%s", m)
			return errs
		}
		w.triedOpen = w.A.OpenPath
		if err := w.open(w.A.OpenPath); err != nil {
			add(key, "%s", err)
			return errs
		}
	}
	inFlow := map[string]*Page{}
	for _, p := range w.Pages() {
		if p.HasInput() && p.ID != PageStart && p.ID != PageSummary {
			inFlow[p.Key] = p
		}
	}
	for _, k := range sortedKeys(tables) {
		p := inFlow[k]
		if p == nil {
			if other := PageByKey(k); other != nil && other.HasInput() && other.ID != PageSummary {
				add(k, w.Msg("file.other-flow"), other.Title(w), w.EffectiveFlow())
			} else {
				add(k, w.Msg("file.unknown-table"), w.suggestKey(k, sortedKeys(inFlow)), strings.Join(sortedKeys(inFlow), ", "))
			}
			continue
		}
		w.setTable(p, tables[k], given, add)
	}
	if errs != nil {
		return errs
	}
	// A confirmation is optional in an answers file: when it is left out,
	// the password stands for itself.
	for f := range given {
		if p := pageOf(f); p != nil && f.Kind == KindSecret {
			if c := p.Field(f.Key + "_confirm"); c != nil && !given[c] {
				c.Set(w, f.Get(w))
			}
		}
	}
	// Every rule of every page.
	for _, p := range w.Pages() {
		if p.ID == PageSummary {
			break
		}
		for _, e := range w.PageErrors(p.ID) {
			add(p.Key+"."+e.Field.Key, "%s", e.Msg)
		}
		for f := range given {
			if pageOf(f) == p && !f.Visible(w) && !strings.HasSuffix(f.Key, "_confirm") {
				add(p.Key+"."+f.Key, w.Msg("file.not-used"), p.Key)
			}
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Key < errs[j].Key })
	return errs
}

func pageOf(f *Field) *Page {
	for _, p := range pages.All() {
		for _, g := range p.Fields {
			if g == f {
				return p
			}
		}
	}
	return nil
}

func (w *Wizard) setTable(p *Page, t map[string]any, given map[*Field]bool, add func(key, format string, args ...any)) {
	var keys []string
	for _, f := range p.Fields {
		if f.Editable() && !f.EditorOnly() {
			keys = append(keys, f.Key)
		}
	}
	for _, k := range sortedKeys(t) {
		v := t[k]
		path := p.Key + "." + k
		f := p.Field(k)
		if f == nil || !f.Editable() || f.EditorOnly() {
			add(path, w.Msg("file.unknown-key"), w.suggestKey(k, keys), p.Key, strings.Join(keys, ", "))
			continue
		}
		given[f] = true
		switch f.Kind {
		case KindApps:
			w.setApps(path, v, add)
		case KindBool:
			b, ok := v.(bool)
			if !ok {
				add(path, w.Msg("file.bool"), w.describe(v))
				continue
			}
			f.Set(w, boolStr(b))
		case KindNumber, KindIndex:
			switch n := v.(type) {
			case int64:
				f.Set(w, strconv.FormatInt(n, 10))
			default:
				// Strict, as for every other type: index = "3" is a
				// string, and refused like a string anywhere else.
				add(path, w.Msg("file.number"), w.describe(v))
			}
		default:
			s, ok := v.(string)
			if !ok {
				add(path, w.Msg("file.string"), w.describe(v))
				continue
			}
			f.Set(w, s)
		}
	}
}

func (w *Wizard) setApps(path string, v any, add func(key, format string, args ...any)) {
	list, ok := v.([]map[string]any)
	if !ok {
		add(path, "%s", w.Msg("file.apps"))
		return
	}
	known := []string{"name", "source", "command_line", "success_codes"}
	w.A.Apps = nil
	for i, t := range list {
		ap := fmt.Sprintf("%s[%d]", path, i)
		app := App{SuccessCodes: "0 3010"}
		for _, k := range sortedKeys(t) {
			switch val := t[k].(type) {
			case string:
				switch k {
				case "name":
					app.Name = val
				case "source":
					app.Source = val
				case "command_line":
					app.CommandLine = val
				case "success_codes":
					app.SuccessCodes = val
				default:
					add(ap+"."+k, w.Msg("file.app-key"), w.suggestKey(k, known), strings.Join(known, ", "))
				}
			case []any:
				if k != "success_codes" {
					add(ap+"."+k, "%s", w.Msg("file.not-list"))
					continue
				}
				var codes []string
				for _, c := range val {
					n, ok := c.(int64)
					if !ok {
						add(ap+"."+k, "%s", w.Msg("file.codes"))
						break
					}
					codes = append(codes, strconv.FormatInt(n, 10))
				}
				app.SuccessCodes = strings.Join(codes, " ")
			default:
				if !contains(known, k) {
					add(ap+"."+k, w.Msg("file.app-key"), w.suggestKey(k, known), strings.Join(known, ", "))
				} else {
					add(ap+"."+k, w.Msg("file.string"), w.describe(t[k]))
				}
			}
		}
		for _, k := range []string{"name", "source", "command_line", "success_codes"} {
			if m := w.appErrs(app)[k]; m != "" {
				add(ap+"."+k, "%s", m)
			}
		}
		w.A.Apps = append(w.A.Apps, app)
	}
}

func (w *Wizard) describe(v any) string {
	switch v.(type) {
	case string:
		return w.Msg("file.a-string")
	case int64:
		return w.Msg("file.a-number")
	case float64:
		return w.Msg("file.a-decimal")
	case bool:
		return w.Msg("file.a-bool")
	case []any, []map[string]any:
		return w.Msg("file.a-list")
	case map[string]any:
		return w.Msg("file.a-table")
	}
	return fmt.Sprintf("%T", v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggestKey returns ` (did you mean "x"?)` for a near miss.
func (w *Wizard) suggestKey(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if len(k) >= 4 && (strings.HasPrefix(c, k) || strings.HasPrefix(k, c)) {
			return w.Msgf("file.did-you-mean", c)
		}
	}
	for _, c := range known {
		if d := editDistance(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return w.Msgf("file.did-you-mean", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
