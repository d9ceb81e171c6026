package usb

// Windows physical drives, the portable part: the IOCTL codes, the parsers
// of the structures the IOCTLs return (offsets from the Windows SDK's
// winioctl.h, x64 and arm64 alike: both are LLP64 with 8-byte alignment
// of LARGE_INTEGER), and the decisions — which disks are listed, which are
// refused, which volumes are locked and dismounted before writing. The
// Win32 calls themselves are in device_windows.go behind winSys; tests
// feed byte fixtures built to the same layouts.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/refimage/refimage/internal/bytesize"
)

// ctlCode is winioctl.h's CTL_CODE macro.
func ctlCode(deviceType, function, method, access uint32) uint32 {
	return deviceType<<16 | access<<14 | function<<2 | method
}

const (
	fileDeviceDisk       = 0x07 // FILE_DEVICE_DISK (IOCTL_DISK_BASE)
	fileDeviceFileSystem = 0x09 // FILE_DEVICE_FILE_SYSTEM
	ioctlStorageBase     = 0x2d // FILE_DEVICE_MASS_STORAGE
	ioctlVolumeBase      = 0x56 // 'V'
	methodBuffered       = 0
	fileAnyAccess        = 0
	fileReadAccess       = 1
	fileWriteAccess      = 2
)

// The control codes refimage sends; TestIoctlCodes pins them to the
// values winioctl.h gives.
var (
	ioctlStorageQueryProperty       = ctlCode(ioctlStorageBase, 0x500, methodBuffered, fileAnyAccess)               // 0x2D1400
	ioctlDiskGetDriveGeometryEx     = ctlCode(fileDeviceDisk, 0x28, methodBuffered, fileAnyAccess)                  // 0x700A0
	ioctlDiskGetLengthInfo          = ctlCode(fileDeviceDisk, 0x17, methodBuffered, fileReadAccess)                 // 0x7405C
	ioctlDiskGetDriveLayoutEx       = ctlCode(fileDeviceDisk, 0x14, methodBuffered, fileAnyAccess)                  // 0x70050
	ioctlDiskDeleteDriveLayout      = ctlCode(fileDeviceDisk, 0x40, methodBuffered, fileReadAccess|fileWriteAccess) // 0x7C100
	ioctlDiskUpdateProperties       = ctlCode(fileDeviceDisk, 0x50, methodBuffered, fileAnyAccess)                  // 0x70140
	ioctlVolumeGetVolumeDiskExtents = ctlCode(ioctlVolumeBase, 0, methodBuffered, fileAnyAccess)                    // 0x560000
	fsctlLockVolume                 = ctlCode(fileDeviceFileSystem, 6, methodBuffered, fileAnyAccess)               // 0x90018
	fsctlUnlockVolume               = ctlCode(fileDeviceFileSystem, 7, methodBuffered, fileAnyAccess)               // 0x9001C
	fsctlDismountVolume             = ctlCode(fileDeviceFileSystem, 8, methodBuffered, fileAnyAccess)               // 0x90020
)

// STORAGE_BUS_TYPE values that mean a stick or a card.
const (
	busTypeUsb = 0x07
	busTypeSd  = 0x0C
	busTypeMmc = 0x0D
)

// storageDescriptor is what refimage reads of a STORAGE_DEVICE_DESCRIPTOR.
type storageDescriptor struct {
	Removable bool
	BusType   uint32
	Vendor    string
	Product   string
	Serial    string
}

