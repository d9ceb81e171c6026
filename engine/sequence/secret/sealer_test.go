package secret

import (
	"strings"
	"testing"
)

func TestSealerRoundTrip(t *testing.T) {
	salt := []byte("0123456789abcdef")
	s, err := NewSealer([]string{"Canary-P@ss-1"}, salt)
	if err != nil || s == nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal("Innocent", "Canary-P@ss-1 and more")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "Canary") || !strings.HasPrefix(sealed, "seal:v1:") {
		t.Fatalf("sealed %q", sealed)
	}
	again, _ := NewSealer([]string{"Canary-P@ss-1"}, salt)
	if got, err := again.Open("innocent", sealed); err != nil || got != "Canary-P@ss-1 and more" {
		t.Fatalf("open %q %v", got, err)
	}
	if _, err := again.Open("Other", sealed); err == nil {
		t.Error("a value opened under another name")
	}
	other, _ := NewSealer([]string{"another"}, salt)
	if _, err := other.Open("Innocent", sealed); err == nil {
		t.Error("a value opened with other material")
	}
	split, _ := NewSealer([]string{"Canary-P@ss", "-1"}, salt)
	if _, err := split.Open("Innocent", sealed); err == nil {
		t.Error("material split differently opened the value")
	}
	if n, _ := NewSealer(nil, salt); n != nil {
		t.Error("a sealer without material")
	}
	if _, err := again.Open("Innocent", sealed[:len(sealed)-4]); err == nil {
		t.Error("a damaged value opened")
	}
}

func TestRedactorContains(t *testing.T) {
	var r Redactor
	r.Add("Canary-P@ss-1", false)
	if !r.Contains("x Canary-P@ss-1 y") || r.Contains("nothing") || r.Contains("") {
		t.Error("Contains")
	}
}
