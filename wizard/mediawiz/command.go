package mediawiz

import (
	"sort"
	"strings"
)

// CommandLine is the refimage media command that repeats the wizard.
// Secrets are never in it: a typed password becomes --password (asked
// for again), one from the environment --password-env NAME.
func (w *Wizard) CommandLine() string {
	q := w.quote
	args := []string{"refimage", "media", q(w.seqPath), "--winpe", q(w.A.WinPE)}
	if w.A.FWFiles != "" {
		args = append(args, "--fwfiles", q(w.A.FWFiles))
	}
	switch w.A.Target {
	case TargetUSB:
		args = append(args, "--usb", q(w.A.USB))
	case TargetDevice:
		args = append(args, "--device", q(w.Target()))
	default:
		args = append(args, "--iso", q(w.A.ISO))
	}
	if w.A.Kind == Standalone {
		args = append(args, "--standalone")
	}
	if w.A.Protect {
		if _, env := w.Password(); env != "" {
			args = append(args, "--password-env", q(env))
		} else {
			args = append(args, "--password")
		}
	}
	if w.A.Label != "" && w.A.Label != DefaultLabel {
		args = append(args, "--label", q(w.A.Label))
	}
	vars := w.Variables()
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	// In the order typed.
	pos := map[string]int{}
	for i, l := range w.A.Vars {
		k, _, _ := strings.Cut(l, "=")
		if _, ok := pos[strings.TrimSpace(k)]; !ok {
			pos[strings.TrimSpace(k)] = i
		}
	}
	sort.Slice(names, func(i, j int) bool { return pos[names[i]] < pos[names[j]] })
	for _, k := range names {
		args = append(args, "--var", q(k+"="+vars[k]))
	}
	if w.A.Prestart != "" {
		args = append(args, "--prestart", q(w.A.Prestart))
	}
	if w.A.Exe != "" {
		args = append(args, "--exe", q(w.A.Exe))
	}
	return strings.Join(args, " ")
}

// quote quotes an argument for the shell the user is in: POSIX single
// quotes, or cmd.exe/PowerShell double quotes on Windows.
func (w *Wizard) quote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/:=,+@%", r) || r == '\\' && w.env.GOOS == "windows") {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	if w.env.GOOS == "windows" {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