// parseStorageDescriptor reads the output of IOCTL_STORAGE_QUERY_PROPERTY
// (StorageDeviceProperty, PropertyStandardQuery):
//
//	typedef struct _STORAGE_DEVICE_DESCRIPTOR {
//	  DWORD   Version;               //  0
//	  DWORD   Size;                  //  4  bytes the whole answer needs
//	  BYTE    DeviceType;            //  8
//	  BYTE    DeviceTypeModifier;    //  9
//	  BOOLEAN RemovableMedia;        // 10
//	  BOOLEAN CommandQueueing;       // 11
//	  DWORD   VendorIdOffset;        // 12  0: none; else a NUL-terminated ASCII string at that offset
//	  DWORD   ProductIdOffset;       // 16
//	  DWORD   ProductRevisionOffset; // 20
//	  DWORD   SerialNumberOffset;    // 24
//	  STORAGE_BUS_TYPE BusType;      // 28  a 4-byte enum
//	  DWORD   RawPropertiesLength;   // 32
//	  BYTE    RawDeviceProperties[1];// 36
//	} STORAGE_DEVICE_DESCRIPTOR;     // sizeof 40
//
// Strings at offsets outside the buffer are ignored; drivers pad them with
// spaces, which are trimmed.
func parseStorageDescriptor(b []byte) (storageDescriptor, error) {
	if len(b) < 32 {
		return storageDescriptor{}, fmt.Errorf("STORAGE_DEVICE_DESCRIPTOR: %d bytes, want at least 32", len(b))
	}
	if size := binary.LittleEndian.Uint32(b[4:]); size != 0 && int(size) < len(b) {
		b = b[:size] // the answer proper; the rest of the buffer is unused
	}
	str := func(off uint32) string {
		if off == 0 || off >= uint32(len(b)) {
			return ""
		}
		s := b[off:]
		if i := indexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		return strings.Join(strings.Fields(string(s)), " ")
	}
	return storageDescriptor{
		Removable: b[10] != 0,
		BusType:   binary.LittleEndian.Uint32(b[28:]),
		Vendor:    str(binary.LittleEndian.Uint32(b[12:])),
		Product:   str(binary.LittleEndian.Uint32(b[16:])),
		Serial:    str(binary.LittleEndian.Uint32(b[24:])),
	}, nil
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// diskGeometry is what refimage reads of a DISK_GEOMETRY_EX.
type diskGeometry struct {
	BytesPerSector uint32
	DiskSize       int64
}

// parseGeometryEx reads the output of IOCTL_DISK_GET_DRIVE_GEOMETRY_EX:
//
//	typedef struct _DISK_GEOMETRY {
//	  LARGE_INTEGER Cylinders;         //  0
//	  MEDIA_TYPE    MediaType;         //  8  a 4-byte enum
//	  DWORD         TracksPerCylinder; // 12
//	  DWORD         SectorsPerTrack;   // 16
//	  DWORD         BytesPerSector;    // 20
//	} DISK_GEOMETRY;                   // sizeof 24
//	typedef struct _DISK_GEOMETRY_EX {
//	  DISK_GEOMETRY Geometry;          //  0
//	  LARGE_INTEGER DiskSize;          // 24
//	  BYTE          Data[1];           // 32  partition and detection information
//	} DISK_GEOMETRY_EX;
//
// Unlike IOCTL_DISK_GET_LENGTH_INFO it needs no read access, so it gives
// the size when refimage runs without administrator rights.
func parseGeometryEx(b []byte) (diskGeometry, error) {
	if len(b) < 32 {
		return diskGeometry{}, fmt.Errorf("DISK_GEOMETRY_EX: %d bytes, want at least 32", len(b))
	}
	return diskGeometry{
		BytesPerSector: binary.LittleEndian.Uint32(b[20:]),
		DiskSize:       int64(binary.LittleEndian.Uint64(b[24:])),
	}, nil
}

// sectorSize is the unit of unbuffered I/O on the disk: the geometry's,
// when it is a power of two from 512 bytes to 64 KiB, else 4096 (a
// multiple of every sector size in use).
func sectorSize(g diskGeometry) int {
	s := int(g.BytesPerSector)
	if s < 512 || s > 64<<10 || s&(s-1) != 0 {
		return 4096
	}
	return s
}

// Partition styles (PARTITION_STYLE).
const (
	partitionStyleMBR = 0
	partitionStyleGPT = 1
	partitionStyleRAW = 2
)

// winPartition is one entry of a drive layout.
type winPartition struct {
	Number uint32
	Offset int64
	Length int64
	Style  uint32
	MBR    byte   // MBR partition type
	GPT    string // GPT partition type GUID, upper case
	Name   string // GPT partition name
}

const (
	layoutHeader  = 48  // offsetof(DRIVE_LAYOUT_INFORMATION_EX, PartitionEntry)
	partitionSize = 144 // sizeof(PARTITION_INFORMATION_EX)
)

// parseDriveLayoutEx reads the output of IOCTL_DISK_GET_DRIVE_LAYOUT_EX:
//
//	typedef struct _DRIVE_LAYOUT_INFORMATION_EX {
//	  DWORD PartitionStyle;            //  0  0 MBR, 1 GPT, 2 RAW
//	  DWORD PartitionCount;            //  4  MBR: a multiple of 4, unused entries included
//	  union {                          //  8  sizeof 40 (the GPT member)
//	    DRIVE_LAYOUT_INFORMATION_MBR Mbr; //   DWORD Signature; DWORD CheckSum
//	    DRIVE_LAYOUT_INFORMATION_GPT Gpt; //   GUID DiskId (0); LARGE_INTEGER StartingUsableOffset (16);
//	  };                               //     LARGE_INTEGER UsableLength (24); DWORD MaxPartitionCount (32); 4 bytes padding
//	  PARTITION_INFORMATION_EX PartitionEntry[1]; // 48, each 144 bytes
//	} DRIVE_LAYOUT_INFORMATION_EX;
//
//	typedef struct _PARTITION_INFORMATION_EX {
//	  PARTITION_STYLE PartitionStyle;  //  0  4 bytes, then 4 bytes padding
//	  LARGE_INTEGER StartingOffset;    //  8
//	  LARGE_INTEGER PartitionLength;   // 16
//	  DWORD   PartitionNumber;         // 24
//	  BOOLEAN RewritePartition;        // 28
//	  BOOLEAN IsServicePartition;      // 29  then 2 bytes padding
//	  union {                          // 32  sizeof 112 (the GPT member)
//	    PARTITION_INFORMATION_MBR Mbr; //   BYTE PartitionType (0); BOOLEAN BootIndicator (1);
//	                                   //   BOOLEAN RecognizedPartition (2); DWORD HiddenSectors (4); GUID PartitionId (8)
//	    PARTITION_INFORMATION_GPT Gpt; //   GUID PartitionType (0); GUID PartitionId (16);
//	                                   //   DWORD64 Attributes (32); WCHAR Name[36] (40)
//	  };
//	} PARTITION_INFORMATION_EX;        // sizeof 144
//
// Unused entries (MBR type 0, a zero GPT type, no length) and the
// container of logical MBR partitions (number 0) are left out.
func parseDriveLayoutEx(b []byte) (style uint32, parts []winPartition, err error) {
	if len(b) < 8 {
		return 0, nil, fmt.Errorf("DRIVE_LAYOUT_INFORMATION_EX: %d bytes, want at least 8", len(b))
	}
	style = binary.LittleEndian.Uint32(b[0:])
	count := binary.LittleEndian.Uint32(b[4:])
	if count > 0 && len(b) < layoutHeader {
		return style, nil, fmt.Errorf("DRIVE_LAYOUT_INFORMATION_EX: %d bytes for %d partitions", len(b), count)
	}
	if avail := uint32((len(b) - min(len(b), layoutHeader)) / partitionSize); count > avail {
		return style, nil, fmt.Errorf("DRIVE_LAYOUT_INFORMATION_EX: %d partitions but room for %d", count, avail)
	}
	for i := range int(count) {
		e := b[layoutHeader+i*partitionSize:][:partitionSize]
		p := winPartition{
			Style:  binary.LittleEndian.Uint32(e[0:]),
			Offset: int64(binary.LittleEndian.Uint64(e[8:])),
			Length: int64(binary.LittleEndian.Uint64(e[16:])),
			Number: binary.LittleEndian.Uint32(e[24:]),
		}
		u := e[32:]
		switch p.Style {
		case partitionStyleMBR:
			p.MBR = u[0]
			if p.MBR == 0 {
				continue
			}
		case partitionStyleGPT:
			p.GPT = formatGUID(u[0:16])
			if p.GPT == zeroGUID {
				continue
			}
			p.Name = utf16z(u[40 : 40+72])
		}
		if p.Length == 0 || p.Number == 0 {
			continue
		}
		parts = append(parts, p)
	}
	return style, parts, nil
}

const zeroGUID = "00000000-0000-0000-0000-000000000000"

// formatGUID writes a Windows GUID (Data1 uint32, Data2 and Data3 uint16,
// little-endian; Data4 8 bytes in order) as text.
func formatGUID(b []byte) string {
	return fmt.Sprintf("%08X-%04X-%04X-%X-%X", binary.LittleEndian.Uint32(b[0:]), binary.LittleEndian.Uint16(b[4:]), binary.LittleEndian.Uint16(b[6:]), b[8:10], b[10:16])
}

// utf16z decodes a NUL-terminated UTF-16LE string (BMP only: partition
// names are short labels).
func utf16z(b []byte) string {
	var r []rune
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		r = append(r, rune(c))
	}
	return string(r)
}

