//go:build !windows

package wim

import (
	"golang.org/x/sys/unix"
)

func setFileTimes(path string, d *Dentry, nofollow bool) error {
	ts := []unix.Timespec{
		unix.NsecToTimespec(d.LastAccessTime.UnixNano()),
		unix.NsecToTimespec(d.LastWriteTime.UnixNano()),
	}
	flags := 0
	if nofollow {
		flags = unix.AT_SYMLINK_NOFOLLOW
	}
	return unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, flags)
}
