package interop

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
)

// Properties ConfigMgr has no place for (a driver store folder, the
// command lines of applications, the capture compression, a path with no
// package ID…) travel in a comment inside the element:
//
//	<!-- refimage source = "\\deploy01\drivers$" -->
//
// ConfigMgr ignores comments, so a site never sees them; `refimage
// import` reads them back, so TOML → XML → TOML loses nothing. The comment
// holds TOML keys of the step (or, on <sequence>, of the sequence). Clear
// and encrypted secrets never go there; env: and prompt references do.
const extrasMark = "refimage"

// tomlBasic writes s as a TOML basic string that is also safe inside an
// XML comment (no "--").
func tomlBasic(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	prev := rune(0)
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '-' && prev == '-':
			b.WriteString(`\u002D`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	b.WriteByte('"')
	return b.String()
}

func tomlScalar(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return tomlBasic(v.String()), true
	case reflect.Int:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Slice:
		switch v.Type().Elem().Kind() {
		case reflect.Int, reflect.String:
			parts := make([]string, v.Len())
			for i := range parts {
				parts[i], _ = tomlScalar(v.Index(i))
			}
			return "[" + strings.Join(parts, ", ") + "]", true
		}
	}
	return "", false
}

var secretType = reflect.TypeOf(secret.Value{})

// extrasFor returns the comment carrying the properties of want that got
// differs in, or "".
func extrasFor(typ string, want, got sequence.Props) string {
	wv, gv := reflect.ValueOf(want).Elem(), reflect.ValueOf(got).Elem()
	t := wv.Type()
	var lines, tables []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		if key == "" || key == "-" {
			continue
		}
		a, b := wv.Field(i), gv.Field(i)
		if f.Type == secretType {
			sa := a.Interface().(secret.Value)
			sb := b.Interface().(secret.Value)
			if sa.Kind() == sb.Kind() && sa.String() == sb.String() {
				continue
			}
			if k := sa.Kind(); k == secret.Env || k == secret.Prompt || k == secret.None {
				stored, _ := sa.Stored(false)
				lines = append(lines, key+" = "+tomlBasic(stored))
			}
			continue
		}
		if reflect.DeepEqual(normalizeSlice(a), normalizeSlice(b)) {
			continue
		}
		if s, ok := tomlScalar(a); ok {
			lines = append(lines, key+" = "+s)
			continue
		}
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct {
			for j := 0; j < a.Len(); j++ {
				tables = append(tables, "[["+key+"]]")
				ev := a.Index(j)
				for k := 0; k < ev.NumField(); k++ {
					ek := ev.Type().Field(k).Tag.Get("toml")
					if s, ok := tomlScalar(ev.Field(k)); ok && ek != "" {
						tables = append(tables, ek+" = "+s)
					}
				}
			}
		}
	}
	all := append(lines, tables...)
	if len(all) == 0 {
		return ""
	}
	return extrasMark + "\n" + strings.Join(all, "\n") + "\n"
}

func normalizeSlice(v reflect.Value) any {
	if v.Kind() == reflect.Slice && v.Len() == 0 {
		return nil
	}
	return v.Interface()
}

// applyExtras sets the properties a refimage comment carries.
func applyExtras(typ string, props sequence.Props, comment string) error {
	body := strings.TrimPrefix(strings.TrimSpace(comment), extrasMark)
	var raw map[string]any
	if _, err := toml.Decode(body, &raw); err != nil {
		return fmt.Errorf("the refimage comment: %v", err)
	}
	// Decode through the sequence format, which checks every key and type.
	var b strings.Builder
	b.WriteString("version = 1\nname = \"x\"\nkind = \"custom\"\n[[steps]]\ntype = " + tomlBasic(typ) + "\nname = \"x\"\n")
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "[[") {
			line = "[[steps." + strings.TrimPrefix(line, "[[")
		}
		b.WriteString(line + "\n")
	}
	seq, probs := sequence.Decode("comment", []byte(b.String()))
	if seq == nil || len(seq.Steps) != 1 {
		return fmt.Errorf("the refimage comment: %v", probs.Errors())
	}
	src := reflect.ValueOf(seq.Steps[0].Props).Elem()
	dst := reflect.ValueOf(props).Elem()
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for i := 0; i < dst.NumField(); i++ {
			if dst.Type().Field(i).Tag.Get("toml") != k {
				continue
			}
			if f := src.Field(i); f.Type() == secretType {
				if sv := f.Interface().(secret.Value); sv.Kind() != secret.None && sv.Kind() != secret.Env && sv.Kind() != secret.Prompt {
					return fmt.Errorf("the refimage comment holds a secret (%s); refimage never writes one there", k)
				}
			}
			dst.Field(i).Set(src.Field(i))
		}
	}
	return nil
}

// seqExtras is the comment of the <sequence>: kind and boot image.
func seqExtras(seq *sequence.Sequence) string {
	var lines []string
	if seq.Kind != "" && seq.Kind != sequence.KindCustom {
		lines = append(lines, "kind = "+tomlBasic(seq.Kind))
	}
	if seq.BootImage.Path != "" || seq.BootImage.Arch != "" {
		lines = append(lines, "boot_image = { path = "+tomlBasic(seq.BootImage.Path)+", arch = "+tomlBasic(seq.BootImage.Arch)+" }")
	}
	if len(lines) == 0 {
		return ""
	}
	return extrasMark + "\n" + strings.Join(lines, "\n") + "\n"
}

func applySeqExtras(seq *sequence.Sequence, comment string) error {
	body := strings.TrimPrefix(strings.TrimSpace(comment), extrasMark)
	var raw struct {
		Kind      string `toml:"kind"`
		BootImage struct {
			Path string `toml:"path"`
			Arch string `toml:"arch"`
		} `toml:"boot_image"`
	}
	md, err := toml.Decode(body, &raw)
	if err != nil {
		return fmt.Errorf("the refimage comment: %v", err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		return fmt.Errorf("the refimage comment: unknown key %s", u[0])
	}
	if raw.Kind != "" {
		seq.Kind = raw.Kind
	}
	seq.BootImage.Path, seq.BootImage.Arch = raw.BootImage.Path, raw.BootImage.Arch
	return nil
}
