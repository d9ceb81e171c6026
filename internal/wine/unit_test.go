//go:build !windows

package wine

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// notUnderWine are the packages whose tests the lane does not run as
// Windows programs, and why. Every other package's tests run under Wine
// (TestUnitTestsUnderWine), so a new package joins the lane by itself.
var notUnderWine = map[string]string{
	"internal/layering": "checks the import graph with the go command, not code that runs on Windows",
	"internal/e2e":      "drives the Linux binary in tmux (the lane's own tests drive refimage.exe)",
	"internal/testboot": "boots media in qemu on the Linux host",
	"internal/wine":     "is the lane itself (it drives Wine from Linux)",
}

// The fallback list of Go 1.26's Deleteat (internal/syscall/windows),
// which os.RemoveAll uses: the statuses after which it deletes the
// pre-Windows-10 way. Wine 8 answers FileDispositionInformationEx with
// STATUS_NOT_IMPLEMENTED, which is not in the list, so every RemoveAll
// of a non-empty folder fails ("unlinkat …: Invalid function") and with
// it every t.TempDir clean-up.
const (
	deleteatFallback = "\t\tSTATUS_NOT_SUPPORTED:     // the file system doesn't support FILE_DISPOSITION_INFORMATION_EX or one of the flags\n"
	deleteatWine     = "\t\tSTATUS_NOT_SUPPORTED,     // the file system doesn't support FILE_DISPOSITION_INFORMATION_EX or one of the flags\n" +
		"\t\tNTStatus(0xC0000002): // STATUS_NOT_IMPLEMENTED: Wine 8 (added by refimage's Wine lane)\n"
)

// wineOverlay writes a go build -overlay file that adds Wine's status to
// that list in the test binaries (never in refimage.exe, which the lane
// runs as built). It is made from the installed Go's own file, so it
// fails loudly when Go changes the code rather than patching blindly.
func wineOverlay(t *testing.T, dir string) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "src", "internal", "syscall", "windows", "at_windows.go")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(b), deleteatFallback) != 1 {
		t.Fatalf("%s no longer has Deleteat's fallback list as Go 1.26 wrote it: check whether os.RemoveAll now works under Wine and update the lane's overlay", src)
	}
	patched := filepath.Join(dir, "at_windows.go")
	if err := os.WriteFile(patched, []byte(strings.Replace(string(b), deleteatFallback, deleteatWine, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(map[string]map[string]string{"Replace": {src: patched}})
	overlay := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlay, js, 0o644); err != nil {
		t.Fatal(err)
	}
	return overlay
}

// execWrapper writes the go test -exec program: the test binary runs
// under Wine with its output in a file, printed when it ends (Wine's
// service processes, started with the first program of a prefix, inherit
// the handles: a pipe they hold would keep go test waiting after the
// test ended: "Test I/O incomplete … after exiting").
func (l *lane) execWrapper(t *testing.T) string {
	t.Helper()
	wrapper := filepath.Join(l.dir, "bin", "wine-exec")
	script := "#!/bin/sh\nout=$(mktemp '" + l.dir + "/test-out-XXXXXX') || exit 1\n'" + l.wine + "' \"$@\" >\"$out\" 2>&1\nrc=$?\ncat \"$out\"\nrm -f \"$out\"\nexit $rc\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}

// TestRemoveAllUnderWine proves the reason for the overlay: the same
// program deletes a folder tree under Wine only with it. When the first
// run succeeds, Wine (or Go) has changed and the overlay can go.
func TestRemoveAllUnderWine(t *testing.T) {
	l := getLane(t)
	dir := t.TempDir()
	overlay := wineOverlay(t, dir)
	for _, c := range []struct {
		overlay bool
		want    string
	}{{false, "Invalid function"}, {true, "removed"}} {
		exe := filepath.Join(dir, fmt.Sprintf("removeall-%v.exe", c.overlay))
		args := []string{"build", "-o", exe}
		if c.overlay {
			args = append(args, "-overlay", overlay)
		}
		cmd := exec.Command("go", append(args, "./testdata/removeall")...)
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, b)
		}
		r := l.winProgram(t, "", nil, exe)
		if !strings.Contains(r.stdout, c.want) {
			t.Errorf("overlay %v: want %q\n%s", c.overlay, c.want, r)
		}
	}
}

// TestUnitTestsUnderWine runs every package's tests (but notUnderWine's)
// as windows/amd64 programs under Wine (go test -exec, -short), with the
// overlay above. A test that cannot run on Windows skips and says why.
func TestUnitTestsUnderWine(t *testing.T) {
	l := getLane(t)
	overlay := wineOverlay(t, t.TempDir())
	env := append(append([]string{}, l.env...), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	list := exec.Command("go", "list", "-f", "{{.ImportPath}} {{len .TestGoFiles}} {{len .XTestGoFiles}}", "github.com/refimage/refimage/...")
	list.Env = env
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/refimage/refimage/"
	var pkgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var p string
		var n, x int
		fmt.Sscan(line, &p, &n, &x)
		rel := strings.TrimPrefix(p, mod)
		if n+x == 0 || notUnderWine[rel] != "" {
			continue
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("only %d packages with tests: %s", len(pkgs), out)
	}
	args := append([]string{"test", "-count=1", "-short", "-overlay", overlay, "-exec", l.execWrapper(t)}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Env = env
	res, err := cmd.CombinedOutput()
	t.Logf("go test under Wine:\n%s", res)
	if err != nil {
		t.Errorf("go test -exec wine: %v", err)
	}
	for _, p := range pkgs {
		if !strings.Contains(string(res), "ok  \t"+p+"\t") {
			t.Errorf("%s did not pass under Wine", p)
		}
	}
}
