package wim

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

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
// large (64 MiB by default), so they are decoded one at a time, and read
// in offset order. A chunk is decoded by a goroutine of its own, outside
// the lock; LZMS chunks are decoded by lzms.Stream, so readers use the
// decoded start of the chunk (ready bytes) while it works on the rest,
// and readers of one chunk read it at the same time.
//
// Readers claim the chunk they are about to read (apply claims a blob's
// first chunk when it takes the blob, in file order). A chunk is not
// replaced while a claim on it is held, and the next chunk decoded is the
// first claimed one in file order: a reader that took its blob before
// another one's does not find its chunk gone and decode it again. Every
// reader claims what it asks for, and the holders of the held chunk's
// claims and then of the first claimed chunk can always go on, so claims
// cannot deadlock.
type solidCache struct {
	mu       sync.Mutex
	cond     sync.Cond // on mu: ready grew, a reader or claim ended, a decode ended
	res      *solidRes // the chunk held (nil: none)
	chunk    int
	ready    int   // bytes of the chunk final so far
	decoding bool  // a goroutine decodes it
	err      error // it failed to decode
	streamed bool  // out holds lzms.Stream's output: read it through CopyOut
	readers  int   // goroutines reading out
	claims   map[chunkKey]int
	out      []byte
	in       []byte
	lzms     *lzms.Decompressor

	// For tests: how often each chunk was decoded (when decoded is not
	// nil), how many reads began
	// before their chunk was whole, how many went through CopyOut, and a
	// hook called after each partial publish.
	decoded     map[chunkKey]int
	early       atomic.Int64
	translated  atomic.Int64
	publishHook func(n int)
}

type chunkKey struct {
	r *solidRes
	i int
}

// solidView is what a reader may use of the held chunk: data[:ready].
type solidView struct {
	data     []byte
	ready    int
	streamed bool
	dec      *lzms.Decompressor
	c        *solidCache
}

func (c *solidCache) wait() {
	if c.cond.L == nil {
		c.cond.L = &c.mu
	}
	c.cond.Wait()
}

func (c *solidCache) broadcast() {
	if c.cond.L != nil {
		c.cond.Broadcast()
	}
}

// claim and unclaim count the readers about to read chunk k; c.mu must
// be held.
func (c *solidCache) claim(k chunkKey) {
	if c.claims == nil {
		c.claims = map[chunkKey]int{}
	}
	c.claims[k]++
}

func (c *solidCache) unclaim(k chunkKey) {
	if c.claims[k]--; c.claims[k] <= 0 {
		delete(c.claims, k)
		c.broadcast()
	}
}

// claimedBefore reports whether a chunk that comes before k in the
// files is claimed: its reader goes first (a blob taken earlier may go on
// into k's chunk after it). c.mu must be held.
func (c *solidCache) claimedBefore(k chunkKey) bool {
	for o := range c.claims {
		if o.before(k) {
			return true
		}
	}
	return false
}

// before orders chunks as blobs are read (see Blob.less).
func (k chunkKey) before(o chunkKey) bool {
	if k.r.p.hdr.PartNumber != o.r.p.hdr.PartNumber {
		return k.r.p.hdr.PartNumber < o.r.p.hdr.PartNumber
	}
	if k.r.res.Offset != o.r.res.Offset {
		return k.r.res.Offset < o.r.res.Offset
	}
	return k.i < o.i
}

// take returns the next index from next and, when it names a solid blob
// of blobs, claims the blob's first chunk for sc in the same step, so
// that the claims are made in the order the blobs are taken.
func (c *solidCache) take(next *atomic.Int64, blobs []*Blob, sc *scratch) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := next.Add(1) - 1
	if i < int64(len(blobs)) && blobs[i].solid != nil {
		b := blobs[i]
		k := chunkKey{b.solid, int(b.soff / b.solid.chunkSize)}
		c.claim(k)
		sc.claim, sc.claimed = k, true
	}
	return i
}

// drop ends sc's claim if the reader did not get to it (an error before
// reading).
func (c *solidCache) drop(sc *scratch) {
	if !sc.claimed {
		return
	}
	c.mu.Lock()
	c.unclaim(sc.claim)
	sc.claimed = false
	c.mu.Unlock()
}

