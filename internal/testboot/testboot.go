// Package testboot makes tiny boot programs for media tests, generated in
// Go so no binary fixtures are committed:
//
//   - BIOSBootSector: a no-emulation El Torito boot image (16-bit real
//     mode) that writes a marker line to COM1;
//   - EFIApp: an x86-64 PE32+ EFI application that writes a marker line to
//     COM1;
//   - EFISysImage: a 1.44 MB FAT12 floppy image, the shape of the ADK's
//     efisys.bin, holding given files (EFI/BOOT/BOOTX64.EFI).
//
// Both programs write the marker with `out` instructions to port 0x3F8
// (QEMU's -serial), then write 0 to port 0xF4 (QEMU's isa-debug-exit
// device, if present, ends QEMU with exit status 1; elsewhere the write is
// ignored) and halt in a loop.
package testboot

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

const (
	com1      = 0x3F8
	debugExit = 0xF4
)

// checkMarker panics on a marker that is not short printable ASCII: the
// generators are for tests, and a bad marker is a bug in the test.
func checkMarker(marker string) {
	if marker == "" || len(marker) > 200 {
		panic(fmt.Sprintf("testboot: marker %q: want 1-200 characters", marker))
	}
	for _, c := range []byte(marker) {
		if c < 0x20 || c > 0x7E {
			panic(fmt.Sprintf("testboot: marker %q: printable ASCII only", marker))
		}
	}
}

// serialCode is the code, valid in 16-bit and 64-bit mode alike once DX
// holds the port, that writes marker and CR LF to the port in DX, signals
// isa-debug-exit and halts forever.
func serialCode(marker string) []byte {
	var b []byte
	for _, c := range []byte(marker + "\r\n") {
		b = append(b, 0xB0, c, 0xEE) // mov al, c; out dx, al
	}
	b = append(b,
		0xB0, 0x00, 0xE6, debugExit, // mov al, 0; out 0xF4, al
		0xF4,       // hlt
		0xEB, 0xFD, // jmp back to hlt
	)
	return b
}

// BIOSBootSector returns a 2048-byte no-emulation boot image. The BIOS
// loads it at 0000:7C00 or 07C0:0000; the code uses no memory, so either
// works.
func BIOSBootSector(marker string) []byte {
	checkMarker(marker)
	b := make([]byte, 2048)
	code := []byte{
		0xFA,                         // cli
		0xBA, com1 & 0xFF, com1 >> 8, // mov dx, 0x3F8
	}
	code = append(code, serialCode(marker)...)
	copy(b, code)
	b[510], b[511] = 0x55, 0xAA // harmless; some tools look for it
	return b
}

// EFIApp returns a minimal x86-64 PE32+ EFI application (subsystem 10)
// that writes marker to COM1. The code is position-independent and the
// image has no relocations, so the firmware may load it anywhere.
func EFIApp(marker string) []byte {
	checkMarker(marker)
	const (
		peOff      = 0x40
		optSize    = 240
		fileAlign  = 0x200
		sectAlign  = 0x1000
		textRVA    = 0x1000
		headerSize = 0x200
	)
	code := []byte{0x66, 0xBA, com1 & 0xFF, com1 >> 8} // mov dx, 0x3F8
	code = append(code, serialCode(marker)...)
	raw := (len(code) + fileAlign - 1) / fileAlign * fileAlign
	b := make([]byte, headerSize+raw)
	le := binary.LittleEndian

	copy(b, "MZ")
	le.PutUint32(b[0x3C:], peOff)
	copy(b[peOff:], "PE\x00\x00")
	coff := b[peOff+4:]
	le.PutUint16(coff[0:], 0x8664) // AMD64
	le.PutUint16(coff[2:], 1)      // sections
	le.PutUint16(coff[16:], optSize)
	le.PutUint16(coff[18:], 0x0022) // executable, large address aware

	opt := coff[20:]
	le.PutUint16(opt[0:], 0x20B) // PE32+
	le.PutUint32(opt[4:], uint32(raw))
	le.PutUint32(opt[16:], textRVA) // entry point
	le.PutUint32(opt[20:], textRVA) // base of code
	le.PutUint64(opt[24:], 0x10000000)
	le.PutUint32(opt[32:], sectAlign)
	le.PutUint32(opt[36:], fileAlign)
	imageSize := textRVA + (raw+sectAlign-1)/sectAlign*sectAlign
	le.PutUint32(opt[56:], uint32(imageSize))
	le.PutUint32(opt[60:], headerSize)
	le.PutUint16(opt[68:], 10) // EFI application
	le.PutUint64(opt[72:], 0x10000)
	le.PutUint64(opt[80:], 0x10000)
	le.PutUint64(opt[88:], 0x10000)
	le.PutUint64(opt[96:], 0x1000)
	le.PutUint32(opt[108:], 16) // data directories (all empty)

	sec := opt[optSize:]
	copy(sec, ".text")
	le.PutUint32(sec[8:], uint32(len(code))) // virtual size
	le.PutUint32(sec[12:], textRVA)
	le.PutUint32(sec[16:], uint32(raw))
	le.PutUint32(sec[20:], headerSize)
	le.PutUint32(sec[36:], 0x60000020) // code, execute, read

	copy(b[headerSize:], code)
	return b
}

