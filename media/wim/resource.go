package wim

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
)

// decompressFunc decodes one chunk. dst has the exact uncompressed length.
type decompressFunc func(dst, src []byte) error

// chunkCompressor compresses one chunk into dst and returns the compressed
// length; ok is false when the result would not be smaller than src.
type chunkCompressor func(dst, src []byte) (n int, ok bool)

// Codecs are wired in codecs.go; a nil entry means "not available".
var (
	decompressors = map[Compression]func(chunkSize int) decompressFunc{}
	compressors   = map[Compression]func(chunkSize int) chunkCompressor{}
)

func decompressorFor(c Compression, chunkSize uint32) (decompressFunc, error) {
	d := decompressors[c]
	if d == nil {
		return nil, fmt.Errorf("%s decompression is not available in this build", c)
	}
	return d(int(chunkSize)), nil
}

// resReader streams the uncompressed bytes of one resource. It is not safe
// for concurrent use, but readChunk is (it uses only read-only state).
type resReader struct {
	ra        io.ReaderAt
	res       ResHdr
	chunkSize int
	dec       decompressFunc
	offs      []uint64 // chunk i occupies [offs[i], offs[i+1]) after the table
	dataStart int64
	nchunks   int

	cur  int
	buf  []byte
	pos  int
	cbuf []byte
	// uncompressed resources
	plain *io.SectionReader
}

// newResReader prepares to read res. ctype and chunkSize come from the
// header of the WIM the resource lives in.
func newResReader(ra io.ReaderAt, res ResHdr, ctype Compression, chunkSize uint32) (*resReader, error) {
	r := &resReader{ra: ra, res: res}
	if !res.compressed() {
		if res.Size != res.OrigSize {
			return nil, formatErr(int64(res.Offset), "uncompressed resource has stored size %d but size %d", res.Size, res.OrigSize)
		}
		r.plain = io.NewSectionReader(ra, int64(res.Offset), int64(res.Size))
		return r, nil
	}
	if ctype == CompressNone {
		return nil, formatErr(int64(res.Offset), "resource is marked compressed in a WIM without compression")
	}
	dec, err := decompressorFor(ctype, chunkSize)
	if err != nil {
		return nil, err
	}
	if chunkSize == 0 {
		return nil, formatErr(int64(res.Offset), "compressed resource but chunk size 0")
	}
	r.dec = dec
	r.chunkSize = int(chunkSize)
	n, w := chunkTable(res, chunkSize)
	if n == 0 || n-1 > res.Size/w {
		return nil, formatErr(int64(res.Offset), "compressed resource of %d bytes cannot hold the chunk table of %d chunks (size %d)", res.Size, n, res.OrigSize)
	}
	tableSize := (n - 1) * w
	dataSize := res.Size - tableSize
	if dataSize < n { // every chunk takes at least one byte
		return nil, formatErr(int64(res.Offset), "compressed resource of %d bytes is too small for %d chunks", res.Size, n)
	}
	table := make([]byte, tableSize)
	if _, err := ra.ReadAt(table, int64(res.Offset)); err != nil {
		return nil, formatErr(int64(res.Offset), "reading chunk table: %v", err)
	}
	r.offs = make([]uint64, n+1)
	for i := uint64(1); i < n; i++ {
		var v uint64
		if w == 4 {
			v = uint64(binary.LittleEndian.Uint32(table[(i-1)*4:]))
		} else {
			v = binary.LittleEndian.Uint64(table[(i-1)*8:])
		}
		r.offs[i] = v
	}
	r.offs[n] = dataSize
	for i := uint64(0); i < n; i++ {
		usize := uint64(chunkSize)
		if i == n-1 {
			usize = res.OrigSize - uint64(chunkSize)*(n-1)
		}
		if r.offs[i+1] <= r.offs[i] || r.offs[i+1]-r.offs[i] > usize {
			at := int64(res.Offset)
			if i > 0 {
				at += int64((i - 1) * w)
			}
			return nil, formatErr(at, "chunk table entry %d: chunk %d has impossible compressed size (offsets %d..%d, uncompressed %d)", i, i, r.offs[i], r.offs[i+1], usize)
		}
	}
	r.dataStart = int64(res.Offset + tableSize)
	r.nchunks = int(n)
	return r, nil
}

// chunkLen is the uncompressed length of chunk i.
func (r *resReader) chunkLen(i int) int {
	if i == r.nchunks-1 {
		return int(r.res.OrigSize - uint64(r.chunkSize)*uint64(r.nchunks-1))
	}
	return r.chunkSize
}

