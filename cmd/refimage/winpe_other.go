//go:build !windows

package main

// inWinPE is false outside Windows (REFIMAGE_WINPE=1 pretends, for tests).
func inWinPE() bool { return false }
