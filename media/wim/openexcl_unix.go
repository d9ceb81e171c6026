//go:build unix

package wim

import (
	"io"
	"os"
	"syscall"
)

// openExcl creates a new file for writing. A raw open plus os.NewFile skips
// the poller registration os.OpenFile does (an fcntl and epoll_ctl per
// file), which counts when applying tens of thousands of files.
func openExcl(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

// openRead opens a file for reading without poller registration.
func openRead(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

// fdReader reads a file through its bare descriptor: no *os.File, so no
// fcntl, poller registration or finalizer per file (a capture opens every
// file of the tree once).
type fdReader struct {
	fd   int
	path string
}

// openReader opens a file for reading as an fdReader.
func openReader(path string) (io.ReadCloser, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return &fdReader{fd: fd, path: path}, nil
	}
}

func (r *fdReader) Read(p []byte) (int, error) {
	if r.fd < 0 {
		return 0, os.ErrClosed
	}
	for {
		n, err := syscall.Read(r.fd, p)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, &os.PathError{Op: "read", Path: r.path, Err: err}
		}
		if n == 0 && len(p) > 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

func (r *fdReader) Close() error { return closeFD(&r.fd, r.path) }

// closeFD closes a bare descriptor once (-1 afterwards: a second Close is
// os.ErrClosed, as for an *os.File).
func closeFD(fd *int, path string) error {
	if *fd < 0 {
		return os.ErrClosed
	}
	err := syscall.Close(*fd)
	*fd = -1
	if err != nil {
		return &os.PathError{Op: "close", Path: path, Err: err}
	}
	return nil
}

// fdWriter writes a new file through its bare descriptor (no fcntl,
// poller registration or finalizer per file, as for fdReader).
type fdWriter struct {
	fd   int
	path string
}

// createOut creates path for writing (see createFile).
func createOut(path string) (outputFile, error) {
	var w *fdWriter
	err := replaceWith(path, func() error {
		for {
			fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				return &os.PathError{Op: "open", Path: path, Err: err}
			}
			w = &fdWriter{fd: fd, path: path}
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

func (w *fdWriter) Write(p []byte) (int, error) {
	if w.fd < 0 {
		return 0, os.ErrClosed
	}
	done := 0
	for done < len(p) {
		n, err := syscall.Write(w.fd, p[done:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return done, &os.PathError{Op: "write", Path: w.path, Err: err}
		}
		if n == 0 {
			return done, &os.PathError{Op: "write", Path: w.path, Err: io.ErrShortWrite}
		}
		done += n
	}
	return done, nil
}

func (w *fdWriter) Close() error { return closeFD(&w.fd, w.path) }

// setTimes sets d's access and write times on the open file when the
// system can (saving a path lookup per file later).
func (w *fdWriter) setTimes(d *Dentry) bool { return w.fd >= 0 && fdSetTimes(w.fd, d) }
