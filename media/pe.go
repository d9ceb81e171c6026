package media

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// PE machine types.
var peMachines = map[uint16]string{
	0x014c: "x86",
	0x8664: "x64",
	0xaa64: "arm64",
}

// ExeArch returns the architecture of a Windows executable (PE file).
func ExeArch(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var dos [64]byte
	if _, err := io.ReadFull(f, dos[:]); err != nil || dos[0] != 'M' || dos[1] != 'Z' {
		return "", fmt.Errorf("%s is not a Windows executable (no MZ header)", path)
	}
	off := int64(binary.LittleEndian.Uint32(dos[60:]))
	var hdr [6]byte
	if _, err := f.ReadAt(hdr[:], off); err != nil || string(hdr[:4]) != "PE\x00\x00" {
		return "", fmt.Errorf("%s is not a Windows executable (no PE header at offset %d)", path, off)
	}
	m := binary.LittleEndian.Uint16(hdr[4:])
	arch, ok := peMachines[m]
	if !ok {
		return "", fmt.Errorf("%s is for machine type %#04x, not x86, x64 or arm64", path, m)
	}
	return arch, nil
}