// GPT partition types refimage names.
var gptTypes = map[string]string{
	"C12A7328-F81F-11D2-BA4B-00A0C93EC93B": "EFI system",
	"E3C9E316-0B5C-4DB8-817D-F92DF00215AE": "Microsoft reserved",
	"EBD0A0A2-B9E5-4433-87C0-68B6B72699C7": "basic data",
	"DE94BBA4-06D1-4D40-A16A-BFD50179D6AC": "recovery",
	"0FC63DAF-8483-4772-8E79-3D69D8477DE4": "Linux",
}

var mbrTypes = map[byte]string{
	0x01: "FAT12", 0x04: "FAT16", 0x06: "FAT16", 0x07: "NTFS or exFAT", 0x0B: "FAT32", 0x0C: "FAT32",
	0x0E: "FAT16", 0x17: "hidden NTFS", 0x27: "recovery", 0x83: "Linux", 0xEE: "GPT protective", 0xEF: "EFI system",
}

// describe names a partition for a list: "partition 1 (EFI system,
// 104.9 MB)". No backslash: the wizard shows partitions by base name.
func (p winPartition) describe() string {
	kind := ""
	switch p.Style {
	case partitionStyleMBR:
		kind = mbrTypes[p.MBR]
		if kind == "" {
			kind = fmt.Sprintf("type 0x%02X", p.MBR)
		}
	case partitionStyleGPT:
		kind = gptTypes[p.GPT]
		if kind == "" {
			kind = "type " + p.GPT
		}
		if p.Name != "" && p.Name != kind {
			kind += " " + strconv.Quote(strings.Map(noSeparator, p.Name))
		}
	}
	return fmt.Sprintf("partition %d (%s, %s)", p.Number, kind, bytesize.Format(p.Length))
}

