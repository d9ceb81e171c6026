//go:build !unix

package wim

import "os"

func openExcl(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
}

func openRead(path string) (*os.File, error) { return os.Open(path) }
