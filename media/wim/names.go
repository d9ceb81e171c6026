package wim

import (
	"fmt"
	"runtime"
	"strings"
)

// checkName refuses names that cannot be created in a folder of this
// system without escaping it or meaning something else: on every system
// "", ".", "..", '/' and NUL; on Windows also '\\', ':' (a stream or drive)
// and device names (which open the device, whatever the extension). A
// Linux tree with "aux.c" or "a:b" applies on Linux as it was captured.
func checkName(name string) error {
	if err := checkPortableName(name); err != nil {
		return err
	}
	if runtime.GOOS == "windows" {
		if why := windowsNameProblem(name); why != "" {
			return fmt.Errorf("file name %q %s; Windows cannot create it (apply the image on Linux or macOS, or rename it in the source)", name, why)
		}
	}
	return nil
}

// checkImageName is checkName with the Windows rules on every system: for
// names refimage puts into an image (wim update), which Windows must be
// able to apply.
func checkImageName(name string) error {
	if err := checkPortableName(name); err != nil {
		return err
	}
	if why := windowsNameProblem(name); why != "" {
		return fmt.Errorf("file name %q %s", name, why)
	}
	return nil
}

func checkPortableName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty file name")
	case name == "." || name == "..":
		return fmt.Errorf("file name %q would escape the target", name)
	case strings.ContainsRune(name, '/'):
		return fmt.Errorf("file name %q contains a path separator", name)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("file name %q contains a NUL byte", name)
	}
	return nil
}

// windowsNameProblem says why Windows cannot create a file of this name,
// or returns "".
func windowsNameProblem(name string) string {
	switch {
	case strings.ContainsRune(name, '\\'):
		return "contains a path separator ('\\')"
	case strings.ContainsRune(name, ':'):
		return "contains ':' (drive letter or stream)"
	case isDeviceName(name):
		return "is a Windows device name"
	}
	return ""
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
