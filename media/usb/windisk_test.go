package usb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// Byte fixtures written to the Windows SDK layouts (winioctl.h), as the
// IOCTLs return them; the offsets are those documented in windisk.go.

// descriptorBytes is a STORAGE_DEVICE_DESCRIPTOR (40 bytes) followed by
// its strings, space-padded as drivers write them.
func descriptorBytes(removable bool, bus uint32, vendor, product string) []byte {
	b := make([]byte, 40)
	binary.LittleEndian.PutUint32(b[0:], 40) // Version: sizeof(STORAGE_DEVICE_DESCRIPTOR)
	if removable {
		b[10] = 1 // RemovableMedia
	}
	add := func(s string, field int) {
		if s == "" {
			return // offset 0: none
		}
		binary.LittleEndian.PutUint32(b[field:], uint32(len(b)))
		b = append(b, s+"  \x00"...)
	}
	add(vendor, 12)  // VendorIdOffset
	add(product, 16) // ProductIdOffset
	add("1.00", 20)  // ProductRevisionOffset
	add("SN0001", 24)
	binary.LittleEndian.PutUint32(b[28:], bus) // BusType
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)))
	return append(b, make([]byte, 64)...) // the unused rest of the caller's buffer
}

// geometryBytes is a DISK_GEOMETRY_EX.
func geometryBytes(sector uint32, size int64) []byte {
	b := make([]byte, 40)
	binary.LittleEndian.PutUint64(b[0:], uint64(size/int64(sector)/63/255)) // Cylinders
	binary.LittleEndian.PutUint32(b[8:], 11)                                // MediaType: RemovableMedia
	binary.LittleEndian.PutUint32(b[12:], 255)                              // TracksPerCylinder
	binary.LittleEndian.PutUint32(b[16:], 63)                               // SectorsPerTrack
	binary.LittleEndian.PutUint32(b[20:], sector)                           // BytesPerSector
	binary.LittleEndian.PutUint64(b[24:], uint64(size))                     // DiskSize
	return b
}

// guidBytes writes a GUID as Windows stores it.
func guidBytes(s string) []byte {
	var d1 uint32
	var d2, d3 uint16
	var d4a uint16
	var d4b uint64
	if _, err := fmt.Sscanf(s, "%08X-%04X-%04X-%04X-%012X", &d1, &d2, &d3, &d4a, &d4b); err != nil {
		panic(err)
	}
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b[0:], d1)
	binary.LittleEndian.PutUint16(b[4:], d2)
	binary.LittleEndian.PutUint16(b[6:], d3)
	binary.BigEndian.PutUint16(b[8:], d4a)
	for i := range 6 {
		b[10+i] = byte(d4b >> (8 * (5 - i)))
	}
	return b
}

const (
	espGUID   = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
	msrGUID   = "E3C9E316-0B5C-4DB8-817D-F92DF00215AE"
	basicGUID = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
	recGUID   = "DE94BBA4-06D1-4D40-A16A-BFD50179D6AC"
)

type part struct {
	number         uint32
	offset, length int64
	mbrType        byte   // MBR
	gptType, name  string // GPT
}

// layoutBytes is a DRIVE_LAYOUT_INFORMATION_EX with its
// PARTITION_INFORMATION_EX entries.
func layoutBytes(style uint32, parts ...part) []byte {
	b := make([]byte, 48+144*len(parts))
	binary.LittleEndian.PutUint32(b[0:], style)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(parts)))
	if style == partitionStyleGPT {
		copy(b[8:], guidBytes("12345678-1234-1234-1234-123456789ABC")) // DiskId
		binary.LittleEndian.PutUint64(b[24:], 17408)                   // StartingUsableOffset
		binary.LittleEndian.PutUint32(b[40:], 128)                     // MaxPartitionCount
	} else {
		binary.LittleEndian.PutUint32(b[8:], 0xCAFEF00D) // Signature
	}
	for i, p := range parts {
		e := b[48+144*i:]
		binary.LittleEndian.PutUint32(e[0:], style)
		binary.LittleEndian.PutUint64(e[8:], uint64(p.offset))
		binary.LittleEndian.PutUint64(e[16:], uint64(p.length))
		binary.LittleEndian.PutUint32(e[24:], p.number)
		u := e[32:]
		if style == partitionStyleGPT {
			if p.gptType != "" {
				copy(u[0:], guidBytes(p.gptType))
			}
			copy(u[16:], guidBytes("AAAAAAAA-0000-0000-0000-00000000000"+fmt.Sprint(i)))
			for j, r := range p.name {
				binary.LittleEndian.PutUint16(u[40+2*j:], uint16(r))
			}
		} else {
			u[0] = p.mbrType
			u[2] = 1                                                   // RecognizedPartition
			binary.LittleEndian.PutUint32(u[4:], uint32(p.offset/512)) // HiddenSectors
		}
	}
	return b
}