// readChunk decodes chunk i into dst (len >= chunkLen(i)) using cbuf as
// scratch (len >= chunkSize). It returns the uncompressed bytes.
func (r *resReader) readChunk(i int, dst, cbuf []byte) ([]byte, error) {
	usize := r.chunkLen(i)
	csize := int(r.offs[i+1] - r.offs[i])
	at := r.dataStart + int64(r.offs[i])
	dst = dst[:usize]
	if csize == usize {
		if _, err := r.ra.ReadAt(dst, at); err != nil {
			return nil, formatErr(at, "reading chunk %d: %v", i, err)
		}
		return dst, nil
	}
	src := cbuf[:csize]
	if _, err := r.ra.ReadAt(src, at); err != nil {
		return nil, formatErr(at, "reading chunk %d: %v", i, err)
	}
	if err := r.dec(dst, src); err != nil {
		return nil, formatErr(at, "corrupt compressed chunk %d of resource at offset %d: %v", i, r.res.Offset, err)
	}
	return dst, nil
}

func (r *resReader) Read(p []byte) (int, error) {
	if r.plain != nil {
		n, err := r.plain.Read(p)
		if err != nil && err != io.EOF {
			err = formatErr(int64(r.res.Offset), "reading resource: %v", err)
		}
		return n, err
	}
	if r.pos >= len(r.buf) {
		if r.cur >= r.nchunks {
			return 0, io.EOF
		}
		if r.buf == nil {
			r.buf = make([]byte, r.chunkSize)
			r.cbuf = make([]byte, r.chunkSize)
		}
		b, err := r.readChunk(r.cur, r.buf[:cap(r.buf)], r.cbuf)
		if err != nil {
			return 0, err
		}
		r.buf = b
		r.pos = 0
		r.cur++
	}
	n := copy(p, r.buf[r.pos:])
	r.pos += n
	return n, nil
}

// readResource reads a whole resource into memory; it refuses resources
// whose uncompressed size exceeds limit.
func readResource(ra io.ReaderAt, res ResHdr, ctype Compression, chunkSize uint32, limit uint64, what string) ([]byte, error) {
	if res.OrigSize > limit {
		return nil, formatErr(int64(res.Offset), "%s declares %d bytes, more than the limit of %d", what, res.OrigSize, limit)
	}
	r, rerr := newResReader(ra, res, ctype, chunkSize)
	if rerr != nil {
		return nil, rerr
	}
	// limit bounds the allocation; callers derive it from the stored size
	// so that a tiny resource cannot claim a huge one.
	buf := make([]byte, res.OrigSize)
	_, err := io.ReadFull(r, buf)
	if err != nil {
		if fe, ok := err.(*FormatError); ok {
			return nil, fe
		}
		return nil, formatErr(int64(res.Offset), "reading %s: %v", what, err)
	}
	return buf, nil
}

// scratch holds a worker's reusable buffers for forEachChunk, and the
// claim on a solid chunk made when the worker took its blob (see
// solidCache).
type scratch struct {
	buf, cbuf []byte
	solidBuf  []byte
	claim     chunkKey
	claimed   bool
	async     bool            // other readers share solid chunks: decode them in steps, in the background
	ctx       context.Context // when done, stop waiting for a solid chunk (nil: never)
}

// forEachChunk calls fn with the uncompressed data of b, in order, piece
// by piece (chunks of compressed resources, 1 MiB pieces of raw ones),
// reusing sc's buffers so that no per-blob allocation is needed.
func (w *WIM) forEachChunk(b *Blob, sc *scratch, fn func([]byte) error) error {
	if b.solid != nil {
		return w.forEachSolid(b, sc, fn)
	}
	h := b.p.hdr
	if !b.Res.compressed() {
		if len(sc.buf) < 1<<20 {
			sc.buf = make([]byte, 1<<20)
		}
		for pos := int64(0); pos < int64(b.Res.Size); {
			n := min(int64(len(sc.buf)), int64(b.Res.Size)-pos)
			at := int64(b.Res.Offset) + pos
			if _, err := b.p.ra.ReadAt(sc.buf[:n], at); err != nil {
				return withFile(formatErr(at, "reading resource: %v", err), b.p.name)
			}
			if err := fn(sc.buf[:n]); err != nil {
				return err
			}
			pos += n
		}
		return nil
	}
	r, err := newResReader(b.p.ra, b.Res, h.Compression(), h.ChunkSize)
	if err != nil {
		return withFile(err, b.p.name)
	}
	if len(sc.buf) < r.chunkSize {
		sc.buf = make([]byte, max(r.chunkSize, 1<<20))
	}
	if len(sc.cbuf) < r.chunkSize {
		sc.cbuf = make([]byte, r.chunkSize)
	}
	for i := 0; i < r.nchunks; i++ {
		d, err := r.readChunk(i, sc.buf, sc.cbuf)
		if err != nil {
			return withFile(err, b.p.name)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}
