package wim

import "encoding/binary"

// wimlib's "tagged items" follow a dentry's names: u32 tag, u32 length,
// the data, padding to 8 bytes. wimlib-imagex capture --unix-data stores
// the owner, group, mode and device number of each file under this tag
// (checked against wimlib-imagex 1.13.5 output: a FIFO is an empty
// regular-looking entry whose mode says S_IFIFO).
const tagUnixData = 0x337DD873

// UnixData is the UNIX metadata wimlib-imagex --unix-data keeps.
type UnixData struct {
	UID, GID, Mode, Rdev uint32
}

// UNIX file types in Mode.
const (
	unixTypeMask = 0o170000
	unixFIFO     = 0o010000
	unixChar     = 0o020000
	unixDir      = 0o040000
	unixBlock    = 0o060000
	unixRegular  = 0o100000
	unixSymlink  = 0o120000
	unixSocket   = 0o140000
)

// UnixData returns the entry's UNIX data, if the image carries it.
func (d *Dentry) UnixData() (UnixData, bool) {
	b := d.Tagged
	le := binary.LittleEndian
	for len(b) >= 8 {
		tag, n := le.Uint32(b), int(le.Uint32(b[4:]))
		if n < 0 || n > len(b)-8 {
			return UnixData{}, false
		}
		if tag == tagUnixData && n >= 16 {
			v := b[8:]
			return UnixData{UID: le.Uint32(v), GID: le.Uint32(v[4:]), Mode: le.Uint32(v[8:]), Rdev: le.Uint32(v[12:])}, true
		}
		adv := 8 + (n+7)&^7
		if adv > len(b) {
			return UnixData{}, false
		}
		b = b[adv:]
	}
	return UnixData{}, false
}

// special reports a file type that is neither a regular file, a folder
// nor a link ("" when the entry is one of those or carries no UNIX data).
func (u UnixData) special() string {
	switch u.Mode & unixTypeMask {
	case unixFIFO:
		return "named pipe (FIFO)"
	case unixChar:
		return "character device"
	case unixBlock:
		return "block device"
	case unixSocket:
		return "socket"
	}
	return ""
}
