//go:build !linux && !windows

package engine

import "syscall"

// dieWithParent: no parent-death signal here; a resume ends the group.
func dieWithParent(*syscall.SysProcAttr) {}

// processStart is unknown here.
func processStart(int) uint64 { return 0 }
