//go:build !unix

package wim

import (
	"io"
	"os"
)

func openExcl(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
}

func openRead(path string) (*os.File, error) { return os.Open(path) }

func openReader(path string) (io.ReadCloser, error) { return os.Open(path) }

type osOut struct{ *os.File }

// setTimes is not done on the open file here: the times are set by path
// once every file is written.
func (osOut) setTimes(*Dentry) bool { return false }

func createOut(path string) (outputFile, error) {
	f, err := createFile(path)
	if err != nil {
		return nil, err
	}
	return osOut{f}, nil
}
