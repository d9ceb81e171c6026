//go:build windows

package usb

// The Win32 side of writing a physical drive. What to list, refuse and
// dismount is decided in windisk.go from the raw answers given here;
// this file only asks Windows and opens, locks and writes.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// NativeDisks returns this computer's physical drives.
func NativeDisks() Disks { return WindowsHost{sys: liveWin{}} }

// liveWin answers winSys with the Win32 volume and storage APIs.
type liveWin struct{}

func wstr(s string) *uint16 {
	p, err := windows.UTF16PtrFromString(s)
	if err != nil {
		p, _ = windows.UTF16PtrFromString("")
	}
	return p
}

// openShared opens a disk or volume for IOCTLs, sharing it with everyone
// else; access 0 queries without read rights.
func openShared(path string, access, flags uint32) (windows.Handle, error) {
	return windows.CreateFile(wstr(path), access, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, flags, 0)
}

// ioctl sends a control code and returns the answer's bytes, growing the
// output buffer (from size) while Windows says it is too small.
func ioctl(h windows.Handle, code uint32, in []byte, size int) ([]byte, error) {
	var inp *byte
	if len(in) > 0 {
		inp = &in[0]
	}
	for {
		out := make([]byte, max(size, 1))
		var n uint32
		err := windows.DeviceIoControl(h, code, inp, uint32(len(in)), &out[0], uint32(size), &n, nil)
		if (errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) || errors.Is(err, windows.ERROR_MORE_DATA)) && size > 0 && size < 1<<20 {
			size *= 4
			continue
		}
		return out[:n], err
	}
}

func (liveWin) Drive(n int) (rawDrive, error) {
	path := DrivePath(n)
	h, err := openShared(path, 0, 0)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
		return rawDrive{}, errNoDrive
	}
	if err != nil {
		return rawDrive{}, err
	}
	defer windows.CloseHandle(h)
	// STORAGE_PROPERTY_QUERY: PropertyId StorageDeviceProperty (0),
	// QueryType PropertyStandardQuery (0), AdditionalParameters[1]; 12
	// bytes with padding.
	query := make([]byte, 12)
	r := rawDrive{Length: -1}
	if r.Descriptor, err = ioctl(h, ioctlStorageQueryProperty, query, 1024); err != nil {
		return rawDrive{}, fmt.Errorf("IOCTL_STORAGE_QUERY_PROPERTY: %w", err)
	}
	if b, err := ioctl(h, ioctlDiskGetDriveGeometryEx, nil, 256); err == nil {
		r.Geometry = b
	}
	if b, err := ioctl(h, ioctlDiskGetDriveLayoutEx, nil, layoutHeader+16*partitionSize); err == nil {
		r.Layout = b
	}
	// The length needs read access (FILE_READ_DATA, no more): on a
	// physical drive administrators only. Without it the geometry's
	// size, which the handle with no access above answered, stands.
	if hr, err := openShared(path, windows.FILE_READ_DATA, 0); err == nil {
		if b, err := ioctl(hr, ioctlDiskGetLengthInfo, nil, 8); err == nil && len(b) == 8 {
			r.Length = int64(binary.LittleEndian.Uint64(b)) // GET_LENGTH_INFORMATION: LARGE_INTEGER Length
		}
		windows.CloseHandle(hr)
	}
	return r, nil
}

func (liveWin) Volumes() ([]string, error) {
	buf := make([]uint16, windows.MAX_PATH+1)
	h, err := windows.FindFirstVolume(&buf[0], uint32(len(buf)))
	if err != nil {
		return nil, err
	}
	defer windows.FindVolumeClose(h)
	var out []string
	for {
		out = append(out, windows.UTF16ToString(buf))
		if err := windows.FindNextVolume(h, &buf[0], uint32(len(buf))); err != nil {
			if errors.Is(err, windows.ERROR_NO_MORE_FILES) {
				return out, nil
			}
			return out, err
		}
	}
}

