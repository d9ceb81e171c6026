package condition

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse: Parse never panics or hangs, fails only with a *SyntaxError
// inside the input, and whatever it accepts formats to text that parses
// back to the same AST; Describe, Variables and Eval never panic on it.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.src)
	}
	for _, c := range errCases {
		if len(c.src) < 1000 {
			f.Add(c.src)
		}
	}
	for _, c := range evalCases {
		f.Add(c.src)
	}
	f.Add(strings.Repeat("(", 99) + "X exists" + strings.Repeat(")", 99))
	f.Add(`all(any(none(not (a == "x""y" or b like "*%")), c <= -1.5))`)
	env := testEnv()
	f.Fuzz(func(t *testing.T, src string) {
		// A hang would otherwise end as a bare "context deadline exceeded";
		// crash the worker instead so the fuzzer saves the input.
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("SLOW INPUT %q", src)) })
		defer tm.Stop()
		e, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): error %T %v is not a *SyntaxError", src, err, err)
			}
			if se.Offset < 0 || se.Offset > len(src) || se.Col < 1 || se.Line < 1 || se.Msg == "" {
				t.Fatalf("Parse(%q): bad error position %+v", src, se)
			}
			if e != nil {
				t.Fatalf("Parse(%q): an AST and an error", src)
			}
			return
		}
		f1 := Format(e)
		e2, err := Parse(f1)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its format %q does not parse: %v", src, f1, err)
		}
		if !reflect.DeepEqual(e, e2) {
			t.Fatalf("round trip of %q via %q changed the AST", src, f1)
		}
		if f2 := Format(e2); f2 != f1 {
			t.Fatalf("Format not stable: %q then %q", f1, f2)
		}
		if utf8.ValidString(src) && !utf8.ValidString(f1) {
			t.Fatalf("Format(%q) = %q is not valid UTF-8", src, f1)
		}
		_ = Describe(e)
		_ = Variables(e)
		r, err := Evaluate(e, env)
		a := Assess(e, env)
		if err == nil && (a.Truth == Unknown || (a.Truth == True) != r.Value) {
			t.Fatalf("%q: Evaluate = %v but Assess = %v", src, r.Value, a.Truth)
		}
		if err != nil && !errors.Is(err, ErrUnknown) {
			t.Fatalf("%q: Evaluate error %v does not wrap ErrUnknown", src, err)
		}
	})
}
