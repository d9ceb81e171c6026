//go:build !linux && !windows

package usb

import "os"

// dropCache does nothing where devices are not written (macOS).
func dropCache(*os.File) {}
