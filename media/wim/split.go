package wim

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/refimage/refimage/internal/tempfile"
)

// SplitPartNames returns the names of a split set: OUT.swm, OUT2.swm, ...
func SplitPartNames(first string, n int) []string {
	ext := filepath.Ext(first)
	base := strings.TrimSuffix(first, ext)
	out := []string{first}
	for i := 2; i <= n; i++ {
		out = append(out, base+strconv.Itoa(i)+ext)
	}
	return out
}

// Split writes wimPath as a split set whose parts hold at most partSize
// bytes of resources each (a single resource larger than that gets a part
// of its own). Part 1 holds the metadata. Resources are copied raw.
func Split(wimPath, firstPart string, partSize uint64, fn ProgressFunc) ([]string, error) {
	return SplitContext(context.Background(), wimPath, firstPart, partSize, fn)
}

// SplitContext is Split that ctx cancels: a cancelled split removes the
// parts it wrote and its temporary file.
func SplitContext(ctx context.Context, wimPath, firstPart string, partSize uint64, fn ProgressFunc) ([]string, error) {
	if partSize == 0 {
		return nil, fmt.Errorf("part size must be positive")
	}
	w, err := Open(wimPath)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	if w.Header.TotalParts > 1 {
		return nil, fmt.Errorf("%s is already split", wimPath)
	}
	if w.Compression() == CompressLZMS || w.Header.Version == versionSolid {
		return nil, fmt.Errorf("cannot split %s: %w", wimPath, ErrSolid)
	}
	type entry struct {
		b    *Blob
		meta bool
	}
	var parts [][]entry
	cur, size := []entry(nil), uint64(0)
	for _, b := range w.metas {
		cur = append(cur, entry{b, true})
		size += b.Res.Size
	}
	blobs := w.Blobs()
	for _, b := range blobs {
		if len(cur) > 0 && size+b.Res.Size > partSize {
			parts = append(parts, cur)
			cur, size = nil, 0
		}
		cur = append(cur, entry{b, false})
		size += b.Res.Size
	}
	parts = append(parts, cur)
	names := SplitPartNames(firstPart, len(parts))
	var total uint64
	for _, b := range blobs {
		total += b.Size()
	}
	prog := newTracker(fn, "split", total, uint64(len(blobs)))
	var guid [16]byte
	rand.Read(guid[:])
	integrity := w.Header.Integrity.OrigSize > 0
	var temps []string
	fail := func(err error) ([]string, error) {
		for _, t := range temps {
			os.Remove(t)
		}
		return nil, err
	}
	for pi, ents := range parts {
		tmp, err := writePart(w, names[pi], pi+1, len(parts), guid, integrity, func(wr *writer) ([]BlobEntry, error) {
			var tab []BlobEntry
			for _, e := range ents {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				s := &blobSrc{kind: srcWIM, wim: w, blob: e.b, size: e.b.Size(), hash: e.b.Hash, hashed: true, meta: e.meta}
				if err := wr.copyRaw(s); err != nil {
					return nil, err
				}
				var res ResHdr
				if e.meta {
					res = wr.meta[len(wr.meta)-1].res
				} else {
					res = wr.written[e.b.Hash]
				}
				tab = append(tab, BlobEntry{Res: res, PartNumber: uint16(pi + 1), RefCount: e.b.RefCount, Hash: e.b.Hash})
				prog.add(0, 1, "")
			}
			return tab, nil
		})
		if err != nil {
			return fail(err)
		}
		temps = append(temps, tmp)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	for i, tmp := range temps {
		if err := os.Rename(tmp, names[i]); err != nil {
			for _, n := range names[:i] {
				os.Remove(n)
			}
			return fail(err)
		}
	}
	syncDir(filepath.Dir(firstPart))
	prog.finish()
	return names, nil
}

// writePart writes one part of a split set to a temporary file beside
// path and returns its name: Split renames the parts into place only
// when all are written, so that a killed split leaves no part under the
// requested names.
func writePart(w *WIM, path string, part, total int, guid [16]byte, integrity bool, body func(*writer) ([]BlobEntry, error)) (_ string, err error) {
	dir := filepath.Dir(path)
	if part == 1 {
		tempfile.Sweep(dir)
	}
	f, err := os.CreateTemp(dir, tempfile.Pattern(filepath.Base(path), ".tmp"))
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	hdr := w.Header
	hdr.GUID = guid
	hdr.PartNumber, hdr.TotalParts = uint16(part), uint16(total)
	hdr.Flags = (hdr.Flags | HdrFlagSpanned) &^ HdrFlagWriteInProgress
	hdr.BootIndex, hdr.BootMeta, hdr.Integrity = 0, ResHdr{}, ResHdr{}
	ph := hdr
	ph.Flags |= HdrFlagWriteInProgress
	if _, err := f.WriteAt(ph.Marshal(), 0); err != nil {
		return "", err
	}
	wr := newWriter(f, w.Compression(), int(w.Header.ChunkSize), 1, nil)
	tab, err := body(wr)
	if err != nil {
		return "", err
	}
	sort.SliceStable(tab, func(i, j int) bool {
		mi, mj := tab[i].Res.Flags&ResFlagMetadata != 0, tab[j].Res.Flags&ResFlagMetadata != 0
		if mi != mj {
			return mi
		}
		if mi {
			return false
		}
		return tab[i].Res.Offset < tab[j].Res.Offset
	})
	buf := make([]byte, len(tab)*blobEntrySize)
	for i := range tab {
		tab[i].put(buf[i*blobEntrySize:])
	}
	tabOff := wr.out.offset()
	if err := wr.out.write(buf); err != nil {
		return "", err
	}
	hdr.BlobTable = ResHdr{Size: uint64(len(buf)), Flags: ResFlagMetadata, Offset: uint64(tabOff), OrigSize: uint64(len(buf))}
	xmlOff := wr.out.offset()
	x := cloneXML(w.xml)
	x.set("TOTALBYTES", strconv.FormatInt(xmlOff, 10))
	xb := encodeXML(x)
	if err := wr.out.write(xb); err != nil {
		return "", err
	}
	hdr.XML = ResHdr{Size: uint64(len(xb)), Flags: ResFlagMetadata, Offset: uint64(xmlOff), OrigSize: uint64(len(xb))}
	if part == 1 && w.Header.BootIndex > 0 {
		hdr.BootIndex = w.Header.BootIndex
		for _, m := range wr.meta {
			if m.hash == w.metas[w.Header.BootIndex-1].Hash {
				hdr.BootMeta = m.res
			}
		}
	}
	if err := wr.out.flush(); err != nil {
		return "", err
	}
	if integrity {
		it, err := buildIntegrity(f, tabOff+int64(len(buf)), nil)
		if err != nil {
			return "", err
		}
		at := wr.out.offset()
		if err := wr.out.write(it); err != nil {
			return "", err
		}
		hdr.Integrity = ResHdr{Size: uint64(len(it)), Offset: uint64(at), OrigSize: uint64(len(it))}
		if err := wr.out.flush(); err != nil {
			return "", err
		}
	}
	if err := f.Truncate(wr.out.offset()); err != nil {
		return "", err
	}
	if _, err := f.WriteAt(hdr.Marshal(), 0); err != nil {
		return "", err
	}
	if err := f.Chmod(0o644); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return tmp, nil
}