// noSeparator keeps path separators out of a partition's description.
func noSeparator(r rune) rune {
	if r == '/' || r == '\\' {
		return '_'
	}
	return r
}

// diskExtent is one DISK_EXTENT of a volume.
type diskExtent struct {
	Disk   uint32
	Offset int64
	Length int64
}

// parseVolumeDiskExtents reads the output of
// IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS:
//
//	typedef struct _VOLUME_DISK_EXTENTS {
//	  DWORD       NumberOfDiskExtents; //  0  then 4 bytes padding
//	  DISK_EXTENT Extents[1];          //  8  each 24 bytes
//	} VOLUME_DISK_EXTENTS;
//	typedef struct _DISK_EXTENT {
//	  DWORD         DiskNumber;        //  0  then 4 bytes padding
//	  LARGE_INTEGER StartingOffset;    //  8
//	  LARGE_INTEGER ExtentLength;      // 16
//	} DISK_EXTENT;                     // sizeof 24
func parseVolumeDiskExtents(b []byte) ([]diskExtent, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("VOLUME_DISK_EXTENTS: %d bytes, want at least 8", len(b))
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-8)/24 {
		return nil, fmt.Errorf("VOLUME_DISK_EXTENTS: %d extents but %d bytes", n, len(b))
	}
	out := make([]diskExtent, n)
	for i := range out {
		e := b[8+24*i:]
		out[i] = diskExtent{
			Disk:   binary.LittleEndian.Uint32(e[0:]),
			Offset: int64(binary.LittleEndian.Uint64(e[8:])),
			Length: int64(binary.LittleEndian.Uint64(e[16:])),
		}
	}
	return out, nil
}

// DrivePath is the device path of physical drive n: \\.\PhysicalDriveN.
func DrivePath(n int) string { return `\\.\PhysicalDrive` + strconv.Itoa(n) }

// DriveNumber reads a physical drive as the user may give it:
// \\.\PhysicalDrive2, \\?\PhysicalDrive2 or //./PhysicalDrive2,
// PhysicalDrive2, or 2 (diskpart's and Disk Management's disk number).
// Case does not matter.
func DriveNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	for _, p := range []string{`\\.\`, `\\?\`, `//./`, `//?/`} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			s = s[len(p):]
			if !hasDrivePrefix(s) {
				return 0, false
			}
			break
		}
	}
	if hasDrivePrefix(s) {
		s = s[len("PhysicalDrive"):]
	}
	if s == "" || len(s) > 4 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func hasDrivePrefix(s string) bool {
	const p = "PhysicalDrive"
	return len(s) > len(p) && strings.EqualFold(s[:len(p)], p)
}

// devicePathDrive reports whether dev is a drive's device path (not a
// shorthand, which could be a file name): what WriteDevice opens as a
// disk on Windows.
func devicePathDrive(dev string) (int, bool) {
	if !strings.HasPrefix(dev, `\\`) && !strings.HasPrefix(dev, `//`) {
		return 0, false
	}
	return DriveNumber(dev)
}

