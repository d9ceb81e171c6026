package lazyre

import (
	"sync"
	"testing"
)

func TestLazy(t *testing.T) {
	r := New(`^a(b+)c$`)
	if r.re != nil {
		t.Fatal("compiled before first use")
	}
	if !r.MatchString("abbc") || r.MatchString("ac") {
		t.Fatal("MatchString")
	}
	if m := r.FindStringSubmatch("abbbc"); len(m) != 2 || m[1] != "bbb" {
		t.Fatalf("FindStringSubmatch = %q", m)
	}
	w := New(`b+`)
	if got := w.ReplaceAllString("abbcb", "x"); got != "axcx" {
		t.Fatalf("ReplaceAllString = %q", got)
	}
	if got := w.ReplaceAllStringFunc("abbc", func(s string) string { return "<" + s + ">" }); got != "a<bb>c" {
		t.Fatalf("ReplaceAllStringFunc = %q", got)
	}
	if got := w.FindString("abbc"); got != "bb" {
		t.Fatalf("FindString = %q", got)
	}
	if got := w.FindAllStringSubmatch("abcbb", -1); len(got) != 2 || got[1][0] != "bb" {
		t.Fatalf("FindAllStringSubmatch = %q", got)
	}
	if r.String() != `^a(b+)c$` {
		t.Fatal("String")
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	r := New(`^[0-9]+$`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !r.MatchString("123") {
				t.Error("no match")
			}
		}()
	}
	wg.Wait()
}

func TestBadPatternPanicsAtFirstUse(t *testing.T) {
	r := New(`(`) // no panic here
	defer func() {
		if recover() == nil {
			t.Fatal("a bad pattern did not panic at first use")
		}
	}()
	r.MatchString("x")
}
