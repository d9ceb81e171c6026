package wim

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// maxMetadataSize bounds one image's uncompressed metadata resource.
const maxMetadataSize = 1 << 30

// metadataLimit bounds what a metadata resource may decode to: real
// metadata compresses a few times, never hundreds of times, so a tiny
// resource that claims a huge size is refused before it costs memory.
func metadataLimit(b *Blob) uint64 {
	return min(maxMetadataSize, max(16<<20, 256*b.Res.Size))
}

// WIM is an open WIM file (or split set).
type WIM struct {
	Path   string
	Header Header

	parts []*part // by part number - 1
	// blobs indexes the file-data blobs by hash. It is built on first use
	// (index): `wim info` never looks a blob up, and building the map is
	// most of opening a WIM of many files. cands holds the blobs in blob
	// table order until then (the first of equal hashes wins). A WIM
	// that cannot hold solid resources keeps its checked blob tables
	// instead (tables, by part) and index makes its blobs from them, so
	// that opening it makes none.
	blobs     map[SHA1]*Blob
	cands     []*Blob
	tables    []blobTable
	indexOnce sync.Once
	hasSolid  bool // some blob lives in a solid resource
	metas     []*Blob
	xml       *xmlNode
	solid     solidCache
}

type part struct {
	name string
	ra   io.ReaderAt
	size int64
	hdr  *Header
	f    *os.File
}

// Blob is one stored stream.
type Blob struct {
	Hash     SHA1
	Res      ResHdr
	RefCount uint32
	Part     uint16
	p        *part
	// A blob inside a solid resource: the resource and the blob's offset
	// in its uncompressed data (Res then holds the blob table's values).
	solid *solidRes
	soff  uint64
}

// less orders blobs as they lie in the files: by part, by resource, by
// offset inside a solid resource; reading in this order decodes each
// solid chunk once.
func (b *Blob) less(o *Blob) bool {
	if b.Part != o.Part {
		return b.Part < o.Part
	}
	bo, oo := b.Res.Offset, o.Res.Offset
	if b.solid != nil {
		bo = b.solid.res.Offset
	}
	if o.solid != nil {
		oo = o.solid.res.Offset
	}
	if bo != oo {
		return bo < oo
	}
	return b.soff < o.soff
}

// sortBlobs sorts blobs into file order (see less).
func sortBlobs(bs []*Blob) { sort.Slice(bs, func(i, j int) bool { return bs[i].less(bs[j]) }) }

// Size is the uncompressed size of the blob.
func (b *Blob) Size() uint64 { return b.Res.OrigSize }

// Open opens a WIM file. When it is part of a split set, the other parts
// are found next to it (NAME.swm, NAME2.swm, ...) and opened too.
func Open(path string) (*WIM, error) {
	p, err := openPart(path)
	if err != nil {
		return nil, err
	}
	parts := []*part{p}
	if p.hdr.TotalParts > 1 {
		ext := filepath.Ext(path)
		base := strings.TrimSuffix(path, ext)
		matches, _ := filepath.Glob(globEscape(base) + "*" + globEscape(ext))
		for _, m := range matches {
			if m == path {
				continue
			}
			q, err := openPart(m)
			if err != nil {
				continue
			}
			if q.hdr.GUID != p.hdr.GUID {
				q.f.Close()
				continue
			}
			parts = append(parts, q)
		}
	}
	w, err := newWIM(path, parts)
	if err != nil {
		for _, q := range parts {
			q.f.Close()
		}
		return nil, err
	}
	return w, nil
}

// OpenParts opens a split set from an explicit list of part files.
func OpenParts(paths []string) (*WIM, error) {
	var parts []*part
	for _, pth := range paths {
		p, err := openPart(pth)
		if err != nil {
			for _, q := range parts {
				q.f.Close()
			}
			return nil, err
		}
		parts = append(parts, p)
	}
	w, err := newWIM(paths[0], parts)
	if err != nil {
		for _, q := range parts {
			q.f.Close()
		}
		return nil, err
	}
	return w, nil
}

func globEscape(s string) string {
	r := strings.NewReplacer("*", `\*`, "?", `\?`, "[", `\[`)
	return r.Replace(s)
}

