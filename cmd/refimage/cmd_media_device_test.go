package main

import (
	"errors"
	"os"
	"path/filepath"
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
}

func (f *fakeDisks) Inspect(dev string) (*usb.Device, error) {
	f.asked = append(f.asked, dev)
	if f.err != nil {
		return nil, f.err
	}
	d := *f.dev
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
	put(t, disk, nil)
	fake := &fakeDisks{dev: &usb.Device{
		Path: disk, Model: "SanDisk Ultra", Size: 32e9, Removable: true, USB: true,
		Partitions: []string{"partition 1 (FAT32, 32.0 GB)"}, Mounted: []string{`E:\`}, Dismount: true,
	}}
	withDisks(t, fake)
	code, stdout, errs := run(t, "media", seq, "--winpe", src, "--exe", exe, "--device", "PhysicalDrive2", "--yes")
	if code != 0 || strings.TrimSpace(stdout) != disk {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	if len(fake.asked) != 1 || fake.asked[0] != "PhysicalDrive2" {
		t.Errorf("looked up %v", fake.asked)
	}
	if !strings.Contains(errs, `mounted at: E:\ (taken offline before writing)`) || !strings.Contains(errs, "verify") {
		t.Errorf("stderr:\n%s", errs)
	}
	b, _ := os.ReadFile(disk)
	if len(b) < 1<<20 || b[446+4] != 0x0C || b[510] != 0x55 {
		t.Errorf("the disk holds no MBR medium with a FAT32 partition (%d bytes)", len(b))
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
