package wim

import (
	"fmt"
	"strings"
)

// checkName refuses names that could escape the target directory or that
// name a device on Windows.
func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty file name")
	case name == "." || name == "..":
		return fmt.Errorf("file name %q would escape the target", name)
	case strings.ContainsAny(name, "/\\"):
		return fmt.Errorf("file name %q contains a path separator", name)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("file name %q contains a NUL byte", name)
	case strings.ContainsRune(name, ':'):
		return fmt.Errorf("file name %q contains ':' (drive letter or stream)", name)
	}
	if isDeviceName(name) {
		return fmt.Errorf("file name %q is a Windows device name", name)
	}
	return nil
}

func isDeviceName(name string) bool {
	base := name
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		c := base[3]
		return c >= '0' && c <= '9'
	}
	if (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && (strings.HasSuffix(base, "¹") || strings.HasSuffix(base, "²") || strings.HasSuffix(base, "³")) {
		return len([]rune(base)) == 4
	}
	return false
}
