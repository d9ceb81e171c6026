// Package tempfile names the temporary files and folders refimage writes
// beside a result (a WIM, an ISO, a USB image, a staging folder) so that
// a killed run's leftovers can be told from a running one's and removed
// by the next run.
//
// A name is "." + base + ".refimage-" + PID + "-" + random + suffix: hidden
// on Unix, never the requested name, and carrying the process that owns
// it. Sweep removes the ones whose process is gone.
package tempfile

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"

	"github.com/refimage/refimage/internal/lazyre"
)

// marker is what every name carries; see the package comment.
var marker = lazyre.New(`^\..*\.refimage-([0-9]+)-[0-9a-f]+(\.partial|\.tmp)?$`)

// Pattern is an os.CreateTemp / os.MkdirTemp pattern for a temporary
// sibling of base (a file name, no folder) ending in suffix (".tmp",
// ".partial" or "").
func Pattern(base, suffix string) string {
	return "." + base + ".refimage-" + strconv.Itoa(os.Getpid()) + "-*" + suffix
}

// Name is a fresh path in dir for a temporary sibling of base, for
// writers that create the file themselves. It does not exist yet.
func Name(dir, base, suffix string) string {
	for {
		b := make([]byte, 6)
		rand.Read(b)
		p := filepath.Join(dir, "."+base+".refimage-"+strconv.Itoa(os.Getpid())+"-"+hex.EncodeToString(b)+suffix)
		if _, err := os.Lstat(p); os.IsNotExist(err) {
			return p
		}
	}
}

// Owner is the process id a temporary name carries, or 0 when name is
// not one of ours.
func Owner(name string) int {
	m := marker.FindStringSubmatch(name)
	if m == nil {
		return 0
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil {
		return 0
	}
	return pid
}

// Sweep removes from dir the temporary files and folders left by
// refimage processes that are no longer running (killed, or the machine
// lost power), and returns their names. Names of running processes, of
// this one, and anything not named by Pattern or Name are left alone.
// Errors are ignored: sweeping is a courtesy before a new write.
func Sweep(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range ents {
		pid := Owner(e.Name())
		if pid <= 0 || pid == os.Getpid() || alive(pid) {
			continue
		}
		if os.RemoveAll(filepath.Join(dir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}
