package bytesize

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{1<<20 - 1, "1.0 MiB"}, // not "1024.0 KiB"
		{1 << 20, "1.0 MiB"},
		{4831838208, "4.5 GiB"},
		{32_000_000_000, "29.8 GiB"}, // a "32 GB" stick
		{5 << 40, "5.0 TiB"},
		{math.MaxInt64, "8.0 EiB"},
		{-2048, "-2.0 KiB"},
		{math.MinInt64, "-8.0 EiB"},
	} {
		if got := Format(c.n); got != c.want {
			t.Errorf("Format(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := FormatUint(math.MaxUint64); got != "16.0 EiB" {
		t.Errorf("FormatUint(max) = %q", got)
	}
	if got := FormatUint(3 << 30); got != "3.0 GiB" {
		t.Errorf("FormatUint(3 GiB) = %q", got)
	}
}