func openPart(path string) (*part, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory, not a WIM file", path)
	}
	p, err := readPartHeader(f, st.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	p.f = f
	return p, nil
}

func readPartHeader(ra io.ReaderAt, size int64, name string) (*part, error) {
	buf := make([]byte, HeaderSize)
	n, _ := ra.ReadAt(buf, 0)
	h, err := ParseHeader(buf[:n], size)
	if err != nil {
		return nil, withFile(err, name)
	}
	return &part{name: name, ra: ra, size: size, hdr: h}, nil
}

func withFile(err error, name string) error {
	var fe *FormatError
	if errors.As(err, &fe) && fe.File == "" {
		fe.File = name
	}
	return err
}

// NewReader reads a single-part WIM from ra.
func NewReader(ra io.ReaderAt, size int64) (*WIM, error) {
	p, err := readPartHeader(ra, size, "")
	if err != nil {
		return nil, err
	}
	return newWIM("", []*part{p})
}

func newWIM(path string, parts []*part) (*WIM, error) {
	first := parts[0]
	for _, p := range parts {
		if p.hdr.PartNumber == 1 {
			first = p
		}
	}
	total := int(first.hdr.TotalParts)
	w := &WIM{Path: path, Header: *first.hdr, parts: make([]*part, total)}
	if first.hdr.PartNumber != 1 {
		return nil, fmt.Errorf("%s is part %d of a split WIM; open part 1 (the .swm without a number)", first.name, first.hdr.PartNumber)
	}
	for _, p := range parts {
		i := int(p.hdr.PartNumber) - 1
		if i >= total || p.hdr.TotalParts != first.hdr.TotalParts {
			continue
		}
		if w.parts[i] == nil {
			w.parts[i] = p
		}
	}
	for i, p := range w.parts {
		if p == nil {
			return nil, fmt.Errorf("%s: split WIM part %d of %d is missing (expected next to part 1)", path, i+1, total)
		}
	}
	lazy := true
	for _, p := range w.parts {
		lazy = lazy && p.hdr.Version != versionSolid
	}
	for _, p := range w.parts {
		h := p.hdr
		tab := make([]byte, h.BlobTable.OrigSize)
		if len(tab) > 0 {
			if _, err := p.ra.ReadAt(tab, int64(h.BlobTable.Offset)); err != nil {
				return nil, withFile(formatErr(int64(h.BlobTable.Offset), "reading blob table: %v", err), p.name)
			}
		}
		tabOff := int64(h.BlobTable.Offset)
		table, err := checkBlobTable(tab, tabOff, p.size, h.PartNumber, h.Version == versionSolid)
		if err != nil {
			return nil, withFile(err, p.name)
		}
		var run []*solidRes // resources of the current solid run
		inRun := false
		chunks := 0
		var slab []Blob // one allocation for the part's blobs
		if lazy {
			w.tables = append(w.tables, table)
		} else {
			if w.cands == nil {
				w.cands = make([]*Blob, 0, table.len())
			}
			slab = make([]Blob, table.len())
		}
		for i := range table.len() {
			e := table.at(i)
			at := tabOff + int64(i*blobEntrySize)
			if e.Res.Flags&ResFlagSolid == 0 {
				inRun = false
			} else if !inRun {
				inRun = true
				if run, err = solidRun(p, table, i, tabOff, &chunks); err != nil {
					return nil, withFile(err, p.name)
				}
			}
			if e.PartNumber != h.PartNumber {
				continue
			}
			var solid *solidRes
			var soff uint64
			size := e.Res.OrigSize
			if inRun {
				if e.Res.OrigSize == solidMagic {
					continue // a resource, not a blob
				}
				if e.Hash.IsZero() || e.Res.Size == 0 {
					continue
				}
				if e.Res.Flags&ResFlagMetadata != 0 {
					return nil, withFile(formatErr(at, "image metadata inside a solid resource is not supported"), p.name)
				}
				r, off, err := placeSolid(run, e, at)
				if err != nil {
					return nil, withFile(err, p.name)
				}
				solid, soff, size = r, off, e.Res.Size
				w.hasSolid = true
			}
			if !inRun && e.Res.compressed() {
				// The label with the hash only when it is needed (a
				// string per entry was a third of opening a WIM).
				if chunkTableFits(e.Res, h.ChunkSize, at, "blob") != nil {
					return nil, withFile(chunkTableFits(e.Res, h.ChunkSize, at, "blob "+e.Hash.String()), p.name)
				}
			}
			if e.Res.Flags&ResFlagMetadata != 0 {
				if e.RefCount == 0 && h.PartNumber == 1 {
					continue
				}
				b := blobOf(p, e)
				w.metas = append(w.metas, &b)
				continue
			}
			if e.Hash.IsZero() || size == 0 || lazy {
				continue // lazy: index makes the part's blobs
			}
			b := &slab[i]
			*b = blobOf(p, e)
			b.solid, b.soff, b.Res.OrigSize = solid, soff, size
			w.cands = append(w.cands, b)
		}
	}
	if len(w.metas) != int(w.Header.ImageCount) {
		return nil, withFile(formatErr(0x2C, "header says %d images but the blob table has %d metadata resources", w.Header.ImageCount, len(w.metas)), first.name)
	}
	if w.Header.XML.OrigSize > 0 {
		if w.Header.XML.OrigSize > maxXMLSize {
			return nil, withFile(formatErr(0x48, "XML data of %d bytes is too large", w.Header.XML.OrigSize), first.name)
		}
		buf := make([]byte, w.Header.XML.OrigSize)
		if _, err := first.ra.ReadAt(buf, int64(w.Header.XML.Offset)); err != nil {
			return nil, withFile(formatErr(int64(w.Header.XML.Offset), "reading XML data: %v", err), first.name)
		}
		x, err := parseXML(buf)
		if err != nil {
			return nil, withFile(formatErr(int64(w.Header.XML.Offset), "%v", err), first.name)
		}
		w.xml = x
	} else {
		w.xml = &xmlNode{Name: "WIM"}
	}
	if n := len(w.xml.images()); n != int(w.Header.ImageCount) {
		// wimlib refuses this; be lenient but keep the XML consistent.
		for n < int(w.Header.ImageCount) {
			n++
			w.xml.Kids = append(w.xml.Kids, &xmlNode{Name: "IMAGE", Attrs: indexAttr(n)})
		}
	}
	return w, nil
}

