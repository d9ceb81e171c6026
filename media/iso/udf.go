package iso

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"time"
	"unicode/utf16"
)

// The UDF bridge: a UDF 1.02 file system (ECMA-167 2nd edition, "NSR02",
// as OSTA UDF 1.02 profiles it) beside the ISO 9660 and Joliet trees,
// sharing their file extents, as `oscdimg -u1 -udfver102` writes it.
// Windows reads optical media through UDF when it is there, and a UDF file
// has 64-bit sizes, so files of 4 GiB or more are single files.
//
// UDF 1.02 rather than 2.01: it is what oscdimg writes by default and what
// Microsoft's own Windows and Windows PE ISOs carry; every Windows since 98
// reads it (2.01 needs Windows XP); and nothing 2.01 adds (named streams,
// the VAT and sparing tables for rewritable discs, the metadata partition
// of 2.50) is of use on a read-only image.
//
// Layout (sectors of 2048 bytes, which is also the UDF logical block):
//
//	after the ISO terminator   BEA01, NSR02, TEA01 (the volume recognition sequence)
//	32-47                      main volume descriptor sequence: PVD, IUVD, PD, LVD, USD, TD
//	48-63                      reserve volume descriptor sequence (a copy)
//	64-65                      logical volume integrity descriptor (closed), TD
//	256                        anchor volume descriptor pointer
//	partition start (>= 257)   file set descriptor, TD, then one file entry per file and
//	                           directory, the directories' FIDs, then the file data
//	last sector                anchor volume descriptor pointer
//
// The partition runs from its start to the sector before the last anchor;
// the file data the ISO trees point at lies inside it, so UDF short
// allocation descriptors address the same extents by partition block.

const (
	udfMVDS        = 32
	udfRVDS        = 48
	udfVDSLen      = 16
	udfLVID        = 64
	udfAnchor      = 256
	udfDescVersion = 2 // NSR02
	udfRevision    = 0x0102
	// udfMaxExtent is the largest short allocation descriptor: 30 bits
	// of length, rounded down to whole blocks.
	udfMaxExtent = 0x3FFFF800
	// udfFEHeader is the size of a file entry before its allocation
	// descriptors; udfMaxADs is how many 8-byte short_ads fit the rest
	// of the block.
	udfFEHeader = 176
	udfMaxADs   = (sectorSize - udfFEHeader) / 8
	// udfMaxFile is the largest file one file entry describes.
	udfMaxFile = udfMaxADs * udfMaxExtent
	// udfFirstUniqueID: 0 is the root's, 1-15 are reserved (UDF 3.2.1).
	udfFirstUniqueID = 16
)

// Tag identifiers (ECMA-167 3/7.2.1, 4/7.2.1).
const (
	tagPVD  = 1
	tagAVDP = 2
	tagIUVD = 4
	tagPD   = 5
	tagLVD  = 6
	tagUSD  = 7
	tagTD   = 8
	tagLVID = 9
	tagFSD  = 256
	tagFID  = 257
	tagFE   = 261
)

// FID file characteristics (ECMA-167 4/14.4.3).
const (
	fidHidden    = 0x01
	fidDirectory = 0x02
	fidParent    = 0x08
)

