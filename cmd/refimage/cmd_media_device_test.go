package main

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/refimage/refimage/media/usb"
)

// fakeDisks answers --device's look-up with one device whose Path is a
// file in t.TempDir standing in for the disk.
type fakeDisks struct {
	asked []string
	dev   *usb.Device
	err   error
	// later, when set, is what the second and later look-ups see (the
	// disk changed between the first check and the write).
	later *usb.Device
}

func (f *fakeDisks) Inspect(dev string) (*usb.Device, error) {
	f.asked = append(f.asked, dev)
	if f.err != nil {
		return nil, f.err
	}
	d := *f.dev
	if f.later != nil && len(f.asked) > 1 {
		d = *f.later
	}
	return &d, nil
}

func (f *fakeDisks) List() ([]*usb.Device, error) { return []*usb.Device{f.dev}, nil }

func withDisks(t *testing.T, d usb.Disks) {
	t.Helper()
	old := nativeDisks
	nativeDisks = func() usb.Disks { return d }
	t.Cleanup(func() { nativeDisks = old })
}

// --device as it goes on Windows: the platform's disks look up the name
// as given (PhysicalDrive2), a mounted stick is not refused but said to
// be taken offline, and the medium is written and read back.
func TestMediaDeviceDismounts(t *testing.T) {
	src, exe := fakeWinPE(t)
	seq := "../../docs/examples/custom-capture.toml"
	disk := filepath.Join(t.TempDir(), "PhysicalDrive2")
	const size = 200 << 20
	put(t, disk, nil)
	os.Truncate(disk, size)
	fake := &fakeDisks{dev: &usb.Device{
		Path: disk, Model: "SanDisk Ultra", Size: size, Removable: true, USB: true,
		Partitions: []string{"partition 1 (FAT32, 32.0 GB)"}, Mounted: []string{`E:\`}, Dismount: true,
	}}
	withDisks(t, fake)
	code, stdout, errs := run(t, "media", seq, "--winpe", src, "--exe", exe, "--device", "PhysicalDrive2", "--yes")
	if code != 0 || strings.TrimSpace(stdout) != disk {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	if len(fake.asked) != 2 || fake.asked[0] != "PhysicalDrive2" || fake.asked[1] != "PhysicalDrive2" {
		t.Errorf("looked up %v", fake.asked)
	}
	if !strings.Contains(errs, `mounted at: E:\ (taken offline before writing)`) || !strings.Contains(errs, "verify") {
		t.Errorf("stderr:\n%s", errs)
	}
	b, _ := os.ReadFile(disk)
	if len(b) < 1<<20 || b[446+4] != 0x0C || b[510] != 0x55 {
		t.Errorf("the disk holds no MBR medium with a FAT32 partition (%d bytes)", len(b))
	}
	// The partition covers the whole stick, not just the image's size.
	if n := len(b); n != size || binary.LittleEndian.Uint32(b[446+8:])+binary.LittleEndian.Uint32(b[446+12:]) != size/512 {
		t.Errorf("the partition does not end at the disk's end (%d bytes)", n)
	}
}

// --device as it goes on Linux: a mounted disk is refused before anything
// is built or written.
func TestMediaDeviceMountedRefused(t *testing.T) {
	src, exe := fakeWinPE(t)
	disk := filepath.Join(t.TempDir(), "sdb")
	put(t, disk, []byte("untouched"))
	withDisks(t, &fakeDisks{dev: &usb.Device{Path: disk, Size: 32e9, USB: true, Mounted: []string{"/media/user/STICK"}}})
	code, _, errs := run(t, "media", "../../docs/examples/custom-capture.toml", "--winpe", src, "--exe", exe, "--device", "/dev/sdb", "--yes")
	if code != exitUsage || !strings.Contains(errs, "is mounted (/media/user/STICK); unmount it first") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	if b, _ := os.ReadFile(disk); string(b) != "untouched" {
		t.Error("a refused disk was written")
	}

	withDisks(t, &fakeDisks{err: errors.New(`\\.\PhysicalDrive7: there is no such disk`)})
	code, _, errs = run(t, "media", "../../docs/examples/custom-capture.toml", "--winpe", src, "--exe", exe, "--device", "7", "--yes")
	if code != exitUsage || !strings.Contains(errs, "no such disk") {
		t.Errorf("exit %d\n%s", code, errs)
	}

	// macOS: no disks to write.
	withDisks(t, nil)
	code, _, errs = run(t, "media", "../../docs/examples/custom-capture.toml", "--winpe", src, "--exe", exe, "--device", "/dev/disk4", "--yes")
	if code != exitUsage || !strings.Contains(errs, "works on Linux and Windows") || !strings.Contains(errs, "--usb OUT.img") {
		t.Errorf("exit %d\n%s", code, errs)
	}
}

// The disk is looked at again right before writing: another stick in the
// slot, a changed size, or a mount that appeared while the medium was
// built refuse the write (exit 2) and leave the disk untouched.
func TestMediaDeviceRecheckedBeforeWriting(t *testing.T) {
	src, exe := fakeWinPE(t)
	disk := filepath.Join(t.TempDir(), "sdb")
	stick := usb.Device{Path: disk, Model: "SanDisk Ultra", Size: 32e9, USB: true, Removable: true, ID: "8:16/7/"}
	for name, c := range map[string]struct {
		later func(d *usb.Device)
		want  string
	}{
		"another stick": {func(d *usb.Device) { d.ID = "8:16/8/" }, "is another disk now"},
		"resized":       {func(d *usb.Device) { d.Size = 16e9 }, "size is now 16000000000 bytes"},
		"mounted since": {func(d *usb.Device) { d.Mounted = []string{"/media/user/STICK"} }, "is mounted (/media/user/STICK)"},
		"luks since": {func(d *usb.Device) {
			d.InUse = []string{"sdb1 is held by the open LUKS/dm-crypt mapping /dev/mapper/x (dm-0)"}
		}, "is in use: sdb1 is held by the open LUKS"},
	} {
		put(t, disk, []byte("untouched"))
		later := stick
		c.later(&later)
		dev := stick
		withDisks(t, &fakeDisks{dev: &dev, later: &later})
		code, _, errs := run(t, "media", "../../docs/examples/custom-capture.toml", "--winpe", src, "--exe", exe, "--device", "/dev/sdb", "--yes")
		if code != exitUsage || !strings.Contains(errs, c.want) || !strings.Contains(errs, "nothing was written") {
			t.Errorf("%s: exit %d\n%s", name, code, errs)
		}
		if b, _ := os.ReadFile(disk); string(b) != "untouched" {
			t.Errorf("%s: a changed disk was written", name)
		}
	}
}

// --device resolves the path as given: a regular file named like a disk
// (./sdb, ANY/DIR/sdb) is refused with exit 2 and never written, and a
// missing device says it does not exist.
func TestMediaDevicePathNotReduced(t *testing.T) {
	if runtime.GOOS != "linux" {
		// usb.Host is Linux's device host (/sys, /dev); Windows names
		// disks \\.\PhysicalDriveN (usb.WindowsHost).
		t.Skip("the Linux device host: Linux only")
	}
	src, exe := fakeWinPE(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "sdb")
	put(t, file, []byte("untouched"))
	withDisks(t, usb.Host{Sys: filepath.Join(dir, "sys"), Mounts: filepath.Join(dir, "mountinfo"), Swaps: filepath.Join(dir, "swaps"), Dev: "/dev"})
	for dev, want := range map[string]string{
		file:                      "is a regular file, not a disk",
		dir:                       "is a folder, not a disk",
		filepath.Join(dir, "sdz"): "does not exist",
		"/no/such/dir/sdb":        "the device /no/such/dir/sdb does not exist",
	} {
		code, _, errs := run(t, "media", "../../docs/examples/custom-capture.toml", "--winpe", src, "--exe", exe, "--device", dev, "--yes")
		if code != exitUsage || !strings.Contains(errs, want) {
			t.Errorf("%s: exit %d\n%s", dev, code, errs)
		}
	}
	if b, _ := os.ReadFile(file); string(b) != "untouched" {
		t.Error("a regular file was written as a device")
	}
}

// --device on a stick whose logical sectors are 4096 bytes (4Kn): the
// platform's disks say so, and the medium is laid out in 4096-byte
// sectors (the partition at LBA 256 = 1 MiB, FAT32 with 4096 bytes per
// sector, running to the disk's end). A stick FAT32 cannot be laid out
// on (8192-byte sectors) is refused with exit 2, untouched.
func TestMediaDevice4KSectors(t *testing.T) {
	src, exe := fakeWinPE(t)
	seq := "../../docs/examples/custom-capture.toml"
	disk := filepath.Join(t.TempDir(), "sdx")
	const size = 300 << 20
	put(t, disk, nil)
	os.Truncate(disk, size)
	fake := &fakeDisks{dev: &usb.Device{Path: disk, Model: "WD Elements 4Kn", Size: size, Removable: true, USB: true, SectorSize: 4096}}
	withDisks(t, fake)
	code, _, errs := run(t, "media", seq, "--winpe", src, "--exe", exe, "--device", disk, "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "(314572800 bytes, 4096-byte sectors)") {
		t.Errorf("the confirmation does not say the sector size:\n%s", errs)
	}
	b, _ := os.ReadFile(disk)
	first, count := binary.LittleEndian.Uint32(b[446+8:]), binary.LittleEndian.Uint32(b[446+12:])
	if len(b) != size || first != 256 || first+count != size/4096 {
		t.Errorf("the partition is %d+%d 4096-byte sectors on a %d-byte disk", first, count, len(b))
	}
	if ss := binary.LittleEndian.Uint16(b[256*4096+11:]); ss != 4096 {
		t.Errorf("FAT32 has %d bytes per sector", ss)
	}

	// An image file for a 4Kn stick: --usb-sector-size 4096.
	img := filepath.Join(t.TempDir(), "stick.img")
	if code, _, errs := run(t, "media", seq, "--winpe", src, "--exe", exe, "--usb", img, "--usb-sector-size", "4096"); code != 0 {
		t.Fatalf("--usb-sector-size 4096: exit %d\n%s", code, errs)
	}
	b, _ = os.ReadFile(img)
	if first := binary.LittleEndian.Uint32(b[446+8:]); first != 256 || len(b)%4096 != 0 || binary.LittleEndian.Uint16(b[256*4096+11:]) != 4096 {
		t.Errorf("the --usb image is not laid out in 4096-byte sectors (partition at %d, %d bytes)", first, len(b))
	}

	odd := filepath.Join(t.TempDir(), "sdy")
	put(t, odd, []byte("untouched"))
	withDisks(t, &fakeDisks{dev: &usb.Device{Path: odd, Model: "Odd", Size: size, Removable: true, USB: true, SectorSize: 8192}})
	code, _, errs = run(t, "media", seq, "--winpe", src, "--exe", exe, "--device", odd, "--yes")
	if code != exitUsage || !strings.Contains(errs, "8192-byte logical sectors cannot hold a bootable FAT32 medium") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	if b, _ := os.ReadFile(odd); string(b) != "untouched" {
		t.Error("the 8192-byte-sector disk was written")
	}
}
