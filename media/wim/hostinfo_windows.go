//go:build windows

package wim

import (
	"os"
	"syscall"
)

// On Windows hard links are not detected (dedup still stores their content
// once); times and attributes come from the file attribute data.
func hostInfo(fi os.FileInfo) (dev, ino, nlink uint64, atime, btime Filetime) {
	if d, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok {
		ft := func(t syscall.Filetime) Filetime { return Filetime(uint64(t.HighDateTime)<<32 | uint64(t.LowDateTime)) }
		return 0, 0, 1, ft(d.LastAccessTime), ft(d.CreationTime)
	}
	t := FiletimeFromTime(fi.ModTime())
	return 0, 0, 1, t, t
}

func hostAttributes(fi os.FileInfo) uint32 {
	if d, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok {
		return d.FileAttributes &^ (AttrDirectory | AttrReparsePoint)
	}
	return 0
}
