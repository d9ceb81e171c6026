package iso

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

// TestLargeFileMultiExtent writes an image holding a sparse file of more
// than 4 GiB (install.wim) and checks with xorriso that it is stored as a
// two-extent ISO 9660 level 3 file in both trees, with the right bytes
// around the start, the extent boundary and the end; and with 7-Zip that
// UDF holds it as one file whose SHA-256 is the source's.
//
// The source is sparse and Write skips zeros, so the image is sparse too:
// the test reads 4 GiB of holes (a few seconds) but needs almost no disk.
// It is skipped with -short.
func TestLargeFileMultiExtent(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 4 GiB sparse file; skipped with -short")
	}
	oracle.Require(t, "xorriso")
	dir := t.TempDir()
	big := filepath.Join(dir, "install.wim")
	const size = 4<<30 + 3<<20 + 123
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		t.Skip("cannot make a sparse file here:", err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	// Data at the start, across the boundary of the two extents, across
	// 4 GiB and at the end; holes elsewhere.
	regions := []int64{0, maxExtent - 32<<10, 4<<30 - 100, size - 64<<10}
	for _, off := range regions {
		if _, err := f.WriteAt(randomBytes(r, 64<<10), off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "a.txt")
	os.WriteFile(small, []byte("small"), 0o644)
	files := []File{
		{Path: "sources/install.wim", Source: big, Size: size},
		{Path: "a.txt", Source: small, Size: 5},
	}
	out := filepath.Join(t.TempDir(), "large.iso")
	if d := os.Getenv("REFIMAGE_KEEP_ISO"); d != "" {
		out = filepath.Join(d, "large.iso")
	}
	start := time.Now()
	var last int64
	if err := Write(context.Background(), out, files, Options{ModTime: testTime, Progress: func(done, total int64) { last = done }}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote a %d-byte image in %s", fi.Size(), time.Since(start).Round(time.Millisecond))
	if want, _ := Size(files, Options{}); fi.Size() != want || last != want {
		t.Errorf("image %d bytes, progress ended at %d, Size says %d", fi.Size(), last, want)
	}

	var sections []int64 // LBAs of the two extents, as xorriso reads them
	// Both trees hold the file as two extents: 0xFFFFF800 bytes, then the
	// rest, consecutive.
	for _, tree := range []struct{ readFS, path string }{{"any", "/sources/install.wim"}, {"ecma119", "/SOURCES/INSTALL.WIM"}} {
		rep := xorriso(t, "-read_fs", tree.readFS, "-indev", out, "-find", tree.path, "-exec", "report_sections", "--")
		var lbas, sizes []int64
		for _, line := range strings.Split(rep, "\n") {
			if !strings.HasPrefix(line, "File data lba:") {
				continue
			}
			f := strings.Split(strings.TrimPrefix(line, "File data lba:"), ",")
			if len(f) < 5 {
				t.Fatalf("unexpected line %q", line)
			}
			lba, _ := strconv.ParseInt(strings.TrimSpace(f[1]), 10, 64)
			sz, _ := strconv.ParseInt(strings.TrimSpace(f[3]), 10, 64)
			lbas, sizes = append(lbas, lba), append(sizes, sz)
		}
		if len(sizes) != 2 || sizes[0] != maxExtent || sizes[1] != size-maxExtent || lbas[1] != lbas[0]+maxExtent/sectorSize {
			t.Fatalf("%s tree: sections at %v of %v bytes, want two consecutive of %d and %d:\n%s", tree.readFS, lbas, sizes, int64(maxExtent), size-maxExtent, rep)
		}
		sections = lbas
	}
	t.Logf("sections checked after %s", time.Since(start).Round(time.Millisecond))
	ls := xorriso(t, "-indev", out, "-lsl", "/sources/install.wim")
	if !strings.Contains(ls, " "+strconv.FormatInt(size, 10)+" ") {
		t.Errorf("-lsl does not show the size %d:\n%s", size, ls)
	}

	// Bytes at the interesting places: read from the image at the
	// sections xorriso reported, and extracted by xorriso across the
	// extent boundary (xorriso reads the file from its start, so that one
	// cut reads 4 GiB of holes and takes several seconds).
	src, err := os.Open(big)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	img, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	cut := t.TempDir()
	for i, off := range append(regions, maxExtent-100, 1<<30) {
		n := int64(96 << 10)
		if off+n > size {
			n = size - off
		}
		want := make([]byte, n)
		if _, err := src.ReadAt(want, off); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, n)
		for j := int64(0); j < n; j++ {
			// one byte at a time is slow; read runs within an extent
			pos, ext := off+j, 0
			if pos >= maxExtent {
				pos, ext = pos-maxExtent, 1
			}
			run := n - j
			if ext == 0 && pos+run > maxExtent {
				run = maxExtent - pos
			}
			if _, err := img.ReadAt(got[j:j+run], sections[ext]*sectorSize+pos); err != nil {
				t.Fatal(err)
			}
			j += run - 1
		}
		if !bytes.Equal(got, want) {
			t.Errorf("bytes %d..%d of install.wim differ in the image", off, off+n)
		}
		if off != maxExtent-100 {
			continue
		}
		part := filepath.Join(cut, "part"+strconv.Itoa(i))
		xorriso(t, "-osirrox", "on", "-indev", out, "-extract_cut", "/sources/install.wim", strconv.FormatInt(off, 10), strconv.FormatInt(n, 10), part)
		got, err = os.ReadFile(part)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("bytes %d..%d of install.wim extracted by xorriso differ", off, off+n)
		}
	}
	t.Logf("bytes checked after %s", time.Since(start).Round(time.Millisecond))
	part := filepath.Join(cut, "small")
	xorriso(t, "-osirrox", "on", "-indev", out, "-extract", "/a.txt", part)
	if b, _ := os.ReadFile(part); string(b) != "small" {
		t.Errorf("a.txt after the big file: %q", b)
	}

	// Through UDF the file is one file of its full size (five short
	// allocation descriptors in one file entry), and 7-Zip streams it
	// with the SHA-256 of the source. Streaming to a hash needs no disk.
	z := oracle.Require(t, "7z")
	_, sizes := udfPaths(t, out)
	if sizes["/sources/install.wim"] != size || sizes["/a.txt"] != 5 {
		t.Errorf("UDF sizes %v, want install.wim %d", sizes, int64(size))
	}
	want := sha256.New()
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(want, src); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, z, "x", "-tudf", "-so", out, "sources/install.wim")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	got := sha256.New()
	n, err := io.Copy(got, pipe)
	if werr := cmd.Wait(); err != nil || werr != nil {
		t.Fatalf("7z x -so: %v %v\n%s", err, werr, stderr.String())
	}
	if n != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Errorf("through UDF: %d bytes, SHA-256 %x; the source has %d bytes, %x", n, got.Sum(nil), int64(size), want.Sum(nil))
	}
	t.Logf("SHA-256 through UDF checked after %s: %x", time.Since(start).Round(time.Millisecond), got.Sum(nil))
}
