package usb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	"github.com/refimage/refimage/internal/bytesize"
)

// Device is a whole disk a medium can be written to.
type Device struct {
	Path       string   // /dev/sdb; Windows \\.\PhysicalDrive2
	Model      string   // vendor and model
	Size       int64    // bytes
	Removable  bool     // the kernel says the medium is removable
	USB        bool     // attached over USB
	Partitions []string // /dev/sdb1, …; Windows "partition 1 (EFI system, 104.9 MB)"
	Mounted    []string // mount points of the disk, its partitions and what holds them
	// InUse says what else uses the disk: LUKS/dm-crypt, LVM, md RAID
	// holders (found recursively), swap. Any of it refuses the disk.
	InUse []string
	// ID tells this disk from another one later given the same path
	// (Linux: device number, disk sequence number, WWID; Windows: the
	// serial number). Compared with Size and Model right before writing.
	ID     string
	System bool // holds the running system (/, /boot, swap; Windows: its folder, this program, the boot partition)
	// SectorSize is the disk's logical sector size in bytes (Linux:
	// queue/logical_block_size; Windows: the geometry's BytesPerSector);
	// 0 when not known, taken as 512. The medium is laid out for it.
	SectorSize int
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
	s := fmt.Sprintf("%s  %s  %s", d.Path, bytesize.Format(d.Size), strings.TrimSpace(d.Model))
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

// Details are the lines of a confirmation prompt: the disk, its model,
// size, partitions and mount points, and what else uses it.
func (d *Device) Details() []string {
	none := func(s []string) string {
		if len(s) == 0 {
			return "none"
		}
		return strings.Join(s, ", ")
	}
	model := strings.TrimSpace(d.Model)
	if model == "" {
		model = "(unknown)"
	}
	out := []string{
		d.Path,
		"model:      " + model,
		fmt.Sprintf("size:       %s (%d bytes%s)", bytesize.Format(d.Size), d.Size, sectorNote(d.SectorSize)),
		"partitions: " + none(d.Partitions),
		"mounted at: " + none(d.Mounted),
	}
	if len(d.Mounted) > 0 && d.Dismount {
		out[len(out)-1] += " (taken offline before writing)"
	}
	if len(d.InUse) > 0 {
		out = append(out, "in use:     "+strings.Join(d.InUse, "; "))
	}
	return out
}

// Changed says how now differs from d, the same disk inspected earlier:
// another path, size, model or identity (another stick in the slot), or
// "" when it is the same disk.
func (d *Device) Changed(now *Device) string {
	switch {
	case now.Path != d.Path:
		return fmt.Sprintf("the path now leads to %s instead of %s", now.Path, d.Path)
	case now.Size != d.Size:
		return fmt.Sprintf("its size is now %d bytes instead of %d", now.Size, d.Size)
	case now.Model != d.Model:
		return fmt.Sprintf("its model is now %q instead of %q", now.Model, d.Model)
	case now.ID != d.ID:
		return "it is another disk now (or the medium was changed)"
	case now.SectorSize != d.SectorSize:
		return fmt.Sprintf("its logical sectors are now %d bytes instead of %d", now.SectorSize, d.SectorSize)
	}
	return ""
}

// sectorNote is ", 4096-byte sectors" for a disk whose logical sectors
// are not the usual 512 bytes.
func sectorNote(ss int) string {
	if ss == 0 || ss == sector {
		return ""
	}
	return fmt.Sprintf(", %d-byte sectors", ss)
}

// Refusal says why a device must not be written: it holds the running
// system; it is mounted and the platform does not dismount it (Linux);
// it is neither removable nor on USB; it has no medium.
func (d *Device) Refusal() error {
	switch {
	case d.System:
		return fmt.Errorf("%s holds the running system; refimage will not overwrite it", d.Path)
	case len(d.InUse) > 0:
		return fmt.Errorf("%s is in use: %s; close or stop it first", d.Path, strings.Join(d.InUse, "; "))
	case len(d.Mounted) > 0 && !d.Dismount:
		return fmt.Errorf("%s is mounted (%s); unmount it first", d.Path, strings.Join(d.Mounted, ", "))
	case !d.Removable && !d.USB:
		return fmt.Errorf("%s is neither removable nor on USB; refimage writes only USB and removable disks", d.Path)
	case d.Size == 0:
		return fmt.Errorf("%s has no medium (size 0)", d.Path)
	case d.SectorSize != 0:
		if _, err := geomOf(d.SectorSize); err != nil {
			return fmt.Errorf("%s: %w", d.Path, err)
		}
	}
	return nil
}

// Host is where the device facts come from on Linux: /sys,
// /proc/self/mountinfo and /proc/swaps. Tests point it at a fake tree.
type Host struct {
	Sys    string // "/sys"
	Mounts string // "/proc/self/mountinfo" (the older /proc/mounts format is read too)
	Swaps  string // "/proc/swaps"
	Dev    string // "/dev"
	// Stat says whether a resolved path is a block device and gives its
	// number as /sys writes it ("8:16"). nil: the kernel's stat(2).
	Stat func(path string) (devnum string, block bool, err error)
}

// LinuxHost is the running Linux system.
var LinuxHost = Host{Sys: "/sys", Mounts: "/proc/self/mountinfo", Swaps: "/proc/swaps", Dev: "/dev"}

func readTrim(p string) string {
	b, _ := os.ReadFile(p)
	return strings.TrimSpace(string(b))
}

// ErrNoDevice is wrapped by Inspect when the path names nothing.
var ErrNoDevice = errors.New("no such device")

// Resolve turns the path the user gave into the whole disk it names:
// symbolic links (/dev/disk/by-id/usb-…) are followed, the path is never
// reduced to its base name, and anything but a whole-disk block device
// is refused: a regular file, a folder, a character device, a partition.
// It returns the resolved path and the disk's name in /sys/block.
func (h Host) Resolve(dev string) (path, name string, err error) {
	if dev == "" {
		return "", "", errors.New("no device given")
	}
	resolved, err := filepath.EvalSymlinks(dev)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("the device %s does not exist (%w)", dev, ErrNoDevice)
		}
		return "", "", fmt.Errorf("the device %s: %w", dev, err)
	}
	if resolved, err = filepath.Abs(resolved); err != nil {
		return "", "", err
	}
	stat := h.Stat
	if stat == nil {
		stat = blockDevNum
	}
	devnum, block, err := stat(resolved)
	if err != nil {
		return "", "", fmt.Errorf("the device %s: %w", dev, err)
	}
	shown := dev
	if resolved != dev {
		shown = fmt.Sprintf("%s (%s)", dev, resolved)
	}
	if !block {
		info, _ := os.Stat(resolved)
		what := "not a block device"
		switch {
		case info == nil:
		case info.IsDir():
			what = "a folder, not a disk"
		case info.Mode().IsRegular():
			what = "a regular file, not a disk (write a USB image file with --usb)"
		case info.Mode()&fs.ModeCharDevice != 0:
			what = "a character device, not a disk"
		}
		return "", "", fmt.Errorf("%s is %s; give a whole disk such as /dev/sdb or /dev/disk/by-id/usb-…", shown, what)
	}
	sysdir, err := filepath.EvalSymlinks(filepath.Join(h.Sys, "dev", "block", devnum))
	if err != nil {
		return "", "", fmt.Errorf("%s: the kernel knows no block device %s (%v)", shown, devnum, err)
	}
	name = filepath.Base(sysdir)
	if _, err := os.Stat(filepath.Join(sysdir, "partition")); err == nil {
		return "", "", fmt.Errorf("%s is a partition of /dev/%s; give the whole disk, e.g. /dev/%s", shown, filepath.Base(filepath.Dir(sysdir)), filepath.Base(filepath.Dir(sysdir)))
	}
	if _, err := os.Stat(filepath.Join(h.Sys, "block", name)); err != nil {
		return "", "", fmt.Errorf("%s is not a whole disk (no %s)", shown, filepath.Join(h.Sys, "block", name))
	}
	return resolved, name, nil
}

