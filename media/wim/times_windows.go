//go:build windows

package wim

import (
	"syscall"
)

func setFileTimes(path string, d *Dentry, nofollow bool) error {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	flags := uint32(syscall.FILE_FLAG_BACKUP_SEMANTICS)
	if nofollow {
		flags |= 0x00200000 // FILE_FLAG_OPEN_REPARSE_POINT
	}
	h, err := syscall.CreateFile(p, syscall.FILE_WRITE_ATTRIBUTES, syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE, nil, syscall.OPEN_EXISTING, flags, 0)
	if err != nil {
		return err
	}
	defer syscall.CloseHandle(h)
	ft := func(t Filetime) *syscall.Filetime {
		return &syscall.Filetime{LowDateTime: uint32(t), HighDateTime: uint32(t >> 32)}
	}
	return syscall.SetFileTime(h, ft(d.CreationTime), ft(d.LastAccessTime), ft(d.LastWriteTime))
}