// extentBytes is a VOLUME_DISK_EXTENTS.
func extentBytes(ext ...diskExtent) []byte {
	b := make([]byte, 8+24*len(ext))
	binary.LittleEndian.PutUint32(b, uint32(len(ext)))
	for i, e := range ext {
		binary.LittleEndian.PutUint32(b[8+24*i:], e.Disk)
		binary.LittleEndian.PutUint64(b[8+24*i+8:], uint64(e.Offset))
		binary.LittleEndian.PutUint64(b[8+24*i+16:], uint64(e.Length))
	}
	return b
}

func TestIoctlCodes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uint32
	}{
		{"IOCTL_STORAGE_QUERY_PROPERTY", ioctlStorageQueryProperty, 0x2D1400},
		{"IOCTL_DISK_GET_DRIVE_GEOMETRY_EX", ioctlDiskGetDriveGeometryEx, 0x700A0},
		{"IOCTL_DISK_GET_LENGTH_INFO", ioctlDiskGetLengthInfo, 0x7405C},
		{"IOCTL_DISK_GET_DRIVE_LAYOUT_EX", ioctlDiskGetDriveLayoutEx, 0x70050},
		{"IOCTL_DISK_DELETE_DRIVE_LAYOUT", ioctlDiskDeleteDriveLayout, 0x7C100},
		{"IOCTL_DISK_UPDATE_PROPERTIES", ioctlDiskUpdateProperties, 0x70140},
		{"IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS", ioctlVolumeGetVolumeDiskExtents, 0x560000},
		{"FSCTL_LOCK_VOLUME", fsctlLockVolume, 0x90018},
		{"FSCTL_UNLOCK_VOLUME", fsctlUnlockVolume, 0x9001C},
		{"FSCTL_DISMOUNT_VOLUME", fsctlDismountVolume, 0x90020},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
}

func TestParseStorageDescriptor(t *testing.T) {
	d, err := parseStorageDescriptor(descriptorBytes(true, busTypeUsb, "SanDisk", "Ultra"))
	if err != nil || d != (storageDescriptor{Removable: true, BusType: 7, Vendor: "SanDisk", Product: "Ultra", Serial: "SN0001"}) {
		t.Errorf("%+v %v", d, err)
	}
	// No vendor (offset 0), a product offset past the answer.
	b := descriptorBytes(false, 0x11, "", "Samsung SSD 980")
	binary.LittleEndian.PutUint32(b[16:], 4000)
	if d, err := parseStorageDescriptor(b); err != nil || d.Vendor != "" || d.Product != "" || d.Removable || d.BusType != 0x11 {
		t.Errorf("%+v %v", d, err)
	}
	// A product string without its NUL at the end of the answer.
	b = descriptorBytes(false, busTypeSd, "", "")
	binary.LittleEndian.PutUint32(b[16:], 40)
	b = append(b[:40], "Card  Reader"...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)))
	if d, err := parseStorageDescriptor(b); err != nil || d.Product != "Card Reader" {
		t.Errorf("%+v %v", d, err)
	}
	if _, err := parseStorageDescriptor(make([]byte, 31)); err == nil {
		t.Error("a short descriptor must be an error")
	}
}

