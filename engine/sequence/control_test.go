package sequence

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence/secret"
)

// textSlot is one string of a sequence that a file can set: its key path
// and how to put a value there.
type textSlot struct {
	path      string
	multiline bool
	secret    bool
	set       func(s *Sequence, v string)
}

// textSlots lists every string of a sequence holding one step of each
// type and one group: the header, a variable's name and value, the
// items' common strings, and every string, secret and list of strings of
// every step type's struct, found by reflection over the schema (lists
// of tables get one element), so that a field added to a step type is
// in the list without anyone adding it.
func textSlots(t *testing.T) (base func() *Sequence, slots []textSlot) {
	types := make([]string, 0, len(stepInfos))
	for typ := range stepInfos {
		types = append(types, typ)
	}
	sort.Strings(types)
	base = func() *Sequence {
		s := &Sequence{Version: FormatVersion, Name: "T", Kind: KindCustom,
			Variables: []Variable{{Name: "OSDV", Value: "v"}}}
		for _, typ := range types {
			it := NewStep(typ)
			fill(reflect.ValueOf(it.Props).Elem())
			s.Steps = append(s.Steps, it)
		}
		s.Steps = append(s.Steps, &Item{Type: GroupType, Name: "G", Steps: []*Item{NewStep("set-variable")}})
		return s
	}
	top := func(path string, multi bool, set func(s *Sequence, v string)) {
		slots = append(slots, textSlot{path: path, multiline: multi, set: set})
	}
	top("name", false, func(s *Sequence, v string) { s.Name = v })
	top("description", true, func(s *Sequence, v string) { s.Description = v })
	top("kind", false, func(s *Sequence, v string) { s.Kind = v })
	top("boot_image.path", false, func(s *Sequence, v string) { s.BootImage.Path = v })
	top("boot_image.arch", false, func(s *Sequence, v string) { s.BootImage.Arch = v })
	top("variables.OSDV", false, func(s *Sequence, v string) { s.Variables[0].Value = v })
	g := len(types)
	top(fmt.Sprintf("steps[%d].name", g), false, func(s *Sequence, v string) { s.Steps[g].Name = v })
	top(fmt.Sprintf("steps[%d].description", g), true, func(s *Sequence, v string) { s.Steps[g].Description = v })
	top(fmt.Sprintf("steps[%d].condition", g), true, func(s *Sequence, v string) { s.Steps[g].Condition = v })
	top(fmt.Sprintf("steps[%d].steps[0].name", g), false, func(s *Sequence, v string) { s.Steps[g].Steps[0].Name = v })
	top(fmt.Sprintf("steps[%d].steps[0].value", g), false, func(s *Sequence, v string) {
		s.Steps[g].Steps[0].Props.(*SetVariable).Value = v
	})
	for i, typ := range types {
		p := fmt.Sprintf("steps[%d]", i)
		top(p+".name", false, func(s *Sequence, v string) { s.Steps[i].Name = v })
		top(p+".description", true, func(s *Sequence, v string) { s.Steps[i].Description = v })
		top(p+".condition", true, func(s *Sequence, v string) { s.Steps[i].Condition = v })
		if typ != ForeignType && len(stepInfos[typ].RunIn) > 1 {
			top(p+".run_in", false, func(s *Sequence, v string) { s.Steps[i].RunIn = v })
		}
		n := len(slots)
		propSlots(p, reflect.TypeOf(stepInfos[typ].New()).Elem(), func(s *Sequence) reflect.Value {
			return reflect.ValueOf(s.Steps[i].Props).Elem()
		}, &slots)
		// Completeness: every string-like key of the type is a slot.
		want := 0
		countText(reflect.TypeOf(stepInfos[typ].New()).Elem(), &want)
		if got := len(slots) - n; got != want {
			t.Fatalf("%s: %d text slots for %d text fields", typ, got, want)
		}
	}
	return base, slots
}

// fill gives every list of the struct one element (with its defaults)
// so that its fields exist in the file.
func fill(rv reflect.Value) {
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		fv := rv.Field(i)
		switch {
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String && fv.Len() == 0:
			fv.Set(reflect.ValueOf([]string{"x"}))
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct && fv.Len() == 0:
			l := reflect.MakeSlice(f.Type, 1, 1)
			if d, ok := l.Index(0).Addr().Interface().(defaulter); ok {
				d.setDefaults()
			}
			fill(l.Index(0))
			fv.Set(l)
		}
	}
}

func countText(t reflect.Type, n *int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if k := f.Tag.Get("toml"); k == "" || k == "-" {
			continue
		}
		switch {
		case f.Type == secretType, f.Type.Kind() == reflect.String,
			f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			*n++
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			countText(f.Type.Elem(), n)
		}
	}
}

func propSlots(p string, t reflect.Type, get func(s *Sequence) reflect.Value, slots *[]textSlot) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		if key == "" || key == "-" {
			continue
		}
		fp := join(p, key)
		multi := f.Tag.Get("text") == "multiline"
		field := func(s *Sequence) reflect.Value { return get(s).Field(i) }
		switch {
		case f.Type == secretType:
			pk := f.Tag.Get("secret") == "productkey"
			*slots = append(*slots, textSlot{path: fp, secret: true, set: func(s *Sequence, v string) {
				sv, err := secret.Parse("plain:" + v)
				if err != nil {
					panic(err)
				}
				if pk {
					sv = sv.AsProductKey()
				}
				field(s).Set(reflect.ValueOf(sv))
			}})
		case f.Type.Kind() == reflect.String:
			*slots = append(*slots, textSlot{path: fp, multiline: multi, set: func(s *Sequence, v string) { field(s).SetString(v) }})
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			*slots = append(*slots, textSlot{path: fp + "[0]", multiline: multi, set: func(s *Sequence, v string) { field(s).Index(0).SetString(v) }})
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			propSlots(fp+"[0]", f.Type.Elem(), func(s *Sequence) reflect.Value { return field(s).Index(0) }, slots)
		}
	}
}

