package lzx

// A minimal WIM reader for the interop tests: just enough of the header,
// the blob table and the chunk tables to decompress every chunk of every
// blob and check its SHA-1 (reference §2-§4). The real reader is media/wim.

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
)

const (
	wimHdrFlagCompression = 0x2
	wimHdrFlagXPRESS      = 0x20000
	wimHdrFlagLZX         = 0x40000
	reshdrCompressed      = 0x04
	reshdrSolid           = 0x10
)

type wimReshdr struct {
	size, offset, orig uint64
	flags              byte
}

func parseReshdr(b []byte) wimReshdr {
	v := binary.LittleEndian.Uint64(b)
	return wimReshdr{
		size:   v & (1<<56 - 1),
		flags:  byte(v >> 56),
		offset: binary.LittleEndian.Uint64(b[8:]),
		orig:   binary.LittleEndian.Uint64(b[16:]),
	}
}

type wimStats struct {
	flags       uint32
	chunkSize   int
	blobs       int
	compressed  int // blobs stored compressed
	chunks      int // compressed chunks decoded
	rawChunks   int
	origBytes   uint64 // uncompressed bytes of all blobs
	storedBytes uint64 // bytes the blobs occupy in the file
	stored      map[[20]byte]uint64
}

// checkWIM decompresses every blob of the WIM at path with decompress and
// compares SHA-1s with the blob table.
func checkWIM(path string, decompress func(dst, src []byte) error) (wimStats, error) {
	st := wimStats{stored: map[[20]byte]uint64{}}
	f, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	if len(f) < 208 || !bytes.Equal(f[:8], []byte("MSWIM\x00\x00\x00")) {
		return st, fmt.Errorf("not a WIM")
	}
	st.flags = binary.LittleEndian.Uint32(f[0x10:])
	st.chunkSize = int(binary.LittleEndian.Uint32(f[0x14:]))
	if decompress == nil {
		cs := st.chunkSize
		decompress = func(dst, src []byte) error { return Decompress(dst, src, cs) }
	}
	bt := parseReshdr(f[0x30:])
	if bt.offset+bt.orig > uint64(len(f)) {
		return st, fmt.Errorf("blob table out of range")
	}
	table := f[bt.offset : bt.offset+bt.orig]
	for i := 0; i+50 <= len(table); i += 50 {
		e := table[i : i+50]
		rh := parseReshdr(e)
		var sum [20]byte
		copy(sum[:], e[30:50])
		if rh.orig == 0 || sum == [20]byte{} {
			continue
		}
		if rh.flags&reshdrSolid != 0 {
			return st, fmt.Errorf("solid resource at %d not supported", rh.offset)
		}
		if rh.offset+rh.size > uint64(len(f)) {
			return st, fmt.Errorf("blob at %d out of range", rh.offset)
		}
		res := f[rh.offset : rh.offset+rh.size]
		st.blobs++
		st.origBytes += rh.orig
		st.storedBytes += rh.size
		st.stored[sum] = rh.size
		var data []byte
		if rh.flags&reshdrCompressed == 0 {
			data = res
		} else {
			st.compressed++
			data = make([]byte, rh.orig)
			cs := uint64(st.chunkSize)
			n := (rh.orig + cs - 1) / cs
			ew := uint64(4)
			if rh.orig > 0xFFFFFFFF {
				ew = 8
			}
			tlen := (n - 1) * ew
			if tlen > uint64(len(res)) {
				return st, fmt.Errorf("chunk table out of range")
			}
			offs := make([]uint64, n+1)
			for c := uint64(1); c < n; c++ {
				p := (c - 1) * ew
				if ew == 4 {
					offs[c] = uint64(binary.LittleEndian.Uint32(res[p:]))
				} else {
					offs[c] = binary.LittleEndian.Uint64(res[p:])
				}
			}
			body := res[tlen:]
			offs[n] = uint64(len(body))
			for c := uint64(0); c < n; c++ {
				if offs[c] > offs[c+1] || offs[c+1] > uint64(len(body)) {
					return st, fmt.Errorf("bad chunk table entry %d", c)
				}
				in := body[offs[c]:offs[c+1]]
				out := data[c*cs : min((c+1)*cs, rh.orig)]
				if len(in) == len(out) {
					copy(out, in)
					st.rawChunks++
					continue
				}
				if err := decompress(out, in); err != nil {
					return st, fmt.Errorf("blob at %d chunk %d (%d→%d bytes): %v", rh.offset, c, len(in), len(out), err)
				}
				st.chunks++
			}
		}
		if got := sha1.Sum(data); got != sum {
			return st, fmt.Errorf("blob at %d: SHA-1 %x, want %x", rh.offset, got, sum)
		}
	}
	return st, nil
}
