//go:build windows

package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Volumes and disks come from the Win32 volume and storage APIs (no WMI,
// no PowerShell: both are optional in Windows PE):
// FindFirstVolume/FindNextVolume, GetVolumePathNamesForVolumeName for the
// letter, GetVolumeInformation for label and file system,
// IOCTL_STORAGE_GET_DEVICE_NUMBER for disk and partition,
// IOCTL_STORAGE_QUERY_PROPERTY (StorageDeviceProperty) for the bus type
// and removable flag, IOCTL_DISK_GET_LENGTH_INFO for sizes.

const (
	ioctlStorageQueryProperty    = 0x002D1400
	ioctlStorageGetDeviceNumber  = 0x002D1080
	ioctlDiskGetLengthInfo       = 0x0007405C
	storageDeviceProperty        = 0
	propertyStandardQuery        = 0
	storageDescriptorBusTypeOffs = 28
)

// busTypes is STORAGE_BUS_TYPE.
var busTypes = map[uint32]string{
	1: "SCSI", 2: "ATAPI", 3: "ATA", 4: "1394", 5: "SSA", 6: "FibreChannel",
	7: "USB", 8: "RAID", 9: "iSCSI", 10: "SAS", 11: "SATA", 12: "SD", 13: "MMC",
	14: "Virtual", 15: "FileBackedVirtual", 16: "Spaces", 17: "NVMe", 18: "SCM", 19: "UFS",
}

type storageInfo struct {
	bus       string
	removable bool
	model     string
}

// openDevice opens a disk or volume for queries: with read access when
// allowed (IOCTL_DISK_GET_LENGTH_INFO needs it; Windows PE runs as an
// administrator), else with none (the storage queries need none).
func openDevice(path string) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, err
	}
	share := uint32(windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE)
	h, err := windows.CreateFile(p, windows.GENERIC_READ, share, nil, windows.OPEN_EXISTING, 0, 0)
	if err == nil {
		return h, nil
	}
	return windows.CreateFile(p, 0, share, nil, windows.OPEN_EXISTING, 0, 0)
}

func queryStorage(h windows.Handle) (storageInfo, error) {
	var q [12]byte // STORAGE_PROPERTY_QUERY: PropertyId, QueryType, AdditionalParameters[1] (padded)
	*(*uint32)(unsafe.Pointer(&q[0])) = storageDeviceProperty
	*(*uint32)(unsafe.Pointer(&q[4])) = propertyStandardQuery
	buf := make([]byte, 1024)
	var n uint32
	if err := windows.DeviceIoControl(h, ioctlStorageQueryProperty, &q[0], uint32(len(q)), &buf[0], uint32(len(buf)), &n, nil); err != nil {
		return storageInfo{}, err
	}
	if n < storageDescriptorBusTypeOffs+4 {
		return storageInfo{}, fmt.Errorf("short storage descriptor (%d bytes)", n)
	}
	buf = buf[:n]
	u32 := func(off int) uint32 { return *(*uint32)(unsafe.Pointer(&buf[off])) }
	str := func(off uint32) string {
		if off == 0 || int(off) >= len(buf) {
			return ""
		}
		end := int(off)
		for end < len(buf) && buf[end] != 0 {
			end++
		}
		return strings.TrimSpace(string(buf[off:end]))
	}
	si := storageInfo{bus: busTypes[u32(storageDescriptorBusTypeOffs)], removable: buf[10] != 0}
	si.model = strings.TrimSpace(str(u32(12)) + " " + str(u32(16)))
	return si, nil
}

func deviceNumber(h windows.Handle) (disk, part int, err error) {
	var dn [3]uint32 // STORAGE_DEVICE_NUMBER: DeviceType, DeviceNumber, PartitionNumber
	var n uint32
	if err := windows.DeviceIoControl(h, ioctlStorageGetDeviceNumber, nil, 0, (*byte)(unsafe.Pointer(&dn[0])), uint32(unsafe.Sizeof(dn)), &n, nil); err != nil {
		return -1, -1, err
	}
	return int(dn[1]), int(dn[2]), nil
}

func lengthInfo(h windows.Handle) int64 {
	var l int64
	var n uint32
	if windows.DeviceIoControl(h, ioctlDiskGetLengthInfo, nil, 0, (*byte)(unsafe.Pointer(&l)), 8, &n, nil) != nil {
		return 0
	}
	return l
}

