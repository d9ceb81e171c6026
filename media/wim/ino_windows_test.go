//go:build windows

package wim

import "os"

// fileIno is 0 on Windows: test trees there compare hard links by content.
func fileIno(fi os.FileInfo) uint64 { return 0 }

// fileLinks reports no hard links on Windows.
func fileLinks(fi os.FileInfo) (ino, nlink uint64) { return 0, 1 }