// Inspect reads what the host knows about a whole-disk device given by
// its path (followed through symbolic links, see Resolve).
func (h Host) Inspect(dev string) (*Device, error) {
	path, name, err := h.Resolve(dev)
	if err != nil {
		return nil, err
	}
	return h.inspect(name, path), nil
}

// node is one block device that lies on a disk or uses it: the disk, a
// partition, a holder (device-mapper, md) or a holder's partition.
type node struct {
	name   string // kernel name: sdb, sdb1, dm-0, md127
	sysdir string
	devnum string // "8:17"
	dmName string // device-mapper name (/dev/mapper/NAME)
}

// inspect reads the disk called name in /sys/block, shown as path.
func (h Host) inspect(name, path string) *Device {
	block := filepath.Join(h.Sys, "block", name)
	d := &Device{Path: path}
	sectors, _ := strconv.ParseInt(readTrim(filepath.Join(block, "size")), 10, 64)
	d.Size = sectors * 512 // /sys counts 512-byte units whatever the disk's sectors
	d.SectorSize, _ = strconv.Atoi(readTrim(filepath.Join(block, "queue", "logical_block_size")))
	d.Removable = readTrim(filepath.Join(block, "removable")) == "1"
	d.Model = strings.TrimSpace(readTrim(filepath.Join(block, "device", "vendor")) + " " + readTrim(filepath.Join(block, "device", "model")))
	if link, err := filepath.EvalSymlinks(filepath.Join(block, "device")); err == nil && strings.Contains(link, "/usb") {
		d.USB = true
	}
	d.ID = strings.Join([]string{readTrim(filepath.Join(block, "dev")), readTrim(filepath.Join(block, "diskseq")), readTrim(filepath.Join(block, "device", "wwid"))}, "/")

	// The disk, its partitions, and recursively everything that holds
	// them (dm-crypt/LUKS, LVM, md RAID) and the holders' partitions.
	nodes := []node{{name: name, sysdir: block}}
	for _, p := range partitionsOf(block, name) {
		d.Partitions = append(d.Partitions, filepath.Join(h.Dev, p))
		nodes = append(nodes, node{name: p, sysdir: filepath.Join(block, p)})
	}
	seen := map[string]bool{}
	for _, n := range nodes {
		seen[n.name] = true
	}
	for i := 0; i < len(nodes) && len(nodes) < 4096; i++ {
		ents, _ := os.ReadDir(filepath.Join(nodes[i].sysdir, "holders"))
		for _, e := range ents {
			hn := e.Name()
			if seen[hn] {
				continue
			}
			seen[hn] = true
			hdir := filepath.Join(h.Sys, "block", hn)
			hnode := node{name: hn, sysdir: hdir, dmName: readTrim(filepath.Join(hdir, "dm", "name"))}
			d.InUse = append(d.InUse, h.describeHolder(hnode, nodes[i].name))
			nodes = append(nodes, hnode)
			for _, p := range partitionsOf(hdir, hn) {
				if !seen[p] {
					seen[p] = true
					nodes = append(nodes, node{name: p, sysdir: filepath.Join(hdir, p)})
				}
			}
		}
	}
	for i := range nodes {
		nodes[i].devnum = readTrim(filepath.Join(nodes[i].sysdir, "dev"))
	}
	isOurs := func(src, devnum string) bool {
		for _, n := range nodes {
			if devnum != "" && devnum == n.devnum {
				return true
			}
			if strings.HasPrefix(src, h.Dev+"/") || strings.HasPrefix(src, "/dev/") {
				if filepath.Base(src) == n.name || (n.dmName != "" && filepath.Base(src) == n.dmName && strings.Contains(src, "/mapper/")) {
					return true
				}
			}
		}
		return false
	}
	if b, err := os.ReadFile(h.Mounts); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			src, devnum, mp, ok := parseMountLine(line)
			if !ok || !isOurs(src, devnum) {
				continue
			}
			d.Mounted = append(d.Mounted, mp)
			switch mp {
			case "/", "/boot", "/boot/efi", "/usr", "/var", "/home":
				d.System = true
			}
		}
	}
	if b, err := os.ReadFile(h.Swaps); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if fields := strings.Fields(line); len(fields) > 0 && isOurs(unescapeMount(fields[0]), "") {
				d.InUse = append(d.InUse, "swap on "+unescapeMount(fields[0]))
			}
		}
	}
	return d
}

