package engine

import "testing"

func TestPackedGUID(t *testing.T) {
	// {12345678-ABCD-EF12-3456-789ABCDEF012}.
	if got := packGUID("{12345678-ABCD-EF12-3456-789ABCDEF012}"); got != "87654321DCBA21FE436587A9CBED0F21" {
		t.Errorf("pack %s", got)
	}
	if got := unpackGUID("87654321DCBA21FE436587A9CBED0F21"); got != "{12345678-ABCD-EF12-3456-789ABCDEF012}" {
		t.Errorf("unpack %s", got)
	}
	if packGUID("nope") != "" || unpackGUID("nope") != "" {
		t.Error("bad input")
	}
}
