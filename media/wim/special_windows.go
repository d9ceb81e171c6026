//go:build windows

package wim

import (
	"errors"
	"os"
)

// canMakeFIFO: Windows has no named pipes in the file system, and no UNIX
// modes; special files of a --unix-data image are skipped with a warning.
const canMakeFIFO = false

func makeFIFO(string) error { return errors.New("named pipes cannot be created on Windows") }

func unixModeBits(uint32) os.FileMode { return 0 }
