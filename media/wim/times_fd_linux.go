//go:build linux

package wim

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fdSetTimes sets d's access and write times on an open file: utimensat
// with a NULL path (futimens), nanoseconds kept, no path lookup.
func fdSetTimes(fd int, d *Dentry) bool {
	var ts [2]unix.Timespec
	ts[0].Sec, ts[0].Nsec = d.LastAccessTime.Unix()
	ts[1].Sec, ts[1].Nsec = d.LastWriteTime.Unix()
	_, _, errno := syscall.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	return errno == 0
}