// partitionsOf lists the partitions of the block device in dir: the
// subfolders named after it that hold a "partition" file (or, in older
// trees, just named after it).
func partitionsOf(dir, name string) []string {
	var out []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), name) && e.Name() != name {
			out = append(out, e.Name())
		}
	}
	return out
}

// describeHolder names what holds a device: a LUKS (dm-crypt) mapping,
// an LVM logical volume, another device-mapper target, an md array.
func (h Host) describeHolder(n node, of string) string {
	uuid := readTrim(filepath.Join(n.sysdir, "dm", "uuid"))
	switch {
	case strings.HasPrefix(uuid, "CRYPT-"):
		return fmt.Sprintf("%s is held by the open LUKS/dm-crypt mapping /dev/mapper/%s (%s)", of, n.dmName, n.name)
	case strings.HasPrefix(uuid, "LVM-"):
		return fmt.Sprintf("%s is an LVM physical volume in use by /dev/mapper/%s (%s)", of, n.dmName, n.name)
	case n.dmName != "":
		return fmt.Sprintf("%s is held by the device-mapper device /dev/mapper/%s (%s)", of, n.dmName, n.name)
	case strings.HasPrefix(n.name, "md"):
		return fmt.Sprintf("%s is a member of the RAID array /dev/%s", of, n.name)
	}
	return fmt.Sprintf("%s is held by /dev/%s", of, n.name)
}

