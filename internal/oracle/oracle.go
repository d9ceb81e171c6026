// Package oracle lets tests require an external reference tool (an
// "oracle") such as wimlib-imagex or xorriso.
//
// When REFIMAGE_ORACLES=required (set by .ci/run) a missing oracle fails the
// test; otherwise the test is skipped with a message naming the Debian
// package that provides the tool.
package oracle

import (
	"os"
	"os/exec"
	"testing"
)

// Packages maps each oracle command to the Debian package that provides it.
var Packages = map[string]string{
	"wimlib-imagex":      "wimtools",
	"xorriso":            "xorriso",
	"mdir":               "mtools",
	"mcopy":              "mtools",
	"mtype":              "mtools",
	"fsck.fat":           "dosfstools",
	"mkfs.fat":           "dosfstools",
	"tmux":               "tmux",
	"qemu-system-x86_64": "qemu-system-x86",
	"udfinfo":            "udftools",
	"udflabel":           "udftools",
	"7z":                 "p7zip-full",
	"sfdisk":             "fdisk",
	"sgdisk":             "gdisk",
	"osslsigncode":       "osslsigncode",
}

// Required reports whether missing oracles must fail tests.
func Required() bool { return os.Getenv("REFIMAGE_ORACLES") == "required" }

// Require returns the path of the named command. If it is missing the test
// fails under REFIMAGE_ORACLES=required and is skipped otherwise.
func Require(t testing.TB, command string) string {
	t.Helper()
	path, err := exec.LookPath(command)
	if err == nil {
		return path
	}
	pkg := Packages[command]
	if pkg == "" {
		pkg = command
	}
	if Required() {
		t.Fatalf("oracle %s is required (REFIMAGE_ORACLES=required) but not installed: apt-get install %s", command, pkg)
	}
	t.Skipf("oracle %s not installed; install the Debian package %s to run this test", command, pkg)
	return ""
}

// RequireFile is Require for a file an oracle package installs (for
// example the OVMF firmware image).
func RequireFile(t testing.TB, path, pkg string) string {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if Required() {
		t.Fatalf("oracle file %s is required (REFIMAGE_ORACLES=required) but missing: apt-get install %s", path, pkg)
	}
	t.Skipf("oracle file %s missing; install the Debian package %s to run this test", path, pkg)
	return ""
}
