package wim

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"io"
)

// IntegrityError reports a region whose integrity-table hash differs.
type IntegrityError struct {
	File       string
	Chunk      int
	Start, End int64
}

func (e *IntegrityError) Error() string {
	return fmt.Sprintf("%s: integrity check failed for bytes %d..%d (chunk %d): the file is corrupt", e.File, e.Start, e.End, e.Chunk)
}

// integrityTable decodes the table and checks it against the header.
func parseIntegrity(b []byte, at int64, blobTableEnd int64) (chunk uint32, hashes []SHA1, err error) {
	le := binary.LittleEndian
	if len(b) < 12 {
		return 0, nil, formatErr(at, "integrity table of %d bytes is too short", len(b))
	}
	size, n, cs := le.Uint32(b), le.Uint32(b[4:]), le.Uint32(b[8:])
	if uint64(size) != uint64(len(b)) || uint64(n) != (uint64(len(b))-12)/20 || 12+20*uint64(n) != uint64(len(b)) {
		return 0, nil, formatErr(at, "integrity table sizes disagree (size %d, %d entries, resource %d bytes)", size, n, len(b))
	}
	if cs == 0 {
		return 0, nil, formatErr(at+8, "integrity table chunk size is 0")
	}
	covered := blobTableEnd - HeaderSize
	if covered < 0 {
		covered = 0
	}
	want := (uint64(covered) + uint64(cs) - 1) / uint64(cs)
	if want != uint64(n) {
		return 0, nil, formatErr(at+4, "integrity table has %d entries but %d bytes at chunk size %d need %d", n, covered, cs, want)
	}
	hashes = make([]SHA1, n)
	for i := range hashes {
		copy(hashes[i][:], b[12+20*i:])
	}
	return cs, hashes, nil
}

// buildIntegrity hashes [HeaderSize, end) of ra in 10 MiB chunks.
func buildIntegrity(ra io.ReaderAt, end int64, prog *progressTracker) ([]byte, error) {
	cs := int64(integrityChunkSize)
	n := (end - HeaderSize + cs - 1) / cs
	if end <= HeaderSize {
		n = 0
	}
	out := make([]byte, 12+20*n)
	le := binary.LittleEndian
	le.PutUint32(out, uint32(len(out)))
	le.PutUint32(out[4:], uint32(n))
	le.PutUint32(out[8:], uint32(cs))
	buf := make([]byte, cs)
	for i := int64(0); i < n; i++ {
		start := HeaderSize + i*cs
		l := min(cs, end-start)
		if _, err := ra.ReadAt(buf[:l], start); err != nil {
			return nil, err
		}
		s := sha1.Sum(buf[:l])
		copy(out[12+20*i:], s[:])
		prog.add(uint64(l), 0, "")
	}
	return out, nil
}

// CheckIntegrity checks every part's integrity table. present is false when
// no part has one.
func (w *WIM) CheckIntegrity(fn ProgressFunc) (present bool, err error) {
	var total uint64
	for _, p := range w.parts {
		if p.hdr.Integrity.OrigSize > 0 {
			total += p.hdr.BlobTable.Offset + p.hdr.BlobTable.Size - HeaderSize
		}
	}
	if total == 0 {
		fn = nil
	}
	prog := newTracker(fn, "integrity", total, 0)
	defer prog.finish()
	for _, p := range w.parts {
		res := p.hdr.Integrity
		if res.OrigSize == 0 {
			continue
		}
		present = true
		if res.OrigSize > 64<<20 {
			return true, withFile(formatErr(0x7C, "integrity table of %d bytes is too large", res.OrigSize), p.name)
		}
		b := make([]byte, res.OrigSize)
		if _, err := p.ra.ReadAt(b, int64(res.Offset)); err != nil {
			return true, withFile(formatErr(int64(res.Offset), "reading integrity table: %v", err), p.name)
		}
		end := int64(p.hdr.BlobTable.Offset + p.hdr.BlobTable.Size)
		cs, hashes, err := parseIntegrity(b, int64(res.Offset), end)
		if err != nil {
			return true, withFile(err, p.name)
		}
		if end > p.size {
			return true, withFile(formatErr(0x30, "blob table ends at %d, past the end of the file", end), p.name)
		}
		buf := make([]byte, min(int64(cs), 16<<20))
		for i, want := range hashes {
			start := HeaderSize + int64(i)*int64(cs)
			stop := min(start+int64(cs), end)
			h := sha1.New()
			for pos := start; pos < stop; {
				l := min(int64(len(buf)), stop-pos)
				if _, err := p.ra.ReadAt(buf[:l], pos); err != nil {
					return true, err
				}
				h.Write(buf[:l])
				pos += l
				prog.add(uint64(l), 0, "")
			}
			var got SHA1
			h.Sum(got[:0])
			if got != want {
				return true, &IntegrityError{File: p.name, Chunk: i, Start: start, End: stop}
			}
		}
	}
	return present, nil
}