// parseMountLine reads one line of /proc/self/mountinfo ("36 35 98:0
// /mnt1 /mnt2 rw,noatime - ext3 /dev/root rw") or of /proc/mounts
// ("/dev/sdb1 /media/x vfat rw 0 0").
func parseMountLine(line string) (src, devnum, mountPoint string, ok bool) {
	fields := strings.Fields(line)
	if sep := indexOf(fields, "-"); sep >= 5 && len(fields) > sep+2 {
		return unescapeMount(fields[sep+2]), fields[2], unescapeMount(fields[4]), true
	}
	if len(fields) >= 2 {
		return unescapeMount(fields[0]), "", unescapeMount(fields[1]), true
	}
	return "", "", "", false
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// unescapeMount undoes the kernel's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// List returns the disks that could take a medium (removable or USB).
func (h Host) List() ([]*Device, error) {
	ents, err := os.ReadDir(filepath.Join(h.Sys, "block"))
	if err != nil {
		return nil, err
	}
	var out []*Device
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, "loop") || strings.HasPrefix(n, "ram") || strings.HasPrefix(n, "zram") || strings.HasPrefix(n, "dm-") || strings.HasPrefix(n, "md") {
			continue
		}
		d := h.inspect(n, filepath.Join(h.Dev, n))
		if (d.Removable || d.USB) && d.Size > 0 {
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
	tailOff, tail, err := deviceTail(in, info.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", image, err)
	}
	o, err := openDevice(dev)
	if err != nil {
		return fmt.Errorf("open %s for writing: %w", dev, err)
	}
	defer o.release()
	if err := copyVerify(ctx, dev, o, in, info.Size(), progress); err != nil {
		return err
	}
	return writeTail(ctx, dev, o, tailOff, tail)
}

// deviceTail is what an image laid out for a larger disk (Options.DiskSize)
// needs at that disk's end, and where: the backup GPT (entries, then the
// header in the last sector) rebuilt from the primary, or, for an MBR,
// zeros over the sectors where a stale backup GPT of the stick's earlier
// life would lie (33 of 512 bytes, 5 of 4096). nil when the image covers
// its whole disk. Sectors are the image's own (imageSectorSize).
func deviceTail(img io.ReaderAt, size int64) (int64, []byte, error) {
	head := make([]byte, 34*sector)
	n, _ := img.ReadAt(head, 0)
	head = head[:n]
	if len(head) < 2*sector || head[510] != 0x55 || head[511] != 0xAA {
		return 0, nil, nil
	}
	g := geom{imageSectorSize(img, head)}
	ss := uint64(g.ss)
	le32 := func(b []byte) uint64 { return uint64(binary.LittleEndian.Uint32(b)) }
	le64 := binary.LittleEndian.Uint64
	if head[446+4] == 0xEE && len(head) >= int(2*ss) && string(head[ss:ss+8]) == "EFI PART" {
		hdr := head[ss : 2*ss]
		hdrSize := le32(hdr[12:])
		alt, entriesLBA := le64(hdr[32:]), le64(hdr[72:])
		count, entrySize := le32(hdr[80:]), le32(hdr[84:])
		if (alt+1)*ss <= uint64(size) {
			return 0, nil, nil
		}
		arr := (count*entrySize + ss - 1) / ss
		if hdrSize < 92 || hdrSize > ss || entriesLBA != 2 || entrySize < 128 || count*entrySize > 1<<20 || alt <= 2*arr+2 {
			return 0, nil, errors.New("the image's GPT header is not one refimage writes")
		}
		tail := make([]byte, (arr+1)*ss)
		if _, err := img.ReadAt(tail[:arr*ss], int64(entriesLBA*ss)); err != nil {
			return 0, nil, fmt.Errorf("read the GPT entries: %w", err)
		}
		b := tail[arr*ss:]
		copy(b, hdr[:hdrSize])
		binary.LittleEndian.PutUint64(b[24:], alt)     // MyLBA
		binary.LittleEndian.PutUint64(b[32:], 1)       // AlternateLBA
		binary.LittleEndian.PutUint64(b[72:], alt-arr) // PartitionEntryLBA
		binary.LittleEndian.PutUint32(b[16:], 0)
		binary.LittleEndian.PutUint32(b[16:], crc32.ChecksumIEEE(b[:hdrSize]))
		return int64((alt - arr) * ss), tail, nil
	}
	end := le32(head[446+8:]) + le32(head[446+12:]) // first + count of partition 1
	tailLBAs := g.gptTail()
	if end*ss <= uint64(size) || end < 2*(tailLBAs+1) {
		return 0, nil, nil
	}
	return int64((end - tailLBAs) * ss), make([]byte, tailLBAs*ss), nil
}

// imageSectorSize is the logical sector size an image was laid out for:
// where its GPT header is ("EFI PART" in LBA 1), or, under an MBR, the
// sector size of the FAT32 boot sector its first partition starts with
// (the partition's first LBA counts sectors of that size). 512 when it
// cannot tell.
func imageSectorSize(img io.ReaderAt, head []byte) int64 {
	if head[446+4] == 0xEE {
		for _, ss := range SectorSizes {
			sig := make([]byte, 8)
			if _, err := img.ReadAt(sig, int64(ss)); err == nil && string(sig) == "EFI PART" {
				return int64(ss)
			}
		}
		return sector
	}
	first := int64(binary.LittleEndian.Uint32(head[446+8:]))
	for _, ss := range SectorSizes {
		bpb := make([]byte, 90)
		if _, err := img.ReadAt(bpb, first*int64(ss)); err == nil &&
			int(binary.LittleEndian.Uint16(bpb[11:])) == ss && string(bpb[82:90]) == "FAT32   " {
			return int64(ss)
		}
	}
	return sector
}

// writeTail writes tail at off (aligned to the device's sector size by
// zeros in front, which fall in the partition's free end), syncs and
// reads it back.
func writeTail(ctx context.Context, dev string, o *openedDevice, off int64, tail []byte) error {
	if tail == nil {
		return nil
	}
	fail := func(err error) error { return fmt.Errorf("%s: the end of the disk: %w (%w)", dev, err, ErrRewrite) }
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	align := int64(max(o.align, 1))
	pad := off % align
	buf := alignedBuffer(int(pad)+len(tail)+int(align), max(int(align), 4096))
	buf = buf[:int(pad)+len(tail)]
	copy(buf[pad:], tail)
	if r := int64(len(buf)) % align; r != 0 {
		return fail(fmt.Errorf("the disk's size is not a multiple of its %d-byte sectors", align))
	}
	if _, err := o.file.Seek(off-pad, io.SeekStart); err != nil {
		return fail(err)
	}
	if _, err := o.file.Write(buf); err != nil {
		return fail(err)
	}
	if err := o.file.Sync(); err != nil {
		return fail(err)
	}
	if _, err := o.file.Seek(off-pad, io.SeekStart); err != nil {
		return fail(err)
	}
	got := alignedBuffer(len(buf), max(int(align), 4096))
	if _, err := io.ReadFull(o.file, got); err != nil {
		return fail(fmt.Errorf("read back: %w", err))
	}
	if !bytes.Equal(got[pad:], tail) {
		return fail(errors.New("what was read back differs from what was written"))
	}
	return nil
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
