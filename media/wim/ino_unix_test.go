//go:build !windows

package wim

import (
	"os"
	"syscall"
)

// fileIno is the inode number, to recognise hard links in test trees.
func fileIno(fi os.FileInfo) uint64 {
	ino, _ := fileLinks(fi)
	return ino
}

// fileLinks returns the inode number and link count.
func fileLinks(fi os.FileInfo) (ino, nlink uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino), uint64(st.Nlink)
	}
	return 0, 1
}
