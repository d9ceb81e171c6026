package usb

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"
)

// Device is a whole disk a medium can be written to.
type Device struct {
	Path       string   // /dev/sdb; Windows \\.\PhysicalDrive2
	Model      string   // vendor and model
	Size       int64    // bytes
	Removable  bool     // the kernel says the medium is removable
	USB        bool     // attached over USB
	Partitions []string // /dev/sdb1, …; Windows "partition 1 (EFI system, 104.9 MB)"
	Mounted    []string // mount points of the disk or its partitions
	System     bool     // holds the running system (/, /boot, swap; Windows: its folder, this program, the boot partition)
	// Dismount: writing takes the disk's mounted volumes offline itself
	// (Windows locks and dismounts them and keeps them locked while it
	// writes), so Mounted does not refuse the disk. On Linux it is false:
	// a mounted disk is refused and must be unmounted first.
	Dismount bool
}

// Disks is what a platform knows about its disks: Host on Linux,
// WindowsHost on Windows. NativeDisks returns the running system's.
type Disks interface {
	// Inspect reads one whole disk, given as the platform names it.
	Inspect(dev string) (*Device, error)
	// List returns the disks that could take a medium (removable or on
	// USB, with a medium in), refused ones included.
	List() ([]*Device, error)
}

// Describe is one line for a confirmation prompt or a list.
func (d *Device) Describe() string {
	s := fmt.Sprintf("%s  %s  %s", d.Path, humanSize(d.Size), strings.TrimSpace(d.Model))
	if len(d.Partitions) > 0 {
		s += "  partitions: " + strings.Join(d.Partitions, ", ")
	}
	if len(d.Mounted) > 0 {
		s += "  mounted at: " + strings.Join(d.Mounted, ", ")
		if d.Dismount {
			s += " (taken offline before writing)"
		}
	}
	return s
}

func humanSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// Refusal says why a device must not be written: it holds the running
// system; it is mounted and the platform does not dismount it (Linux);
// it is neither removable nor on USB; it has no medium.
func (d *Device) Refusal() error {
	switch {
	case d.System:
		return fmt.Errorf("%s holds the running system; refimage will not overwrite it", d.Path)
	case len(d.Mounted) > 0 && !d.Dismount:
		return fmt.Errorf("%s is mounted (%s); unmount it first", d.Path, strings.Join(d.Mounted, ", "))
	case !d.Removable && !d.USB:
		return fmt.Errorf("%s is neither removable nor on USB; refimage writes only USB and removable disks", d.Path)
	case d.Size == 0:
		return fmt.Errorf("%s has no medium (size 0)", d.Path)
	}
	return nil
}

// Host is where the device facts come from: /sys, /proc/mounts and
// /proc/swaps on Linux. Tests point it at a fake tree.
type Host struct {
	Sys    string // "/sys"
	Mounts string // "/proc/mounts"
	Swaps  string // "/proc/swaps"
	Dev    string // "/dev"
}

// LinuxHost is the running Linux system.
var LinuxHost = Host{Sys: "/sys", Mounts: "/proc/mounts", Swaps: "/proc/swaps", Dev: "/dev"}

func readTrim(p string) string {
	b, _ := os.ReadFile(p)
	return strings.TrimSpace(string(b))
}

// Inspect reads what the host knows about a whole-disk device.
func (h Host) Inspect(dev string) (*Device, error) {
	name := filepath.Base(dev)
	block := filepath.Join(h.Sys, "block", name)
	if _, err := os.Stat(block); err != nil {
		return nil, fmt.Errorf("%s is not a whole disk (no %s); give the disk, e.g. /dev/sdb, not a partition", dev, block)
	}
	d := &Device{Path: filepath.Join(h.Dev, name)}
	sectors, _ := strconv.ParseInt(readTrim(filepath.Join(block, "size")), 10, 64)
	d.Size = sectors * 512
	d.Removable = readTrim(filepath.Join(block, "removable")) == "1"
	d.Model = strings.TrimSpace(readTrim(filepath.Join(block, "device", "vendor")) + " " + readTrim(filepath.Join(block, "device", "model")))
	if link, err := filepath.EvalSymlinks(filepath.Join(block, "device")); err == nil && strings.Contains(link, "/usb") {
		d.USB = true
	}
	names := []string{name}
	ents, _ := os.ReadDir(block)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), name) {
			d.Partitions = append(d.Partitions, filepath.Join(h.Dev, e.Name()))
			names = append(names, e.Name())
		}
	}
	isOurs := func(src string) bool {
		for _, n := range names {
			if filepath.Base(src) == n && strings.HasPrefix(src, "/dev/") {
				return true
			}
		}
		return false
	}
	if f, err := os.Open(h.Mounts); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) >= 2 && isOurs(fields[0]) {
				mp := strings.ReplaceAll(fields[1], `\040`, " ")
				d.Mounted = append(d.Mounted, mp)
				if mp == "/" || mp == "/boot" || mp == "/boot/efi" || mp == "/usr" {
					d.System = true
				}
			}
		}
		f.Close()
	}
	if f, err := os.Open(h.Swaps); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if fields := strings.Fields(sc.Text()); len(fields) > 0 && isOurs(fields[0]) {
				d.System = true
			}
		}
		f.Close()
	}
	return d, nil
}

