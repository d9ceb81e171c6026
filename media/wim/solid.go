package wim

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/refimage/refimage/media/wim/lzms"
)

// Solid resources (WIM version 0xE00, the "ESD" layout). A run of
// consecutive blob-table entries with the SOLID flag describes some
// resources (entries whose size is solidMagic; their offset and stored
// size locate the resource in the file) and the blobs inside them
// (entries whose offset counts into the concatenated uncompressed data of
// the run's resources and whose stored size is the blob's size). A
// resource starts with its own header (uncompressed size, chunk size,
// compression), then one u32 compressed size per chunk, then the chunks;
// a chunk whose compressed size equals its size is stored raw.

// maxSolidChunks bounds the chunk tables held for all solid resources
// (8 bytes each).
const maxSolidChunks = 4 << 20

type solidRes struct {
	p         *part
	at        int64 // file offset of its blob table entry (for errors)
	res       ResHdr
	usize     uint64
	chunkSize uint64
	ctype     Compression
	dataStart int64
	offs      []uint64 // chunk i is [offs[i], offs[i+1]) after dataStart
}

func (r *solidRes) nchunks() int { return len(r.offs) - 1 }

func (r *solidRes) chunkLen(i int) int {
	if i == r.nchunks()-1 {
		return int(r.usize - r.chunkSize*uint64(i))
	}
	return int(r.chunkSize)
}

// openSolidRes reads and checks the header and chunk table of the solid
// resource described by the entry at table offset at. chunks counts the
// table entries loaded so far for the whole WIM.
func openSolidRes(p *part, e BlobEntry, at int64, chunks *int) (*solidRes, error) {
	var hb [solidHeaderSize]byte
	off := int64(e.Res.Offset)
	if _, err := p.ra.ReadAt(hb[:], off); err != nil {
		return nil, formatErr(off, "reading solid resource header: %v", err)
	}
	r := &solidRes{p: p, at: at, res: e.Res}
	r.usize = binary.LittleEndian.Uint64(hb[:])
	r.chunkSize = uint64(binary.LittleEndian.Uint32(hb[8:]))
	ct := binary.LittleEndian.Uint32(hb[12:])
	switch ct {
	case 0:
		r.ctype = CompressNone
	case 1:
		r.ctype = CompressXPRESS
	case 2:
		r.ctype = CompressLZX
	case 3:
		r.ctype = CompressLZMS
	default:
		return nil, formatErr(off+12, "solid resource has unknown compression %d", ct)
	}
	cs := r.chunkSize
	if cs == 0 || cs&(cs-1) != 0 || (r.ctype != CompressNone && !validSolidChunk(r.ctype, cs)) {
		return nil, formatErr(off+8, "solid resource chunk size %d is not valid for %s", cs, r.ctype)
	}
	if cs > maxSolidChunk {
		return nil, formatErr(off+8, "solid resource chunk size %d is larger than refimage reads (%d MiB)", cs, maxSolidChunk>>20)
	}
	body := e.Res.Size - solidHeaderSize
	n := (r.usize + cs - 1) / cs
	// Each chunk takes a table entry and at least one byte.
	if r.usize == 0 || n > body/5 {
		return nil, formatErr(off, "solid resource of %d bytes cannot hold %d bytes in %d-byte chunks", e.Res.Size, r.usize, cs)
	}
	if *chunks+int(n) > maxSolidChunks {
		return nil, formatErr(off, "solid resources have more than %d chunks in all", maxSolidChunks)
	}
	*chunks += int(n)
	tab := make([]byte, n*4)
	if _, err := p.ra.ReadAt(tab, off+solidHeaderSize); err != nil {
		return nil, formatErr(off+solidHeaderSize, "reading solid resource chunk table: %v", err)
	}
	r.dataStart = off + solidHeaderSize + int64(n*4)
	room := body - n*4
	r.offs = make([]uint64, n+1)
	for i := uint64(0); i < n; i++ {
		c := uint64(binary.LittleEndian.Uint32(tab[i*4:]))
		usize := uint64(r.chunkLen(int(i)))
		if c == 0 || c > usize || (r.ctype == CompressNone && c != usize) {
			return nil, formatErr(off+solidHeaderSize+int64(i*4), "solid resource chunk %d has impossible compressed size %d (uncompressed %d)", i, c, usize)
		}
		r.offs[i+1] = r.offs[i] + c
		if r.offs[i+1] > room {
			return nil, formatErr(off+solidHeaderSize+int64(i*4), "solid resource chunks run past its end (%d bytes)", e.Res.Size)
		}
	}
	return r, nil
}

func validSolidChunk(c Compression, n uint64) bool {
	if c == CompressLZMS {
		return n >= 32768 && n <= 1<<30
	}
	return validChunkSize(c, int(n))
}

// solidRun collects the resources of the solid run starting at entry i.
func solidRun(p *part, table blobTable, i int, tableOff int64, chunks *int) ([]*solidRes, error) {
	var run []*solidRes
	for j := i; j < table.len(); j++ {
		e := table.at(j)
		if e.Res.Flags&ResFlagSolid == 0 {
			break
		}
		if e.Res.OrigSize != solidMagic || e.PartNumber != p.hdr.PartNumber {
			continue
		}
		r, err := openSolidRes(p, e, tableOff+int64(j*blobEntrySize), chunks)
		if err != nil {
			return nil, err
		}
		run = append(run, r)
	}
	return run, nil
}

