package tempfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// deadPID is the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestSweepRemovesOnlyDeadOwners(t *testing.T) {
	dir := t.TempDir()
	dead := strconv.Itoa(deadPID(t))
	mine := strconv.Itoa(os.Getpid())
	names := map[string]bool{ // name → removed by Sweep
		".out.iso.refimage-" + dead + "-1a2b.partial": true,
		".out.wim.refimage-" + dead + "-77.tmp":       true,
		".media-staging.refimage-" + dead + "-99":     true, // a folder
		".out.iso.refimage-" + mine + "-1a2b.partial": false,
		".out.wim.refimage-1-77.tmp":                  false, // pid 1 runs
		"out.wim":                                     false,
		".out.wim.123.tmp":                            false, // not ours
		".refimage-" + dead + "-1":                    false, // no base
		"notes.refimage-" + dead + "-1.tmp":           false, // not hidden
	}
	if runtime.GOOS == "windows" {
		delete(names, ".out.wim.refimage-1-77.tmp")
	}
	for n := range names {
		p := filepath.Join(dir, n)
		if strings.HasSuffix(n, "-99") {
			os.MkdirAll(filepath.Join(p, "sources"), 0o755)
			os.WriteFile(filepath.Join(p, "sources", "boot.swm"), []byte("x"), 0o644)
			continue
		}
		os.WriteFile(p, []byte("x"), 0o644)
	}
	removed := Sweep(dir)
	if len(removed) != 3 {
		t.Errorf("removed %v", removed)
	}
	for n, gone := range names {
		_, err := os.Lstat(filepath.Join(dir, n))
		if gone != os.IsNotExist(err) {
			t.Errorf("%s: removed %v, want %v", n, os.IsNotExist(err), gone)
		}
	}
}

func TestNamesCarryThisProcess(t *testing.T) {
	dir := t.TempDir()
	f, err := os.CreateTemp(dir, Pattern("out.wim", ".tmp"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if Owner(filepath.Base(f.Name())) != os.Getpid() {
		t.Errorf("%s: owner %d", f.Name(), Owner(filepath.Base(f.Name())))
	}
	n := Name(dir, "out.img", ".partial")
	if Owner(filepath.Base(n)) != os.Getpid() || !strings.HasPrefix(filepath.Base(n), ".out.img.refimage-") {
		t.Errorf("%s", n)
	}
	if _, err := os.Lstat(n); !os.IsNotExist(err) {
		t.Error("Name created the file")
	}
	if Sweep(dir) != nil {
		t.Error("swept this process's own files")
	}
}
