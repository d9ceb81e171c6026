package iso

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// chunkSize is the unit of copying, of cancellation checks and of progress
// reports.
const chunkSize = 1 << 20

// sparseWriter writes the image front to back at its logical offset and
// skips chunks of zeros, leaving holes.
type sparseWriter struct {
	ctx      context.Context
	f        *os.File
	off      int64
	total    int64
	progress func(done, total int64)
	zero     []byte
}

func (w *sparseWriter) report() {
	if w.progress != nil {
		w.progress(w.off, w.total)
	}
}

// write writes p at the current offset (p is at most chunkSize).
func (w *sparseWriter) write(p []byte) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if !bytes.Equal(p, w.zero[:len(p)]) {
		if _, err := w.f.WriteAt(p, w.off); err != nil {
			return fmt.Errorf("iso: write: %w", err)
		}
	}
	w.off += int64(len(p))
	w.report()
	return nil
}

// writeAll writes b in chunks.
func (w *sparseWriter) writeAll(b []byte) error {
	for len(b) > 0 {
		n := min(len(b), chunkSize)
		if err := w.write(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// skipTo advances to sector lba (the gap is zeros).
func (w *sparseWriter) skipTo(lba int64) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	to := lba * sectorSize
	if to < w.off {
		return fmt.Errorf("iso: internal error: layout overlaps at sector %d", lba)
	}
	w.off = to
	return nil
}

// write writes the laid-out image to f.
func (img *image) write(ctx context.Context, f *os.File, progress func(done, total int64)) error {
	w := &sparseWriter{ctx: ctx, f: f, total: img.totalSectors * sectorSize,
		progress: progress, zero: make([]byte, chunkSize)}
	w.report()
	steps := []struct {
		lba  int64
		data func() ([]byte, error)
	}{
		{16, func() ([]byte, error) { return img.volumeDescriptor(false), nil }},
	}
	add := func(lba uint32, data func() ([]byte, error)) {
		steps = append(steps, struct {
			lba  int64
			data func() ([]byte, error)
		}{int64(lba), data})
	}
	if img.catalogLBA != 0 {
		add(17, func() ([]byte, error) { return img.bootRecord(), nil })
	}
	add(img.svdLBA, func() ([]byte, error) { return img.volumeDescriptor(true), nil })
	add(img.svdLBA+1, func() ([]byte, error) { return terminator(), nil })
	for i, id := range []string{"BEA01", "NSR02", "TEA01"} {
		add(img.vrsLBA+uint32(i), func() ([]byte, error) { return vrs(id), nil })
	}
	add(udfMVDS, func() ([]byte, error) { return img.udfVDS(udfMVDS), nil })
	add(udfRVDS, func() ([]byte, error) { return img.udfVDS(udfRVDS), nil })
	add(udfLVID, func() ([]byte, error) { return img.udfIntegrity(), nil })
	add(udfAnchor, func() ([]byte, error) { return img.udfAnchorAt(udfAnchor), nil })
	add(img.udfPart, func() ([]byte, error) { return img.udfFileSet(), nil })
	for _, n := range img.udfFEs {
		add(n.udfFE, func() ([]byte, error) { return img.udfFileEntry(n), nil })
	}
	if img.catalogLBA != 0 {
		add(img.catalogLBA, img.catalog)
	}
	add(img.pPathL, func() ([]byte, error) { return img.pathTable(false, false), nil })
	add(img.pPathM, func() ([]byte, error) { return img.pathTable(false, true), nil })
	add(img.jPathL, func() ([]byte, error) { return img.pathTable(true, false), nil })
	add(img.jPathM, func() ([]byte, error) { return img.pathTable(true, true), nil })
	for _, d := range img.pDirs {
		add(d.pLBA, func() ([]byte, error) { return img.dirExtent(d, false), nil })
	}
	for _, d := range img.jDirs {
		add(d.jLBA, func() ([]byte, error) { return img.dirExtent(d, true), nil })
	}
	for _, d := range img.jDirs {
		add(d.udfDirLBA, func() ([]byte, error) { return img.udfDirectory(d), nil })
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].lba < steps[j].lba })
	for _, s := range steps {
		if err := w.skipTo(s.lba); err != nil {
			return err
		}
		b, err := s.data()
		if err != nil {
			return err
		}
		if err := w.writeAll(b); err != nil {
			return err
		}
	}
	buf := make([]byte, chunkSize)
	for _, n := range img.files {
		if n.file.Size == 0 {
			continue
		}
		if err := w.skipTo(int64(n.lba)); err != nil {
			return err
		}
		if err := copyFile(w, n, buf); err != nil {
			return err
		}
	}
	if err := w.skipTo(int64(img.udfAnchor2)); err != nil {
		return err
	}
	if err := w.writeAll(img.udfAnchorAt(img.udfAnchor2)); err != nil {
		return err
	}
	if err := f.Truncate(w.total); err != nil {
		return fmt.Errorf("iso: %w", err)
	}
	w.report()
	return nil
}

// copyFile streams one source file into the image.
func copyFile(w *sparseWriter, n *node, buf []byte) error {
	f := n.file
	src, err := os.Open(f.Source)
	if err != nil {
		return fmt.Errorf("iso: %s: %w", f.Path, err)
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return fmt.Errorf("iso: %s: %w", f.Path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("iso: %s: source %s is not a regular file", f.Path, f.Source)
	}
	if fi.Size() != f.Size {
		return fmt.Errorf("iso: %s: source %s has %d bytes, expected %d (changed since it was listed?)", f.Path, f.Source, fi.Size(), f.Size)
	}
	for rest := f.Size; rest > 0; {
		k := int(min(rest, int64(len(buf))))
		if _, err := io.ReadFull(src, buf[:k]); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return fmt.Errorf("iso: %s: source %s ended early (changed while writing?)", f.Path, f.Source)
			}
			return fmt.Errorf("iso: %s: %w", f.Path, err)
		}
		if err := w.write(buf[:k]); err != nil {
			return err
		}
		rest -= int64(k)
	}
	return nil
}
