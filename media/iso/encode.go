package iso

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Directory record flags (ECMA-119 9.1.6).
const (
	flagDir         = 0x02
	flagMultiExtent = 0x80
)

func both16(b []byte, v uint16) {
	binary.LittleEndian.PutUint16(b, v)
	binary.BigEndian.PutUint16(b[2:], v)
}

func both32(b []byte, v uint32) {
	binary.LittleEndian.PutUint32(b, v)
	binary.BigEndian.PutUint32(b[4:], v)
}

// recordTime is the 7-byte date of a directory record (UTC).
func (img *image) recordTime() [7]byte {
	t := img.time
	return [7]byte{byte(t.Year() - 1900), byte(t.Month()), byte(t.Day()),
		byte(t.Hour()), byte(t.Minute()), byte(t.Second()), 0}
}

// volumeTime is the 17-byte date of a volume descriptor (UTC).
func volumeTime(b []byte, t time.Time) {
	copy(b, t.Format("20060102150405")+"00")
	b[16] = 0
}

// putRecord writes a directory record at b and returns its length.
func putRecord(b []byte, id []byte, lba, size uint32, flags byte, date [7]byte) int {
	l := recordLen(len(id))
	b[0] = byte(l)
	b[1] = 0
	both32(b[2:], lba)
	both32(b[10:], size)
	copy(b[18:25], date[:])
	b[25] = flags
	b[26], b[27] = 0, 0
	both16(b[28:], 1)
	b[32] = byte(len(id))
	copy(b[33:], id)
	return l
}

// dirExtent encodes the directory extent of d for one tree.
func (img *image) dirExtent(d *node, joliet bool) []byte {
	date := img.recordTime()
	size := d.pSize
	kids := d.pKids
	if joliet {
		size, kids = d.jSize, d.jKids
	}
	b := make([]byte, size)
	self := func(n *node) (uint32, uint32) {
		if joliet {
			return n.jLBA, n.jSize
		}
		return n.pLBA, n.pSize
	}
	lba, sz := self(d)
	off := putRecord(b, []byte{0}, lba, sz, flagDir, date)
	p := d
	if d.parent != nil {
		p = d.parent
	}
	lba, sz = self(p)
	off += putRecord(b[off:], []byte{1}, lba, sz, flagDir, date)
	put := func(id []byte, lba, sz uint32, flags byte) {
		l := recordLen(len(id))
		if off%sectorSize+l > sectorSize {
			off += sectorSize - off%sectorSize
		}
		off += putRecord(b[off:], id, lba, sz, flags, date)
	}
	for _, c := range kids {
		id := []byte(c.isoName)
		if joliet {
			id = c.jname
		}
		if c.dir {
			lba, sz := self(c)
			put(id, lba, sz, flagDir)
			continue
		}
		// A file: one record per extent; all but the last are flagged
		// multi-extent. The extents are consecutive.
		rest := c.file.Size
		lba := c.lba
		for i := 0; i < c.extents; i++ {
			n := rest
			var flags byte
			if i < c.extents-1 {
				n = maxExtent
				flags = flagMultiExtent
			}
			put(id, lba, uint32(n), flags)
			lba += uint32(n / sectorSize)
			rest -= n
		}
	}
	return b
}

// pathTable encodes the L (little-endian) or M (big-endian) path table of
// one tree.
func (img *image) pathTable(joliet, bigEndian bool) []byte {
	dirs := img.pDirs
	size := img.pPathSize
	if joliet {
		dirs, size = img.jDirs, img.jPathSize
	}
	b := make([]byte, sectorsFor(int64(size))*sectorSize)
	off := 0
	for _, d := range dirs {
		id := []byte{0}
		lba, parent := d.pLBA, 1
		if joliet {
			lba = d.jLBA
		}
		if d.parent != nil {
			if joliet {
				id, parent = d.jname, d.parent.jNum
			} else {
				id, parent = []byte(d.isoName), d.parent.pNum
			}
		}
		b[off] = byte(len(id))
		if bigEndian {
			binary.BigEndian.PutUint32(b[off+2:], lba)
			binary.BigEndian.PutUint16(b[off+6:], uint16(parent))
		} else {
			binary.LittleEndian.PutUint32(b[off+2:], lba)
			binary.LittleEndian.PutUint16(b[off+6:], uint16(parent))
		}
		copy(b[off+8:], id)
		off += 8 + len(id) + len(id)%2
	}
	return b
}

// fill pads b with c.
func fill(b []byte, c byte) {
	for i := range b {
		b[i] = c
	}
}

// putUCS2 writes s as UCS-2 big-endian into b, padded with UCS-2 spaces.
func putUCS2(b []byte, s string) {
	for i := 0; i+1 < len(b); i += 2 {
		b[i], b[i+1] = 0, ' '
	}
	copy(b, ucs2(s))
}

