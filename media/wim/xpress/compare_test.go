package xpress

import (
	"crypto/sha1"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim/internal/wimtest"
)

// resourceSize is the size a WIM resource of data takes when its chunks
// are compressed by c: chunk table plus chunks, each chunk raw when it does
// not shrink, and the whole resource raw when it does not shrink.
func resourceSize(c *Compressor, data []byte, chunkSize int) int {
	if len(data) == 0 {
		return 0
	}
	n := (len(data) + chunkSize - 1) / chunkSize
	total := 4 * (n - 1)
	dst := make([]byte, chunkSize)
	for off := 0; off < len(data); off += chunkSize {
		chunk := data[off:min(off+chunkSize, len(data))]
		cs := c.Compress(dst, chunk)
		if cs == 0 {
			cs = len(chunk)
		}
		total += cs
	}
	return min(total, len(data))
}

// TestCompressedSizeVsWimlib compares, file by file, the resource sizes
// our compressor gives with those in a WIM wimlib-imagex captured with
// XPRESS at its default level. The test fails if we are more than 3%
// larger in total.
func TestCompressedSizeVsWimlib(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	src := filepath.Join(t.TempDir(), "tree")
	writeTree(t, src)
	out := filepath.Join(t.TempDir(), "out.wim")
	wimlibCapture(t, tool, src, out, "--compress=XPRESS")
	st, err := wimtest.CheckWIM(out, chunkDecompress)
	if err != nil {
		t.Fatal(err)
	}
	files := testFiles()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	c := NewCompressor()
	var ours, theirs int
	for _, name := range names {
		data := files[name]
		w, ok := st.Stored[sha1.Sum(data)]
		if !ok {
			continue // empty, or a duplicate of another file
		}
		o := resourceSize(c, data, st.ChunkSize)
		ours += o
		theirs += int(w)
		t.Logf("%-24s %9d  wimlib %9d  ours %9d  (%+.2f%%)", name, len(data), w, o, 100*(float64(o)/float64(w)-1))
	}
	t.Logf("total: wimlib %d, ours %d (%+.2f%%)", theirs, ours, 100*(float64(ours)/float64(theirs)-1))
	if float64(ours) > 1.03*float64(theirs) {
		t.Errorf("compressed size %d is more than 3%% above wimlib's %d", ours, theirs)
	}
	_ = os.Remove(out)
}