// udfCRC is the CRC of descriptor tags: CRC-ITU-T (x^16+x^12+x^5+1),
// initial value 0, most significant bit first (ECMA-167 1/7.2.6).
func udfCRC(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc ^= uint16(c) << 8
		for i := 0; i < 8; i++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// putTag fills in the 16-byte tag at the start of d, whose descriptor is
// d (the CRC covers d[16:]) at location loc.
func putTag(d []byte, id uint16, loc uint32) {
	binary.LittleEndian.PutUint16(d[0:], id)
	binary.LittleEndian.PutUint16(d[2:], udfDescVersion)
	d[5] = 0
	binary.LittleEndian.PutUint16(d[6:], 1) // serial number
	binary.LittleEndian.PutUint16(d[8:], udfCRC(d[16:]))
	binary.LittleEndian.PutUint16(d[10:], uint16(len(d)-16))
	binary.LittleEndian.PutUint32(d[12:], loc)
	var sum byte
	for i := 0; i < 16; i++ {
		if i != 4 {
			sum += d[i]
		}
	}
	d[4] = sum
}

// putCharspec writes the CS0 character set "OSTA Compressed Unicode".
func putCharspec(b []byte) {
	b[0] = 0
	copy(b[1:64], "OSTA Compressed Unicode")
}

// putRegid writes an entity identifier with its suffix.
func putRegid(b []byte, id string, suffix ...byte) {
	b[0] = 0
	copy(b[1:24], id)
	copy(b[24:32], suffix)
}

// udfRevSuffix is the suffix of a domain or UDF entity identifier.
var udfRevSuffix = []byte{udfRevision & 0xFF, udfRevision >> 8}

const udfImplementation = "*refimage"

// osta encodes s in OSTA compressed Unicode: 8-bit when every character
// fits, else UCS-2 big-endian (the names are checked to be in the BMP).
func osta(s string) []byte {
	u := utf16.Encode([]rune(s))
	wide := false
	for _, c := range u {
		if c > 0xFF {
			wide = true
		}
	}
	if !wide {
		b := make([]byte, 1+len(u))
		b[0] = 8
		for i, c := range u {
			b[1+i] = byte(c)
		}
		return b
	}
	b := make([]byte, 1+2*len(u))
	b[0] = 16
	for i, c := range u {
		binary.BigEndian.PutUint16(b[1+2*i:], c)
	}
	return b
}

// putDstring writes s as a dstring of len(b) bytes: compressed Unicode,
// cut to fit, the length of what is used in the last byte.
func putDstring(b []byte, s string) {
	if s == "" {
		return
	}
	e := osta(s)
	room := len(b) - 1
	if len(e) > room {
		e = e[:room]
		if e[0] == 16 && len(e)%2 == 0 {
			e = e[:len(e)-1] // whole UCS-2 characters only
		}
	}
	copy(b, e)
	b[len(b)-1] = byte(len(e))
}

// putTimestamp writes t as a UDF timestamp in UTC (type 1, offset 0).
func putTimestamp(b []byte, t time.Time) {
	t = t.UTC()
	binary.LittleEndian.PutUint16(b[0:], 0x1000)
	binary.LittleEndian.PutUint16(b[2:], uint16(t.Year()))
	b[4], b[5], b[6], b[7], b[8] = byte(t.Month()), byte(t.Day()), byte(t.Hour()), byte(t.Minute()), byte(t.Second())
}

// putLongAD writes a long allocation descriptor: length, block in
// partition 0.
func putLongAD(b []byte, length, block uint32) {
	binary.LittleEndian.PutUint32(b[0:], length)
	binary.LittleEndian.PutUint32(b[4:], block)
	binary.LittleEndian.PutUint16(b[8:], 0)
}

// fidLen is the length of a file identifier descriptor naming id (the
// encoded name), padded to 4 bytes.
func fidLen(id []byte) int64 { return (38 + int64(len(id)) + 3) &^ 3 }

// udfDirSize is the size of the FIDs of directory d: the parent entry,
// then one per child.
func udfDirSize(d *node) int64 {
	size := fidLen(nil)
	for _, c := range d.jKids {
		size += fidLen(osta(c.name))
	}
	return size
}

// udfLabel is the UDF volume identifier: the label as given, which a
// 32-byte dstring holds up to 30 characters of.
func (img *image) udfLabel() string { return img.label }

// udfBlock is the partition block of sector lba.
func (img *image) udfBlock(lba uint32) uint32 { return lba - img.udfPart }

// udfVDS encodes a volume descriptor sequence (16 sectors) at sector at.
func (img *image) udfVDS(at uint32) []byte {
	b := make([]byte, udfVDSLen*sectorSize)
	sec := func(i int) []byte { return b[i*sectorSize : (i+1)*sectorSize] }
	label := img.udfLabel()

	// Primary volume descriptor.
	d := sec(0)[:512]
	binary.LittleEndian.PutUint32(d[16:], 0) // sequence number
	binary.LittleEndian.PutUint32(d[20:], 0)
	putDstring(d[24:56], label)
	binary.LittleEndian.PutUint16(d[56:], 1) // volume sequence number
	binary.LittleEndian.PutUint16(d[58:], 1)
	binary.LittleEndian.PutUint16(d[60:], 2) // interchange level
	binary.LittleEndian.PutUint16(d[62:], 3)
	binary.LittleEndian.PutUint32(d[64:], 1) // CS0
	binary.LittleEndian.PutUint32(d[68:], 1)
	// The volume set identifier starts with 16 hex digits that make it
	// unique (UDF 2.2.2.5): the time and a checksum of the label.
	vsid := fmt.Sprintf("%08X%08X%s", uint32(img.time.Unix()), crc32.ChecksumIEEE([]byte(label)), label)
	putDstring(d[72:200], vsid)
	putCharspec(d[200:264])
	putCharspec(d[264:328])
	putRegid(d[344:376], udfImplementation)
	putTimestamp(d[376:388], img.time)
	putRegid(d[388:420], udfImplementation)
	binary.LittleEndian.PutUint16(d[488:], 1) // volume set identification is common
	putTag(d, tagPVD, at)

	// Implementation use volume descriptor: the logical volume
	// information.
	d = sec(1)[:512]
	binary.LittleEndian.PutUint32(d[16:], 1)
	putRegid(d[20:52], "*UDF LV Info", udfRevSuffix...)
	putCharspec(d[52:116])
	putDstring(d[116:244], label)
	putRegid(d[352:384], udfImplementation)
	putTag(d, tagIUVD, at+1)

	// Partition descriptor.
	d = sec(2)[:512]
	binary.LittleEndian.PutUint32(d[16:], 2)
	binary.LittleEndian.PutUint16(d[20:], 1) // allocated
	binary.LittleEndian.PutUint16(d[22:], 0) // partition number
	putRegid(d[24:56], "+NSR02")
	binary.LittleEndian.PutUint32(d[184:], 1) // read-only
	binary.LittleEndian.PutUint32(d[188:], img.udfPart)
	binary.LittleEndian.PutUint32(d[192:], img.udfPartLen)
	putRegid(d[196:228], udfImplementation)
	putTag(d, tagPD, at+2)

	// Logical volume descriptor.
	d = sec(3)[:446]
	binary.LittleEndian.PutUint32(d[16:], 3)
	putCharspec(d[20:84])
	putDstring(d[84:212], label)
	binary.LittleEndian.PutUint32(d[212:], sectorSize)
	putRegid(d[216:248], "*OSTA UDF Compliant", udfRevSuffix...)
	putLongAD(d[248:264], sectorSize, 0) // the file set descriptor
	binary.LittleEndian.PutUint32(d[264:], 6)
	binary.LittleEndian.PutUint32(d[268:], 1)
	putRegid(d[272:304], udfImplementation)
	binary.LittleEndian.PutUint32(d[432:], 2*sectorSize) // integrity sequence
	binary.LittleEndian.PutUint32(d[436:], udfLVID)
	d[440], d[441] = 1, 6 // type 1 partition map
	binary.LittleEndian.PutUint16(d[442:], 1)
	binary.LittleEndian.PutUint16(d[444:], 0)
	putTag(d, tagLVD, at+3)

	// Unallocated space descriptor: none (the disc is read-only).
	d = sec(4)[:24]
	binary.LittleEndian.PutUint32(d[16:], 4)
	putTag(d, tagUSD, at+4)

	putTag(sec(5)[:512], tagTD, at+5)
	return b
}

// udfAnchorAt encodes an anchor volume descriptor pointer at sector at.
func (img *image) udfAnchorAt(at uint32) []byte {
	b := make([]byte, sectorSize)
	d := b[:512]
	binary.LittleEndian.PutUint32(d[16:], udfVDSLen*sectorSize)
	binary.LittleEndian.PutUint32(d[20:], udfMVDS)
	binary.LittleEndian.PutUint32(d[24:], udfVDSLen*sectorSize)
	binary.LittleEndian.PutUint32(d[28:], udfRVDS)
	putTag(d, tagAVDP, at)
	return b
}

// udfIntegrity encodes the closed logical volume integrity descriptor
// and the terminator after it.
func (img *image) udfIntegrity() []byte {
	b := make([]byte, 2*sectorSize)
	d := b[:134]
	putTimestamp(d[16:28], img.time)
	binary.LittleEndian.PutUint32(d[28:], 1) // close
	binary.LittleEndian.PutUint64(d[40:], img.udfNextID)
	binary.LittleEndian.PutUint32(d[72:], 1)  // partitions
	binary.LittleEndian.PutUint32(d[76:], 46) // implementation use
	binary.LittleEndian.PutUint32(d[80:], 0)  // free space
	binary.LittleEndian.PutUint32(d[84:], img.udfPartLen)
	putRegid(d[88:120], udfImplementation)
	binary.LittleEndian.PutUint32(d[120:], uint32(img.udfFiles))
	binary.LittleEndian.PutUint32(d[124:], uint32(img.udfDirs))
	binary.LittleEndian.PutUint16(d[128:], udfRevision) // minimum read
	binary.LittleEndian.PutUint16(d[130:], udfRevision) // minimum write
	binary.LittleEndian.PutUint16(d[132:], udfRevision) // maximum write
	putTag(d, tagLVID, udfLVID)
	putTag(b[sectorSize:sectorSize+512], tagTD, udfLVID+1)
	return b
}

// udfFileSet encodes the file set descriptor and its terminator (the
// first two blocks of the partition).
func (img *image) udfFileSet() []byte {
	b := make([]byte, 2*sectorSize)
	d := b[:512]
	label := img.udfLabel()
	putTimestamp(d[16:28], img.time)
	binary.LittleEndian.PutUint16(d[28:], 3)
	binary.LittleEndian.PutUint16(d[30:], 3)
	binary.LittleEndian.PutUint32(d[32:], 1)
	binary.LittleEndian.PutUint32(d[36:], 1)
	putCharspec(d[48:112])
	putDstring(d[112:240], label)
	putCharspec(d[240:304])
	putDstring(d[304:336], label)
	putLongAD(d[400:416], sectorSize, img.udfBlock(img.root.udfFE))
	putRegid(d[416:448], "*OSTA UDF Compliant", udfRevSuffix...)
	putTag(d, tagFSD, 0)
	putTag(b[sectorSize:sectorSize+512], tagTD, 1)
	return b
}

// udfFileEntry encodes the file entry of n.
func (img *image) udfFileEntry(n *node) []byte {
	b := make([]byte, sectorSize)
	// ICB tag: strategy 4, one entry, short allocation descriptors.
	binary.LittleEndian.PutUint16(b[20:], 4)
	binary.LittleEndian.PutUint16(b[24:], 1)
	binary.LittleEndian.PutUint32(b[36:], 0xFFFFFFFF) // uid: none
	binary.LittleEndian.PutUint32(b[40:], 0xFFFFFFFF) // gid: none
	var size int64
	var lba uint32
	links := uint16(1)
	if n.dir {
		b[27] = 4                                     // directory
		binary.LittleEndian.PutUint32(b[44:], 0x14A5) // r-x for all
		size, lba = n.udfDirSize, n.udfDirLBA
		for _, c := range n.jKids {
			if c.dir {
				links++ // each subdirectory's parent entry
			}
		}
	} else {
		b[27] = 5                                     // file
		binary.LittleEndian.PutUint32(b[44:], 0x1084) // r-- for all
		size, lba = n.file.Size, n.lba
	}
	binary.LittleEndian.PutUint16(b[48:], links)
	binary.LittleEndian.PutUint64(b[56:], uint64(size))
	binary.LittleEndian.PutUint64(b[64:], uint64(sectorsFor(size)))
	putTimestamp(b[72:84], img.time)
	putTimestamp(b[84:96], img.time)
	putTimestamp(b[96:108], img.time)
	binary.LittleEndian.PutUint32(b[108:], 1) // checkpoint
	putRegid(b[128:160], udfImplementation)
	binary.LittleEndian.PutUint64(b[160:], n.udfID)
	ads := 0
	block := img.udfBlock(lba)
	for rest := size; rest > 0; ads++ {
		l := min(rest, udfMaxExtent)
		o := udfFEHeader + 8*ads
		binary.LittleEndian.PutUint32(b[o:], uint32(l))
		binary.LittleEndian.PutUint32(b[o+4:], block)
		block += uint32(l / sectorSize)
		rest -= l
	}
	binary.LittleEndian.PutUint32(b[172:], uint32(8*ads))
	putTag(b[:udfFEHeader+8*ads], tagFE, img.udfBlock(n.udfFE))
	return b
}

// udfDirectory encodes the FIDs of directory d: its parent, then its
// children in Joliet order.
func (img *image) udfDirectory(d *node) []byte {
	b := make([]byte, sectorsFor(d.udfDirSize)*sectorSize)
	start := img.udfBlock(d.udfDirLBA)
	off := int64(0)
	put := func(id []byte, chars byte, fe uint32) {
		l := fidLen(id)
		f := b[off : off+l]
		binary.LittleEndian.PutUint16(f[16:], 1) // file version
		f[18] = chars
		f[19] = byte(len(id))
		putLongAD(f[20:36], sectorSize, img.udfBlock(fe))
		copy(f[38:], id)
		putTag(f, tagFID, start+uint32(off/sectorSize))
		off += l
	}
	parent := d
	if d.parent != nil {
		parent = d.parent
	}
	put(nil, fidParent|fidDirectory, parent.udfFE)
	for _, c := range d.jKids {
		var chars byte
		if c.dir {
			chars = fidDirectory
		}
		if c.udfHidden {
			chars |= fidHidden
		}
		put(osta(c.name), chars, c.udfFE)
	}
	return b
}

// vrs encodes one volume structure descriptor of the UDF volume
// recognition sequence.
func vrs(id string) []byte {
	b := make([]byte, sectorSize)
	copy(b[1:], id)
	b[6] = 1
	return b
}
