package iso

import (
	"fmt"
	"strings"
	"time"
)

// biosLoadSectors is the El Torito load size of the BIOS entry: 8 virtual
// (512-byte) sectors, the size of etfsboot.com, as oscdimg writes it.
const biosLoadSectors = 8

// image is a laid-out image: every extent has its place.
type image struct {
	root         *node
	files        []*node // in the order their data is written
	pDirs, jDirs []*node // directories in path table order
	bios, uefi   *node
	catalogLBA   uint32
	pPathL       uint32 // primary L path table
	pPathM       uint32
	jPathL       uint32
	jPathM       uint32
	pPathSize    uint32
	jPathSize    uint32
	svdLBA       uint32
	totalSectors int64
	volID        string // ISO 9660 volume identifier
	jVolID       string // Joliet volume identifier
	label        string // the label as given (UDF)
	time         time.Time

	// UDF (udf.go)
	vrsLBA     uint32 // BEA01, NSR02, TEA01
	udfPart    uint32 // first sector of the partition
	udfPartLen uint32 // its length in sectors
	udfAnchor2 uint32 // the last sector: the second anchor
	udfNextID  uint64 // the next unique ID
	udfFiles   int
	udfDirs    int
	udfFEs     []*node // nodes in file entry order
}

// checkLabel validates a label and returns the primary and Joliet volume
// identifiers.
func checkLabel(label string) (string, string, error) {
	if label == "" {
		label = DefaultLabel
	}
	if len(label) > 32 {
		return "", "", fmt.Errorf("iso: label %q has %d characters; a volume label holds at most 32", label, len(label))
	}
	for _, r := range label {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return "", "", fmt.Errorf("iso: label %q has %q; use A-Z, a-z, 0-9, '_' and '-'", label, r)
		}
	}
	vol := strings.ReplaceAll(strings.ToUpper(label), "-", "_")
	j := label
	if len(j) > 16 {
		j = j[:16]
	}
	return vol, j, nil
}

// findBoot finds a boot image: a hidden file of that path, or a file in
// the tree.
func findBoot(root *node, hidden map[string]*node, p string) (*node, error) {
	if n := hidden[fold(strings.Trim(p, "/"))]; n != nil {
		return n, nil
	}
	return findFile(root, p)
}

// findFile finds an image path case-insensitively.
func findFile(root *node, p string) (*node, error) {
	parts, err := splitPath(p)
	if err != nil {
		return nil, err
	}
	n := root
	for _, name := range parts {
		if !n.dir {
			return nil, fmt.Errorf("not found")
		}
		c, ok := n.byFold[fold(name)]
		if !ok {
			return nil, fmt.Errorf("not found")
		}
		n = c
	}
	if n.dir {
		return nil, fmt.Errorf("is a directory")
	}
	return n, nil
}

// recordLen is the length of a directory record with an identifier of n
// bytes.
func recordLen(n int) int {
	l := 33 + n
	if l%2 == 1 {
		l++
	}
	return l
}

// dirSize is the size in bytes (whole sectors) of a directory extent
// holding "." and ".." and the records of kids.
func dirSize(kids []*node, joliet bool) int64 {
	off := int64(2 * recordLen(1))
	for _, c := range kids {
		idLen := len(c.isoName)
		if joliet {
			idLen = len(c.jname)
		}
		l := int64(recordLen(idLen))
		n := 1
		if !c.dir {
			n = c.extents
		}
		for i := 0; i < n; i++ {
			if off%sectorSize+l > sectorSize {
				off += sectorSize - off%sectorSize
			}
			off += l
		}
	}
	return (off + sectorSize - 1) / sectorSize * sectorSize
}

// pathTableSize is the size in bytes of a path table of dirs.
func pathTableSize(dirs []*node, joliet bool) int64 {
	var size int64
	for _, d := range dirs {
		n := 1 // the root's identifier is one zero byte
		if d.parent != nil {
			n = len(d.isoName)
			if joliet {
				n = len(d.jname)
			}
		}
		size += int64(8 + n + n%2)
	}
	return size
}

// pathOrder lists the directories in path table order: by level, then by
// parent number, then in directory record order; and numbers them.
func pathOrder(root *node, joliet bool) []*node {
	dirs := []*node{root}
	for i := 0; i < len(dirs); i++ {
		d := dirs[i]
		if joliet {
			d.jNum = i + 1
		} else {
			d.pNum = i + 1
		}
		kids := d.pKids
		if joliet {
			kids = d.jKids
		}
		for _, c := range kids {
			if c.dir {
				dirs = append(dirs, c)
			}
		}
	}
	return dirs
}

func sectorsFor(bytes int64) int64 { return (bytes + sectorSize - 1) / sectorSize }