// List returns the disks that could take a medium (removable or USB).
func (h Host) List() ([]*Device, error) {
	ents, err := os.ReadDir(filepath.Join(h.Sys, "block"))
	if err != nil {
		return nil, err
	}
	var out []*Device
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "loop") || strings.HasPrefix(e.Name(), "ram") || strings.HasPrefix(e.Name(), "zram") {
			continue
		}
		d, err := h.Inspect(e.Name())
		if err == nil && (d.Removable || d.USB) && d.Size > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

// ErrRewrite is wrapped by WriteDevice errors after writing began: the
// device holds a partial medium and must be written again.
var ErrRewrite = errors.New("the device holds a partly written medium and must be written again")

// WriteDevice writes the image to the device (a whole disk, or a file in
// tests), syncs, reads it back and compares SHA-256 hashes. progress gets
// bytes written, then bytes verified.
//
// The platform part is only opening (openDevice: on Windows lock and
// dismount the disk's volumes, open \\.\PhysicalDriveN unbuffered, clear
// its partition table first) and what follows the read-back; the loop is
// shared (copyVerify).
func WriteDevice(ctx context.Context, dev, image string, progress func(phase string, done, total int64)) error {
	in, err := os.Open(image)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	o, err := openDevice(dev)
	if err != nil {
		return fmt.Errorf("open %s for writing: %w", dev, err)
	}
	defer o.release()
	return copyVerify(ctx, dev, o, in, info.Size(), progress)
}

// devFile is an opened device as the shared loop uses it.
type devFile interface {
	io.Reader
	io.Writer
	io.Seeker
	Sync() error // fsync; FlushFileBuffers on Windows
}

// openedDevice is what a platform's openDevice hands the shared loop.
type openedDevice struct {
	file devFile
	// align: every write and read is a whole multiple of it (the sector
	// size, for unbuffered I/O on Windows); the last chunk is padded with
	// zeros, and the read-back compares only the image's length. 0 or 1:
	// any length.
	align int
	// prepare runs just before the first byte is written (Windows:
	// IOCTL_DISK_DELETE_DRIVE_LAYOUT, so that Windows mounts no
	// half-written partition). nil: nothing.
	prepare func() error
	// release runs at the end, whatever happened: close the file and, on
	// Windows, IOCTL_DISK_UPDATE_PROPERTIES (after the read-back, so that
	// Windows mounts the new partition only once nothing reads or writes
	// the disk any more) and unlock the volumes.
	release func()
}

// chunk is the unit of writing and reading back: a multiple of every
// sector size.
const chunk = 4 << 20

// alignedBuffer returns size bytes whose address is a multiple of align
// (unbuffered I/O on Windows needs sector-aligned buffers). Go's heap
// does not move objects.
func alignedBuffer(size, align int) []byte {
	b := make([]byte, size+align)
	off := 0
	if r := int(uintptr(unsafe.Pointer(&b[0])) % uintptr(align)); r != 0 {
		off = align - r
	}
	return b[off : off+size : off+size]
}

// copyVerify is the shared write and verify loop: write the image (padded
// to o.align), sync, read back total bytes and compare SHA-256 hashes.
// Every failure from the first write on wraps ErrRewrite.
func copyVerify(ctx context.Context, dev string, o *openedDevice, in io.Reader, total int64, progress func(phase string, done, total int64)) error {
	align := max(o.align, 1)
	if chunk%align != 0 {
		return fmt.Errorf("%s: sector size %d does not divide %d", dev, align, chunk)
	}
	buf := alignedBuffer(chunk, max(align, 4096))
	want := sha256.New()
	fail := func(err error) error {
		return fmt.Errorf("%s: %w (%w)", dev, err, ErrRewrite)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if o.prepare != nil {
		if err := o.prepare(); err != nil {
			return fail(err)
		}
	}
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		n, rerr := io.ReadFull(in, buf)
		if n > 0 {
			want.Write(buf[:n])
			w := n
			if r := n % align; r != 0 {
				w = n + align - r
				clear(buf[n:w])
			}
			if _, err := o.file.Write(buf[:w]); err != nil {
				return fail(err)
			}
			done += int64(n)
			if progress != nil {
				progress("write", done, total)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fail(rerr)
		}
	}
	if err := o.file.Sync(); err != nil {
		return fail(err)
	}
	// Read back exactly what was written.
	if _, err := o.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("%s: read back: %w (%w)", dev, err, ErrRewrite)
	}
	got := sha256.New()
	var read int64
	for read < total {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: verify: %w", dev, err)
		}
		rest := total - read
		if r := rest % int64(align); r != 0 {
			rest += int64(align) - r
		}
		n, err := io.ReadFull(o.file, buf[:min(int64(len(buf)), rest)])
		if h := min(int64(n), total-read); h > 0 {
			got.Write(buf[:h])
			read += h
			if progress != nil {
				progress("verify", read, total)
			}
		}
		if err != nil && read < total {
			return fmt.Errorf("%s: read back after %d bytes: %w (%w)", dev, read, err, ErrRewrite)
		}
	}
	if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		return fmt.Errorf("%s: what was read back differs from what was written (%w)", dev, ErrRewrite)
	}
	return nil
}