func (liveWin) Extents(volume string) ([]byte, error) {
	h, err := openShared(strings.TrimSuffix(volume, `\`), 0, 0)
	if err != nil {
		return nil, err
	}
	defer windows.CloseHandle(h)
	return ioctl(h, ioctlVolumeGetVolumeDiskExtents, nil, 8+4*24)
}

func (liveWin) Paths(volume string) ([]string, error) {
	size := uint32(windows.MAX_PATH + 1)
	for {
		buf := make([]uint16, size)
		var need uint32
		err := windows.GetVolumePathNamesForVolumeName(wstr(volume), &buf[0], size, &need)
		if errors.Is(err, windows.ERROR_MORE_DATA) && need > size {
			size = need
			continue
		}
		if err != nil {
			return nil, err
		}
		var out []string
		for start, i := 0, 0; i < len(buf); i++ {
			if buf[i] == 0 {
				if i == start {
					break
				}
				out = append(out, windows.UTF16ToString(buf[start:i]))
				start = i + 1
			}
		}
		return out, nil
	}
}

// volumeOf returns the volume GUID path of the volume holding path.
func volumeOf(path string) (string, error) {
	mount := make([]uint16, windows.MAX_PATH+1)
	if err := windows.GetVolumePathName(wstr(path), &mount[0], uint32(len(mount))); err != nil {
		return "", err
	}
	name := make([]uint16, 64)
	if err := windows.GetVolumeNameForVolumeMountPoint(&mount[0], &name[0], uint32(len(name))); err != nil {
		return "", err
	}
	return windows.UTF16ToString(name), nil
}

func (w liveWin) SystemVolumes() []string {
	var out []string
	if dir, err := windows.GetSystemWindowsDirectory(); err == nil {
		if v, err := volumeOf(dir); err == nil {
			out = append(out, v)
		}
	}
	if exe, err := os.Executable(); err == nil {
		if v, err := volumeOf(exe); err == nil {
			out = append(out, v)
		}
	}
	// The system partition Windows booted from (the ESP on UEFI), as an
	// NT device name: \Device\HarddiskVolume1.
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\Setup`, registry.QUERY_VALUE)
	if err != nil {
		return out
	}
	boot, _, err := k.GetStringValue("SystemPartition")
	k.Close()
	if err != nil || boot == "" {
		return out
	}
	vols, _ := w.Volumes()
	for _, v := range vols {
		dev := strings.TrimSuffix(strings.TrimPrefix(v, `\\?\`), `\`)
		target := make([]uint16, 1024)
		if n, err := windows.QueryDosDevice(wstr(dev), &target[0], uint32(len(target))); err == nil && n > 0 {
			if strings.EqualFold(windows.UTF16ToString(target), boot) {
				out = append(out, v)
			}
		}
	}
	return out
}

// winDisk is an opened physical drive: unbuffered, written through.
type winDisk struct{ h windows.Handle }

func (d *winDisk) Read(p []byte) (int, error) {
	var n uint32
	if err := windows.ReadFile(d.h, p, &n, nil); err != nil {
		return int(n), err
	}
	if n == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return int(n), nil
}

func (d *winDisk) Write(p []byte) (int, error) {
	var n uint32
	err := windows.WriteFile(d.h, p, &n, nil)
	if err == nil && int(n) < len(p) {
		err = io.ErrShortWrite
	}
	return int(n), err
}

func (d *winDisk) Seek(off int64, whence int) (int64, error) { return windows.Seek(d.h, off, whence) }
func (d *winDisk) Sync() error                               { return windows.FlushFileBuffers(d.h) }

// lockTries × lockWait is how long a volume lock is retried: Explorer,
// indexers and virus scanners hold a new stick's files for moments.
const (
	lockTries = 20
	lockWait  = 250 * time.Millisecond
)

// lockVolume opens a volume, locks it (FSCTL_LOCK_VOLUME) and dismounts
// it (FSCTL_DISMOUNT_VOLUME). The handle stays open, and the lock held,
// until the disk is written.
func lockVolume(name string) (windows.Handle, error) {
	h, err := openShared(strings.TrimSuffix(name, `\`), windows.GENERIC_READ|windows.GENERIC_WRITE, 0)
	if err != nil {
		return 0, err
	}
	for i := 1; ; i++ {
		if _, err = ioctl(h, fsctlLockVolume, nil, 0); err == nil || i == lockTries {
			break
		}
		time.Sleep(lockWait)
	}
	if err != nil {
		windows.CloseHandle(h)
		return 0, fmt.Errorf("lock: %w", err)
	}
	if _, err := ioctl(h, fsctlDismountVolume, nil, 0); err != nil {
		ioctl(h, fsctlUnlockVolume, nil, 0)
		windows.CloseHandle(h)
		return 0, fmt.Errorf("dismount: %w", err)
	}
	return h, nil
}

// openDevice opens \\.\PhysicalDriveN for writing: each volume on the
// disk locked and dismounted first, the disk opened with
// FILE_FLAG_WRITE_THROUGH|FILE_FLAG_NO_BUFFERING (so the read-back reads
// the stick, not a cache), its partition table cleared just before the
// first write. Any other path (a file in tests) is opened as a file.
func openDevice(dev string) (*openedDevice, error) {
	n, ok := devicePathDrive(dev)
	if !ok {
		f, err := os.OpenFile(dev, os.O_RDWR, 0)
		if err != nil {
			return nil, err
		}
		return &openedDevice{file: f, release: func() { f.Close() }}, nil
	}
	vols, err := WindowsHost{sys: liveWin{}}.volumes()
	if err != nil {
		return nil, err
	}
	names, labels := dismountPlan(vols, n)
	var locked []windows.Handle
	unlock := func() {
		for _, v := range locked {
			ioctl(v, fsctlUnlockVolume, nil, 0)
			windows.CloseHandle(v)
		}
	}
	for i, name := range names {
		v, err := lockVolume(name)
		if err != nil {
			unlock()
			return nil, fmt.Errorf("%s could not be taken offline; close the programs and windows that use it and try again: %w", labels[i], err)
		}
		locked = append(locked, v)
	}
	// Opened as exclusively as Windows allows (exclusiveOpen): no other
	// program may hold the disk open for writing, now or while it is
	// written.
	h, _, err := exclusiveOpen(func(share uint32) (windows.Handle, error) {
		h, err := windows.CreateFile(wstr(DrivePath(n)), windows.GENERIC_READ|windows.GENERIC_WRITE, share, nil, windows.OPEN_EXISTING, windows.FILE_FLAG_WRITE_THROUGH|windows.FILE_FLAG_NO_BUFFERING, 0)
		if errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
			err = fmt.Errorf("%w: %w", errSharing, err)
		}
		return h, err
	}, exclusiveTries, func() { time.Sleep(exclusiveWait) })
	if err != nil {
		unlock()
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
			return nil, fmt.Errorf("%w: writing a disk needs administrator rights (run refimage from an elevated prompt)", err)
		}
		return nil, err
	}
	align := 4096
	if b, err := ioctl(h, ioctlDiskGetDriveGeometryEx, nil, 256); err == nil {
		if g, err := parseGeometryEx(b); err == nil {
			align = sectorSize(g)
		}
	}
	return &openedDevice{
		file:  &winDisk{h: h},
		align: align,
		prepare: func() error {
			if _, err := ioctl(h, ioctlDiskDeleteDriveLayout, nil, 0); err != nil {
				return fmt.Errorf("clear the partition table (IOCTL_DISK_DELETE_DRIVE_LAYOUT): %w", err)
			}
			return nil
		},
		release: func() {
			// Windows reads the new partition table now, once nothing
			// reads the disk any more, and mounts the medium when the
			// volume locks go.
			ioctl(h, ioctlDiskUpdateProperties, nil, 0)
			windows.CloseHandle(h)
			unlock()
		},
	}, nil
}
