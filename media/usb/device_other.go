//go:build !windows

package usb

import (
	"os"
	"runtime"
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
// back. Nothing is dismounted: Linux refuses mounted disks before this.
func openDevice(dev string) (*openedDevice, error) {
	f, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
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