// errNoDrive: there is no physical drive with that number.
var errNoDrive = errors.New("no such physical drive")

// rawDrive is what Windows answers about one physical drive, as bytes.
type rawDrive struct {
	Descriptor []byte // IOCTL_STORAGE_QUERY_PROPERTY: STORAGE_DEVICE_DESCRIPTOR
	Geometry   []byte // IOCTL_DISK_GET_DRIVE_GEOMETRY_EX: DISK_GEOMETRY_EX (nil: not answered)
	Layout     []byte // IOCTL_DISK_GET_DRIVE_LAYOUT_EX: DRIVE_LAYOUT_INFORMATION_EX (nil: not answered)
	Length     int64  // IOCTL_DISK_GET_LENGTH_INFO; -1: not answered (it needs read access, so administrator rights)
}

// winSys is the Win32 side of the Windows disk logic: device_windows.go
// answers with the live calls, tests with byte fixtures.
type winSys interface {
	// Drive queries \\.\PhysicalDriveN; errNoDrive when there is none.
	Drive(n int) (rawDrive, error)
	// Volumes lists the volume GUID paths (\\?\Volume{…}\):
	// FindFirstVolume, FindNextVolume.
	Volumes() ([]string, error)
	// Extents is IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS's answer for a
	// volume (an error for volumes not on a disk: CD drives, RAM disks).
	Extents(volume string) ([]byte, error)
	// Paths are the volume's drive letters and mount folders:
	// GetVolumePathNamesForVolumeName.
	Paths(volume string) ([]string, error)
	// SystemVolumes are the volume GUID paths holding the Windows folder
	// (GetSystemWindowsDirectory), the running program (os.Executable)
	// and the system partition Windows booted from.
	SystemVolumes() []string
}

// WindowsHost is what Windows knows about its physical drives. Its
// devices carry Dismount: writing locks and dismounts their volumes, so
// a mounted stick is not refused (on Linux it is).
type WindowsHost struct{ sys winSys }

// winVolume is a volume with the disks it lies on and where it is mounted.
type winVolume struct {
	Name  string // \\?\Volume{…}\
	Disks []uint32
	Paths []string
}

// volumes maps every volume to its disks. Volumes whose extents Windows
// does not give (no disk behind them) are left out.
func (h WindowsHost) volumes() ([]winVolume, error) {
	names, err := h.sys.Volumes()
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	var out []winVolume
	for _, name := range names {
		b, err := h.sys.Extents(name)
		if err != nil {
			continue
		}
		ext, err := parseVolumeDiskExtents(b)
		if err != nil || len(ext) == 0 {
			continue
		}
		v := winVolume{Name: name}
		for _, e := range ext {
			v.Disks = append(v.Disks, e.Disk)
		}
		v.Paths, _ = h.sys.Paths(name)
		out = append(out, v)
	}
	return out, nil
}

