//go:build windows

package wim

import (
	"os"
	"syscall"
)

// On Windows hard links are not detected (dedup still stores their content
// once); times and attributes come from the file attribute data.
func hostInfo(fi os.FileInfo) (dev, ino, nlink uint64, atime, btime int64) {
	if d, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok {
		return 0, 0, 1, d.LastAccessTime.Nanoseconds(), d.CreationTime.Nanoseconds()
	}
	t := fi.ModTime().UnixNano()
	return 0, 0, 1, t, t
}

func hostAttributes(fi os.FileInfo) uint32 {
	if d, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok {
		return d.FileAttributes &^ (AttrDirectory | AttrReparsePoint)
	}
	return 0
}
