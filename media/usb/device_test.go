package usb

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeHost builds a /sys, /proc/mounts and /proc/swaps with a USB stick
// (sdb), the system disk (sda) and a mounted card reader (sdc).
func fakeHost(t *testing.T) Host {
	t.Helper()
	root := t.TempDir()
	disk := func(name, sectors, removable, vendor, model string, usb bool, parts ...string) {
		b := filepath.Join(root, "sys", "block", name)
		dev := filepath.Join(root, "sys", "devices", "pci0000:00", "0000:00:14.0")
		if usb {
			dev = filepath.Join(dev, "usb2", "2-1", name)
		} else {
			dev = filepath.Join(dev, "ata1", name)
		}
		os.MkdirAll(dev, 0o755)
		os.MkdirAll(b, 0o755)
		os.WriteFile(filepath.Join(b, "size"), []byte(sectors+"\n"), 0o644)
		os.WriteFile(filepath.Join(b, "removable"), []byte(removable+"\n"), 0o644)
		os.WriteFile(filepath.Join(dev, "vendor"), []byte(vendor+"\n"), 0o644)
		os.WriteFile(filepath.Join(dev, "model"), []byte(model+"\n"), 0o644)
		os.Symlink(dev, filepath.Join(b, "device"))
		for _, p := range parts {
			os.MkdirAll(filepath.Join(b, p), 0o755)
		}
	}
	disk("sda", "1000215216", "0", "ATA", "Samsung SSD 870", false, "sda1", "sda2")
	disk("sdb", "60437492", "1", "SanDisk", "Ultra", true, "sdb1")
	disk("sdc", "31116288", "1", "Generic", "SD Reader", true, "sdc1")
	disk("loop0", "100", "0", "", "", false)
	os.MkdirAll(filepath.Join(root, "proc"), 0o755)
	os.WriteFile(filepath.Join(root, "proc", "mounts"), []byte("/dev/sda2 / ext4 rw 0 0\n/dev/sda1 /boot/efi vfat rw 0 0\n/dev/sdc1 /media/user/SD\\040CARD vfat rw 0 0\n"), 0o644)
	os.WriteFile(filepath.Join(root, "proc", "swaps"), []byte("Filename Type Size Used Priority\n"), 0o644)
	return Host{Sys: filepath.Join(root, "sys"), Mounts: filepath.Join(root, "proc", "mounts"), Swaps: filepath.Join(root, "proc", "swaps"), Dev: "/dev"}
}

func TestInspectAndRefuse(t *testing.T) {
	h := fakeHost(t)
	sda, _ := h.Inspect("/dev/sda")
	if err := sda.Refusal(); err == nil || !strings.Contains(err.Error(), "running system") {
		t.Errorf("system disk: %v", err)
	}
	sdb, _ := h.Inspect("/dev/sdb")
	if err := sdb.Refusal(); err != nil {
		t.Errorf("USB stick refused: %v", err)
	}
	if !sdb.USB || sdb.Model != "SanDisk Ultra" || sdb.Size != 60437492*512 || len(sdb.Partitions) != 1 {
		t.Errorf("sdb: %+v", sdb)
	}
	if got := sdb.Describe(); got != "/dev/sdb  30.9 GB  SanDisk Ultra  partitions: /dev/sdb1" {
		t.Errorf("describe: %q", got)
	}
	sdc, _ := h.Inspect("/dev/sdc")
	if err := sdc.Refusal(); err == nil || !strings.Contains(err.Error(), "mounted (/media/user/SD CARD)") {
		t.Errorf("mounted card: %v", err)
	}
	if _, err := h.Inspect("/dev/sdb1"); err == nil || !strings.Contains(err.Error(), "not a whole disk") {
		t.Errorf("partition: %v", err)
	}
	list, err := h.List()
	if err != nil || len(list) != 2 || list[0].Path != "/dev/sdb" || list[1].Path != "/dev/sdc" {
		t.Errorf("list: %v %v", list, err)
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
