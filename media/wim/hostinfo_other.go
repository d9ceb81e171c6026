//go:build !linux && !darwin && !freebsd && !windows

package wim

import "os"

func hostInfo(fi os.FileInfo) (dev, ino, nlink uint64, atime, btime Filetime) {
	t := FiletimeFromTime(fi.ModTime())
	return 0, 0, 1, t, t
}

func hostAttributes(fi os.FileInfo) uint32 { return 0 }
