package usb

import (
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// loopDevice attaches a file of size bytes to a free loop device and
// detaches it at the end; it skips, saying why, where the kernel or the
// user's rights do not allow it.
func loopDevice(t *testing.T, size int64) (dev, backing string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("loop devices need root")
	}
	if _, err := exec.LookPath("losetup"); err != nil {
		t.Skip("losetup is missing (Debian package mount)")
	}
	backing = filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(backing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(backing, size); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("losetup", "-f", "--show", backing).CombinedOutput()
	if err != nil {
		t.Skipf("the kernel gives no loop device here: %v %s", err, out)
	}
	dev = strings.TrimSpace(string(out))
	t.Cleanup(func() { exec.Command("losetup", "-d", dev).Run() })
	return dev, backing
}

// On a real block device (a loop device): the path and a symbolic link
// to it resolve to the same disk with the kernel's size, a regular file
// is refused, and the write opens the device exclusively: while another
// opener holds it exclusively the write is refused as busy.
func TestLoopDevice(t *testing.T) {
	dev, backing := loopDevice(t, 16<<20)
	d, err := LinuxHost.Inspect(dev)
	if err != nil {
		t.Fatal(err)
	}
	if d.Path != dev || d.Size != 16<<20 || d.ID == "" {
		t.Errorf("inspect %s: %+v", dev, d)
	}
	link := filepath.Join(t.TempDir(), "by-id-link")
	os.Symlink(dev, link)
	if d2, err := LinuxHost.Inspect(link); err != nil || d2.Path != dev || d.Changed(d2) != "" {
		t.Errorf("through a link: %+v %v", d2, err)
	}
	if _, err := LinuxHost.Inspect(backing); err == nil || !strings.Contains(err.Error(), "regular file") {
		t.Errorf("the backing file: %v", err)
	}
	if err := d.Refusal(); err == nil || !strings.Contains(err.Error(), "neither removable nor on USB") {
		t.Errorf("a loop device is no USB stick: %v", err)
	}

	img := filepath.Join(t.TempDir(), "img")
	data := make([]byte, 3<<20)
	rand.Read(data)
	os.WriteFile(img, data, 0o644)
	holder, err := os.OpenFile(dev, os.O_RDONLY|unix.O_EXCL, 0)
	if err != nil {
		t.Fatal(err)
	}
	err = WriteDevice(context.Background(), dev, img, nil)
	holder.Close()
	if err == nil || !strings.Contains(err.Error(), "busy") {
		t.Errorf("a device held exclusively was written: %v", err)
	}
	if err := WriteDevice(context.Background(), dev, img, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(backing)
	if string(got[:len(data)]) != string(data) {
		t.Error("the loop device's file does not hold the image")
	}
}
