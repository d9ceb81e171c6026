package xpress

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// rewriteWIM reads the XPRESS WIM at in, decompresses every resource with
// our decoder and writes a copy to out whose every resource is compressed
// by our compressor (chunk tables, raw chunks and uncompressed fallback
// as the reference §3 describes). The integrity table is dropped. It
// returns the number of chunks we compressed.
func rewriteWIM(in, out string) (int, error) {
	f, err := os.ReadFile(in)
	if err != nil {
		return 0, err
	}
	cs := int(binary.LittleEndian.Uint32(f[0x14:]))
	bt := wimtest.ParseResHdr(f[0x30:])
	xml := wimtest.ParseResHdr(f[0x48:])
	table := append([]byte(nil), f[bt.Offset:bt.Offset+bt.Orig]...)
	w := bytes.NewBuffer(make([]byte, 208))
	c := NewCompressor()
	chunks := 0
	for i := 0; i+50 <= len(table); i += 50 {
		e := table[i : i+50]
		rh := wimtest.ParseResHdr(e)
		if rh.Orig == 0 {
			continue
		}
		res := f[rh.Offset : rh.Offset+rh.Size]
		data := res
		if rh.Flags&wimtest.ResFlagCompressed != 0 {
			data = make([]byte, rh.Orig)
			n := (int(rh.Orig) + cs - 1) / cs
			tlen := 4 * (n - 1)
			body := res[tlen:]
			for k := 0; k < n; k++ {
				start, end := 0, len(body)
				if k > 0 {
					start = int(binary.LittleEndian.Uint32(res[4*(k-1):]))
				}
				if k < n-1 {
					end = int(binary.LittleEndian.Uint32(res[4*k:]))
				}
				dst := data[k*cs : min((k+1)*cs, len(data))]
				if end-start == len(dst) {
					copy(dst, body[start:end])
				} else if err := Decompress(dst, body[start:end]); err != nil {
					return 0, err
				}
			}
		}
		// Recompress.
		n := (len(data) + cs - 1) / cs
		chunkTable := make([]byte, 4*(n-1))
		var body []byte
		buf := make([]byte, cs)
		for k := 0; k < n; k++ {
			if k > 0 {
				binary.LittleEndian.PutUint32(chunkTable[4*(k-1):], uint32(len(body)))
			}
			chunk := data[k*cs : min((k+1)*cs, len(data))]
			if m := c.Compress(buf, chunk); m > 0 {
				body = append(body, buf[:m]...)
				chunks++
			} else {
				body = append(body, chunk...)
			}
		}
		flags := rh.Flags | wimtest.ResFlagCompressed
		stored := append(chunkTable, body...)
		if len(stored) >= len(data) {
			flags &^= wimtest.ResFlagCompressed
			stored = data
		}
		off := uint64(w.Len())
		w.Write(stored)
		binary.LittleEndian.PutUint64(e[0:], uint64(len(stored))|uint64(flags)<<56)
		binary.LittleEndian.PutUint64(e[8:], off)
	}
	btOff := uint64(w.Len())
	w.Write(table)
	xmlOff := uint64(w.Len())
	w.Write(f[xml.Offset : xml.Offset+xml.Size])
	b := w.Bytes()
	copy(b, f[:208])
	binary.LittleEndian.PutUint64(b[0x30+8:], btOff)
	binary.LittleEndian.PutUint64(b[0x48+8:], xmlOff)
	clear(b[0x7C : 0x7C+24]) // no integrity table
	if binary.LittleEndian.Uint32(b[0x78:]) != 0 {
		return 0, fmt.Errorf("boot index not supported by this test")
	}
	return chunks, os.WriteFile(out, b, 0o644)
}

// TestWimlibReadsOurChunks proves the compressor against wimlib: a WIM
// that wimlib-imagex captured with XPRESS is rewritten with every chunk
// compressed by us, and wimlib-imagex must verify it (decompress every
// blob and check its SHA-1) and apply it to a tree identical to the
// source.
func TestWimlibReadsOurChunks(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	src := filepath.Join(t.TempDir(), "tree")
	writeTree(t, src)
	for _, chunkSize := range []string{"32768", "65536", "4096"} {
		t.Run(chunkSize, func(t *testing.T) {
			dir := t.TempDir()
			orig := filepath.Join(dir, "wimlib.wim")
			wimlibCapture(t, tool, src, orig, "--compress=XPRESS", "--chunk-size="+chunkSize)
			ours := filepath.Join(dir, "ours.wim")
			n, err := rewriteWIM(orig, ours)
			if err != nil {
				t.Fatal(err)
			}
			if n < 10 {
				t.Fatalf("only %d chunks compressed", n)
			}
			for _, args := range [][]string{{"verify", ours}, {"apply", ours, "1", filepath.Join(dir, "applied")}} {
				cmd := exec.Command(tool, args...)
				if b, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, b)
				}
			}
			for name, data := range testFiles() {
				got, err := os.ReadFile(filepath.Join(dir, "applied", filepath.FromSlash(name)))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("%s differs after wimlib applied our WIM", name)
				}
			}
			t.Logf("wimlib verified and applied a WIM with %d chunks compressed by us", n)
		})
	}
}