func TestParseGeometry(t *testing.T) {
	g, err := parseGeometryEx(geometryBytes(512, 31004295168))
	if err != nil || g.BytesPerSector != 512 || g.DiskSize != 31004295168 {
		t.Errorf("%+v %v", g, err)
	}
	if _, err := parseGeometryEx(make([]byte, 24)); err == nil {
		t.Error("short geometry accepted")
	}
	for in, want := range map[uint32]int{512: 512, 4096: 4096, 0: 4096, 520: 4096, 1 << 20: 4096} {
		if got := sectorSize(diskGeometry{BytesPerSector: in}); got != want {
			t.Errorf("sectorSize(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestParseDriveLayout(t *testing.T) {
	style, parts, err := parseDriveLayoutEx(layoutBytes(partitionStyleGPT,
		part{number: 1, offset: 1 << 20, length: 100 << 20, gptType: espGUID, name: "EFI system partition"},
		part{number: 2, offset: 101 << 20, length: 16 << 20, gptType: msrGUID, name: "Microsoft reserved partition"},
		part{number: 3, offset: 117 << 20, length: 200 << 30, gptType: basicGUID, name: "Basic data partition"},
		part{number: 4, offset: 201 << 30, length: 700 << 20, gptType: recGUID},
	))
	if err != nil || style != partitionStyleGPT || len(parts) != 4 {
		t.Fatalf("%d %+v %v", style, parts, err)
	}
	if parts[0].GPT != espGUID || parts[0].Name != "EFI system partition" || parts[0].Offset != 1<<20 || parts[0].Length != 100<<20 {
		t.Errorf("ESP: %+v", parts[0])
	}
	var got []string
	for _, p := range parts {
		got = append(got, p.describe())
	}
	want := []string{
		`partition 1 (EFI system "EFI system partition", 100.0 MiB)`,
		`partition 2 (Microsoft reserved "Microsoft reserved partition", 16.0 MiB)`,
		`partition 3 (basic data "Basic data partition", 200.0 GiB)`,
		`partition 4 (recovery, 700.0 MiB)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A GPT name with path separators (the wizard shows base names).
	if got := (winPartition{Number: 5, Style: partitionStyleGPT, GPT: basicGUID, Name: `a/b\c`, Length: 1000}).describe(); got != `partition 5 (basic data "a_b_c", 1000 B)` {
		t.Errorf("%s", got)
	}

	// MBR: four entries, two unused, and the container of logical
	// partitions (number 0) before a logical one.
	_, parts, err = parseDriveLayoutEx(layoutBytes(partitionStyleMBR,
		part{number: 1, offset: 1 << 20, length: 30 << 30, mbrType: 0x0C},
		part{},
		part{number: 0, offset: 31 << 30, length: 1 << 30, mbrType: 0x0F},
		part{number: 2, offset: 31<<30 + 1<<20, length: 1<<30 - 1<<20, mbrType: 0x42},
	))
	if err != nil || len(parts) != 2 || parts[0].describe() != "partition 1 (FAT32, 30.0 GiB)" || parts[1].describe() != "partition 2 (type 0x42, 1023.0 MiB)" {
		t.Errorf("MBR: %+v %v", parts, err)
	}
	// A raw disk: no partitions.
	if style, parts, err := parseDriveLayoutEx(layoutBytes(partitionStyleRAW)); err != nil || style != partitionStyleRAW || len(parts) != 0 {
		t.Errorf("RAW: %d %v %v", style, parts, err)
	}
	// A count larger than the answer.
	b := layoutBytes(partitionStyleGPT, part{number: 1, length: 1, gptType: espGUID})
	binary.LittleEndian.PutUint32(b[4:], 2)
	if _, _, err := parseDriveLayoutEx(b); err == nil {
		t.Error("truncated layout accepted")
	}
	if _, _, err := parseDriveLayoutEx(b[:7]); err == nil {
		t.Error("short layout accepted")
	}
}

func TestFormatGUID(t *testing.T) {
	if got := formatGUID(guidBytes(espGUID)); got != espGUID {
		t.Errorf("%s", got)
	}
	// Data1..3 little-endian on the wire.
	if b := guidBytes(espGUID); b[0] != 0x28 || b[3] != 0xC1 || b[8] != 0xBA || b[15] != 0x3B {
		t.Errorf("% x", b)
	}
}

func TestParseVolumeDiskExtents(t *testing.T) {
	ext, err := parseVolumeDiskExtents(extentBytes(diskExtent{Disk: 1, Offset: 1 << 20, Length: 5 << 30}, diskExtent{Disk: 3, Offset: 17408, Length: 1 << 30}))
	if err != nil || len(ext) != 2 || ext[0] != (diskExtent{1, 1 << 20, 5 << 30}) || ext[1] != (diskExtent{3, 17408, 1 << 30}) {
		t.Errorf("%+v %v", ext, err)
	}
	b := extentBytes(diskExtent{Disk: 1})
	binary.LittleEndian.PutUint32(b, 2)
	if _, err := parseVolumeDiskExtents(b); err == nil {
		t.Error("two extents in room for one accepted")
	}
	if _, err := parseVolumeDiskExtents(b[:4]); err == nil {
		t.Error("short extents accepted")
	}
}

func TestDriveNumber(t *testing.T) {
	for in, want := range map[string]int{
		`\\.\PhysicalDrive2`: 2, `\\?\PHYSICALDRIVE12`: 12, `//./physicaldrive0`: 0,
		"PhysicalDrive3": 3, "physicaldrive3": 3, "2": 2, " 7 ": 7,
	} {
		if n, ok := DriveNumber(in); !ok || n != want {
			t.Errorf("DriveNumber(%q) = %d, %v; want %d", in, n, ok, want)
		}
	}
	for _, in := range []string{"", "/dev/sdb", `\\.\C:`, `\\.\PhysicalDrive`, "PhysicalDrive-1", "PhysicalDrive2x", "sdb", "12345", `\\.\2`, `C:\PhysicalDrive2`} {
		if n, ok := DriveNumber(in); ok {
			t.Errorf("DriveNumber(%q) = %d, want no drive", in, n)
		}
	}
	// WriteDevice opens only full device paths as disks: a shorthand
	// could be a file.
	if _, ok := devicePathDrive("PhysicalDrive2"); ok {
		t.Error("shorthand taken as a device path")
	}
	if n, ok := devicePathDrive(`\\.\PhysicalDrive2`); !ok || n != 2 {
		t.Error("device path not recognised")
	}
	if DrivePath(4) != `\\.\PhysicalDrive4` {
		t.Error(DrivePath(4))
	}
}

// fakeWin answers winSys from fixtures.
type fakeWin struct {
	drives  map[int]rawDrive
	broken  map[int]error // drives that are there but do not answer
	volumes []fakeVolume
	system  []string
}

type fakeVolume struct {
	name    string
	extents []byte // nil: not on a disk
	paths   []string
}

func (f *fakeWin) Drive(n int) (rawDrive, error) {
	if err := f.broken[n]; err != nil {
		return rawDrive{}, err
	}
	if r, ok := f.drives[n]; ok {
		return r, nil
	}
	return rawDrive{}, errNoDrive
}

func (f *fakeWin) Volumes() ([]string, error) {
	var out []string
	for _, v := range f.volumes {
		out = append(out, v.name)
	}
	return out, nil
}

func (f *fakeWin) Extents(name string) ([]byte, error) {
	for _, v := range f.volumes {
		if v.name == name && v.extents != nil {
			return v.extents, nil
		}
	}
	return nil, errors.New("incorrect function")
}

func (f *fakeWin) Paths(name string) ([]string, error) {
	for _, v := range f.volumes {
		if v.name == name {
			return v.paths, nil
		}
	}
	return nil, errors.New("no volume")
}

func (f *fakeWin) SystemVolumes() []string { return f.system }

func vol(guid string) string { return `\\?\Volume{` + guid + `}\` }

// fakeWindows is a workstation: an NVMe system disk (0), a USB stick
// mounted at E: (1), an empty SD slot (2), no disk 3, a USB hard disk
// holding the running program (4), an internal data disk (5), a DVD
// drive's volume, and after a gap of eight numbers (7 to 14) a stick (15) found
// through its volume.
func fakeWindows() *fakeWin {
	const gb = 1000 * 1000 * 1000
	return &fakeWin{
		drives: map[int]rawDrive{
			0: {
				Descriptor: descriptorBytes(false, 0x11, "", "Samsung SSD 980 PRO 1TB"),
				Geometry:   geometryBytes(512, 1000*gb),
				Layout: layoutBytes(partitionStyleGPT,
					part{number: 1, offset: 1 << 20, length: 100 << 20, gptType: espGUID, name: "EFI system partition"},
					part{number: 2, offset: 101 << 20, length: 16 << 20, gptType: msrGUID, name: "Microsoft reserved partition"},
					part{number: 3, offset: 117 << 20, length: 900 * gb, gptType: basicGUID, name: "Basic data partition"},
				),
				Length: 1000 * gb,
			},
			1: {
				Descriptor: descriptorBytes(true, busTypeUsb, "SanDisk", "Ultra"),
				Geometry:   geometryBytes(512, 30944247808),
				Layout:     layoutBytes(partitionStyleMBR, part{number: 1, offset: 1 << 20, length: 30943199232, mbrType: 0x0C}, part{}, part{}, part{}),
				Length:     -1, // not an administrator: the geometry's size
			},
			2: {Descriptor: descriptorBytes(true, busTypeSd, "Generic", "SD/MMC"), Length: -1},
			4: {
				Descriptor: descriptorBytes(false, busTypeUsb, "WD", "My Passport 2626"),
				Geometry:   geometryBytes(4096, 2000*gb),
				Layout:     layoutBytes(partitionStyleGPT, part{number: 1, offset: 1 << 20, length: 1999 * gb, gptType: basicGUID, name: "Tools"}),
				Length:     2000 * gb,
			},
			5: {
				Descriptor: descriptorBytes(false, 0x0B, "ATA", "ST2000DM008"),
				Geometry:   geometryBytes(512, 2000*gb),
				Layout:     layoutBytes(partitionStyleGPT, part{number: 1, offset: 1 << 20, length: 1999 * gb, gptType: basicGUID}),
				Length:     2000 * gb,
			},
			15: {
				Descriptor: descriptorBytes(true, busTypeUsb, "Kingston", "DataTraveler 3.0"),
				Geometry:   geometryBytes(512, 16*gb),
				Layout:     layoutBytes(partitionStyleRAW),
				Length:     16 * gb,
			},
		},
		broken: map[int]error{6: errors.New("the device is not ready")},
		volumes: []fakeVolume{
			{vol("esp-0"), extentBytes(diskExtent{Disk: 0, Offset: 1 << 20, Length: 100 << 20}), nil},
			{vol("c-0"), extentBytes(diskExtent{Disk: 0, Offset: 117 << 20, Length: 900 * gb}), []string{`C:\`}},
			{vol("e-1"), extentBytes(diskExtent{Disk: 1, Offset: 1 << 20, Length: 30943199232}), []string{`E:\`, `C:\Mount\Stick\`}},
			{vol("f-4"), extentBytes(diskExtent{Disk: 4, Offset: 1 << 20, Length: 1999 * gb}), []string{`F:\`}},
			{vol("d-5"), extentBytes(diskExtent{Disk: 5, Offset: 1 << 20, Length: 1999 * gb}), []string{`D:\`}},
			{vol("dvd"), nil, []string{`G:\`}},
			{vol("g-15"), extentBytes(diskExtent{Disk: 15, Offset: 0, Length: 16 * gb}), nil},
		},
		// C: holds the Windows folder, F: the running refimage.exe, the
		// ESP is the boot partition.
		system: []string{vol("c-0"), strings.ToUpper(vol("f-4")), vol("esp-0")},
	}
}

func TestWindowsHostListAndRefuse(t *testing.T) {
	h := WindowsHost{sys: fakeWindows()}
	list, err := h.List()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range list {
		paths = append(paths, d.Path)
	}
	// Removable or USB with a medium: the stick, the USB disk (refused
	// below) and the stick beyond the gap; not the SD slot without a
	// card, the NVMe or the SATA disk, not the drive that does not answer.
	if got := strings.Join(paths, " "); got != `\\.\PhysicalDrive1 \\.\PhysicalDrive4 \\.\PhysicalDrive15` {
		t.Errorf("listed %s", got)
	}

	stick, err := h.Inspect("PhysicalDrive1")
	if err != nil {
		t.Fatal(err)
	}
	if !stick.USB || !stick.Removable || !stick.Dismount || stick.System || stick.Size != 30944247808 || stick.Model != "SanDisk Ultra" {
		t.Errorf("stick: %+v", stick)
	}
	if err := stick.Refusal(); err != nil {
		t.Errorf("a mounted stick is dismounted on Windows, not refused: %v", err)
	}
	if got, want := stick.Describe(), `\\.\PhysicalDrive1  28.8 GiB  SanDisk Ultra  partitions: partition 1 (FAT32, 28.8 GiB)  mounted at: C:\Mount\Stick\, E:\ (taken offline before writing)`; got != want {
		t.Errorf("describe\n got %s\nwant %s", got, want)
	}

	sys, _ := h.Inspect(`\\.\PhysicalDrive0`)
	if err := sys.Refusal(); err == nil || !strings.Contains(err.Error(), "running system") {
		t.Errorf("system disk: %v", err)
	}
	usbDisk, _ := h.Inspect("4")
	if err := usbDisk.Refusal(); err == nil || !strings.Contains(err.Error(), `\\.\PhysicalDrive4 holds the running system`) {
		t.Errorf("the disk refimage runs from: %v (%+v)", err, usbDisk)
	}
	if !usbDisk.USB || usbDisk.Removable || usbDisk.Size != 2000e9 {
		t.Errorf("USB disk: %+v", usbDisk)
	}
	data, _ := h.Inspect(`//./physicaldrive5`)
	if err := data.Refusal(); err == nil || !strings.Contains(err.Error(), "neither removable nor on USB") {
		t.Errorf("SATA disk: %v", err)
	}
	sd, _ := h.Inspect("2")
	if err := sd.Refusal(); err == nil || !strings.Contains(err.Error(), "no medium") || !sd.Removable {
		t.Errorf("empty SD slot: %v %+v", err, sd)
	}
	raw, _ := h.Inspect("15")
	if raw.Refusal() != nil || len(raw.Partitions) != 0 || len(raw.Mounted) != 0 {
		t.Errorf("raw stick: %+v", raw)
	}
	for in, want := range map[string]string{
		"3":        `the device \\.\PhysicalDrive3 does not exist: there is no such disk`,
		"/dev/sdb": "is not a physical drive",
		"6":        "not ready",
	} {
		if _, err := h.Inspect(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Inspect(%s): %v, want %q", in, err, want)
		}
	}
}

func TestWindowsListStopsAfterGap(t *testing.T) {
	f := fakeWindows()
	f.volumes = f.volumes[:len(f.volumes)-1] // disk 15 has no volume: nothing points past the gap
	list, _ := WindowsHost{sys: f}.List()
	if len(list) != 2 || list[1].Path != `\\.\PhysicalDrive4` {
		t.Errorf("%v", list)
	}
	f.drives[14] = f.drives[15] // seven numbers missing (7 to 13): 14 is looked for, and from there 15
	list, _ = WindowsHost{sys: f}.List()
	if len(list) != 4 || list[2].Path != `\\.\PhysicalDrive14` || list[3].Path != `\\.\PhysicalDrive15` {
		t.Errorf("%v", list)
	}
}

func TestDismountPlan(t *testing.T) {
	f := fakeWindows()
	// A volume spanning disks 1 and 5 is on both.
	f.volumes = append(f.volumes, fakeVolume{vol("span"), extentBytes(diskExtent{Disk: 5}, diskExtent{Disk: 1}), nil})
	vols, err := WindowsHost{sys: f}.volumes()
	if err != nil {
		t.Fatal(err)
	}
	names, labels := dismountPlan(vols, 1)
	if strings.Join(names, " ") != vol("e-1")+" "+vol("span") || strings.Join(labels, " ") != `E:\ `+vol("span") {
		t.Errorf("disk 1: %v %v", names, labels)
	}
	if names, _ := dismountPlan(vols, 15); len(names) != 1 || names[0] != vol("g-15") {
		t.Errorf("disk 15: %v", names)
	}
	if names, _ := dismountPlan(vols, 2); len(names) != 0 {
		t.Errorf("disk 2: %v", names)
	}
}

// Linux refuses a mounted disk; Windows takes it offline. A system disk
// is refused on both.
func TestRefusalMountedByPlatform(t *testing.T) {
	linux := &Device{Path: "/dev/sdb", Size: 1, USB: true, Mounted: []string{"/media/stick"}}
	if err := linux.Refusal(); err == nil || !strings.Contains(err.Error(), "unmount it first") {
		t.Errorf("linux: %v", err)
	}
	win := &Device{Path: `\\.\PhysicalDrive1`, Size: 1, USB: true, Mounted: []string{`E:\`}, Dismount: true}
	if err := win.Refusal(); err != nil {
		t.Errorf("windows: %v", err)
	}
	win.System = true
	if err := win.Refusal(); err == nil {
		t.Error("a system disk must be refused even where volumes are dismounted")
	}
}

func addr(b []byte) uintptr { return uintptr(unsafe.Pointer(&b[0])) }

func TestAlignedBuffer(t *testing.T) {
	for _, a := range []int{512, 4096, 65536} {
		b := alignedBuffer(chunk, a)
		if len(b) != chunk || cap(b) != chunk || addr(b)%uintptr(a) != 0 {
			t.Errorf("align %d: len %d cap %d addr %#x", a, len(b), cap(b), addr(b))
		}
	}
}

// fileDevice stands in for an opened disk: a file in t.TempDir, with
// hooks to fail or corrupt.
type fileDevice struct {
	*os.File
	writes     []int // the length of every write
	failAfter  int   // fail the write after this many bytes (0: never)
	written    int
	corruptAt  int64 // flip a byte read back at this offset (-1: never)
	readOffset int64
}

func (d *fileDevice) Write(p []byte) (int, error) {
	d.writes = append(d.writes, len(p))
	if d.failAfter > 0 && d.written+len(p) > d.failAfter {
		return 0, errors.New("the device stopped answering")
	}
	d.written += len(p)
	return d.File.Write(p)
}

func (d *fileDevice) Read(p []byte) (int, error) {
	n, err := d.File.Read(p)
	if d.corruptAt >= d.readOffset && d.corruptAt < d.readOffset+int64(n) {
		p[d.corruptAt-d.readOffset] ^= 0xFF
	}
	d.readOffset += int64(n)
	return n, err
}

func newFileDevice(t *testing.T, size int) *fileDevice {
	t.Helper()
	p := filepath.Join(t.TempDir(), "PhysicalDrive9")
	if err := os.WriteFile(p, bytes.Repeat([]byte{0xAA}, size), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &fileDevice{File: f, corruptAt: -1}
}

// The shared loop as Windows drives it: 4096-byte sectors, the last chunk
// padded with zeros, the read-back compared over the image's length only,
// the partition table cleared before the first write.
func TestCopyVerifyAligned(t *testing.T) {
	data := make([]byte, 9<<20+17)
	rand.Read(data)
	dev := newFileDevice(t, 16<<20)
	var events []string
	o := &openedDevice{
		file:  dev,
		align: 4096,
		prepare: func() error {
			events = append(events, fmt.Sprintf("prepare after %d writes", len(dev.writes)))
			return nil
		},
	}
	var last = map[string][2]int64{}
	err := copyVerify(context.Background(), `\\.\PhysicalDrive9`, o, bytes.NewReader(data), int64(len(data)), func(p string, d, total int64) {
		last[p] = [2]int64{d, total}
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(events, ",") != "prepare after 0 writes" {
		t.Errorf("events %v", events)
	}
	for i, w := range dev.writes {
		if w%4096 != 0 {
			t.Errorf("write %d: %d bytes, not whole sectors", i, w)
		}
	}
	if n := len(dev.writes); n != 3 || dev.writes[2] != 1<<20+4096 {
		t.Errorf("writes %v", dev.writes)
	}
	if last["write"] != [2]int64{int64(len(data)), int64(len(data))} || last["verify"] != last["write"] {
		t.Errorf("progress %v", last)
	}
	got, _ := os.ReadFile(dev.Name())
	padded := len(data) + 4096 - len(data)%4096
	if !bytes.Equal(got[:len(data)], data) || !bytes.Equal(got[len(data):padded], make([]byte, padded-len(data))) || got[padded] != 0xAA {
		t.Error("the device holds something else than the image, zero padding to the sector, then what was there")
	}
}

func TestCopyVerifyFailures(t *testing.T) {
	data := make([]byte, 5<<20+100)
	rand.Read(data)
	run := func(dev *fileDevice, o *openedDevice, ctx context.Context) error {
		o.file = dev
		return copyVerify(ctx, "dev", o, bytes.NewReader(data), int64(len(data)), nil)
	}

	// A byte that reads back differently.
	dev := newFileDevice(t, 8<<20)
	dev.corruptAt = 4<<20 + 3
	if err := run(dev, &openedDevice{align: 512}, context.Background()); !errors.Is(err, ErrRewrite) || !strings.Contains(err.Error(), "differs") {
		t.Errorf("corrupt read-back: %v", err)
	}
	// A byte of the padding past the image differs: not compared.
	dev = newFileDevice(t, 8<<20)
	dev.corruptAt = int64(len(data)) + 100
	if err := run(dev, &openedDevice{align: 4096}, context.Background()); err != nil {
		t.Errorf("padding compared: %v", err)
	}
	// The device fails half way.
	dev = newFileDevice(t, 8<<20)
	dev.failAfter = 4 << 20
	if err := run(dev, &openedDevice{align: 512}, context.Background()); !errors.Is(err, ErrRewrite) || !strings.Contains(err.Error(), "stopped answering") {
		t.Errorf("write failure: %v", err)
	}
	// Clearing the partition table fails: nothing written, but the table
	// may be half gone.
	dev = newFileDevice(t, 8<<20)
	err := run(dev, &openedDevice{prepare: func() error { return errors.New("access denied") }}, context.Background())
	if !errors.Is(err, ErrRewrite) || len(dev.writes) != 0 {
		t.Errorf("prepare failure: %v, %d writes", err, len(dev.writes))
	}
	// Cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(newFileDevice(t, 8<<20), &openedDevice{}, ctx); !errors.Is(err, ErrRewrite) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// A sector size that does not divide the chunk.
	if err := run(newFileDevice(t, 8<<20), &openedDevice{align: 3000}, context.Background()); err == nil || errors.Is(err, ErrRewrite) {
		t.Errorf("odd sector: %v", err)
	}
	// A device shorter than the image: the read-back ends early.
	short := &shortDevice{fileDevice: newFileDevice(t, 8<<20), limit: 3 << 20}
	o := &openedDevice{file: short, align: 512}
	if err := copyVerify(context.Background(), "dev", o, bytes.NewReader(data), int64(len(data)), nil); !errors.Is(err, ErrRewrite) || !strings.Contains(err.Error(), "read back after 3145728 bytes") {
		t.Errorf("short device: %v", err)
	}
}

// shortDevice reads back only limit bytes.
type shortDevice struct {
	*fileDevice
	limit int64
}

func (d *shortDevice) Read(p []byte) (int, error) {
	if d.readOffset >= d.limit {
		return 0, io.EOF
	}
	return d.fileDevice.Read(p[:min(int64(len(p)), d.limit-d.readOffset)])
}

// WriteDevice with a file standing in for the device goes through the
// platform's openDevice (a plain file: not a \\.\PhysicalDriveN path).
func TestWriteDeviceFileRelease(t *testing.T) {
	img := filepath.Join(t.TempDir(), "img")
	data := make([]byte, 1<<20+1)
	rand.Read(data)
	os.WriteFile(img, data, 0o644)
	dev := filepath.Join(t.TempDir(), "dev")
	os.WriteFile(dev, nil, 0o644)
	if err := WriteDevice(context.Background(), dev, img, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dev); !bytes.Equal(got, data) {
		t.Error("a file stands for the device with nothing padded")
	}
	if err := WriteDevice(context.Background(), filepath.Join(t.TempDir(), "none"), img, nil); err == nil || errors.Is(err, ErrRewrite) || !strings.Contains(err.Error(), "open ") {
		t.Errorf("a device that does not open is not partly written: %v", err)
	}
}

// exclusiveOpen: no sharing when Windows allows it, else reads only (no
// other writer, now or later), never a write share; sharing violations
// are retried, other errors (access denied) end it at once, and a disk
// another program keeps open for writing is refused saying so.
func TestExclusiveOpen(t *testing.T) {
	denied := errors.New("Access is denied.")
	violation := fmt.Errorf("%w: The process cannot access the file because it is being used by another process.", errSharing)
	for _, c := range []struct {
		name    string
		answers []error // per open, in order; past the end: a violation
		share   uint32
		opens   int
		waits   int
		err     string
	}{
		{"nothing else holds it", []error{nil}, fileShareNone, 1, 0, ""},
		{"a reader holds it", []error{violation, nil}, fileShareRead, 2, 0, ""},
		{"a scanner lets go", []error{violation, violation, violation, violation, violation, nil}, fileShareRead, 6, 2, ""},
		{"a writer keeps it", nil, 0, 2 * 5, 4, "another program has the disk open for writing"},
		{"no administrator rights", []error{denied}, 0, 1, 0, "Access is denied."},
		{"denied after a violation", []error{violation, denied}, 0, 2, 0, "Access is denied."},
	} {
		t.Run(c.name, func(t *testing.T) {
			var asked []uint32
			waits := 0
			h, share, err := exclusiveOpen(func(share uint32) (int, error) {
				asked = append(asked, share)
				if share&fileShareWrite != 0 {
					t.Fatalf("asked for a write share: %#x", share)
				}
				if i := len(asked) - 1; i < len(c.answers) {
					if c.answers[i] == nil {
						return 42, nil
					}
					return 0, c.answers[i]
				}
				return 0, violation
			}, 5, func() { waits++ })
			if len(asked) != c.opens || waits != c.waits {
				t.Errorf("%d opens (%v), %d waits; want %d, %d", len(asked), asked, waits, c.opens, c.waits)
			}
			for i, s := range asked {
				if want := []uint32{fileShareNone, fileShareRead}[i%2]; s != want {
					t.Errorf("open %d shared %#x, want %#x", i, s, want)
				}
			}
			if c.err == "" {
				if err != nil || h != 42 || share != c.share {
					t.Errorf("got %d %#x %v; want the handle shared %#x", h, share, err, c.share)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("err = %v, want %q", err, c.err)
			}
			if strings.Contains(c.err, "open for writing") && !errors.Is(err, errSharing) {
				t.Errorf("%v does not wrap errSharing", err)
			}
		})
	}
}

// The logical sector size comes from the geometry, which a handle with
// no access reads: a 4Kn USB disk says 4096, the stick 512, a drive
// whose geometry is not answered 0 (taken as 512).
func TestWindowsSectorSize(t *testing.T) {
	h := WindowsHost{sys: fakeWindows()}
	for dev, want := range map[string]int{"PhysicalDrive1": 512, "PhysicalDrive4": 4096, "PhysicalDrive2": 0} {
		d, err := h.Inspect(dev)
		if err != nil || d.SectorSize != want {
			t.Errorf("%s: %+v %v, want sector size %d", dev, d, err, want)
		}
	}
}
