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
// whole tree can be killed; on Linux the shell dies with the engine
// (parent-death signal) and a resume ends the rest of the group.
func (l *live) Run(ctx context.Context, c Command) (int64, error) {
	cmd := exec.Command("/bin/sh", "-c", c.Line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
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

// expandEnvPath leaves paths alone off Windows: a simulated machine has
// no Windows environment variables.
func expandEnvPath(path string) string { return path }

// EndProcessGroup ends a process group a dead engine left running: the
// group of the recorded leader, when the leader is still the process
// that was recorded (same start time) or has exited while others of its
// group live on (a group's id is not reused while the group exists).
func (l *live) EndProcessGroup(p ProcessRef) (bool, error) {
	if p.PID <= 1 {
		return false, nil
	}
	if err := syscall.Kill(-p.PID, 0); err != nil {
		return false, nil // no such group any more
	}
	if st := processStart(p.PID); st != 0 && p.Start != 0 && st != p.Start {
		return false, nil // the id belongs to another process now
	}
	if err := syscall.Kill(-p.PID, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
		return false, err
	}
	return true, nil
}
