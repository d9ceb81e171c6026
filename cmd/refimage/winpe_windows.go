//go:build windows

package main

import "golang.org/x/sys/windows/registry"

// inWinPE reports whether this is Windows PE: it has the MiniNT key.
func inWinPE() bool {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Control\MiniNT`, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	k.Close()
	return true
}
