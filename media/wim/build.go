package wim

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/refimage/refimage/internal/tempfile"
)

// outImage is one image of a WIM being written.
type outImage struct {
	meta    *Metadata // always present (for counts and reference counts)
	rawMeta *Blob     // unchanged metadata resource to copy, or nil
	xml     *xmlNode  // the <IMAGE> element
	touched bool      // refresh LASTMODIFICATIONTIME
}

// buildSpec describes a complete WIM to write.
type buildSpec struct {
	path      string
	ctype     Compression
	chunkSize int // 0: DefaultChunkSize
	images    []*outImage
	blobs     []*blobSrc
	// stream, when set, yields more sources after blobs (a capture's scan
	// still running); finish runs once every source is written, before the
	// metadata is encoded, and may fail the build.
	stream     func(yield func(*blobSrc) bool)
	finish     func() error
	tracker    *progressTracker // shared with a streaming scan
	bootIndex  int
	integrity  bool
	guid       *[16]byte
	extraFlags uint32 // e.g. RP_FIX carried over
	threads    int
	progress   ProgressFunc
	wimXML     *xmlNode // the <WIM> element to keep (images are replaced)
	op         string
	ctx        context.Context
	// beforeRename runs just before the new file replaces spec.path (to
	// close the old file, which Windows requires).
	beforeRename func()
}

// WriteResult describes a written WIM.
type WriteResult struct {
	Path       string
	Size       int64
	Images     int
	Blobs      int
	BytesIn    uint64   // uncompressed bytes of all images
	ImageBytes []uint64 // uncompressed bytes of each image
	Compressed bool
}