// acquire waits until chunk i of r is held with more than lo bytes ready
// (or all of it), starting its decode when it is this reader's turn, and
// counts the caller as a reader until release. The caller holds a claim
// on the chunk.
func (c *solidCache) acquire(r *solidRes, i, lo int, async bool, ctx context.Context) (solidView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if ctx != nil && ctx.Err() != nil {
			return solidView{}, ctx.Err()
		}
		if c.res == r && c.chunk == i {
			if c.err != nil {
				return solidView{}, c.err
			}
			if c.ready > lo || !c.decoding {
				if c.decoding {
					c.early.Add(1)
				}
				c.readers++
				return c.view(), nil
			}
		} else if c.readers == 0 && !c.decoding && (c.res == nil || c.err != nil || c.claims[chunkKey{c.res, c.chunk}] == 0) && !c.claimedBefore(chunkKey{r, i}) {
			c.startDecode(r, i, async)
			continue
		}
		c.wait()
	}
}

func (c *solidCache) view() solidView {
	return solidView{data: c.out[:c.res.chunkLen(c.chunk)], ready: c.ready, streamed: c.streamed, dec: c.lzms, c: c}
}

// wake makes waiting readers look again (their context may be done).
func (c *solidCache) wake() {
	c.mu.Lock()
	c.broadcast()
	c.mu.Unlock()
}

// release ends a reader's use of the held chunk.
func (c *solidCache) release() {
	c.mu.Lock()
	if c.readers--; c.readers == 0 {
		c.broadcast()
	}
	c.mu.Unlock()
}

// startDecode makes chunk i of r the held chunk and decodes it; c.mu is
// held. With async it decodes in a goroutine of its own, LZMS chunks
// step by step, so that readers (apply's workers, an export's reader)
// work on the chunk's start meanwhile. Otherwise it decodes here, with
// c.mu released, and whole: a lone reader (verify) would only wait for
// each step, and the steps and their hand-offs cost CPU.
func (c *solidCache) startDecode(r *solidRes, i int, async bool) {
	n := r.chunkLen(i)
	csize := int(r.offs[i+1] - r.offs[i])
	c.res, c.chunk, c.ready, c.err, c.decoding = r, i, 0, nil, true
	if c.decoded != nil {
		c.decoded[chunkKey{r, i}]++
	}
	c.streamed = async && r.ctype == CompressLZMS && csize != n
	if r.ctype == CompressLZMS && c.lzms == nil {
		c.lzms = lzms.NewDecompressor()
	}
	if cap(c.out) < n {
		c.out = nil // let the old buffer go first
		c.out = make([]byte, n)
		adviseHugePages(c.out)
	}
	if csize != n && cap(c.in) < csize {
		c.in = nil
		c.in = make([]byte, csize)
		adviseHugePages(c.in)
	}
	out, in := c.out[:n], c.in[:min(csize, cap(c.in))]
	finish := func(err error) {
		c.decoding = false
		if err != nil {
			c.err = err
		} else {
			c.ready = n
		}
		c.broadcast()
	}
	stream := c.streamed
	if !async {
		c.mu.Unlock()
		err := c.fill(r, i, out, in, stream)
		c.mu.Lock()
		finish(err)
		return
	}
	go func() {
		err := c.fill(r, i, out, in, stream)
		c.mu.Lock()
		finish(err)
		c.mu.Unlock()
	}()
}

// fill reads chunk i of r into out (in is its compressed input's buffer),
// an LZMS chunk with lzms.Stream when stream is set.
func (c *solidCache) fill(r *solidRes, i int, out, in []byte, stream bool) error {
	at := r.dataStart + int64(r.offs[i])
	if int(r.offs[i+1]-r.offs[i]) == len(out) {
		if _, err := r.p.ra.ReadAt(out, at); err != nil {
			return withFile(formatErr(at, "reading solid chunk %d: %v", i, err), r.p.name)
		}
		return nil
	}
	if _, err := r.p.ra.ReadAt(in, at); err != nil {
		return withFile(formatErr(at, "reading solid chunk %d: %v", i, err), r.p.name)
	}
	var err error
	if stream {
		err = c.lzms.Stream(out, in, c.publish)
	} else if r.ctype == CompressLZMS {
		err = c.lzms.Decompress(out, in)
	} else {
		var dec decompressFunc
		if dec, err = decompressorFor(r.ctype, uint32(r.chunkSize)); err == nil {
			err = dec(out, in)
		}
	}
	if err != nil {
		return withFile(formatErr(at, "corrupt %s chunk %d of solid resource at offset %d: %v", r.ctype, i, r.res.Offset, err), r.p.name)
	}
	return nil
}