// volumesOn returns the volumes that lie (also) on disk n.
func volumesOn(vols []winVolume, n int) []winVolume {
	var out []winVolume
	for _, v := range vols {
		for _, d := range v.Disks {
			if int(d) == n {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

// device turns the raw answers about drive n into a Device.
func (h WindowsHost) device(n int, raw rawDrive, vols []winVolume, system []string) (*Device, error) {
	desc, err := parseStorageDescriptor(raw.Descriptor)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", DrivePath(n), err)
	}
	d := &Device{
		Path:      DrivePath(n),
		Model:     strings.TrimSpace(desc.Vendor + " " + desc.Product),
		USB:       desc.BusType == busTypeUsb,
		Removable: desc.Removable || desc.BusType == busTypeSd || desc.BusType == busTypeMmc,
		Dismount:  true,
		Size:      raw.Length,
		ID:        desc.Serial,
	}
	if raw.Geometry != nil {
		if g, err := parseGeometryEx(raw.Geometry); err == nil {
			if d.Size < 0 {
				d.Size = g.DiskSize
			}
			d.SectorSize = int(g.BytesPerSector)
		}
	}
	d.Size = max(d.Size, 0)
	if raw.Layout != nil {
		if _, parts, err := parseDriveLayoutEx(raw.Layout); err == nil {
			for _, p := range parts {
				d.Partitions = append(d.Partitions, p.describe())
			}
		}
	}
	for _, v := range volumesOn(vols, n) {
		d.Mounted = append(d.Mounted, v.Paths...)
		for _, s := range system {
			if strings.EqualFold(strings.TrimSuffix(s, `\`), strings.TrimSuffix(v.Name, `\`)) {
				d.System = true
			}
		}
	}
	sort.Strings(d.Mounted)
	return d, nil
}

// Inspect reads what Windows knows about a physical drive, given as
// \\.\PhysicalDriveN, PhysicalDriveN or N.
func (h WindowsHost) Inspect(dev string) (*Device, error) {
	n, ok := DriveNumber(dev)
	if !ok {
		return nil, fmt.Errorf(`%s is not a physical drive: give \\.\PhysicalDriveN, PhysicalDriveN or the disk number N (as diskpart's list disk shows it)`, dev)
	}
	raw, err := h.sys.Drive(n)
	if errors.Is(err, errNoDrive) {
		return nil, fmt.Errorf("the device %s does not exist: there is no such disk (%w)", DrivePath(n), ErrNoDevice)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", DrivePath(n), err)
	}
	vols, err := h.volumes()
	if err != nil {
		return nil, err
	}
	return h.device(n, raw, vols, h.sys.SystemVolumes())
}

// maxDriveGap is how many missing drive numbers in a row end the search:
// Windows numbers disks from 0 but leaves gaps when one is removed.
const maxDriveGap = 8

// List returns the physical drives that could take a medium (removable or
// on USB, with a medium in): \\.\PhysicalDrive0 upwards until
// maxDriveGap numbers in a row are missing and no volume lies on a
// higher one.
func (h WindowsHost) List() ([]*Device, error) {
	vols, err := h.volumes()
	if err != nil {
		return nil, err
	}
	system := h.sys.SystemVolumes()
	highest := -1
	for _, v := range vols {
		for _, d := range v.Disks {
			highest = max(highest, int(d))
		}
	}
	var out []*Device
	for n, gap := 0, 0; gap < maxDriveGap || n <= highest; n++ {
		raw, err := h.sys.Drive(n)
		if errors.Is(err, errNoDrive) {
			gap++
			continue
		}
		gap = 0
		if err != nil {
			continue // there, but not answering: not offered
		}
		d, err := h.device(n, raw, vols, system)
		if err == nil && (d.Removable || d.USB) && d.Size > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

// dismountPlan lists the volumes on disk n to lock and dismount before it
// is written, each with a name for messages (its first mount point, or
// its GUID path).
func dismountPlan(vols []winVolume, n int) (names, labels []string) {
	for _, v := range volumesOn(vols, n) {
		label := v.Name
		if len(v.Paths) > 0 {
			label = v.Paths[0]
		}
		names = append(names, v.Name)
		labels = append(labels, label)
	}
	return names, labels
}

// CreateFile share modes (winnt.h), for exclusiveOpen.
const (
	fileShareNone  = 0x0
	fileShareRead  = 0x1
	fileShareWrite = 0x2
)

// errSharing is ERROR_SHARING_VIOLATION: another handle's access or share
// mode excludes the open asked for.
var errSharing = errors.New("the disk is open in another program")

// Exclusive opens of a disk for writing: how often a sharing violation
// is retried (virus scanners and indexers hold a new stick for moments).
const (
	exclusiveTries = 20
	exclusiveWait  = 250 * time.Millisecond
)

// exclusiveOpen opens a disk for writing as exclusively as Windows
// allows, Windows' counterpart of O_EXCL: first sharing nothing, so that
// no other handle may read or write the disk while refimage writes it;
// when that is a sharing violation (something holds the disk open for
// reading, which Windows' own services may), sharing reads only, which
// Windows still refuses while any other program has the disk open for
// writing, and which keeps every other program from opening it for
// writing until refimage is done. A write share is never asked for.
// open is CreateFile with the share mode; errors that are not sharing
// violations (access denied: no administrator rights) end it at once.
// It returns the share mode it got.
func exclusiveOpen[H any](open func(share uint32) (H, error), tries int, wait func()) (H, uint32, error) {
	var zero H
	var err error
	for i := 1; ; i++ {
		for _, share := range []uint32{fileShareNone, fileShareRead} {
			var h H
			if h, err = open(share); err == nil {
				return h, share, nil
			}
			if !errors.Is(err, errSharing) {
				return zero, 0, err
			}
		}
		if i >= tries {
			break
		}
		wait()
	}
	return zero, 0, fmt.Errorf("another program has the disk open for writing (%w); close it and try again", err)
}
