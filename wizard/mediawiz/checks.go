// What the pages (page_*.go) share: the checks of files, labels, devices
// and media variables.

package mediawiz

import (
	"path/filepath"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/lazyre"
)

var labelChars = lazyre.New(`^[A-Za-z0-9_-]*$`)

func isTarget(t string) func(w *Wizard) bool { return func(w *Wizard) bool { return w.A.Target == t } }

// DeviceConfirmed reports whether the disk's name (sdb) or path
// (/dev/sdb) was typed.
func (w *Wizard) DeviceConfirmed() bool {
	c := strings.TrimSpace(w.A.ConfirmDevice)
	w.Disks()
	return w.A.Device != "" && (c == w.A.Device || strings.EqualFold(c, DeviceName(w.A.Device)))
}

// fileRule checks an output file: its folder exists and it is not a
// folder itself.
func fileRule(w *Wizard, p string) error {
	if w.env.Exists(p) && w.env.IsDir(p) {
		return w.Failf("err.is-dir", p)
	}
	if dir := filepath.Dir(p); !w.env.IsDir(dir) {
		return w.Failf("err.dir", dir)
	}
	return nil
}

// VarErrors lists what is wrong with the media variables, one message a
// bad line (lines numbered from 1; empty lines are ignored).
func (w *Wizard) VarErrors() []string {
	var out []string
	seen := map[string]bool{}
	for i, l := range w.A.Vars {
		if strings.TrimSpace(l) == "" {
			continue
		}
		line := w.Msgf("err.var-line", i+1)
		k, _, ok := strings.Cut(l, "=")
		if !ok {
			out = append(out, line+w.Msg("err.var-eq"))
			continue
		}
		k = strings.TrimSpace(k)
		if m := sequence.ValidateVariableName(k); m != "" {
			out = append(out, line+m)
			continue
		}
		if seen[strings.ToLower(k)] {
			out = append(out, line+w.Msgf("err.var-dup", k))
		}
		seen[strings.ToLower(k)] = true
	}
	return out
}

// VarLineError is what is wrong with one line of the variables ("" when
// fine).
func (w *Wizard) VarLineError(i int) string {
	prefix := w.Msgf("err.var-line", i+1)
	for _, e := range w.VarErrors() {
		if strings.HasPrefix(e, prefix) {
			return strings.TrimPrefix(e, prefix)
		}
	}
	return ""
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// DeviceName is the short name a person types to confirm a device:
// /dev/sdb → sdb, \\.\PhysicalDrive2 → PhysicalDrive2. (filepath.Base
// cannot be used: on Windows it turns \\.\PhysicalDrive2 into \.)
func DeviceName(dev string) string {
	d := strings.TrimRight(dev, `/\`)
	if i := strings.LastIndexAny(d, `/\`); i >= 0 {
		d = d[i+1:]
	}
	if d == "" {
		return dev
	}
	return d
}
