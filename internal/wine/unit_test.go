//go:build !windows

package wine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unitPackages are the packages whose unit tests run as windows/amd64
// test binaries under Wine. The others use t.TempDir, whose clean-up
// fails under Wine 8 for Wine's reason (Go 1.26's os.RemoveAll uses a
// delete call Wine lacks: "unlinkat …: Invalid function"), not theirs;
// docs/windows.md says so. These cover the Windows text the engine
// writes (diskpart scripts, unattend.xml, sysprep, SetupComplete.cmd)
// and the secret sealing (crypto/rand through ProcessPrng).
var unitPackages = []string{
	"engine/diskpart",
	"engine/unattend",
	"engine/sysprep",
	"engine/setupcomplete",
	"engine/sequence/msg",
	"engine/sequence/secret",
}

// TestUnitTestsUnderWine runs those packages' tests as Windows programs
// (go test -exec with Wine in the lane's prefix).
func TestUnitTestsUnderWine(t *testing.T) {
	l := getLane(t)
	wrapper := filepath.Join(l.dir, "bin", "wine-exec")
	script := "#!/bin/sh\nexec " + l.wine + ` "$@"` + "\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"test", "-count=1", "-exec", wrapper}
	for _, p := range unitPackages {
		args = append(args, "github.com/refimage/refimage/"+p)
	}
	cmd := exec.Command("go", args...)
	cmd.Env = append(append([]string{}, l.env...), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test -exec wine: %v\n%s", err, out)
	}
	for _, p := range unitPackages {
		if !strings.Contains(string(out), "ok  \tgithub.com/refimage/refimage/"+p) {
			t.Errorf("%s did not pass under Wine:\n%s", p, out)
		}
	}
}