// placeSolid finds the resource of a blob entry of a run.
func placeSolid(run []*solidRes, e BlobEntry, at int64) (*solidRes, uint64, error) {
	off, size := e.Res.Offset, e.Res.Size
	for _, r := range run {
		if off < r.usize && size <= r.usize-off {
			return r, off, nil
		}
		if off < r.usize {
			break
		}
		off -= r.usize
	}
	return nil, 0, formatErr(at, "blob %s (offset %d, %d bytes) lies outside the solid resources of its run", e.Hash, e.Res.Offset, e.Res.Size)
}

// solidCache holds the one decoded solid chunk of a WIM: solid chunks are
// large (64 MiB by default), so they are decoded one at a time and read
// in offset order.
type solidCache struct {
	mu    sync.Mutex
	res   *solidRes
	chunk int
	out   []byte
	in    []byte
	lzms  *lzms.Decompressor
}

// get returns chunk i of r, decoding it unless it is the cached one.
// c.mu must be held.
func (c *solidCache) get(r *solidRes, i int) ([]byte, error) {
	n := r.chunkLen(i)
	if c.res == r && c.chunk == i {
		return c.out[:n], nil
	}
	c.res = nil
	if cap(c.out) < n {
		c.out = nil // let the old buffer go first
		c.out = make([]byte, n)
	}
	out := c.out[:n]
	csize := int(r.offs[i+1] - r.offs[i])
	at := r.dataStart + int64(r.offs[i])
	if csize == n {
		if _, err := r.p.ra.ReadAt(out, at); err != nil {
			return nil, withFile(formatErr(at, "reading solid chunk %d: %v", i, err), r.p.name)
		}
	} else {
		if cap(c.in) < csize {
			c.in = nil
			c.in = make([]byte, csize)
		}
		in := c.in[:csize]
		if _, err := r.p.ra.ReadAt(in, at); err != nil {
			return nil, withFile(formatErr(at, "reading solid chunk %d: %v", i, err), r.p.name)
		}
		var err error
		if r.ctype == CompressLZMS {
			if c.lzms == nil {
				c.lzms = lzms.NewDecompressor()
			}
			err = c.lzms.Decompress(out, in)
		} else {
			var dec decompressFunc
			if dec, err = decompressorFor(r.ctype, uint32(r.chunkSize)); err == nil {
				err = dec(out, in)
			}
		}
		if err != nil {
			return nil, withFile(formatErr(at, "corrupt %s chunk %d of solid resource at offset %d: %v", r.ctype, i, r.res.Offset, err), r.p.name)
		}
	}
	c.res, c.chunk = r, i
	return out, nil
}

// forEachSolid calls fn with the data of solid blob b, chunk piece by
// chunk piece, holding the cache for the whole blob so that concurrent
// readers do not make it decode chunks twice.
func (w *WIM) forEachSolid(b *Blob, fn func([]byte) error) error {
	c := &w.solid
	c.mu.Lock()
	defer c.mu.Unlock()
	r := b.solid
	pos, end := b.soff, b.soff+b.Size()
	for pos < end {
		i := int(pos / r.chunkSize)
		data, err := c.get(r, i)
		if err != nil {
			return err
		}
		lo := pos - uint64(i)*r.chunkSize
		hi := min(uint64(len(data)), end-uint64(i)*r.chunkSize)
		if err := fn(data[lo:hi]); err != nil {
			return err
		}
		pos += hi - lo
	}
	return nil
}

// solidReader streams a solid blob; it takes the cache for each Read.
type solidReader struct {
	w   *WIM
	b   *Blob
	pos uint64 // within the blob
}

func (s *solidReader) Read(p []byte) (int, error) {
	if s.pos >= s.b.Size() {
		return 0, io.EOF
	}
	c := &s.w.solid
	c.mu.Lock()
	defer c.mu.Unlock()
	r := s.b.solid
	at := s.b.soff + s.pos
	i := int(at / r.chunkSize)
	data, err := c.get(r, i)
	if err != nil {
		return 0, err
	}
	lo := at - uint64(i)*r.chunkSize
	n := copy(p, data[lo:min(uint64(len(data)), lo+s.b.Size()-s.pos)])
	s.pos += uint64(n)
	return n, nil
}

// solidInfo describes where a solid blob lives, for messages.
func (b *Blob) where() string {
	if b.solid == nil {
		return fmt.Sprintf("offset %d", b.Res.Offset)
	}
	return fmt.Sprintf("offset %d of the solid resource at offset %d", b.soff, b.solid.res.Offset)
}

// SolidResource describes one solid resource of a WIM (see
// WIM.SolidResources).
type SolidResource struct {
	Offset      uint64      // file offset
	StoredSize  uint64      // bytes in the file
	Size        uint64      // uncompressed bytes
	Compression Compression // of its chunks
	ChunkSize   uint64
	Blobs       int // file-data streams inside it
}

// SolidResources lists the solid resources of the WIM in file order (none
// for an ordinary WIM).
func (w *WIM) SolidResources() []SolidResource {
	var out []SolidResource
	if !w.hasSolid {
		return nil // no sort of every blob for a WIM without solid resources
	}
	idx := map[*solidRes]int{}
	for _, b := range w.Blobs() {
		r := b.solid
		if r == nil {
			continue
		}
		i, ok := idx[r]
		if !ok {
			i = len(out)
			idx[r] = i
			out = append(out, SolidResource{Offset: r.res.Offset, StoredSize: r.res.Size, Size: r.usize, Compression: r.ctype, ChunkSize: r.chunkSize})
		}
		out[i].Blobs++
	}
	return out
}

// fileOffset is where b's data starts in its file: its resource, or for
// a solid blob the solid resource holding it.
func (b *Blob) fileOffset() int64 {
	if b.solid != nil {
		return int64(b.solid.res.Offset)
	}
	return int64(b.Res.Offset)
}
