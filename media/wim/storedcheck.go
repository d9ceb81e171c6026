package wim

import (
	"encoding/binary"
	"fmt"
	"io"
)

// checkStored checks the structure of a stored resource that is about to
// be copied byte for byte (export, update, append, split), without
// decompressing it: an uncompressed resource's two sizes agree, and a
// compressed one's chunk table fits in the resource, goes forward, and
// gives no chunk more bytes than it holds uncompressed. Copying a
// resource that fails this would pass a corrupt or hostile WIM on (a
// chunk table pointing backwards, a petabyte claimed for 100 kB) as a
// good one. The chunk table is read in pieces: nothing is allocated.
func checkStored(ra io.ReaderAt, res ResHdr, chunkSize uint32) error {
	if !res.compressed() {
		if res.Size != res.OrigSize {
			return formatErr(int64(res.Offset), "uncompressed resource has stored size %d but size %d", res.Size, res.OrigSize)
		}
		return nil
	}
	if chunkSize == 0 {
		return formatErr(int64(res.Offset), "compressed resource but chunk size 0")
	}
	n, w := chunkTable(res, chunkSize)
	if n == 0 || n-1 > res.Size/w {
		return formatErr(int64(res.Offset), "compressed resource of %d bytes cannot hold the chunk table of %d chunks (size %d)", res.Size, n, res.OrigSize)
	}
	tableSize := (n - 1) * w
	dataSize := res.Size - tableSize
	if dataSize < n {
		return formatErr(int64(res.Offset), "compressed resource of %d bytes is too small for %d chunks", res.Size, n)
	}
	var buf [512]byte
	prev := uint64(0)
	for i := uint64(1); i <= n; i++ {
		var next uint64
		if i == n {
			next = dataSize
		} else {
			k := (i - 1) * w % uint64(len(buf))
			if k == 0 {
				m := min(uint64(len(buf)), tableSize-(i-1)*w)
				at := int64(res.Offset + (i-1)*w)
				if _, err := ra.ReadAt(buf[:m], at); err != nil {
					return formatErr(at, "reading chunk table: %v", err)
				}
			}
			if w == 4 {
				next = uint64(binary.LittleEndian.Uint32(buf[k:]))
			} else {
				next = binary.LittleEndian.Uint64(buf[k:])
			}
		}
		usize := uint64(chunkSize)
		if i == n {
			usize = res.OrigSize - uint64(chunkSize)*(n-1)
		}
		if next <= prev || next-prev > usize {
			at := int64(res.Offset)
			if i > 1 {
				at += int64((i - 2) * w)
			}
			return formatErr(at, "chunk table entry %d: chunk %d has impossible compressed size (offsets %d..%d, uncompressed %d)", i-1, i-1, prev, next, usize)
		}
		prev = next
	}
	return nil
}

// chunkTableFits checks, from the blob table alone (no I/O), that a
// compressed resource can hold the chunk table its size implies: a blob
// claiming a petabyte in 100 kB is refused when the WIM is opened (so
// wim info says so too), at the offset of its blob table entry.
func chunkTableFits(res ResHdr, chunkSize uint32, at int64, what string) error {
	if chunkSize == 0 {
		return nil // refused when the resource is read
	}
	n, w := chunkTable(res, chunkSize)
	if n == 0 || n-1 > res.Size/w {
		return formatErr(at, "%s: compressed resource of %d bytes cannot hold the chunk table of %d chunks (size %d)", what, res.Size, n, res.OrigSize)
	}
	return nil
}

// checkTreeNames refuses an image whose tree holds a name no system can
// create or that would leave the folder (checkPortableName: "", ".",
// "..", '/', NUL): export, update, append and verify say so instead of
// passing the image on or calling it sound (apply refuses it by itself).
func checkTreeNames(file string, image int, m *Metadata) error {
	return m.Root.Walk(func(p string, d *Dentry) error {
		if d == m.Root {
			return nil
		}
		if err := checkPortableName(d.Name); err != nil {
			return &InputError{fmt.Errorf("%s: image %d:/%s: %v", file, image, p, err)}
		}
		return nil
	})
}

// chunkTable is how many chunks a compressed resource of chunkSize holds
// and the width of its chunk table's entries (8 bytes above 4 GiB); the
// table has n-1 entries.
func chunkTable(res ResHdr, chunkSize uint32) (n, w uint64) {
	cs := uint64(chunkSize)
	n = (res.OrigSize + cs - 1) / cs
	w = 4
	if res.OrigSize > 0xFFFFFFFF {
		w = 8
	}
	return n, w
}
