package msg

import (
	"reflect"
	"testing"
)

func TestMessage(t *testing.T) {
	inner := New("at most %d characters (this has %d)", 50, 61)
	m := New("the task sequence name has %s", inner)
	if got, want := m.String(), "the task sequence name has at most 50 characters (this has 61)"; got != want {
		t.Fatalf("String %q, want %q", got, want)
	}
	if got := m.In(nil); got != m.String() {
		t.Fatalf("nil catalogue: %q", got)
	}
	c := Catalog{
		"the task sequence name has %s":       "작업 순서 이름: %s",
		"at most %d characters (this has %d)": "최대 %[1]d자 (현재 %[2]d자)",
	}
	if got, want := m.In(c), "작업 순서 이름: 최대 50자 (현재 61자)"; got != want {
		t.Fatalf("In %q, want %q", got, want)
	}
	// A format the catalogue lacks stays English; its arguments are
	// still translated.
	glue := New("%s; %s", inner, Text("x"))
	if got, want := glue.In(c), "최대 50자 (현재 61자); x"; got != want {
		t.Fatalf("In %q, want %q", got, want)
	}
	if got, want := m.Formats(), []string{"the task sequence name has %s", "at most %d characters (this has %d)"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Formats %q", got)
	}
	if !(Message{}).IsZero() || (Message{}).String() != "" || (Message{}).In(c) != "" || m.IsZero() {
		t.Fatal("zero message")
	}
	if got := New("100%% sure").String(); got != "100% sure" {
		// A format is always a format, arguments or not.
		t.Fatalf("%q", got)
	}
}
