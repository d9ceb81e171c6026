//go:build !windows

package engine

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"github.com/refimage/refimage/engine/sequence/condition"
)

func (l *live) Machine(ctx context.Context) (Machine, error) {
	m := Machine{InWinPE: true, UEFI: true, SecureBoot: "NA"}
	if l.opts.Machine != nil {
		m = *l.opts.Machine
	}
	if m.Name == "" {
		m.Name, _ = os.Hostname()
	}
	if m.Arch == "" {
		m.Arch = goArch()
	}
	if m.StateDir == "" {
		m.StateDir, m.LogDir = defaultDirs()
	}
	return m, nil
}

func goArch() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x64"
	case "386":
		return "x86"
	}
	return runtime.GOARCH
}

// Run runs the line with /bin/sh -c in its own process group, so that the
// whole tree can be killed.
func (l *live) Run(ctx context.Context, c Command) (int64, error) {
	cmd := exec.Command("/bin/sh", "-c", c.Line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return runProcess(ctx, cmd, c, nil, func(cmd *exec.Cmd) {
		if cmd.Process != nil {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Process.Kill()
		}
	})
}

func (l *live) Disks(ctx context.Context) ([]Disk, error) {
	return nil, &Error{Code: CodeNotSupported, Msg: "listing disks needs Windows"}
}

func (l *live) Volumes(ctx context.Context) ([]Volume, error) {
	return nil, &Error{Code: CodeNotSupported, Msg: "listing volumes needs Windows"}
}

func (l *live) Reboot(ctx context.Context, r Reboot) error { return ErrRebootUnsupported }

func (l *live) Registry(key, value string) (condition.RegValue, error) {
	return condition.RegValue{}, ErrNoFacts
}
func (l *live) WMI(namespace, query string) (int, error) { return 0, ErrNoFacts }
func (l *live) OSVersion() (string, error)               { return "", ErrNoFacts }
func (l *live) OSLanguage() (string, error)              { return "", ErrNoFacts }
func (l *live) Software(productCode, upgradeCode string) ([]condition.Installed, error) {
	return nil, ErrNoFacts
}

func fileVersion(path string) string { return "" }