// Volumes lists every volume Windows knows, sorted by drive letter
// (volumes without one last).
func (l *live) Volumes(ctx context.Context) ([]Volume, error) {
	name := make([]uint16, windows.MAX_PATH+1)
	find, err := windows.FindFirstVolume(&name[0], uint32(len(name)))
	if err != nil {
		return nil, &Error{Code: CodeFail, Msg: "list the volumes", Err: err}
	}
	defer windows.FindVolumeClose(find)
	var out []Volume
	for {
		guid := windows.UTF16ToString(name)
		out = append(out, volumeInfo(guid))
		if err := windows.FindNextVolume(find, &name[0], uint32(len(name))); err != nil {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Letter, out[j].Letter
		if (a == "") != (b == "") {
			return a != ""
		}
		return a < b
	})
	return out, nil
}

func volumeInfo(guid string) Volume {
	v := Volume{GUIDPath: guid, Disk: -1, Partition: -1}
	g16, _ := windows.UTF16PtrFromString(guid)
	paths := make([]uint16, 1024)
	var n uint32
	if windows.GetVolumePathNamesForVolumeName(g16, &paths[0], uint32(len(paths)), &n) == nil {
		for _, p := range splitMulti(paths[:n]) {
			if len(p) == 3 && p[1] == ':' {
				v.Letter = strings.ToUpper(p[:2])
				break
			}
		}
	}
	label := make([]uint16, windows.MAX_PATH+1)
	fsName := make([]uint16, windows.MAX_PATH+1)
	if windows.GetVolumeInformation(g16, &label[0], uint32(len(label)), nil, nil, nil, &fsName[0], uint32(len(fsName))) == nil {
		v.Label, v.FileSystem = windows.UTF16ToString(label), windows.UTF16ToString(fsName)
	}
	v.Removable = windows.GetDriveType(g16) == windows.DRIVE_REMOVABLE
	// The device path is the GUID name without its trailing backslash.
	h, err := openDevice(strings.TrimSuffix(guid, `\`))
	if err != nil {
		return v
	}
	defer windows.CloseHandle(h)
	if d, p, err := deviceNumber(h); err == nil {
		v.Disk, v.Partition = d, p
	}
	if si, err := queryStorage(h); err == nil {
		v.Bus = si.bus
		v.Removable = v.Removable || si.removable
	}
	v.Size = lengthInfo(h)
	return v
}

func splitMulti(u []uint16) []string {
	var out []string
	start := 0
	for i, c := range u {
		if c == 0 {
			if i > start {
				out = append(out, windows.UTF16ToString(u[start:i]))
			}
			start = i + 1
		}
	}
	return out
}

// Disks lists \\.\PhysicalDrive0…63. Boot marks the disks holding the
// running program, the running Windows (%SystemRoot%, not the WinPE RAM
// disk) and the state folder when it is not on the system drive of a
// target that is about to be partitioned.
func (l *live) Disks(ctx context.Context) ([]Disk, error) {
	boot := map[int]bool{}
	vols, _ := l.Volumes(ctx)
	byLetter := map[string]Volume{}
	for _, v := range vols {
		if v.Letter != "" {
			byLetter[v.Letter] = v
		}
	}
	mark := func(path string) {
		if len(path) >= 2 && path[1] == ':' {
			if v, ok := byLetter[strings.ToUpper(path[:2])]; ok && v.Disk >= 0 {
				boot[v.Disk] = true
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		mark(filepath.Clean(exe))
	}
	mark(os.Getenv("SystemRoot"))
	var out []Disk
	misses := 0
	for i := 0; i < 64 && misses < 8; i++ {
		h, err := openDevice(fmt.Sprintf(`\\.\PhysicalDrive%d`, i))
		if err != nil {
			misses++
			continue
		}
		misses = 0
		d := Disk{Number: i, Size: lengthInfo(h), Boot: boot[i]}
		if si, err := queryStorage(h); err == nil {
			d.Model, d.Removable = si.model, si.removable || si.bus == "USB"
		}
		windows.CloseHandle(h)
		out = append(out, d)
	}
	return out, nil
}
