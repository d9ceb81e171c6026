//go:build linux && (amd64 || arm64)

package wim

import "syscall"

// adviseHugePages asks Linux to back b (a solid chunk's buffer, tens of
// MiB written once per chunk) with transparent huge pages where the
// system allows them only on request ("madvise", Debian's default):
// faulting in 4 KiB pages was 12–13 % of an ESD verify's CPU. A refusal
// changes nothing but the speed.
func adviseHugePages(b []byte) {
	if len(b) >= 4<<20 {
		_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	}
}
