// Package wimtest holds helpers for the codec packages' tests: a minimal
// WIM reader, just enough of the header, the blob table and the chunk tables
// to decompress every chunk of every blob and check its SHA-1 (reference
// §2-§4; the real reader is media/wim), and realistic test data from GOROOT.
package wimtest

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

const (
	HdrFlagCompression = 0x2
	HdrFlagXPRESS      = 0x20000
	HdrFlagLZX         = 0x40000
	ResFlagCompressed  = 0x04
	ResFlagSolid       = 0x10
)

type ResHdr struct {
	Size, Offset, Orig uint64
	Flags              byte
}

func ParseResHdr(b []byte) ResHdr {
	v := binary.LittleEndian.Uint64(b)
	return ResHdr{
		Size:   v & (1<<56 - 1),
		Flags:  byte(v >> 56),
		Offset: binary.LittleEndian.Uint64(b[8:]),
		Orig:   binary.LittleEndian.Uint64(b[16:]),
	}
}

type Stats struct {
	Flags       uint32
	ChunkSize   int
	Blobs       int
	Compressed  int // blobs stored compressed
	Chunks      int // compressed chunks decoded
	RawChunks   int
	OrigBytes   uint64              // uncompressed bytes of all blobs
	StoredBytes uint64              // bytes the blobs occupy in the file
	Stored      map[[20]byte]uint64 // stored size of each blob by SHA-1
}

// CheckWIM decompresses every blob of the WIM at path with decompress
// (given the WIM's chunk size) and compares SHA-1s with the blob table.
func CheckWIM(path string, decompress func(dst, src []byte, chunkSize int) error) (Stats, error) {
	st := Stats{Stored: map[[20]byte]uint64{}}
	f, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	if len(f) < 208 || !bytes.Equal(f[:8], []byte("MSWIM\x00\x00\x00")) {
		return st, fmt.Errorf("not a WIM")
	}
	st.Flags = binary.LittleEndian.Uint32(f[0x10:])
	st.ChunkSize = int(binary.LittleEndian.Uint32(f[0x14:]))
	bt := ParseResHdr(f[0x30:])
	if bt.Offset+bt.Orig > uint64(len(f)) {
		return st, fmt.Errorf("blob table out of range")
	}
	table := f[bt.Offset : bt.Offset+bt.Orig]
	for i := 0; i+50 <= len(table); i += 50 {
		e := table[i : i+50]
		rh := ParseResHdr(e)
		var sum [20]byte
		copy(sum[:], e[30:50])
		if rh.Orig == 0 || sum == [20]byte{} {
			continue
		}
		if rh.Flags&ResFlagSolid != 0 {
			return st, fmt.Errorf("solid resource at %d not supported", rh.Offset)
		}
		if rh.Offset+rh.Size > uint64(len(f)) {
			return st, fmt.Errorf("blob at %d out of range", rh.Offset)
		}
		res := f[rh.Offset : rh.Offset+rh.Size]
		st.Blobs++
		st.OrigBytes += rh.Orig
		st.StoredBytes += rh.Size
		st.Stored[sum] = rh.Size
		var data []byte
		if rh.Flags&ResFlagCompressed == 0 {
			data = res
		} else {
			st.Compressed++
			data = make([]byte, rh.Orig)
			cs := uint64(st.ChunkSize)
			n := (rh.Orig + cs - 1) / cs
			ew := uint64(4)
			if rh.Orig > 0xFFFFFFFF {
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
				out := data[c*cs : min((c+1)*cs, rh.Orig)]
				if len(in) == len(out) {
					copy(out, in)
					st.RawChunks++
					continue
				}
				if err := decompress(out, in, st.ChunkSize); err != nil {
					return st, fmt.Errorf("blob at %d chunk %d (%d→%d bytes): %v", rh.Offset, c, len(in), len(out), err)
				}
				st.Chunks++
			}
		}
		if got := sha1.Sum(data); got != sum {
			return st, fmt.Errorf("blob at %d: SHA-1 %x, want %x", rh.Offset, got, sum)
		}
	}
	return st, nil
}

// GoSources returns up to limit bytes of concatenated Go source files from
// GOROOT (deterministic order), or nil if GOROOT has none.
func GoSources(limit int) []byte {
	root := filepath.Join(GoRoot(), "src")
	var buf bytes.Buffer
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || buf.Len() >= limit {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil {
			buf.Write(b)
		}
		return nil
	})
	// Without GOROOT sources (a trimmed installation), pad with
	// generated text so that callers always get limit bytes.
	words := strings.Fields("func return if else for range var const type struct interface package import err nil := } { ( ) // the a of to")
	for i := uint32(1); buf.Len() < limit; i++ {
		i ^= i << 13
		i ^= i >> 17
		i ^= i << 5
		buf.WriteString(words[i%uint32(len(words))])
		buf.WriteByte(" \n\t"[i%3])
	}
	return buf.Bytes()[:limit]
}

// GoRoot returns the Go installation's root directory.
func GoRoot() string {
	if r := runtime.GOROOT(); r != "" {
		return r
	}
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return ""
}

// GoBinary returns up to limit bytes of a binary from GOROOT (the go
// command), or nil.
func GoBinary(limit int) []byte {
	for _, name := range []string{"bin/go", "bin/go.exe", "pkg/tool/linux_amd64/compile"} {
		b, err := os.ReadFile(filepath.Join(GoRoot(), name))
		if err == nil {
			if len(b) > limit {
				b = b[:limit]
			}
			return b
		}
	}
	return nil
}
