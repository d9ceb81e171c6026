//go:build windows

package engine

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// processStart is the process's creation time (FILETIME), 0 when unknown.
func processStart(pid int) uint64 {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return 0
	}
	defer windows.CloseHandle(h)
	var c, e, k, u windows.Filetime
	if windows.GetProcessTimes(h, &c, &e, &k, &u) != nil {
		return 0
	}
	return uint64(c.HighDateTime)<<32 | uint64(c.LowDateTime)
}

// EndProcessGroup ends a process a dead engine left running. The job
// object each command runs in ends its whole tree when the engine's
// handle closes (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), so normally
// nothing is left; this ends the recorded process if it still runs and
// is the same process (same creation time).
func (l *live) EndProcessGroup(p ProcessRef) (bool, error) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION|windows.PROCESS_TERMINATE|windows.SYNCHRONIZE, false, uint32(p.PID))
	if err != nil {
		return false, nil // gone
	}
	defer windows.CloseHandle(h)
	var code uint32
	if windows.GetExitCodeProcess(h, &code) == nil && code != 259 { // STILL_ACTIVE
		return false, nil
	}
	var c, e, k, u windows.Filetime
	if windows.GetProcessTimes(h, &c, &e, &k, &u) == nil && p.Start != 0 && uint64(c.HighDateTime)<<32|uint64(c.LowDateTime) != p.Start {
		return false, nil
	}
	if err := windows.TerminateProcess(h, uint32(CodeCancelled)); err != nil {
		return false, err
	}
	return true, nil
}

// killOnClose makes the job end every process in it when its last
// handle closes: the engine holds the only one, so its death ends the
// command's whole tree.
func killOnClose(job windows.Handle) error {
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	_, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation, uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)))
	return err
}

// memoryStatusEx is MEMORYSTATUSEX.
type memoryStatusEx struct {
	Length               uint32
	MemoryLoad           uint32
	TotalPhys            uint64
	AvailPhys            uint64
	TotalPageFile        uint64
	AvailPageFile        uint64
	TotalVirtual         uint64
	AvailVirtual         uint64
	AvailExtendedVirtual uint64
}

var procGlobalMemoryStatusEx = windows.NewLazySystemDLL("kernel32.dll").NewProc("GlobalMemoryStatusEx")

// Memory asks GlobalMemoryStatusEx.
func (l *live) Memory() (available, total uint64, err error) {
	var m memoryStatusEx
	m.Length = uint32(unsafe.Sizeof(m))
	if r, _, e := procGlobalMemoryStatusEx.Call(uintptr(unsafe.Pointer(&m))); r == 0 {
		return 0, 0, e
	}
	return m.AvailPhys, m.TotalPhys, nil
}