// build writes spec to a temporary file next to spec.path, syncs it and
// renames it into place.
func build(spec *buildSpec) (res *WriteResult, err error) {
	dir := filepath.Dir(spec.path)
	tempfile.Sweep(dir)
	f, err := os.CreateTemp(dir, tempfile.Pattern(filepath.Base(spec.path), ".tmp"))
	if err != nil {
		return nil, err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	hdr := &Header{Version: versionDefault, PartNumber: 1, TotalParts: 1, ImageCount: uint32(len(spec.images))}
	if spec.guid != nil {
		hdr.GUID = *spec.guid
	} else if _, err := rand.Read(hdr.GUID[:]); err != nil {
		return nil, err
	}
	hdr.Flags = spec.extraFlags &^ (HdrFlagCompression | HdrFlagCompressXPRESS | HdrFlagCompressLZX | HdrFlagCompressLZMS | HdrFlagCompressXPRESS2 | HdrFlagWriteInProgress | HdrFlagSpanned)
	chunkSize := spec.chunkSize
	if chunkSize == 0 {
		chunkSize = DefaultChunkSize
	}
	switch spec.ctype {
	case CompressNone:
	case CompressXPRESS:
		hdr.Flags |= HdrFlagCompression | HdrFlagCompressXPRESS
		hdr.ChunkSize = uint32(chunkSize)
	case CompressLZX:
		hdr.Flags |= HdrFlagCompression | HdrFlagCompressLZX
		hdr.ChunkSize = uint32(chunkSize)
	case CompressLZMS:
		return nil, ErrSolid
	default:
		return nil, fmt.Errorf("cannot write %s WIMs", spec.ctype)
	}
	if err := CheckChunkSize(spec.ctype, chunkSize); err != nil {
		return nil, err
	}
	ph := *hdr
	ph.Flags |= HdrFlagWriteInProgress
	if _, err := f.WriteAt(ph.Marshal(), 0); err != nil {
		return nil, err
	}
	var total uint64
	for _, s := range spec.blobs {
		total += s.size
	}
	op := spec.op
	if op == "" {
		op = "write"
	}
	prog := newTracker(spec.progress, op, total, uint64(countFileSrcs(spec.blobs)))
	if spec.tracker != nil {
		prog = spec.tracker
		prog.addTotal(total, uint64(countFileSrcs(spec.blobs)))
	}
	w := newWriter(f, spec.ctype, chunkSize, spec.threads, prog)
	w.ctx = ctxOf(spec.ctx)
	err = w.writeBlobSeq(func(yield func(*blobSrc) bool) {
		for _, s := range spec.blobs {
			if !yield(s) {
				return
			}
		}
		if spec.stream != nil {
			spec.stream(yield)
		}
	})
	if err != nil {
		return nil, err
	}
	if spec.finish != nil {
		if err := spec.finish(); err != nil {
			return nil, err
		}
	}
	// Metadata resources, in image order.
	var metas []*blobSrc
	for _, im := range spec.images {
		if im.rawMeta != nil && w.canRawCopy(im.rawMeta) {
			metas = append(metas, &blobSrc{kind: srcWIM, wim: nil, blob: im.rawMeta, size: im.rawMeta.Size(), hash: im.rawMeta.Hash, hashed: true, meta: true})
			continue
		}
		im.meta.Root.SortChildren()
		buf, err := im.meta.Marshal()
		if err != nil {
			return nil, err
		}
		metas = append(metas, &blobSrc{kind: srcBytes, data: buf, size: uint64(len(buf)), hash: sha1.Sum(buf), hashed: true, meta: true})
	}
	if err := w.writeBlobs(metas); err != nil {
		return nil, err
	}
	if len(w.meta) != len(spec.images) {
		return nil, fmt.Errorf("internal error: %d metadata resources for %d images", len(w.meta), len(spec.images))
	}
	// Reference counts over all images.
	refs := map[SHA1]uint32{}
	for _, im := range spec.images {
		im.meta.Root.Walk(func(_ string, d *Dentry) error {
			for _, h := range dentryHashes(d) {
				refs[h]++
			}
			return nil
		})
	}
	type entry struct {
		hash SHA1
		res  ResHdr
	}
	var entries []entry
	for h, r := range w.written {
		if refs[h] > 0 {
			entries = append(entries, entry{h, r})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].res.Offset < entries[j].res.Offset })
	tab := make([]byte, 0, blobEntrySize*(len(entries)+len(w.meta)))
	put := func(be BlobEntry) {
		var b [blobEntrySize]byte
		be.put(b[:])
		tab = append(tab, b[:]...)
	}
	for _, m := range w.meta {
		put(BlobEntry{Res: m.res, PartNumber: 1, RefCount: 1, Hash: m.hash})
	}
	for _, e := range entries {
		put(BlobEntry{Res: e.res, PartNumber: 1, RefCount: refs[e.hash], Hash: e.hash})
	}
	tabOff := w.out.offset()
	if err := w.out.write(tab); err != nil {
		return nil, err
	}
	hdr.BlobTable = ResHdr{Size: uint64(len(tab)), Flags: ResFlagMetadata, Offset: uint64(tabOff), OrigSize: uint64(len(tab))}
	// XML.
	sizes := func(h SHA1) uint64 {
		if r, ok := w.written[h]; ok {
			return r.OrigSize
		}
		return 0
	}
	xmlOff := w.out.offset()
	root := &xmlNode{Name: "WIM"}
	if spec.wimXML != nil {
		for _, k := range spec.wimXML.Kids {
			if k.Name != "IMAGE" && k.Name != "TOTALBYTES" {
				root.Kids = append(root.Kids, k)
			}
		}
	}
	root.Kids = append([]*xmlNode{{Name: "TOTALBYTES", Text: strconv.FormatInt(xmlOff, 10)}}, root.Kids...)
	now := FiletimeFromTime(time.Now())
	var bytesIn uint64
	var imageBytes []uint64
	for i, im := range spec.images {
		x := im.xml
		if x == nil {
			x = &xmlNode{Name: "IMAGE"}
		}
		x.Attrs = indexAttr(i + 1)
		c := countImage(im.meta, sizes)
		bytesIn += c.total
		imageBytes = append(imageBytes, c.total)
		x.set("DIRCOUNT", strconv.FormatUint(c.dirs, 10))
		x.set("FILECOUNT", strconv.FormatUint(c.files, 10))
		x.set("TOTALBYTES", strconv.FormatUint(c.total, 10))
		x.set("HARDLINKBYTES", strconv.FormatUint(c.hardlink, 10))
		if x.child("CREATIONTIME") == nil {
			x.setTime("CREATIONTIME", now)
		}
		if im.touched || x.child("LASTMODIFICATIONTIME") == nil {
			x.setTime("LASTMODIFICATIONTIME", now)
		}
		root.Kids = append(root.Kids, x)
	}
	xb := encodeXML(root)
	if err := w.out.write(xb); err != nil {
		return nil, err
	}
	hdr.XML = ResHdr{Size: uint64(len(xb)), Flags: ResFlagMetadata, Offset: uint64(xmlOff), OrigSize: uint64(len(xb))}
	if spec.bootIndex > 0 && spec.bootIndex <= len(spec.images) {
		hdr.BootIndex = uint32(spec.bootIndex)
		hdr.BootMeta = w.meta[spec.bootIndex-1].res
	}
	if err := w.out.flush(); err != nil {
		return nil, err
	}
	if spec.integrity {
		end := tabOff + int64(len(tab))
		it, err := buildIntegrity(f, end, nil)
		if err != nil {
			return nil, err
		}
		io := w.out.offset()
		if err := w.out.write(it); err != nil {
			return nil, err
		}
		hdr.Integrity = ResHdr{Size: uint64(len(it)), Offset: uint64(io), OrigSize: uint64(len(it))}
	}
	if err := w.out.flush(); err != nil {
		return nil, err
	}
	size := w.out.offset()
	if err := f.Truncate(size); err != nil {
		return nil, err
	}
	if _, err := f.WriteAt(hdr.Marshal(), 0); err != nil {
		return nil, err
	}
	if err := f.Chmod(0o644); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := w.ctx.Err(); err != nil {
		return nil, err
	}
	if spec.beforeRename != nil {
		spec.beforeRename()
	}
	if err := os.Rename(tmp, spec.path); err != nil {
		return nil, err
	}
	syncDir(dir)
	prog.finish()
	return &WriteResult{Path: spec.path, Size: size, Images: len(spec.images), Blobs: len(entries), BytesIn: bytesIn, ImageBytes: imageBytes, Compressed: spec.ctype != CompressNone}, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func countFileSrcs(srcs []*blobSrc) int {
	n := 0
	for _, s := range srcs {
		if s.kind == srcFile {
			n++
		}
	}
	return n
}

type imageCounts struct {
	dirs, files, total, hardlink uint64
}

func countImage(m *Metadata, size func(SHA1) uint64) imageCounts {
	var c imageCounts
	links := map[uint64]bool{}
	m.Root.Walk(func(_ string, d *Dentry) error {
		if d.IsDir() && !d.IsReparse() {
			c.dirs++
		} else {
			c.files++
		}
		var n uint64
		for _, h := range dentryHashes(d) {
			n += size(h)
		}
		c.total += n
		if d.LinkID != 0 && !d.IsDir() {
			if links[d.LinkID] {
				c.hardlink += n
			}
			links[d.LinkID] = true
		}
		return nil
	})
	return c
}