// Close closes the files of the WIM.
func (w *WIM) Close() error {
	var err error
	for _, p := range w.parts {
		if p != nil && p.f != nil {
			if e := p.f.Close(); e != nil && err == nil {
				err = e
			}
		}
	}
	return err
}

// Compression is the WIM's compression type.
func (w *WIM) Compression() Compression { return w.Header.Compression() }

// ImageCount is the number of images.
func (w *WIM) ImageCount() int { return int(w.Header.ImageCount) }

// Images describes every image from the XML data.
func (w *WIM) Images() []ImageInfo {
	var out []ImageInfo
	for i, n := range w.xml.images() {
		if i >= w.ImageCount() {
			break
		}
		out = append(out, imageInfoFrom(n, i+1))
	}
	return out
}

// ImageByName finds an image index by name or number ("2").
func (w *WIM) ImageIndex(s string) (int, error) {
	for _, im := range w.Images() {
		if im.Name == s && s != "" {
			return im.Index, nil
		}
	}
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err == nil && fmt.Sprint(n) == s {
		if n < 1 || n > w.ImageCount() {
			return 0, fmt.Errorf("image %d does not exist (the WIM has %d)", n, w.ImageCount())
		}
		return n, nil
	}
	return 0, fmt.Errorf("no image named %q", s)
}

// blobOf is the blob of a blob table entry of part p.
func blobOf(p *part, e BlobEntry) Blob {
	return Blob{Hash: e.Hash, Res: e.Res, RefCount: e.RefCount, Part: e.PartNumber, p: p}
}

// index is the map of the file-data blobs by hash, built on first use.
func (w *WIM) index() map[SHA1]*Blob {
	w.indexOnce.Do(func() {
		if w.tables != nil {
			w.blobs = w.tableIndex()
			return
		}
		w.blobs = make(map[SHA1]*Blob, len(w.cands))
		for _, b := range w.cands {
			if _, dup := w.blobs[b.Hash]; !dup {
				w.blobs[b.Hash] = b
			}
		}
		w.cands = nil
	})
	return w.blobs
}

