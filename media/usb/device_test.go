package usb

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeTree is a fake /sys, /dev and /proc: disks, partitions, holders
// (device-mapper, md), mounts and swaps, with Stat answering for the
// fake /dev's block devices.
type fakeTree struct {
	t      *testing.T
	root   string
	nums   map[string]string // resolved /dev path → "major:minor"
	minor  int
	mounts []string
	swaps  []string
}

func newTree(t *testing.T) *fakeTree {
	if runtime.GOOS != "linux" {
		// Host is Linux's device host (/sys, /dev, mountinfo); Windows
		// has WindowsHost, tested over recorded IOCTL answers.
		t.Skip("the Linux device host: Linux only")
	}
	root := t.TempDir()
	for _, d := range []string{"sys/block", "sys/dev/block", "dev/disk/by-id", "dev/mapper", "proc"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	return &fakeTree{t: t, root: root, nums: map[string]string{}}
}

// node makes a block device: sysdir in /sys, its dev file, the
// /sys/dev/block link and the /dev node.
func (f *fakeTree) node(sysdir, name string, part bool) string {
	f.minor++
	num := fmt.Sprintf("8:%d", f.minor)
	os.MkdirAll(filepath.Join(sysdir, "holders"), 0o755)
	os.WriteFile(filepath.Join(sysdir, "dev"), []byte(num+"\n"), 0o644)
	if part {
		os.WriteFile(filepath.Join(sysdir, "partition"), []byte("1\n"), 0o644)
	}
	os.Symlink(sysdir, filepath.Join(f.root, "sys", "dev", "block", num))
	dev := filepath.Join(f.root, "dev", name)
	os.WriteFile(dev, nil, 0o644)
	f.nums[dev] = num
	return num
}

func (f *fakeTree) disk(name, sectors, removable, vendor, model string, usb bool, parts ...string) {
	b := filepath.Join(f.root, "sys", "block", name)
	dev := filepath.Join(f.root, "sys", "devices", "pci0000:00", "0000:00:14.0")
	if usb {
		dev = filepath.Join(dev, "usb2", "2-1", name)
	} else {
		dev = filepath.Join(dev, "ata1", name)
	}
	os.MkdirAll(dev, 0o755)
	os.MkdirAll(b, 0o755)
	f.node(b, name, false)
	os.WriteFile(filepath.Join(b, "size"), []byte(sectors+"\n"), 0o644)
	os.WriteFile(filepath.Join(b, "removable"), []byte(removable+"\n"), 0o644)
	os.WriteFile(filepath.Join(b, "diskseq"), []byte("7\n"), 0o644)
	os.WriteFile(filepath.Join(dev, "vendor"), []byte(vendor+"\n"), 0o644)
	os.WriteFile(filepath.Join(dev, "model"), []byte(model+"\n"), 0o644)
	os.Symlink(dev, filepath.Join(b, "device"))
	for _, p := range parts {
		f.node(filepath.Join(b, p), p, true)
	}
}

// holder makes a virtual block device (dm-N with a dm name and uuid, or
// mdN) that holds the devices at the given /sys paths (relative to
// sys/block: "sdb" or "sdb/sdb1").
func (f *fakeTree) holder(name, dmName, uuid string, of ...string) {
	b := filepath.Join(f.root, "sys", "block", name)
	os.MkdirAll(b, 0o755)
	f.node(b, name, false)
	os.WriteFile(filepath.Join(b, "size"), []byte("1000\n"), 0o644)
	if dmName != "" {
		os.MkdirAll(filepath.Join(b, "dm"), 0o755)
		os.WriteFile(filepath.Join(b, "dm", "name"), []byte(dmName+"\n"), 0o644)
		os.WriteFile(filepath.Join(b, "dm", "uuid"), []byte(uuid+"\n"), 0o644)
	}
	for _, o := range of {
		os.Symlink(b, filepath.Join(f.root, "sys", "block", o, "holders", name))
	}
}

func (f *fakeTree) host() Host {
	os.WriteFile(filepath.Join(f.root, "proc", "mountinfo"), []byte(strings.Join(f.mounts, "\n")+"\n"), 0o644)
	os.WriteFile(filepath.Join(f.root, "proc", "swaps"), []byte("Filename\tType\tSize\tUsed\tPriority\n"+strings.Join(f.swaps, "\n")+"\n"), 0o644)
	return Host{
		Sys: filepath.Join(f.root, "sys"), Mounts: filepath.Join(f.root, "proc", "mountinfo"),
		Swaps: filepath.Join(f.root, "proc", "swaps"), Dev: filepath.Join(f.root, "dev"),
		Stat: func(p string) (string, bool, error) {
			if _, err := os.Lstat(p); err != nil {
				return "", false, err
			}
			num, ok := f.nums[p]
			return num, ok, nil
		},
	}
}

// mount adds a /proc/self/mountinfo line for src (a /dev path as the
// kernel shows it) with the device number of the fake node.
func (f *fakeTree) mount(src, num, mp string) {
	f.mounts = append(f.mounts, fmt.Sprintf("%d 1 %s / %s rw,relatime shared:1 - vfat %s rw", 30+len(f.mounts), num, mp, src))
}

// fakeHost builds a /sys, /proc/self/mountinfo and /proc/swaps with a
// USB stick (sdb), the system disk (sda) and a mounted card reader (sdc).
func fakeHost(t *testing.T) Host {
	t.Helper()
	f := newTree(t)
	f.disk("sda", "1000215216", "0", "ATA", "Samsung SSD 870", false, "sda1", "sda2")
	f.disk("sdb", "60437492", "1", "SanDisk", "Ultra", true, "sdb1")
	f.disk("sdc", "31116288", "1", "Generic", "SD Reader", true, "sdc1")
	f.disk("loop0", "100", "0", "", "", false)
	f.mount("/dev/sda2", "8:3", "/")
	f.mount("/dev/sda1", "8:2", "/boot/efi")
	f.mount("/dev/sdc1", "8:7", `/media/user/SD\040CARD`)
	return f.host()
}

func TestInspectAndRefuse(t *testing.T) {
	h := fakeHost(t)
	sda, err := h.Inspect(filepath.Join(h.Dev, "sda"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sda.Refusal(); err == nil || !strings.Contains(err.Error(), "running system") {
		t.Errorf("system disk: %v", err)
	}
	sdb, _ := h.Inspect(filepath.Join(h.Dev, "sdb"))
	if err := sdb.Refusal(); err != nil {
		t.Errorf("USB stick refused: %v", err)
	}
	if !sdb.USB || sdb.Model != "SanDisk Ultra" || sdb.Size != 60437492*512 || len(sdb.Partitions) != 1 || sdb.ID != "8:4/7/" {
		t.Errorf("sdb: %+v", sdb)
	}
	if got, want := sdb.Describe(), h.Dev+"/sdb  28.8 GiB  SanDisk Ultra  partitions: "+h.Dev+"/sdb1"; got != want {
		t.Errorf("describe: %q, want %q", got, want)
	}
	sdc, _ := h.Inspect(filepath.Join(h.Dev, "sdc"))
	if err := sdc.Refusal(); err == nil || !strings.Contains(err.Error(), "mounted (/media/user/SD CARD)") {
		t.Errorf("mounted card: %v", err)
	}
	if _, err := h.Inspect(filepath.Join(h.Dev, "sdb1")); err == nil || !strings.Contains(err.Error(), "is a partition of /dev/sdb") {
		t.Errorf("partition: %v", err)
	}
	list, err := h.List()
	if err != nil || len(list) != 2 || list[0].Path != h.Dev+"/sdb" || list[1].Path != h.Dev+"/sdc" {
		t.Errorf("list: %v %v", list, err)
	}
}

// A path is resolved as given: never reduced to its base name, symbolic
// links followed, anything but a whole-disk block device refused.
func TestResolveDevicePath(t *testing.T) {
	f := newTree(t)
	f.disk("sdb", "60437492", "1", "SanDisk", "Ultra", true, "sdb1")
	h := f.host()
	link := filepath.Join(h.Dev, "disk", "by-id", "usb-SanDisk_Ultra-0:0")
	os.Symlink("../../sdb", link)
	d, err := h.Inspect(link)
	if err != nil || d.Path != filepath.Join(h.Dev, "sdb") || d.Model != "SanDisk Ultra" {
		t.Fatalf("by-id link: %+v %v", d, err)
	}
	// A regular file named like a disk, anywhere, is not that disk.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sdb"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "loop3"), 0o755)
	wd, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(wd)
	for dev, want := range map[string]string{
		filepath.Join(dir, "sdb"):            "is a regular file, not a disk",
		"./sdb":                              "./sdb (" + filepath.Join(dir, "sdb") + ") is a regular file",
		"sdb":                                "is a regular file",
		"./loop3":                            "is a folder, not a disk",
		filepath.Join(dir, "sdz"):            "does not exist",
		"/nonexistent/" + filepath.Base(dir): "does not exist",
		filepath.Join(h.Dev, "sdb1"):         "is a partition of /dev/sdb; give the whole disk",
		"":                                   "no device given",
	} {
		_, err := h.Inspect(dev)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", dev, err, want)
		}
	}
	if _, err := h.Inspect(filepath.Join(dir, "sdz")); !errors.Is(err, ErrNoDevice) {
		t.Errorf("a missing device: %v", err)
	}
}

// Everything that uses a disk is found through the holders, recursively,
// and refuses it, named: LUKS, LVM, md, swap, and mounts of holders.
func TestHoldersRefused(t *testing.T) {
	f := newTree(t)
	usb := func(name string, parts ...string) { f.disk(name, "60437492", "1", "Vendor", name, true, parts...) }
	usb("sdd", "sdd1") // LUKS on sdd1, opened and mounted through /dev/mapper
	f.holder("dm-0", "luks-4a1b", "CRYPT-LUKS2-4a1b-luks-4a1b", "sdd/sdd1")
	f.mount("/dev/mapper/luks-4a1b", "8:99", "/media/secret")
	usb("sde") // an LVM physical volume (whole disk), active, not mounted
	f.holder("dm-1", "vg0-data", "LVM-abcdef", "sde")
	usb("sdf", "sdf1") // md member; the array is partitioned and mounted
	usb("sdg", "sdg1")
	f.holder("md127", "", "", "sdf/sdf1", "sdg/sdg1")
	f.node(filepath.Join(f.root, "sys", "block", "md127", "md127p1"), "md127p1", true)
	f.mount("/dev/md127p1", f.nums[filepath.Join(f.root, "dev", "md127p1")], "/srv/raid")
	usb("sdh", "sdh1", "sdh2") // swap on a partition
	f.swaps = append(f.swaps, "/dev/sdh2\tpartition\t1048572\t0\t-2")
	usb("sdi", "sdi1") // LVM inside LUKS, two levels deep, swap on the LV
	f.holder("dm-2", "luks-77", "CRYPT-LUKS2-77-luks-77", "sdi/sdi1")
	f.holder("dm-3", "vg1-swap", "LVM-xyz", "dm-2")
	f.swaps = append(f.swaps, "/dev/dm-3\tpartition\t1048572\t0\t-2")
	usb("sdj") // a whole-disk file system mounted by device number only
	f.mount("/dev/root", f.nums[filepath.Join(f.root, "dev", "sdj")], "/mnt/x")
	h := f.host()

	for name, wants := range map[string][]string{
		"sdd": {"sdd1 is held by the open LUKS/dm-crypt mapping /dev/mapper/luks-4a1b (dm-0)"},
		"sde": {"sde is an LVM physical volume in use by /dev/mapper/vg0-data (dm-1)"},
		"sdf": {"sdf1 is a member of the RAID array /dev/md127"},
		"sdg": {"sdg1 is a member of the RAID array /dev/md127"},
		"sdh": {"swap on /dev/sdh2"},
		"sdi": {"/dev/mapper/luks-77 (dm-2)", "dm-2 is an LVM physical volume in use by /dev/mapper/vg1-swap (dm-3)", "swap on /dev/dm-3"},
		"sdj": {"mounted (/mnt/x)"},
	} {
		d, err := h.Inspect(filepath.Join(h.Dev, name))
		if err != nil {
			t.Fatal(err)
		}
		err = d.Refusal()
		for _, w := range wants {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want %q", name, err, w)
			}
		}
	}
	// Mounts of holders are the disk's mounts.
	d, _ := h.Inspect(filepath.Join(h.Dev, "sdd"))
	if len(d.Mounted) != 1 || d.Mounted[0] != "/media/secret" {
		t.Errorf("sdd mounts: %v", d.Mounted)
	}
	d, _ = h.Inspect(filepath.Join(h.Dev, "sdf"))
	if len(d.Mounted) != 1 || d.Mounted[0] != "/srv/raid" {
		t.Errorf("sdf mounts: %v", d.Mounted)
	}
	// The holders are not offered as disks.
	list, _ := h.List()
	for _, d := range list {
		if strings.Contains(d.Path, "dm-") || strings.Contains(d.Path, "md") {
			t.Errorf("listed %s", d.Path)
		}
	}
}

func TestParseMountLine(t *testing.T) {
	for line, want := range map[string][3]string{
		"36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 - ext3 /dev/root rw,errors=continue": {"/dev/root", "98:0", "/mnt two"},
		"36 35 8:17 / /media/x rw - vfat /dev/sdb1 rw":                                          {"/dev/sdb1", "8:17", "/media/x"},
		"/dev/sdb1 /media/a\\040b vfat rw 0 0":                                                  {"/dev/sdb1", "", "/media/a b"},
	} {
		src, num, mp, ok := parseMountLine(line)
		if !ok || [3]string{src, num, mp} != want {
			t.Errorf("%q: %q %q %q", line, src, num, mp)
		}
	}
}

func TestWriteDeviceVerifies(t *testing.T) {
	img := filepath.Join(t.TempDir(), "img")
	data := make([]byte, 9<<20+17)
	rand.Read(data)
	os.WriteFile(img, data, 0o644)
	dev := filepath.Join(t.TempDir(), "fake-device")
	os.WriteFile(dev, make([]byte, 16<<20), 0o644) // a "device" larger than the image
	var phases []string
	err := WriteDevice(context.Background(), dev, img, func(p string, d, total int64) {
		if len(phases) == 0 || phases[len(phases)-1] != p {
			phases = append(phases, p)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(phases, ",") != "write,verify" {
		t.Errorf("phases %v", phases)
	}
	got, _ := os.ReadFile(dev)
	if string(got[:len(data)]) != string(data) {
		t.Error("device content differs")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteDevice(ctx, dev, img, nil); !errors.Is(err, ErrRewrite) {
		t.Errorf("a cancelled write must say the device needs rewriting: %v", err)
	}
}
