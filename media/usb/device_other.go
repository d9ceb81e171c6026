//go:build !windows

package usb

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// NativeDisks returns the running system's disks: Linux's /sys and
// /proc (LinuxHost). Elsewhere (macOS) it returns nil: write a USB image
// file and copy it with an imaging tool.
func NativeDisks() Disks {
	if runtime.GOOS == "linux" {
		return LinuxHost
	}
	return nil
}

// openDevice opens a disk (or, in tests, a file) for writing and reading
// back. Nothing is dismounted: Linux refuses mounted disks before this,
// and a block device is opened exclusively (O_EXCL), so that the kernel
// refuses it if anything mounted or claimed it since.
func openDevice(dev string) (*openedDevice, error) {
	flags := os.O_RDWR
	if info, err := os.Stat(dev); err == nil && info.Mode()&os.ModeDevice != 0 && info.Mode()&os.ModeCharDevice == 0 {
		flags |= exclusive
	}
	f, err := os.OpenFile(dev, flags, 0)
	if err != nil {
		if errors.Is(err, syscall.EBUSY) {
			return nil, fmt.Errorf("%s is busy: something mounted or claimed it (%w)", dev, err)
		}
		return nil, err
	}
	return &openedDevice{file: uncachedFile{f}, release: func() { f.Close() }}, nil
}

// uncachedFile syncs and then drops the device's cached pages, so that
// the read-back that follows reads the device.
type uncachedFile struct{ *os.File }

func (f uncachedFile) Sync() error {
	if err := f.File.Sync(); err != nil {
		return err
	}
	dropCache(f.File)
	return nil
}