// tableIndex makes the file-data blobs of the parts' checked tables (no
// solid resources: newWIM has checked them and taken the metadata
// resources) and maps them, the first of equal hashes winning.
func (w *WIM) tableIndex() map[SHA1]*Blob {
	n := 0
	for _, t := range w.tables {
		n += t.len()
	}
	m := make(map[SHA1]*Blob, n)
	for k, t := range w.tables {
		p := w.parts[k]
		slab := make([]Blob, t.len())
		for i := range t.len() {
			e := t.at(i)
			if e.PartNumber != p.hdr.PartNumber || e.Res.Flags&ResFlagMetadata != 0 || e.Hash.IsZero() || e.Res.OrigSize == 0 {
				continue
			}
			if _, dup := m[e.Hash]; !dup {
				slab[i] = blobOf(p, e)
				m[e.Hash] = &slab[i]
			}
		}
	}
	w.tables = nil
	return m
}

// Blobs returns every file-data blob, sorted by part and offset.
func (w *WIM) Blobs() []*Blob {
	idx := w.index()
	out := make([]*Blob, 0, len(idx))
	for _, b := range idx {
		out = append(out, b)
	}
	sortBlobs(out)
	return out
}

// Blob looks a blob up by hash.
func (w *WIM) Blob(h SHA1) *Blob { return w.index()[h] }

// MetadataBlob is the metadata resource of image index (1-based).
func (w *WIM) MetadataBlob(index int) *Blob { return w.metas[index-1] }

// Metadata reads and parses the metadata resource of image index.
func (w *WIM) Metadata(index int) (*Metadata, error) {
	if index < 1 || index > len(w.metas) {
		return nil, fmt.Errorf("image %d does not exist (the WIM has %d)", index, len(w.metas))
	}
	b := w.metas[index-1]
	buf, err := w.readBlobAll(b, metadataLimit(b), fmt.Sprintf("metadata resource of image %d", index))
	if err != nil {
		return nil, err
	}
	if SHA1(sha1.Sum(buf)) != b.Hash {
		return nil, &BadBlobError{Hash: b.Hash, File: b.p.name, Offset: int64(b.Res.Offset), Err: fmt.Errorf("metadata resource of image %d has the wrong SHA-1", index)}
	}
	m, err := ParseMetadata(buf)
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.File = b.p.name
			fe.Where = fmt.Sprintf("metadata resource of image %d (file offset %d)", index, b.Res.Offset)
		}
		return nil, err
	}
	return m, nil
}

func (w *WIM) readBlobAll(b *Blob, limit uint64, what string) ([]byte, error) {
	if b.solid != nil {
		if b.Size() > limit {
			return nil, withFile(formatErr(int64(b.solid.res.Offset), "%s at %s declares %d bytes, more than the limit of %d", what, b.where(), b.Size(), limit), b.p.name)
		}
		buf := make([]byte, 0, b.Size())
		err := w.forEachSolid(b, nil, func(p []byte) error { buf = append(buf, p...); return nil })
		return buf, err
	}
	h := b.p.hdr
	buf, err := readResource(b.p.ra, b.Res, h.Compression(), h.ChunkSize, limit, what)
	return buf, withFile(err, b.p.name)
}

// OpenBlob streams the uncompressed content of a blob.
func (w *WIM) OpenBlob(b *Blob) (io.Reader, error) {
	if b.solid != nil {
		return &solidReader{w: w, b: b}, nil
	}
	h := b.p.hdr
	r, err := newResReader(b.p.ra, b.Res, h.Compression(), h.ChunkSize)
	if err != nil {
		return nil, withFile(err, b.p.name)
	}
	return r, nil
}

func indexAttr(i int) []xmlAttr {
	return []xmlAttr{{Name: xmlName{Local: "INDEX"}, Value: fmt.Sprint(i)}}
}

// ListImages opens path, returns what its XML says about every image and
// closes it again.
func ListImages(path string) ([]ImageInfo, error) {
	w, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	return w.Images(), nil
}
