//go:build !windows

package wim

import (
	"os"

	"golang.org/x/sys/unix"
)

// canMakeFIFO: this system has named pipes and UNIX modes.
const canMakeFIFO = true

func makeFIFO(path string) error { return unix.Mkfifo(path, 0o644) }

// unixModeBits converts the setuid, setgid and sticky bits of a UNIX mode.
func unixModeBits(m uint32) os.FileMode {
	var f os.FileMode
	if m&0o4000 != 0 {
		f |= os.ModeSetuid
	}
	if m&0o2000 != 0 {
		f |= os.ModeSetgid
	}
	if m&0o1000 != 0 {
		f |= os.ModeSticky
	}
	return f
}
