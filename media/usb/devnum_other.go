//go:build !linux

package usb

import (
	"errors"
	"runtime"
)

// blockDevNum: only Linux resolves device paths this way (Windows names
// physical drives, macOS writes no devices).
func blockDevNum(path string) (string, bool, error) {
	return "", false, errors.New("block devices are written on Linux and Windows only, not on " + runtime.GOOS)
}

// exclusive: no extra open flag (Windows locks the volumes instead).
const exclusive = 0
