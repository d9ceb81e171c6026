// Package usb writes WinPE media for USB sticks: a raw disk image with one
// FAT32 partition that holds the media folder, and the same layout written
// to a removable device.
//
// The default layout is what MakeWinPEMedia /UFD and Configuration Manager
// write: an MBR with one active FAT32 (LBA, type 0x0C) partition. UEFI
// firmware starts \EFI\Boot\bootx64.efi from it, and Windows gives it a
// drive letter. LayoutGPT writes a GPT whose one partition is a Microsoft
// basic data partition (not an EFI system partition, which Windows mounts
// without a letter). Legacy BIOS boot from USB needs proprietary boot code
// (bootsect.exe) or a third-party chain loader and is out of scope; see
// docs/media.md.
package usb

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/diskfs/go-diskfs/partition/gpt"

	"github.com/refimage/refimage/internal/tempfile"
)

// MaxFileSize is the largest file FAT32 holds (4 GiB - 1). A larger WIM
// must be split into .swm parts first.
const MaxFileSize = 1<<32 - 1

const (
	sector       = 512             // the usual logical sector size (see geom)
	partStartLBA = 2048            // 1 MiB alignment, in 512-byte sectors
	gptTailLBAs  = 33              // backup entries (32) + backup header (1), in 512-byte sectors
	minPartition = 64 << 20        // FAT32 needs >= 65525 clusters
	maxLabel     = 11              // FAT volume label
	slackPercent = 10              // free space left for logs and state
	perFileSlack = 4096 + 2*sector // cluster rounding and directory entries
	fixedSlack   = 8 << 20         // FATs, reserved sectors, root
)

// geom is the logical sector size a medium is laid out for, and what
// follows from it: MBR and GPT addresses count sectors of the disk's
// logical size, and a FAT32 file system's sector is the disk's. A stick
// whose logical sectors are 4096 bytes (4Kn) needs its own layout; a
// 512-byte layout on it is not found by the firmware.
type geom struct{ ss int64 }

// SectorSizes are the logical sector sizes a medium can be laid out for:
// those FAT32 allows (Microsoft's FAT specification: 512, 1024, 2048 or
// 4096 bytes), which UEFI's GPT and FAT drivers read too.
var SectorSizes = []int{512, 1024, 2048, 4096}

// geomOf checks a logical sector size; 0 is 512.
func geomOf(ss int) (geom, error) {
	if ss == 0 {
		ss = sector
	}
	for _, ok := range SectorSizes {
		if ss == ok {
			return geom{int64(ss)}, nil
		}
	}
	return geom{}, fmt.Errorf("a disk with %d-byte logical sectors cannot hold a bootable FAT32 medium (FAT32 and UEFI take 512, 1024, 2048 or 4096 bytes)", ss)
}

// partStart is the partition's first sector: 1 MiB into the disk.
func (g geom) partStart() uint64 { return uint64(1 << 20 / g.ss) }

// gptTail is the sectors of the backup GPT: 128 entries of 128 bytes,
// then the header.
func (g geom) gptTail() uint64 { return uint64((128*128+g.ss-1)/g.ss) + 1 }

// minPartition is the smallest FAT32 partition: 64 MiB, or with larger
// sectors (one sector per cluster at least) room for 65525 clusters and
// their FATs, in whole MiB — 257 MiB with 4096-byte sectors.
func (g geom) minPartition() int64 {
	need := (minClusters+16)*g.ss + 2*(minClusters+16)*4 + fatReserved*g.ss
	return max(minPartition, (need+1<<20-1)&^(1<<20-1))
}

// Layout is the partitioning of a USB medium.
type Layout string

const (
	// LayoutMBR is an MBR with one active FAT32 partition of type 0x0C
	// (FAT32 with LBA) covering the medium: what MakeWinPEMedia /UFD and
	// Configuration Manager write. The default.
	LayoutMBR Layout = "mbr"
	// LayoutGPT is a GPT (with a protective MBR) with one Microsoft basic
	// data partition covering the medium.
	LayoutGPT Layout = "gpt"
)

// Layouts lists the layouts, the default first.
var Layouts = []Layout{LayoutMBR, LayoutGPT}

// ParseLayout reads a layout name ("" is the default, mbr).
func ParseLayout(s string) (Layout, error) {
	switch Layout(strings.ToLower(s)) {
	case "", LayoutMBR:
		return LayoutMBR, nil
	case LayoutGPT:
		return LayoutGPT, nil
	}
	return "", fmt.Errorf("USB layout %q: mbr (the default, as MakeWinPEMedia writes) or gpt", s)
}

