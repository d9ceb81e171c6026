//go:build linux

package wim

import (
	"os"
	"syscall"
)

func hostInfo(fi os.FileInfo) (dev, ino, nlink uint64, atime, btime Filetime) {
	mt := FiletimeFromTime(fi.ModTime())
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 1, mt, mt
	}
	return uint64(st.Dev), uint64(st.Ino), uint64(st.Nlink), FiletimeFromUnix(st.Atim.Sec, st.Atim.Nsec), mt
}

func hostAttributes(fi os.FileInfo) uint32 { return 0 }
