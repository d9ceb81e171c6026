package wim

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf16"
)

// symlinkFlagRelative marks a relative symbolic link.
const symlinkFlagRelative = 1

// parseLinkReparse decodes symlink or junction reparse data (as stored in
// a WIM: without the 8-byte reparse header) and returns the target in the
// host's form ('/' separators, drive prefixes removed on Unix) and whether
// it is relative.
func parseLinkReparse(tag uint32, data []byte) (target string, relative bool, err error) {
	le := binary.LittleEndian
	hdr := 8
	if tag == ReparseTagSymlink {
		hdr = 12
	} else if tag != ReparseTagMountPoint {
		return "", false, fmt.Errorf("reparse tag 0x%08x is not a link", tag)
	}
	if len(data) < hdr {
		return "", false, fmt.Errorf("reparse data of %d bytes is too short", len(data))
	}
	subOff, subLen := int(le.Uint16(data)), int(le.Uint16(data[2:]))
	prOff, prLen := int(le.Uint16(data[4:])), int(le.Uint16(data[6:]))
	if tag == ReparseTagSymlink {
		relative = le.Uint32(data[8:])&symlinkFlagRelative != 0
	}
	buf := data[hdr:]
	get := func(off, n int) (string, bool) {
		if off%2 != 0 || n%2 != 0 || off+n > len(buf) {
			return "", false
		}
		return string(utf16.Decode(utf16le(buf[off : off+n]))), true
	}
	s, ok := get(subOff, subLen)
	if !ok || s == "" {
		s, ok = get(prOff, prLen)
	}
	if !ok || s == "" {
		return "", false, fmt.Errorf("reparse data holds no target")
	}
	if !relative {
		s = strings.TrimPrefix(s, `\??\`)
		if len(s) >= 2 && s[1] == ':' {
			s = s[2:]
		}
		if !strings.HasPrefix(s, `\`) {
			s = `\` + s
		}
	}
	if runtime.GOOS == "windows" {
		return strings.ReplaceAll(s, `\`, "/"), relative, nil
	}
	// '\' and '/' trade places, as makeSymlinkReparse stored them (and
	// as wimlib does): a '\' in a Unix target comes back as it was.
	return swapSlashes(s), relative, nil
}

// swapSlashes exchanges '/' and the backslash.
func swapSlashes(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '\\'
		case '\\':
			return '/'
		}
		return r
	}, s)
}

// makeSymlinkReparse encodes a host symlink target as WIM symlink reparse
// data, in the form wimlib writes: relative targets keep their relative
// path, absolute ones become \??\C:\... with print name C:\.... On Unix a
// target is absolute only when it starts with '/' ("C:/x" is a relative
// name there), and '/' and '\' trade places so that both survive.
func makeSymlinkReparse(target string) []byte {
	var t string
	var relative bool
	if runtime.GOOS == "windows" {
		t = strings.ReplaceAll(target, "/", `\`)
		relative = !strings.HasPrefix(t, `\`) && !(len(t) >= 2 && t[1] == ':')
	} else {
		relative = !strings.HasPrefix(target, "/")
		t = swapSlashes(target)
	}
	sub, print := t, t
	var flags uint32
	if relative {
		flags = symlinkFlagRelative
	} else {
		if strings.HasPrefix(t, `\`) {
			print = `C:` + t
		}
		sub = `\??\` + print
	}
	s16, p16 := utf16.Encode([]rune(sub)), utf16.Encode([]rune(print))
	out := make([]byte, 12+2*len(s16)+2+2*len(p16)+2)
	le := binary.LittleEndian
	le.PutUint16(out[0:], 0)
	le.PutUint16(out[2:], uint16(2*len(s16)))
	le.PutUint16(out[4:], uint16(2*len(s16)+2))
	le.PutUint16(out[6:], uint16(2*len(p16)))
	le.PutUint32(out[8:], flags)
	p := 12
	for _, c := range s16 {
		le.PutUint16(out[p:], c)
		p += 2
	}
	p += 2
	for _, c := range p16 {
		le.PutUint16(out[p:], c)
		p += 2
	}
	return out
}