// Issue 13.16: every single-line string of the schema — names, values,
// command lines, paths, keys, accounts, OUs, time zones, labels, the
// strings of lists — refuses ESC, BEL, CR, LF, TAB, DEL and C1 with the
// file:line:col of the character and the key path; the multi-line ones
// (descriptions, conditions, the restart message, a foreign step's XML)
// take line breaks and tabs but refuse the rest.
func TestEveryTextFieldRefusesControls(t *testing.T) {
	base, slots := textSlots(t)
	if len(slots) < 80 {
		t.Fatalf("only %d text slots: the walk is broken", len(slots))
	}
	// The base sequence itself has no control character problem.
	data, err := Marshal(base(), SaveOptions{AllowPlaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	_, probs := Parse("t.toml", data)
	for _, p := range probs {
		if strings.Contains(p.Msg, "control character") {
			t.Fatalf("the base has %s", p)
		}
	}
	multi := 0
	for _, sl := range slots {
		cases := []struct {
			val, written string
			bad          bool
		}{
			{"Qj\x1bXk", `\u001B`, true},
			{"Qj\x07Xk", `\u0007`, true},
			{"Qj\x7fXk", `\u007F`, true},
			{"Qj\u009bXk", "\u009b", true},
			{"Qj\rXk", `\r`, true},
			{"Qj\tXk", `\t`, !sl.multiline},
			{"Qj\nXk", `\n`, !sl.multiline},
			{"Qj\r\nXk", `\r\n`, !sl.multiline},
		}
		if sl.multiline {
			multi++
		}
		for _, c := range cases {
			s := base()
			sl.set(s, c.val)
			data, err := Marshal(s, SaveOptions{AllowPlaintext: true})
			if err != nil {
				t.Fatalf("%s: %v", sl.path, err)
			}
			_, probs := Parse("t.toml", data)
			var found []Problem
			for _, p := range probs {
				if p.Path == sl.path && !p.Warning {
					found = append(found, p)
				}
			}
			if !c.bad {
				for _, p := range found {
					if strings.Contains(p.Msg, "control character") {
						t.Errorf("%s = %q: refused: %s", sl.path, c.val, p)
					}
				}
				continue
			}
			code := fmt.Sprintf("U+%04X", []rune(c.val)[2])
			if len(found) != 1 || !strings.Contains(found[0].Msg, "control character ("+code+") at character 3") {
				t.Errorf("%s = %q: want one problem naming %s, got %v", sl.path, c.val, code, found)
				continue
			}
			// The position is the character's, as written in the file.
			want := Pos{}
			for i, line := range strings.Split(string(data), "\n") {
				if j := strings.Index(line, "Qj"+c.written+"Xk"); j >= 0 {
					want = Pos{Line: i + 1, Col: len([]rune(line[:j])) + 3}
				}
			}
			if multiLineOK(c.val) { // written as a '''-string across lines
				continue
			}
			if found[0].Pos != want {
				t.Errorf("%s = %q: at %d:%d, want %d:%d\n%s", sl.path, c.val, found[0].Pos.Line, found[0].Pos.Col, want.Line, want.Col, found[0])
			}
			if sl.secret && strings.Contains(found[0].Msg, "Qj") {
				t.Errorf("%s: the message shows the secret: %s", sl.path, found[0].Msg)
			}
		}
	}
	if multi < 6 {
		t.Errorf("only %d multi-line slots", multi)
	}
}

// A variable name (a key) with a control character is refused at the
// key, once; a file with raw controls is refused by TOML itself.
func TestControlInVariableName(t *testing.T) {
	src := "version = 1\nname = \"T\"\nkind = \"custom\"\n\n[variables]\n\"OSD\\u001bX\" = \"1\"\n"
	_, probs := Parse("v.toml", []byte(src))
	var errs []string
	for _, p := range probs.Errors() {
		errs = append(errs, p.String())
	}
	want := `v.toml:6:1: variables."OSD\u001BX": a variable name has a control character (U+001B) at character 4`
	if len(errs) != 1 || errs[0] != want {
		t.Errorf("got %q\nwant %q", errs, want)
	}
}

func TestFindControl(t *testing.T) {
	for _, c := range []struct {
		s     string
		multi bool
		r     rune
		char  int
	}{
		{"plain", false, 0, 0},
		{"é한 ok", false, 0, 0},
		{"a\tb", false, '\t', 2},
		{"a\tb\nc\r\nd", true, 0, 0},
		{"a\rb", true, '\r', 2},
		{"ab\r", true, '\r', 3},
		{"한\u0085", false, 0x85, 2},
		{"x\u00a0y", false, 0, 0}, // NBSP is not a control
		{"\x00", true, 0, 1},
	} {
		r, _, char, ok := FindControl(c.s, c.multi)
		if ok != (c.char != 0) || r != c.r || char != c.char {
			t.Errorf("FindControl(%q, %v) = %U %d %v", c.s, c.multi, r, char, ok)
		}
	}
}
