package usb

import (
	"os"

	"golang.org/x/sys/unix"
)

// dropCache asks Linux to forget the device's cached pages (they are
// clean after the sync), so that the read-back reads the stick and not
// the page cache: a stick that lies about its size or loses writes is
// caught. Best effort: an error leaves the read-back as it was.
func dropCache(f *os.File) {
	unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
