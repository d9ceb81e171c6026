package wim

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
	"sync"
)

type srcKind int

const (
	srcFile  srcKind = iota // a file on disk
	srcBytes                // bytes in memory (reparse data, metadata)
	srcWIM                  // a blob of an open WIM
)

// blobSrc is one stream to store.
type blobSrc struct {
	kind       srcKind
	size       uint64
	hash       SHA1
	hashed     bool // hash is known before reading
	path       string
	data       []byte
	wim        *WIM
	blob       *Blob
	noCompress bool
	meta       bool
	refs       []*SHA1 // dentry hash fields to fill once the hash is known
}

func (s *blobSrc) open() (io.ReadCloser, error) {
	switch s.kind {
	case srcFile:
		return openReader(s.path)
	case srcBytes:
		return io.NopCloser(bytes.NewReader(s.data)), nil
	default:
		r, err := s.wim.OpenBlob(s.blob)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(r), nil
	}
}

// writer stores blobs into a new WIM file.
type writer struct {
	out       *outFile
	f         *os.File
	ctype     Compression
	chunkSize int
	threads   int
	prog      *progressTracker

	ctx     context.Context
	mu      sync.Mutex
	written map[SHA1]ResHdr
	meta    []writtenMeta
	cbuf    []byte // see copyBuf
}

type writtenMeta struct {
	hash SHA1
	res  ResHdr
}

// newWriter returns a writer of ctype resources in chunks of chunkSize
// (ignored for CompressNone; 0 means DefaultChunkSize).
func newWriter(f *os.File, ctype Compression, chunkSize, threads int, prog *progressTracker) *writer {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	w := &writer{f: f, out: newOutFile(f, HeaderSize), ctype: ctype, threads: threads, prog: prog, written: map[SHA1]ResHdr{}, ctx: context.Background()}
	if ctype != CompressNone {
		w.chunkSize = chunkSize
		if chunkSize == 0 {
			w.chunkSize = DefaultChunkSize
		}
		// Memory: each compressor holds about ten chunks of state
		// (LZX's match tree) and each chunk in flight two buffers; keep
		// the total near 128 MiB for large chunks.
		if maxThreads := max(1, (96<<20)/(10*w.chunkSize)); w.threads > maxThreads {
			w.threads = maxThreads
		}
	}
	return w
}

func (w *writer) has(h SHA1) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.written[h]
	return ok
}

// canRawCopy reports whether a stored blob can be copied byte for byte.
func (w *writer) canRawCopy(b *Blob) bool {
	if b.solid != nil {
		return false // a solid blob is always decoded (refimage writes no solid resources)
	}
	if !b.Res.compressed() {
		return true
	}
	h := b.p.hdr
	return w.ctype != CompressNone && h.Compression() == w.ctype && int(h.ChunkSize) == w.chunkSize
}

type itemKind int

const (
	itemBegin itemKind = iota // a source with no chunks (size 0)
	itemChunk                 // a chunk; first/last stand for the source's begin and end
	itemEnd                   // a source skipped (a duplicate) or failed (err)
	itemCopy
)

// item is one message from the reader to the in-order writer. A chunk's
// item lives in its buffer pair, so chunks cost no allocation; a small
// file is a single message (its only chunk, first and last).
type item struct {
	kind     itemKind
	src      *blobSrc
	data     []byte // chunk data
	out      []byte // compressed chunk
	csize    int    // 0: store raw
	compress bool   // a worker compresses it and signals pair.done
	first    bool   // the source's first chunk: begin the resource
	last     bool   // the source's last chunk: hash holds its SHA-1
	hash     SHA1
	err      error
	pair     *bufPair
}

type bufPair struct {
	in, out []byte
	done    chan struct{} // a worker finished compressing it
	it      item
}

// readAhead is the number of chunks of a file whose size was seen before
// that are read (and hashed) before it is sent on: a duplicate among them
// is dropped without being compressed, and is read only once. Larger such
// files are hashed in a pass of their own first.
const readAhead = 4

// writeBlobs stores srcs in order, sharing identical content.
func (w *writer) writeBlobs(srcs []*blobSrc) error {
	return w.writeBlobSeq(func(yield func(*blobSrc) bool) {
		for _, s := range srcs {
			if !yield(s) {
				return
			}
		}
	})
}

