// Package bytesize is refimage's one way of showing a number of bytes:
// IEC units, powers of 1024 named as such (KiB, MiB, GiB…), so a size is
// never 1024-based under a 1000-based name. Disks, images, files and
// rates all go through Format.
package bytesize

import "fmt"

// Format shows n bytes: "512 B", then one decimal and the largest IEC
// unit that keeps the number at least 1: "1.5 KiB", "4.7 GiB",
// "29.8 GiB" (a stick sold as 32 GB). Negative counts keep their sign.
func Format(n int64) string {
	if n < 0 {
		if n == -n { // the smallest int64
			return "-8.0 EiB"
		}
		return "-" + Format(-n)
	}
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	if v >= 1023.95 && exp < 5 { // would round to "1024.0": the next unit
		v, exp = v/unit, exp+1
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTPE"[exp])
}

// FormatUint is Format for an unsigned count (beyond 8 EiB, shown in
// EiB).
func FormatUint(n uint64) string {
	if n > 1<<63-1 {
		return fmt.Sprintf("%.1f EiB", float64(n)/(1<<60))
	}
	return Format(int64(n))
}