// volumeDescriptor encodes the primary (joliet=false) or the Joliet
// supplementary volume descriptor.
func (img *image) volumeDescriptor(joliet bool) []byte {
	b := make([]byte, sectorSize)
	b[0] = 1
	if joliet {
		b[0] = 2
	}
	copy(b[1:], "CD001")
	b[6] = 1
	text := func(off, n int, s string) {
		if joliet {
			putUCS2(b[off:off+n], s)
			return
		}
		fill(b[off:off+n], ' ')
		copy(b[off:off+n], s)
	}
	text(8, 32, "")
	if joliet {
		text(40, 32, img.jVolID)
	} else {
		text(40, 32, img.volID)
	}
	both32(b[80:], uint32(img.totalSectors))
	if joliet {
		copy(b[88:], "%/E") // UCS-2 level 3
	}
	both16(b[120:], 1)
	both16(b[124:], 1)
	both16(b[128:], sectorSize)
	root := img.root
	if joliet {
		both32(b[132:], img.jPathSize)
		binary.LittleEndian.PutUint32(b[140:], img.jPathL)
		binary.BigEndian.PutUint32(b[148:], img.jPathM)
		putRecord(b[156:], []byte{0}, root.jLBA, root.jSize, flagDir, img.recordTime())
	} else {
		both32(b[132:], img.pPathSize)
		binary.LittleEndian.PutUint32(b[140:], img.pPathL)
		binary.BigEndian.PutUint32(b[148:], img.pPathM)
		putRecord(b[156:], []byte{0}, root.pLBA, root.pSize, flagDir, img.recordTime())
	}
	text(190, 128, "")            // volume set
	text(318, 128, "")            // publisher
	text(446, 128, "")            // data preparer
	text(574, 128, "REFIMAGE")    // application
	text(702, 37, "")             // copyright file
	text(739, 37, "")             // abstract file
	text(776, 37, "")             // bibliographic file
	volumeTime(b[813:], img.time) // creation
	volumeTime(b[830:], img.time) // modification
	copy(b[847:], "0000000000000000")
	b[863] = 0 // expiration: none
	copy(b[864:], "0000000000000000")
	b[880] = 0 // effective: none
	b[881] = 1 // file structure version
	return b
}

// bootRecord encodes the El Torito boot record volume descriptor.
func (img *image) bootRecord() []byte {
	b := make([]byte, sectorSize)
	copy(b[1:], "CD001")
	b[6] = 1
	copy(b[7:], "EL TORITO SPECIFICATION")
	binary.LittleEndian.PutUint32(b[71:], img.catalogLBA)
	return b
}

// terminator encodes the volume descriptor set terminator.
func terminator() []byte {
	b := make([]byte, sectorSize)
	b[0] = 255
	copy(b[1:], "CD001")
	b[6] = 1
	return b
}

// El Torito platform IDs.
const (
	platformBIOS = 0x00
	platformEFI  = 0xEF
)

// catalog encodes the boot catalog: a validation entry, the default entry
// (BIOS if there is one, else UEFI) and, with both, a final section header
// for platform 0xEF with its one entry.
func (img *image) catalog() ([]byte, error) {
	b := make([]byte, sectorSize)
	entry := func(e []byte, n *node, sectors uint16) {
		e[0] = 0x88                             // bootable
		e[1] = 0                                // no emulation
		binary.LittleEndian.PutUint16(e[2:], 0) // load segment 0 = 0x7C0
		e[4] = 0                                // system type
		binary.LittleEndian.PutUint16(e[6:], sectors)
		binary.LittleEndian.PutUint32(e[8:], n.lba)
	}
	uefiSectors := func() uint16 {
		s := (img.uefi.file.Size + 511) / 512
		if s > 0xFFFF {
			// Too big for 16 bits: 0, as xorriso writes it. EDK2
			// (OVMF) takes a count below 2 as "to the end of the
			// medium" and finds the FAT file system's own size.
			return 0
		}
		return uint16(s)
	}
	platform := byte(platformBIOS)
	if img.bios == nil {
		platform = platformEFI
	}
	// Validation entry.
	b[0] = 1
	b[1] = platform
	copy(b[4:28], "REFIMAGE")
	b[30], b[31] = 0x55, 0xAA
	var sum uint16
	for i := 0; i < 32; i += 2 {
		sum += binary.LittleEndian.Uint16(b[i:])
	}
	binary.LittleEndian.PutUint16(b[28:], -sum)
	switch {
	case img.bios != nil && img.uefi != nil:
		entry(b[32:64], img.bios, biosLoadSectors)
		b[64] = 0x91 // final section header
		b[65] = platformEFI
		binary.LittleEndian.PutUint16(b[66:], 1)
		entry(b[96:128], img.uefi, uefiSectors())
	case img.bios != nil:
		entry(b[32:64], img.bios, biosLoadSectors)
	case img.uefi != nil:
		entry(b[32:64], img.uefi, uefiSectors())
	default:
		return nil, fmt.Errorf("iso: no boot entry")
	}
	return b, nil
}
