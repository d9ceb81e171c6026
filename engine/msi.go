package engine

import "strings"

// packGUID is Windows Installer's packed form of {AAAAAAAA-BBBB-CCCC-DDEE-FFGGHHIIJJKK}:
// the first three groups reversed, then each byte of the rest with its
// two hex digits swapped.
func packGUID(g string) string {
	h := strings.ToUpper(strings.NewReplacer("{", "", "}", "", "-", "").Replace(g))
	if len(h) != 32 {
		return ""
	}
	rev := func(s string) string {
		b := []byte(s)
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		return string(b)
	}
	out := rev(h[0:8]) + rev(h[8:12]) + rev(h[12:16])
	for i := 16; i < 32; i += 2 {
		out += string([]byte{h[i+1], h[i]})
	}
	return out
}

// unpackGUID turns a packed code back into {GUID} form.
func unpackGUID(p string) string {
	g := packGUID(p) // the transformation is its own inverse
	if g == "" {
		return ""
	}
	return "{" + g[0:8] + "-" + g[8:12] + "-" + g[12:16] + "-" + g[16:20] + "-" + g[20:32] + "}"
}
