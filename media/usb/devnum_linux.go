package usb

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// blockDevNum stats a resolved path: is it a block device, and which
// ("8:16", as /sys/dev/block names it)?
func blockDevNum(path string) (string, bool, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return "", false, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFBLK {
		return "", false, nil
	}
	return fmt.Sprintf("%d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev)), true, nil
}

// exclusive is the open flag that keeps a block device to ourselves:
// Linux's O_EXCL on a block device fails with EBUSY while anything
// (a mount, a holder such as dm-crypt or md, another O_EXCL opener)
// uses it.
const exclusive = unix.O_EXCL
