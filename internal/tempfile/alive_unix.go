//go:build !windows

package tempfile

import (
	"errors"
	"syscall"
)

// alive says whether a process with that id runs (EPERM: it runs, as
// another user). A reused id keeps the leftovers: the safe side.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
