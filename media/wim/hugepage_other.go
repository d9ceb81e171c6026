//go:build !(linux && (amd64 || arm64))

package wim

// adviseHugePages: see hugepage_linux.go; elsewhere the system decides.
func adviseHugePages([]byte) {}