// FAT12 1.44 MB floppy geometry.
const (
	fatSector     = 512
	fatTotal      = 2880
	fatReserved   = 1
	fatCount      = 2
	fatSectors    = 9
	fatRootEnts   = 224
	fatRootSecs   = fatRootEnts * 32 / fatSector
	fatDataStart  = fatReserved + fatCount*fatSectors + fatRootSecs
	fatClusters   = fatTotal - fatDataStart
	fatDate       = (2026-1980)<<9 | 1<<5 | 1 // 2026-01-01
	attrDirectory = 0x10
	attrArchive   = 0x20
)

type fatNode struct {
	name    [11]byte
	dir     bool
	data    []byte
	kids    []*fatNode
	byName  map[string]*fatNode
	cluster int
	count   int // clusters
}

// EFISysImage returns a 1,474,560-byte FAT12 floppy image (like the ADK's
// efisys.bin) holding files, keyed by '/'-separated 8.3 paths such as
// "EFI/BOOT/BOOTX64.EFI" (upper-cased).
func EFISysImage(files map[string][]byte) ([]byte, error) {
	root := &fatNode{dir: true, byName: map[string]*fatNode{}}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		parts := strings.Split(strings.ToUpper(strings.Trim(p, "/")), "/")
		d := root
		for i, part := range parts {
			n83, err := shortName(part)
			if err != nil {
				return nil, fmt.Errorf("testboot: %s: %w", p, err)
			}
			last := i == len(parts)-1
			c := d.byName[part]
			if c == nil {
				c = &fatNode{name: n83, dir: !last, byName: map[string]*fatNode{}}
				if last {
					c.data = files[p]
				}
				d.byName[part] = c
				d.kids = append(d.kids, c)
			} else if last || !c.dir {
				return nil, fmt.Errorf("testboot: %s: conflicts with another path", p)
			}
			d = c
		}
	}
	if len(root.kids) > fatRootEnts {
		return nil, fmt.Errorf("testboot: too many root entries")
	}

	// Allocate clusters, depth first.
	next := 2
	var alloc func(n *fatNode)
	alloc = func(n *fatNode) {
		for _, c := range n.kids {
			size := len(c.data)
			if c.dir {
				size = (len(c.kids) + 2) * 32
			}
			c.count = (size + fatSector - 1) / fatSector
			if c.count > 0 {
				c.cluster = next
				next += c.count
			}
			if c.dir {
				alloc(c)
			}
		}
	}
	alloc(root)
	if next-2 > fatClusters {
		return nil, fmt.Errorf("testboot: files need %d clusters; the floppy has %d", next-2, fatClusters)
	}

	img := make([]byte, fatTotal*fatSector)
	le := binary.LittleEndian
	// Boot sector and BPB.
	copy(img, []byte{0xEB, 0x3C, 0x90})
	copy(img[3:], "REFIMAGE")
	le.PutUint16(img[11:], fatSector)
	img[13] = 1 // sectors per cluster
	le.PutUint16(img[14:], fatReserved)
	img[16] = fatCount
	le.PutUint16(img[17:], fatRootEnts)
	le.PutUint16(img[19:], fatTotal)
	img[21] = 0xF0 // media
	le.PutUint16(img[22:], fatSectors)
	le.PutUint16(img[24:], 18) // sectors per track
	le.PutUint16(img[26:], 2)  // heads
	img[38] = 0x29             // extended boot signature
	le.PutUint32(img[39:], 0x52454649)
	copy(img[43:], "NO NAME    ")
	copy(img[54:], "FAT12   ")
	img[62], img[63] = 0xF4, 0xEB // hlt; jmp: no boot code
	img[64] = 0xFE
	img[510], img[511] = 0x55, 0xAA

	// FAT.
	fat := make([]byte, fatSectors*fatSector)
	set := func(cl, v int) {
		off := cl * 3 / 2
		if cl%2 == 0 {
			fat[off] = byte(v)
			fat[off+1] = fat[off+1]&0xF0 | byte(v>>8)&0x0F
		} else {
			fat[off] = fat[off]&0x0F | byte(v<<4)
			fat[off+1] = byte(v >> 4)
		}
	}
	set(0, 0xFF0)
	set(1, 0xFFF)
	var chain func(n *fatNode)
	chain = func(n *fatNode) {
		for _, c := range n.kids {
			for i := 0; i < c.count; i++ {
				v := c.cluster + i + 1
				if i == c.count-1 {
					v = 0xFFF
				}
				set(c.cluster+i, v)
			}
			if c.dir {
				chain(c)
			}
		}
	}
	chain(root)
	for i := 0; i < fatCount; i++ {
		copy(img[(fatReserved+i*fatSectors)*fatSector:], fat)
	}

	// Directories and file data.
	entry := func(b []byte, name [11]byte, attr byte, cluster, size int) {
		copy(b, name[:])
		b[11] = attr
		le.PutUint16(b[16:], fatDate) // created
		le.PutUint16(b[18:], fatDate) // accessed
		le.PutUint16(b[24:], fatDate) // modified
		le.PutUint16(b[26:], uint16(cluster))
		le.PutUint32(b[28:], uint32(size))
	}
	clusterAt := func(cl int) []byte { return img[(fatDataStart+cl-2)*fatSector:] }
	var write func(n *fatNode, at []byte, parent int)
	write = func(n *fatNode, at []byte, parent int) {
		off := 0
		if n != root {
			dot := [11]byte{'.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
			entry(at[0:], dot, attrDirectory, n.cluster, 0)
			dot[1] = '.'
			entry(at[32:], dot, attrDirectory, parent, 0)
			off = 64
		}
		for _, c := range n.kids {
			if c.dir {
				entry(at[off:], c.name, attrDirectory, c.cluster, 0)
				write(c, clusterAt(c.cluster), n.cluster)
			} else {
				entry(at[off:], c.name, attrArchive, c.cluster, len(c.data))
				if c.count > 0 {
					copy(clusterAt(c.cluster), c.data)
				}
			}
			off += 32
		}
	}
	write(root, img[(fatReserved+fatCount*fatSectors)*fatSector:], 0)
	return img, nil
}

// shortName makes the 11-byte 8.3 directory name of an upper-case name.
func shortName(s string) ([11]byte, error) {
	var n [11]byte
	for i := range n {
		n[i] = ' '
	}
	base, ext, _ := strings.Cut(s, ".")
	if base == "" || len(base) > 8 || len(ext) > 3 || strings.Contains(ext, ".") {
		return n, fmt.Errorf("%q is not an 8.3 name", s)
	}
	for _, c := range []byte(base + ext) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-~!#$%&'()@^`{}", c) >= 0) {
			return n, fmt.Errorf("%q: character %q is not allowed in a short name", s, c)
		}
	}
	copy(n[:], base)
	copy(n[8:], ext)
	return n, nil
}