// publish is lzms.Stream's ready: out[:n] is final.
func (c *solidCache) publish(n int) {
	c.mu.Lock()
	c.ready = n
	c.broadcast()
	hook := c.publishHook
	c.mu.Unlock()
	if hook != nil {
		hook(n)
	}
}

// emit calls fn with v.data[lo:hi] as the reader sees it: as is, or
// with the chunk's x86 translations applied through buf.
func (v solidView) emit(lo, hi int, buf *[]byte, fn func([]byte) error) error {
	if !v.streamed || !v.dec.Translated(lo, hi) {
		return fn(v.data[lo:hi])
	}
	v.c.translated.Add(1)
	if len(*buf) < 256<<10 {
		*buf = make([]byte, 256<<10)
	}
	for lo < hi {
		p := (*buf)[:min(hi-lo, len(*buf))]
		v.dec.CopyOut(p, v.data, lo)
		if err := fn(p); err != nil {
			return err
		}
		lo += len(p)
	}
	return nil
}

// forEachSolid calls fn with the data of solid blob b, piece by piece as
// the chunks holding it are decoded. sc (nil for none) may hold the
// claim take made for b; otherwise forEachSolid claims b's first chunk.
func (w *WIM) forEachSolid(b *Blob, sc *scratch, fn func([]byte) error) error {
	c := &w.solid
	if sc == nil {
		sc = &scratch{}
	}
	r := b.solid
	pos, end := b.soff, b.soff+b.Size()
	first := chunkKey{r, int(pos / r.chunkSize)}
	c.mu.Lock()
	if !sc.claimed || sc.claim != first {
		if sc.claimed {
			c.unclaim(sc.claim)
		}
		c.claim(first)
		sc.claim, sc.claimed = first, true
	}
	c.mu.Unlock()
	defer c.drop(sc)
	for pos < end {
		i := int(pos / r.chunkSize)
		base := uint64(i) * r.chunkSize
		lo := int(pos - base)
		hi := int(min(uint64(r.chunkLen(i)), end-base))
		for lo < hi {
			v, err := c.acquire(r, i, lo, sc.async, sc.ctx)
			if err != nil {
				return err
			}
			top := min(hi, v.ready)
			err = v.emit(lo, top, &sc.solidBuf, fn)
			c.release()
			if err != nil {
				return err
			}
			lo = top
		}
		pos = base + uint64(hi)
		if pos < end {
			// Hand the claim on to the next chunk before giving up
			// this one.
			c.mu.Lock()
			next := chunkKey{r, i + 1}
			c.claim(next)
			c.unclaim(sc.claim)
			sc.claim = next
			c.mu.Unlock()
		}
	}
	return nil
}

// solidReader streams a solid blob; it reads the cache for each Read.
type solidReader struct {
	w   *WIM
	b   *Blob
	pos uint64 // within the blob
	buf []byte
}

func (s *solidReader) Read(p []byte) (int, error) {
	if s.pos >= s.b.Size() {
		return 0, io.EOF
	}
	c := &s.w.solid
	r := s.b.solid
	at := s.b.soff + s.pos
	i := int(at / r.chunkSize)
	k := chunkKey{r, i}
	c.mu.Lock()
	c.claim(k)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.unclaim(k)
		c.mu.Unlock()
	}()
	lo := int(at - uint64(i)*r.chunkSize)
	v, err := c.acquire(r, i, lo, true, nil)
	if err != nil {
		return 0, err
	}
	defer c.release()
	hi := min(v.ready, lo+len(p))
	if left := s.b.Size() - s.pos; uint64(hi-lo) > left {
		hi = lo + int(left)
	}
	n := 0
	err = v.emit(lo, hi, &s.buf, func(q []byte) error { n += copy(p[n:], q); return nil })
	s.pos += uint64(n)
	return n, err
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