// MBRTypeFAT32LBA is the MBR partition type of the FAT32 partition.
const MBRTypeFAT32LBA = 0x0C

// Options control the image.
type Options struct {
	// Label is the FAT volume label (at most 11 characters; upper-cased).
	Label string
	// Layout is the partitioning; "" is LayoutMBR.
	Layout Layout
	// Size of the whole image in bytes; 0 computes one that fits the files.
	Size int64
	// DiskSize, when not 0, is the size of the disk the image is for
	// (--device): the partition table and the file system are laid out
	// for the whole disk, partition to the end, but the file holds only
	// the part that carries data (the head). WriteDevice writes the head
	// and, at the disk's end, the backup GPT it rebuilds from the primary
	// (GPT) or zeros over a stale one (MBR).
	DiskSize int64
	// SectorSize is the logical sector size of the disk the image is
	// for (SectorSizes; 0 is 512): the partition table counts in it and
	// the FAT32 file system uses it as its sector. A 4096-byte-sector
	// (4Kn) stick needs 4096.
	SectorSize int
	// Progress is called with bytes copied so far and the total.
	Progress func(done, total int64)
}

// File is one file or folder to put on the medium.
type File struct {
	Path   string // slash-separated path on the medium, no leading slash
	Source string // host path of the contents (files only)
	Size   int64
	Dir    bool // an (empty) folder; folders of files are made as needed
}

// FromDir lists the tree under root as Files, refusing what FAT32 cannot
// hold.
func FromDir(root string) ([]File, error) {
	var out []File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link; FAT32 cannot hold links (copy the target instead)", rel)
		}
		if d.IsDir() {
			out = append(out, File{Path: rel, Dir: true})
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", rel)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, File{Path: rel, Source: p, Size: info.Size()})
		return nil
	})
	return out, err
}

// entry is one file or folder to put on the partition.
type entry struct {
	rel  string // slash-separated path inside the partition
	src  string // host path
	size int64
	dir  bool
}

// entries checks files and adds the folders they imply, parents first.
func entries(files []File) ([]entry, int64, error) {
	var out []entry
	var total int64
	seen := map[string]string{}
	add := func(e entry) error {
		key := strings.ToLower(e.rel)
		if prev, dup := seen[key]; dup {
			if e.dir && prev == e.rel {
				return nil
			}
			return fmt.Errorf("%s and %s: the same name twice (FAT32 names ignore case)", prev, e.rel)
		}
		seen[key] = e.rel
		out = append(out, e)
		return nil
	}
	for _, f := range files {
		p := strings.Trim(path.Clean("/"+f.Path), "/")
		if p == "" || p != strings.Trim(f.Path, "/") {
			return nil, 0, fmt.Errorf("%q is not a clean relative path", f.Path)
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if err := add(entry{rel: d, dir: true}); err != nil {
				return nil, 0, err
			}
		}
		if f.Dir {
			if err := add(entry{rel: p, dir: true}); err != nil {
				return nil, 0, err
			}
			continue
		}
		if f.Size > MaxFileSize {
			return nil, 0, fmt.Errorf("%s is %d bytes; FAT32 holds files up to 4 GiB - 1 byte: split the WIM into .swm parts", p, f.Size)
		}
		if err := add(entry{rel: p, src: f.Source, size: f.Size}); err != nil {
			return nil, 0, err
		}
		total += f.Size
	}
	// Parents before children: sort by depth, then name.
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := strings.Count(out[i].rel, "/"), strings.Count(out[j].rel, "/")
		if di != dj {
			return di < dj
		}
		return out[i].rel < out[j].rel
	})
	return out, total, nil
}

// SizeFor returns an image size that holds content bytes in files files
// with room to spare.
func SizeFor(content int64, files int) int64 { return geom{sector}.sizeFor(content, files) }

func (g geom) sizeFor(content int64, files int) int64 {
	part := content + int64(files)*max(perFileSlack, 4096+2*g.ss) + fixedSlack
	part += part * slackPercent / 100
	part = max(part, g.minPartition())
	part = (part + 1<<20 - 1) &^ (1<<20 - 1) // whole MiB
	return part + int64(g.partStart())*g.ss + int64(g.gptTail()+1)*g.ss + 1<<20
}

