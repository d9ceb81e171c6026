//go:build !windows

package wim

import (
	"golang.org/x/sys/unix"
)

func setFileTimes(path string, d *Dentry, nofollow bool) error {
	// Seconds and nanoseconds, not int64 nanoseconds: times after 2262
	// must not wrap around.
	spec := func(t Filetime) unix.Timespec {
		sec, nsec := t.Unix()
		return unix.Timespec{Sec: sec, Nsec: nsec}
	}
	ts := []unix.Timespec{spec(d.LastAccessTime), spec(d.LastWriteTime)}
	flags := 0
	if nofollow {
		flags = unix.AT_SYMLINK_NOFOLLOW
	}
	return unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, flags)
}