// layout checks the input and places every extent.
func layout(files []File, opt Options) (*image, error) {
	vol, jvol, err := checkLabel(opt.Label)
	if err != nil {
		return nil, err
	}
	root, nodes, hidden, err := buildTree(files)
	if err != nil {
		return nil, err
	}
	label := opt.Label
	if label == "" {
		label = DefaultLabel
	}
	img := &image{root: root, volID: vol, jVolID: jvol, label: label, time: opt.ModTime}
	if img.time.IsZero() {
		img.time = time.Now()
	}
	img.time = img.time.UTC().Truncate(time.Second)
	if y := img.time.Year(); y < 1900 || y > 2155 {
		return nil, fmt.Errorf("iso: time %s is outside the years ISO 9660 can record (1900-2155)", img.time)
	}
	if opt.BIOSBoot != "" {
		if img.bios, err = findBoot(root, hidden, opt.BIOSBoot); err != nil {
			return nil, fmt.Errorf("iso: BIOS boot file %s: %v", opt.BIOSBoot, err)
		}
		if img.bios.file.Size == 0 {
			return nil, fmt.Errorf("iso: BIOS boot file %s is empty", opt.BIOSBoot)
		}
	}
	if opt.UEFIBoot != "" {
		if img.uefi, err = findBoot(root, hidden, opt.UEFIBoot); err != nil {
			return nil, fmt.Errorf("iso: UEFI boot image %s: %v", opt.UEFIBoot, err)
		}
		if img.uefi.file.Size == 0 {
			return nil, fmt.Errorf("iso: UEFI boot image %s is empty", opt.UEFIBoot)
		}
	}
	for _, n := range hidden {
		if n != img.bios && n != img.uefi {
			return nil, fmt.Errorf("iso: hidden file %s is not a boot image: nothing would point at it", n.file.Path)
		}
	}
	for _, n := range nodes {
		if n.file.Size > udfMaxFile {
			return nil, fmt.Errorf("iso: %s has %d bytes; a file on this image holds at most %d (%d GiB)", n.file.Path, n.file.Size, int64(udfMaxFile), int64(udfMaxFile)>>30)
		}
		n.extents = 1
		if n.file.Size > maxSingle {
			n.extents = int((n.file.Size + maxExtent - 1) / maxExtent)
		}
	}
	img.pDirs = pathOrder(root, false)
	img.jDirs = pathOrder(root, true)
	if len(img.pDirs) > 0xFFFF {
		return nil, fmt.Errorf("iso: %d directories; ISO 9660 path tables hold at most 65535", len(img.pDirs))
	}

	// Volume descriptors from sector 16: PVD, boot record (17), Joliet
	// SVD, terminator, then UDF's volume recognition sequence.
	next := int64(17)
	boot := img.bios != nil || img.uefi != nil
	if boot {
		next++ // boot record
	}
	img.svdLBA = uint32(next)
	next += 2 // SVD, terminator
	img.vrsLBA = uint32(next)
	next += 3 // BEA01, NSR02, TEA01
	if boot {
		img.catalogLBA = uint32(next)
		next++
	}
	// UDF's volume descriptor sequences and integrity descriptor.
	next = udfLVID + 2
	// alloc places n sectors, stepping over UDF's anchor at 256.
	alloc := func(n int64) uint32 {
		if next <= udfAnchor && next+n > udfAnchor {
			next = udfAnchor + 1
		}
		lba := next
		next += n
		return uint32(lba)
	}
	pts := pathTableSize(img.pDirs, false)
	jts := pathTableSize(img.jDirs, true)
	if pts > 0xFFFFFFFF || jts > 0xFFFFFFFF {
		return nil, fmt.Errorf("iso: path table too large")
	}
	img.pPathSize, img.jPathSize = uint32(pts), uint32(jts)
	img.pPathL = alloc(sectorsFor(pts))
	img.pPathM = alloc(sectorsFor(pts))
	img.jPathL = alloc(sectorsFor(jts))
	img.jPathM = alloc(sectorsFor(jts))
	for _, d := range img.pDirs {
		size := dirSize(d.pKids, false)
		d.pLBA, d.pSize = alloc(size/sectorSize), uint32(size)
	}
	for _, d := range img.jDirs {
		size := dirSize(d.jKids, true)
		d.jLBA, d.jSize = alloc(size/sectorSize), uint32(size)
	}

	// The UDF partition: file set descriptor and terminator, a file
	// entry for every directory and file, the directories' FIDs; then the
	// file data, which the ISO trees share.
	next = max(next, udfAnchor+1)
	img.udfPart = uint32(next)
	next += 2
	img.udfNextID = udfFirstUniqueID
	for _, d := range img.jDirs {
		if d.parent == nil {
			d.udfID = 0
		} else {
			d.udfID = img.udfNextID
			img.udfNextID++
		}
		d.udfFE = alloc(1)
		img.udfFEs = append(img.udfFEs, d)
		img.udfDirs++
		for _, c := range d.jKids {
			if !c.dir {
				c.udfID = img.udfNextID
				img.udfNextID++
				c.udfFE = alloc(1)
				img.udfFEs = append(img.udfFEs, c)
				img.udfFiles++
			}
		}
	}
	for _, d := range img.jDirs {
		d.udfDirSize = udfDirSize(d)
		d.udfDirLBA = alloc(sectorsFor(d.udfDirSize))
	}

	// File data: the boot images first, then the files in primary tree
	// order, so related files are close together.
	if img.bios != nil {
		img.files = append(img.files, img.bios)
	}
	if img.uefi != nil && img.uefi != img.bios {
		img.files = append(img.files, img.uefi)
	}
	for _, d := range img.pDirs {
		for _, c := range d.pKids {
			if !c.dir && c != img.bios && c != img.uefi {
				img.files = append(img.files, c)
			}
		}
	}
	for _, n := range img.files {
		n.sectors = sectorsFor(n.file.Size)
		if n == img.bios && n.sectors < biosLoadSectors*512/sectorSize {
			// The firmware loads 4 KiB whatever the file size; keep
			// that inside the file's own (zero-padded) sectors.
			n.sectors = biosLoadSectors * 512 / sectorSize
		}
		if n.file.Size == 0 {
			n.lba = 0 // an empty file has no extent
			continue
		}
		n.lba = uint32(next)
		next += n.sectors
	}
	img.udfAnchor2 = uint32(next)
	img.udfPartLen = uint32(next - int64(img.udfPart))
	next++
	if next-1 > maxLBA {
		return nil, fmt.Errorf("iso: the image would have %d sectors; ISO 9660 addresses at most %d", next, int64(maxLBA)+1)
	}
	img.totalSectors = next
	return img, nil
}