// WriteImage writes a raw disk image at out whose EFI system partition
// holds the tree under root. The image appears under out only when it is
// complete; on error or cancellation nothing is left there.
func WriteImage(ctx context.Context, out string, files []File, opt Options) error {
	label := strings.ToUpper(opt.Label)
	if label == "" {
		label = "WINPE"
	}
	if len(label) > maxLabel {
		return fmt.Errorf("the volume label %q is longer than FAT's 11 characters", opt.Label)
	}
	for _, r := range label {
		if r < 0x20 || r > 0x7e || strings.ContainsRune(`"*+,./:;<=>?[\]|`, r) {
			return fmt.Errorf("the volume label %q has a character FAT labels cannot hold: %q", opt.Label, r)
		}
	}
	ents, total, err := entries(files)
	if err != nil {
		return err
	}
	layoutKind, err := ParseLayout(string(opt.Layout))
	if err != nil {
		return err
	}
	g, err := geomOf(opt.SectorSize)
	if err != nil {
		return err
	}
	size := opt.Size
	if size == 0 {
		size = g.sizeFor(total, len(ents))
	}
	if opt.DiskSize > 0 {
		size = opt.DiskSize &^ (g.ss - 1)
		if need := g.sizeFor(total, len(ents)); size < need {
			return fmt.Errorf("the medium needs %d MB but the disk holds %d MB (%w)", need/1e6, size/1e6, ErrTooSmall)
		}
	}
	first, last := partitionBounds(layoutKind, size, g)
	if last <= first || int64(last-first+1)*g.ss < g.minPartition() {
		return fmt.Errorf("an image of %d bytes is too small: FAT32 with %d-byte sectors needs at least %d MiB", size, g.ss, g.minPartition()>>20)
	}
	if need := g.sizeFor(total, len(ents)); size < need*9/10 {
		return fmt.Errorf("an image of %d MiB cannot hold %d MiB of media; use at least %d MiB", size>>20, total>>20, need>>20)
	}

	// A hidden name no tool takes for the image, carrying this process:
	// the next run removes it if this one is killed.
	dir, base := filepath.Split(out)
	if dir == "" {
		dir = "."
	}
	tempfile.Sweep(dir)
	tmp := tempfile.Name(dir, base, ".partial")
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	head := int64(0) // DiskSize: where the file ends
	if opt.DiskSize > 0 {
		err = writeDiskPartitionTable(tmp, layoutKind, size, first, last, g)
	} else {
		err = writePartitionTable(tmp, layoutKind, size, first, last, g)
	}
	if err != nil {
		return err
	}
	layout, err := planFAT(ents, last-first+1, label, uint32(first), uint32(g.ss))
	if err != nil {
		return err
	}
	if opt.DiskSize > 0 {
		head = layout.end(int64(first) * g.ss)
	}
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	var done int64
	buf := make([]byte, 1<<20)
	err = layout.write(ctx, f, int64(first)*g.ss, buf, func(n int64) {
		done += n
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	})
	if err == nil && head > 0 {
		// Everything the file system uses, free clusters excepted.
		err = f.Truncate(head)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	ok = true
	return nil
}

// partitionBounds gives the first and last sector of the FAT32 partition
// of an image of size bytes: from 1 MiB to the end of the medium (before
// the backup GPT for LayoutGPT).
func partitionBounds(l Layout, size int64, g geom) (first, last uint64) {
	sectors := uint64(size / g.ss)
	first = g.partStart()
	if sectors < first+g.gptTail()+2 {
		return first, 0
	}
	last = sectors - 1
	if l == LayoutGPT {
		last -= g.gptTail()
	}
	return first, last
}

// writePartitionTable creates the image file of size bytes at p with its
// partition table.
func writePartitionTable(p string, l Layout, size int64, first, last uint64, g geom) error {
	if l == LayoutGPT {
		// The GPT comes from go-diskfs; the FAT32 file system is our own
		// (see fat32.go).
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("create %s: %w", p, err)
		}
		err = f.Truncate(size)
		if err == nil {
			err = gptTable(first, last, g).Write(f, size)
			if err != nil {
				err = fmt.Errorf("write the partition table: %w", err)
			}
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if last >= 1<<32 {
		return fmt.Errorf("an MBR describes at most 2 TiB; this medium has %d bytes (use --usb-layout gpt)", size)
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", p, err)
	}
	err = f.Truncate(size)
	if err == nil {
		_, err = f.WriteAt(mbrSector(first, last, g), 0)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// mbrSector is a master boot record with one active FAT32 (LBA) partition
// from first to last, a random disk signature (Windows tells disks apart
// by it), and boot code that prints that the medium starts on UEFI
// computers only, for a BIOS that tries it anyway.
func mbrSector(first, last uint64, g geom) []byte {
	b := make([]byte, g.ss) // LBA 0 is a whole sector; its signature stays at 510
	// xor ax,ax; mov ds,ax; mov si,msg; next: lodsb; and al,al; jz halt;
	// mov ah,0x0e; mov bx,7; int 0x10; jmp next; halt: cli; hlt; jmp halt
	code := []byte{0x31, 0xC0, 0x8E, 0xD8, 0xBE, 0x00, 0x00, 0xAC, 0x22, 0xC0, 0x74, 0x09, 0xB4, 0x0E, 0xBB, 0x07, 0x00, 0xCD, 0x10, 0xEB, 0xF2, 0xFA, 0xF4, 0xEB, 0xFD}
	binary.LittleEndian.PutUint16(code[5:], uint16(0x7C00+len(code)))
	copy(b, code)
	copy(b[len(code):], "This medium starts on UEFI computers only.\r\n\x00")
	for {
		rand.Read(b[440:444])
		if binary.LittleEndian.Uint32(b[440:]) != 0 {
			break
		}
	}
	e := b[446:462]
	e[0] = 0x80 // active
	copy(e[1:4], chs(first))
	e[4] = MBRTypeFAT32LBA
	copy(e[5:8], chs(last))
	binary.LittleEndian.PutUint32(e[8:], uint32(first))
	binary.LittleEndian.PutUint32(e[12:], uint32(last-first+1))
	b[510], b[511] = 0x55, 0xAA
	return b
}

// chs is the cylinder/head/sector form of lba with 255 heads and 63
// sectors per track, or 1023/254/63 beyond what CHS can address.
func chs(lba uint64) []byte {
	const heads, spt = 255, 63
	c := lba / (heads * spt)
	h := (lba / spt) % heads
	s := lba%spt + 1
	if c > 1023 {
		c, h, s = 1023, 254, 63
	}
	return []byte{byte(h), byte(s) | byte(c>>8)<<6, byte(c)}
}

// ErrTooSmall is wrapped when the media do not fit the disk.
var ErrTooSmall = errors.New("the disk is too small")

// end is the offset just past the last allocated cluster of the file
// system that starts at offset start: what a disk must receive.
func (l *fatLayout) end(start int64) int64 {
	ss := int64(l.bytesPerSector)
	data := int64(fatReserved+fatCount*l.fatSectors) * ss
	return start + data + int64(l.nextFree-2)*int64(l.sectorsPerCluster)*ss
}

// writeDiskPartitionTable writes the partition table of a disk of size
// bytes into a new file at p without making the file that large: only
// what lies in the first MiB is kept (the MBR, or the protective MBR,
// primary GPT header and entries); the backup GPT is rebuilt from the
// primary by WriteDevice.
func writeDiskPartitionTable(p string, l Layout, size int64, first, last uint64, g geom) error {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", p, err)
	}
	defer f.Close()
	if l != LayoutGPT {
		if last >= 1<<32 {
			return fmt.Errorf("an MBR describes at most 2 TiB; this disk has %d bytes (use --usb-layout gpt)", size)
		}
		_, err = f.WriteAt(mbrSector(first, last, g), 0)
		return err
	}
	if err := gptTable(first, last, g).Write(headFile{f, int64(first) * g.ss}, size); err != nil {
		return fmt.Errorf("write the partition table: %w", err)
	}
	return f.Close()
}

// gptTable is the GPT of a medium: a protective MBR and one Microsoft
// basic data partition from first to last, in sectors of g.
func gptTable(first, last uint64, g geom) *gpt.Table {
	return &gpt.Table{
		ProtectiveMBR:      true,
		LogicalSectorSize:  int(g.ss),
		PhysicalSectorSize: int(g.ss),
		Partitions: []*gpt.Partition{{
			Index: 1, Start: first, End: last,
			Type: gpt.MicrosoftBasicData, Name: "Basic data partition",
		}},
	}
}

// headFile drops writes at or past limit: the image file of a disk holds
// only the disk's head.
type headFile struct {
	*os.File
	limit int64
}

func (h headFile) WriteAt(b []byte, off int64) (int, error) {
	if off >= h.limit {
		return len(b), nil
	}
	return h.File.WriteAt(b, off)
}
