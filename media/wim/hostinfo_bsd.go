//go:build darwin || freebsd

package wim

import (
	"os"
	"syscall"
)

func hostInfo(fi os.FileInfo) (dev, ino, nlink uint64, atime, btime int64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		t := fi.ModTime().UnixNano()
		return 0, 0, 1, t, t
	}
	return uint64(st.Dev), uint64(st.Ino), uint64(st.Nlink), syscall.TimespecToNsec(st.Atimespec), syscall.TimespecToNsec(st.Birthtimespec)
}

func hostAttributes(fi os.FileInfo) uint32 { return 0 }