// writeBlobSeq stores the sources seq yields, in order; seq may still be
// producing them (a capture streams them from the scan).
func (w *writer) writeBlobSeq(srcs func(yield func(*blobSrc) bool)) error {
	compress := w.ctype != CompressNone
	piece := 1 << 20
	if compress {
		piece = w.chunkSize
	}
	inflight := w.threads*4 + 4
	if !compress {
		inflight = 8 // 1 MiB pieces: bounded memory whatever the thread count
	}
	// Buffers are made on first need (a copy of stored resources needs
	// none), up to inflight of them.
	pool := make(chan *bufPair, inflight)
	made := 0
	ord := make(chan *item, inflight)
	work := make(chan *item, inflight)
	quit := make(chan struct{})
	defer close(quit)
	var newComp func(int) chunkCompressor
	if compress {
		newComp = compressors[w.ctype]
		if newComp == nil {
			// Never store new data raw while the header claims a
			// compression nobody applied.
			return fmt.Errorf("cannot write %s resources: no %s compressor", w.ctype, w.ctype)
		}
	}
	if compress {
		for range w.threads {
			go func() {
				var c chunkCompressor // made on first use
				for it := range work {
					if c == nil {
						c = newComp(w.chunkSize)
					}
					n, ok := c(it.out, it.data)
					if ok {
						it.csize = n
					}
					it.pair.done <- struct{}{}
				}
			}()
		}
	}
	send := func(it *item) bool {
		select {
		case ord <- it:
			return true
		case <-quit:
			return false
		}
	}
	go func() {
		defer close(ord)
		if compress {
			defer close(work)
		}
		// getBuf returns a free buffer pair, nil when the writer quit.
		getBuf := func() *bufPair {
			select {
			case p := <-pool:
				return p
			default:
			}
			if made < inflight {
				made++
				return &bufPair{in: make([]byte, piece), out: make([]byte, piece), done: make(chan struct{}, 1)}
			}
			select {
			case p := <-pool:
				return p
			case <-quit:
				return nil
			}
		}
		// sendChunk hands a filled buffer to a worker (when it is to be
		// compressed) and to the writer.
		sendChunk := func(p *bufPair) bool {
			it := &p.it
			if it.compress {
				select {
				case work <- it:
				case <-quit:
					return false
				}
			}
			return send(it)
		}
		// A file whose size was seen before may be a duplicate: its
		// SHA-1 is known before it is compressed, and when it is a
		// duplicate it is skipped. Other files are read once, hashed
		// while compressed.
		seenSize := map[uint64]bool{}
		var hbuf []byte
		var held []*bufPair
		for s := range srcs {
			dupCandidate := false
			if s.kind == srcFile && !s.hashed {
				dupCandidate = seenSize[s.size]
				seenSize[s.size] = true
			}
			nChunks := (s.size + uint64(piece) - 1) / uint64(piece)
			if dupCandidate && nChunks > readAhead {
				if hbuf == nil {
					hbuf = make([]byte, 256<<10)
				}
				if err := hashFile(s, hbuf); err != nil {
					send(&item{kind: itemEnd, src: s, err: err})
					return
				}
			}
			if s.hashed && !s.meta && w.has(s.hash) {
				if !send(&item{kind: itemEnd, src: s, hash: s.hash}) {
					return
				}
				continue
			}
			if s.kind == srcWIM && w.canRawCopy(s.blob) {
				if !send(&item{kind: itemCopy, src: s}) {
					return
				}
				continue
			}
			if s.size == 0 {
				if !send(&item{kind: itemBegin, src: s}) {
					return
				}
				end := &item{kind: itemEnd, src: s, hash: SHA1(sha1.Sum(nil))}
				if s.hashed && end.hash != s.hash {
					end.err = fmt.Errorf("%s: content changed while being captured (SHA-1 %s, expected %s)", srcLabel(s), end.hash, s.hash)
				}
				if !send(end) {
					return
				}
				continue
			}
			r, err := s.open()
			if err != nil {
				send(&item{kind: itemEnd, src: s, err: err})
				return
			}
			h := sha1.New()
			left := s.size
			chunkCompress := compress && !s.noCompress
			// Small candidates are read whole before anything is sent.
			hold := dupCandidate && nChunks <= readAhead
			held = held[:0]
			for k := 0; left > 0; k++ {
				if err := w.ctx.Err(); err != nil {
					r.Close()
					send(&item{kind: itemEnd, src: s, err: err})
					return
				}
				p := getBuf()
				if p == nil {
					r.Close()
					return
				}
				n := min(uint64(piece), left)
				if _, err := io.ReadFull(r, p.in[:n]); err != nil {
					r.Close()
					if err == io.EOF || err == io.ErrUnexpectedEOF {
						err = fmt.Errorf("%s: file shrank while being captured", s.path)
					}
					send(&item{kind: itemEnd, src: s, err: err})
					return
				}
				h.Write(p.in[:n])
				left -= n
				p.it = item{kind: itemChunk, src: s, data: p.in[:n], out: p.out, pair: p, compress: chunkCompress, first: k == 0, last: left == 0}
				if left == 0 {
					h.Sum(p.it.hash[:0])
					if s.hashed && p.it.hash != s.hash {
						p.it.err = fmt.Errorf("%s: content changed while being captured (SHA-1 %s, expected %s)", srcLabel(s), p.it.hash, s.hash)
					}
				}
				if hold {
					held = append(held, p)
					continue
				}
				if !sendChunk(p) {
					r.Close()
					return
				}
			}
			r.Close()
			if !hold {
				continue
			}
			last := held[len(held)-1]
			if last.it.err == nil && !s.meta && w.has(last.it.hash) {
				// A duplicate of a blob already written: never compressed.
				sum := last.it.hash
				for _, p := range held {
					pool <- p
				}
				if !send(&item{kind: itemEnd, src: s, hash: sum}) {
					return
				}
				continue
			}
			for _, p := range held {
				if !sendChunk(p) {
					return
				}
			}
		}
	}()

	var (
		start     int64
		table     []uint64 // cumulative chunk offsets
		tableSize int64
		width     int64
		allRaw    bool
		dataBytes int64
		begun     bool
	)
	begin := func(s *blobSrc) error {
		begun = true
		start = w.out.offset()
		table, tableSize, allRaw, dataBytes = table[:0], 0, true, 0
		if compress && !s.noCompress {
			n := (s.size + uint64(w.chunkSize) - 1) / uint64(w.chunkSize)
			width = 4
			if s.size > 0xFFFFFFFF {
				width = 8
			}
			tableSize = int64(n-1) * width
			if err := w.writeZeros(tableSize); err != nil {
				return err
			}
		}
		return nil
	}
	end := func(s *blobSrc, hash SHA1, err error) error {
		if err != nil {
			return err
		}
		for _, r := range s.refs {
			*r = hash
		}
		s.refs = nil // done with it: keep memory flat on huge trees
		if s.kind == srcFile {
			var skipped uint64 // known by its hash before reading: counted whole here
			if !begun {
				skipped = s.size
			}
			w.prog.add(skipped, 1, s.path)
		}
		wasBegun := begun
		begun = false
		if !s.meta && w.has(hash) {
			if wasBegun {
				if err := w.out.seek(start); err != nil {
					return err
				}
			}
			return nil
		}
		res := ResHdr{Offset: uint64(start), OrigSize: s.size}
		total := tableSize + dataBytes
		switch {
		case tableSize == 0 && (allRaw || !compress || s.noCompress):
			res.Size = uint64(dataBytes)
		case uint64(total) >= s.size:
			if err := w.storeUncompressed(s, start, tableSize, allRaw); err != nil {
				return err
			}
			res.Size = s.size
		default:
			tb := make([]byte, tableSize)
			for i := 0; i+1 < len(table); i++ {
				if width == 4 {
					binary.LittleEndian.PutUint32(tb[4*i:], uint32(table[i]))
				} else {
					binary.LittleEndian.PutUint64(tb[8*i:], table[i])
				}
			}
			if err := w.out.writeAt(tb, start); err != nil {
				return err
			}
			res.Size = uint64(total)
			res.Flags = ResFlagCompressed
		}
		if s.meta {
			res.Flags |= ResFlagMetadata
			w.meta = append(w.meta, writtenMeta{hash: hash, res: res})
			return nil
		}
		w.mu.Lock()
		w.written[hash] = res
		w.mu.Unlock()
		return nil
	}
	for it := range ord {
		s := it.src
		switch it.kind {
		case itemCopy:
			if err := w.copyRaw(s); err != nil {
				return err
			}
		case itemBegin:
			if err := begin(s); err != nil {
				return err
			}
		case itemChunk:
			if it.first {
				if err := begin(s); err != nil {
					return err
				}
			}
			if it.compress {
				<-it.pair.done
			}
			var err error
			if it.csize > 0 {
				err = w.out.write(it.out[:it.csize])
				dataBytes += int64(it.csize)
				allRaw = false
			} else {
				err = w.out.write(it.data)
				dataBytes += int64(len(it.data))
			}
			table = append(table, uint64(dataBytes))
			if !s.meta { // the totals count the data, not the metadata written after it
				w.prog.add(uint64(len(it.data)), 0, s.path)
			}
			// The item lives in the pair: keep what is needed before
			// the pair goes back to the reader.
			last, hash, ierr := it.last, it.hash, it.err
			pool <- it.pair
			if err != nil {
				return err
			}
			if last {
				if err := end(s, hash, ierr); err != nil {
					return err
				}
			}
		case itemEnd:
			if err := end(s, it.hash, it.err); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *writer) writeZeros(n int64) error {
	var z [4096]byte
	for n > 0 {
		k := min(n, int64(len(z)))
		if err := w.out.write(z[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// storeUncompressed rewrites the blob that starts at start without
// compression: by shifting the stored bytes when every chunk was raw, or
// by reading the source again.
func (w *writer) storeUncompressed(s *blobSrc, start, tableSize int64, allRaw bool) error {
	if o := w.out; allRaw && start >= o.flushed {
		// Still buffered: drop the chunk table by moving the data down.
		b := o.buf[start-o.flushed:]
		n := copy(b, b[tableSize:])
		o.buf = o.buf[:int(start-o.flushed)+n]
		return nil
	}
	if err := w.out.flush(); err != nil {
		return err
	}
	if allRaw {
		buf := w.copyBuf()
		for pos := int64(0); pos < int64(s.size); {
			n := min(int64(len(buf)), int64(s.size)-pos)
			if _, err := w.f.ReadAt(buf[:n], start+tableSize+pos); err != nil {
				return err
			}
			if _, err := w.f.WriteAt(buf[:n], start+pos); err != nil {
				return err
			}
			pos += n
		}
		return w.out.seek(start + int64(s.size))
	}
	if err := w.out.seek(start); err != nil {
		return err
	}
	r, err := s.open()
	if err != nil {
		return err
	}
	defer r.Close()
	h := sha1.New()
	if err := w.copyN(r, int64(s.size), h); err != nil {
		return err
	}
	return nil
}

// copyBuf returns the writer's copy buffer. Only the goroutine that
// writes the output uses it (copies, rewrites), so one is enough: a buffer
// per copied blob made export allocate and clear gigabytes.
func (w *writer) copyBuf() []byte {
	if w.cbuf == nil {
		w.cbuf = make([]byte, 1<<20)
	}
	return w.cbuf
}

func (w *writer) copyN(r io.Reader, n int64, h hash.Hash) error {
	buf := w.copyBuf()
	for n > 0 {
		k := min(int64(len(buf)), n)
		if _, err := io.ReadFull(r, buf[:k]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("source ended early")
			}
			return err
		}
		if h != nil {
			h.Write(buf[:k])
		}
		if err := w.out.write(buf[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// copyRaw copies a stored resource byte for byte.
func (w *writer) copyRaw(s *blobSrc) error {
	b := s.blob
	if err := checkStored(b.p.ra, b.Res, b.p.hdr.ChunkSize); err != nil {
		return withFile(err, b.p.name)
	}
	start := w.out.offset()
	if err := w.out.copyFrom(b.p.ra, int64(b.Res.Offset), int64(b.Res.Size)); err != nil {
		return withFile(formatErr(int64(b.Res.Offset), "copying blob %s: %v", b.Hash, err), b.p.name)
	}
	if !s.meta {
		w.prog.add(b.Size(), 0, s.path)
	}
	res := b.Res
	res.Offset = uint64(start)
	res.Flags &^= ResFlagMetadata | ResFlagFree | ResFlagSpanned
	if s.meta {
		res.Flags |= ResFlagMetadata
		w.meta = append(w.meta, writtenMeta{hash: b.Hash, res: res})
		return nil
	}
	for _, r := range s.refs {
		*r = b.Hash
	}
	w.mu.Lock()
	w.written[b.Hash] = res
	w.mu.Unlock()
	return nil
}

func srcLabel(s *blobSrc) string {
	switch {
	case s.path != "":
		return s.path
	case s.meta:
		return "image metadata"
	}
	return "blob " + s.hash.String()
}

// hashFile computes the SHA-1 of a file source before it is written.
func hashFile(s *blobSrc, buf []byte) error {
	f, err := openReader(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha1.New()
	n, err := io.CopyBuffer(h, io.LimitReader(f, int64(s.size)), buf)
	if err != nil {
		return err
	}
	if uint64(n) != s.size {
		return fmt.Errorf("%s: file shrank while being captured", s.path)
	}
	h.Sum(s.hash[:0])
	s.hashed = true
	return nil
}
