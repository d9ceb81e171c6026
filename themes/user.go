package themes

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/charmbracelet/lipgloss"
	"github.com/refimage/refimage/internal/lazyre"
)

// Problem is what is wrong in a user theme file: the key and its line.
type Problem struct {
	File string
	Line int    // 0 when unknown
	Key  string // dotted key, e.g. colors.primary
	Msg  string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Key != "" {
		b.WriteString(p.Key + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// colorKeys are the keys of [colors], in the order of Palette.
var colorKeys = []string{"primary", "on_primary", "accent", "text", "muted", "border", "error", "warning", "success"}

// symbolKeys are the keys of [symbols] and the Symbols field each sets.
var symbolKeys = map[string]func(s *Symbols) *string{
	"tick": func(s *Symbols) *string { return &s.Tick }, "current": func(s *Symbols) *string { return &s.Current },
	"cursor": func(s *Symbols) *string { return &s.Cursor }, "radio_on": func(s *Symbols) *string { return &s.RadioOn },
	"radio_off": func(s *Symbols) *string { return &s.RadioOff }, "check_on": func(s *Symbols) *string { return &s.CheckOn },
	"check_off": func(s *Symbols) *string { return &s.CheckOff }, "error": func(s *Symbols) *string { return &s.Error },
	"warning": func(s *Symbols) *string { return &s.Warning }, "separator": func(s *Symbols) *string { return &s.Separator },
	"more_up": func(s *Symbols) *string { return &s.MoreUp }, "more_down": func(s *Symbols) *string { return &s.MoreDown },
	"ellipsis": func(s *Symbols) *string { return &s.Ellipsis }, "bullet": func(s *Symbols) *string { return &s.Bullet },
	"up_down": func(s *Symbols) *string { return &s.UpDown }, "left_right": func(s *Symbols) *string { return &s.LeftRight },
	"dot": func(s *Symbols) *string { return &s.Dot }, "rule": func(s *Symbols) *string { return &s.Rule },
}

var topKeys = []string{"name", "description", "base", "no_color", "colors", "symbols"}

func paletteField(p *Palette, key string) *lipgloss.TerminalColor {
	switch key {
	case "primary":
		return &p.Primary
	case "on_primary":
		return &p.OnPrimary
	case "accent":
		return &p.Accent
	case "text":
		return &p.Text
	case "muted":
		return &p.Muted
	case "border":
		return &p.Border
	case "error":
		return &p.Error
	case "warning":
		return &p.Warning
	case "success":
		return &p.Success
	}
	return nil
}

var hexColor = lazyre.New(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// ParseColor reads one color: #RRGGBB, #RGB, an ANSI number 0-255, or
// none (the terminal's own color).
func ParseColor(s string) (lipgloss.TerminalColor, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.EqualFold(s, "none"):
		return lipgloss.NoColor{}, nil
	case hexColor.MatchString(s):
		return lipgloss.Color(strings.ToUpper(s)), nil
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 255 && s == strconv.Itoa(n) {
		return lipgloss.Color(s), nil
	}
	return nil, fmt.Errorf("%q is not a color: write #RRGGBB, #RGB, a number 0-255, or none", s)
}

// Parse reads a user theme. With problems it returns nil: the caller uses
// the default theme and prints the problems as warnings.
func Parse(file string, data []byte) (*Theme, []Problem) {
	lines := keyLines(string(data))
	prob := func(key, format string, args ...any) Problem {
		return Problem{File: file, Line: lineOf(lines, key), Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, []Problem{{File: file, Line: pe.Position.Line, Key: pe.LastKey, Msg: "TOML syntax: " + pe.Message}}
		}
		return nil, []Problem{{File: file, Msg: err.Error()}}
	}
	var probs []Problem
	base := "default"
	if v, ok := raw["base"]; ok {
		s, isStr := v.(string)
		if _, known := builtin[s]; !isStr || !known {
			probs = append(probs, prob("base", "%s is not a built-in theme: choose %s", showValue(v), strings.Join(Names(), ", ")))
		} else {
			base = s
		}
	}
	th, _ := Get(base)
	pal, sym := th.Palette, th.Symbols
	noColor := th.NoColor
	th.Source = file
	th.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	th.Description = ""
	for _, k := range sortedKeys(raw) {
		v := raw[k]
		switch k {
		case "base":
		case "name", "description":
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" || len(s) > 200 || strings.ContainsAny(s, "\n\r\x1b") {
				probs = append(probs, prob(k, "a line of text, not %s", showValue(v)))
				continue
			}
			if k == "name" {
				th.Name = s
			} else {
				th.Description = s
			}
		case "no_color":
			b, ok := v.(bool)
			if !ok {
				probs = append(probs, prob(k, "true or false, not %s", showValue(v)))
				continue
			}
			noColor = b
		case "colors":
			tbl, ok := v.(map[string]any)
			if !ok {
				probs = append(probs, prob(k, "a table [colors], not %s", showValue(v)))
				continue
			}
			for _, ck := range sortedKeys(tbl) {
				key := "colors." + ck
				dst := paletteField(&pal, ck)
				if dst == nil {
					probs = append(probs, prob(key, "unknown key%s", suggest(ck, colorKeys)))
					continue
				}
				c, err := colorValue(tbl[ck])
				if err != nil {
					probs = append(probs, prob(key, "%v", err))
					continue
				}
				*dst = c
			}
		case "symbols":
			tbl, ok := v.(map[string]any)
			if !ok {
				probs = append(probs, prob(k, "a table [symbols], not %s", showValue(v)))
				continue
			}
			for _, sk := range sortedKeys(tbl) {
				key := "symbols." + sk
				f, ok := symbolKeys[sk]
				if !ok {
					probs = append(probs, prob(key, "unknown key%s", suggest(sk, sortedKeys(symbolKeys))))
					continue
				}
				s, ok := tbl[sk].(string)
				if !ok || s == "" || lipgloss.Width(s) > 12 || strings.ContainsAny(s, "\n\r\t\x1b") {
					probs = append(probs, prob(key, "a short string of 1 to 12 cells, not %s", showValue(tbl[sk])))
					continue
				}
				*f(&sym) = s
			}
		default:
			probs = append(probs, prob(k, "unknown key%s", suggest(k, topKeys)))
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	out := Build(th.Name, pal, sym)
	out.Source, out.Description = file, th.Description
	if noColor {
		out = out.WithoutColor()
	}
	return out, nil
}

func colorValue(v any) (lipgloss.TerminalColor, error) {
	switch v := v.(type) {
	case string:
		return ParseColor(v)
	case int64:
		return ParseColor(strconv.FormatInt(v, 10))
	case map[string]any:
		var light, dark string
		for _, k := range sortedKeys(v) {
			s, ok := v[k].(string)
			if !ok {
				return nil, fmt.Errorf("%s: a color string, not %s", k, showValue(v[k]))
			}
			if _, err := ParseColor(s); err != nil {
				return nil, fmt.Errorf("%s: %v", k, err)
			}
			switch k {
			case "light":
				light = s
			case "dark":
				dark = s
			default:
				return nil, fmt.Errorf("unknown key %s%s", k, suggest(k, []string{"light", "dark"}))
			}
		}
		if light == "" || dark == "" {
			return nil, errors.New(`an adaptive color needs both light and dark, e.g. { light = "#0063B1", dark = "#3A96DD" }`)
		}
		return lipgloss.AdaptiveColor{Light: strings.ToUpper(light), Dark: strings.ToUpper(dark)}, nil
	}
	return nil, fmt.Errorf("%s is not a color: write #RRGGBB, #RGB, a number 0-255, none, or { light = ..., dark = ... }", showValue(v))
}

func showValue(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case map[string]any:
		return "a table"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggest names the closest known key when the unknown one looks like a
// typo of it.
func suggest(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if d := distance(strings.ToLower(k), c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return " (known keys: " + strings.Join(known, ", ") + ")"
	}
	return " (did you mean " + best + "?)"
}

// distance is the Levenshtein distance.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

var (
	tableLine = lazyre.New(`^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]`)
	keyLine   = lazyre.New(`^\s*"?([A-Za-z0-9_-]+)"?\s*=`)
)

// keyLines maps dotted keys to the line they are defined on (a theme file
// is flat: top-level keys, [colors] and [symbols]).
func keyLines(src string) map[string]int {
	out := map[string]int{}
	table := ""
	for i, l := range strings.Split(src, "\n") {
		if m := tableLine.FindStringSubmatch(l); m != nil {
			table = m[1]
			if _, ok := out[table]; !ok {
				out[table] = i + 1
			}
			continue
		}
		if m := keyLine.FindStringSubmatch(l); m != nil {
			k := m[1]
			if table != "" {
				k = table + "." + k
			}
			if _, ok := out[k]; !ok {
				out[k] = i + 1
			}
		}
	}
	return out
}

func lineOf(lines map[string]int, key string) int {
	for key != "" {
		if n, ok := lines[key]; ok {
			return n
		}
		i := strings.LastIndex(key, ".")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// LoadFile reads a user theme file.
func LoadFile(path string) (*Theme, []Problem) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []Problem{{File: path, Msg: err.Error()}}
	}
	if len(data) > 64<<10 {
		return nil, []Problem{{File: path, Msg: "a theme file is at most 64 KiB"}}
	}
	return Parse(path, data)
}

// UserFiles lists the .toml files of a user theme folder, by name.
func UserFiles(dir string) map[string]string {
	out := map[string]string{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range ents {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".toml") {
			continue
		}
		out[strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))] = filepath.Join(dir, e.Name())
	}
	return out
}

// ErrUnknown is returned by Resolve for a name that is neither built in
// nor a user theme.
var ErrUnknown = errors.New("unknown theme")

// Resolve finds a theme: the file when given (--theme-file), else a
// built-in theme, else a user theme of that name in dir. A user theme with
// problems gives the default theme and the problems as warnings.
func Resolve(name, file, dir string) (*Theme, []string, error) {
	load := func(p string) (*Theme, []string) {
		th, probs := LoadFile(p)
		if len(probs) == 0 {
			return th, nil
		}
		var warns []string
		for _, pr := range probs {
			warns = append(warns, pr.String())
		}
		warns = append(warns, "using the default theme instead of "+p)
		return Default(), warns
	}
	if file != "" {
		th, w := load(file)
		return th, w, nil
	}
	if name == "" {
		name = "default"
	}
	if th, ok := Get(name); ok {
		return th, nil, nil
	}
	if dir != "" {
		if p, ok := UserFiles(dir)[name]; ok {
			th, w := load(p)
			return th, w, nil
		}
	}
	return nil, nil, fmt.Errorf("%w %q: choose %s, or a file in %s", ErrUnknown, name, strings.Join(Names(), ", "), dir)
}
