package wim

import (
	"io"
	"os"
)

// outFile is a buffered writer over an *os.File that tracks its logical
// offset and can rewind (to drop a duplicate blob) or patch earlier bytes.
type outFile struct {
	f       *os.File
	buf     []byte
	flushed int64 // file offset of buf[0]
}

func newOutFile(f *os.File, at int64) *outFile {
	return &outFile{f: f, buf: make([]byte, 0, 4<<20), flushed: at}
}

func (o *outFile) offset() int64 { return o.flushed + int64(len(o.buf)) }

func (o *outFile) write(p []byte) error {
	if len(p) >= 256<<10 { // large pieces go straight to the file: no extra copy
		if err := o.flush(); err != nil {
			return err
		}
		if _, err := o.f.WriteAt(p, o.flushed); err != nil {
			return err
		}
		o.flushed += int64(len(p))
		return nil
	}
	if len(o.buf)+len(p) > cap(o.buf) {
		if err := o.flush(); err != nil {
			return err
		}
		if len(p) >= cap(o.buf) {
			if _, err := o.f.WriteAt(p, o.flushed); err != nil {
				return err
			}
			o.flushed += int64(len(p))
			return nil
		}
	}
	o.buf = append(o.buf, p...)
	return nil
}

func (o *outFile) flush() error {
	if len(o.buf) == 0 {
		return nil
	}
	if _, err := o.f.WriteAt(o.buf, o.flushed); err != nil {
		return err
	}
	o.flushed += int64(len(o.buf))
	o.buf = o.buf[:0]
	return nil
}

// seek moves the logical offset back to at (discarding anything after it).
func (o *outFile) seek(at int64) error {
	if at >= o.flushed && at <= o.offset() {
		o.buf = o.buf[:at-o.flushed]
		return nil
	}
	if err := o.flush(); err != nil {
		return err
	}
	o.flushed = at
	return nil
}

// writeAt patches bytes already written.
func (o *outFile) writeAt(p []byte, at int64) error {
	if at >= o.flushed && at+int64(len(p)) <= o.offset() {
		copy(o.buf[at-o.flushed:], p) // still buffered: patch in place
		return nil
	}
	if err := o.flush(); err != nil {
		return err
	}
	_, err := o.f.WriteAt(p, at)
	return err
}

// copyFrom appends n bytes read from ra at off, reading straight into the
// buffer (a raw copy of a stored resource: no intermediate buffer).
func (o *outFile) copyFrom(ra io.ReaderAt, off, n int64) error {
	for n > 0 {
		if free := int64(cap(o.buf) - len(o.buf)); free < min(n, 64<<10) {
			if err := o.flush(); err != nil {
				return err
			}
		}
		k := min(n, int64(cap(o.buf)-len(o.buf)))
		at := len(o.buf)
		o.buf = o.buf[:at+int(k)]
		if _, err := ra.ReadAt(o.buf[at:], off); err != nil {
			o.buf = o.buf[:at]
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		off += k
		n -= k
	}
	return nil
}
