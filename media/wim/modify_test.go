package wim

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAppendUpdateExportSplitOracle(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 100)
	src2 := filepath.Join(dir, "src2")
	makeTree(t, src2, 20)
	os.WriteFile(filepath.Join(src2, "only-in-2.txt"), []byte("second image\n"), 0o644)
	for _, comp := range []Compression{CompressNone, CompressXPRESS} {
		t.Run(comp.String(), func(t *testing.T) {
			d := filepath.Join(dir, comp.String())
			os.MkdirAll(d, 0o755)
			out := filepath.Join(d, "a.wim")
			if _, err := Capture(src, out, CaptureOptions{Name: "one", Compression: comp}); err != nil {
				t.Fatal(err)
			}
			if _, err := Capture(src2, out, CaptureOptions{Name: "two", Description: "appended", Append: true, Boot: true}); err != nil {
				t.Fatal(err)
			}
			wimlib(t, "verify", out)
			info := wimlib(t, "info", out)
			if !strings.Contains(info, "Image Count:    2") || !strings.Contains(info, "Boot Index:     2") || !strings.Contains(info, "appended") {
				t.Fatalf("info after append:\n%s", info)
			}
			for i, s := range []string{src, src2} {
				dst := filepath.Join(d, "apply-"+string(rune('1'+i)))
				wimlib(t, "apply", out, string(rune('1'+i)), dst)
				compareTrees(t, s, dst)
			}

			// Update image 1: add a file and a folder, delete a folder and a file.
			extra := filepath.Join(d, "extra")
			os.MkdirAll(filepath.Join(extra, "sub"), 0o755)
			os.WriteFile(filepath.Join(extra, "sub", "x.txt"), []byte("xx"), 0o644)
			ini := filepath.Join(d, "winpeshl.ini")
			os.WriteFile(ini, []byte("[LaunchApps]\r\n%SYSTEMDRIVE%\\refimage.exe\r\n"), 0o644)
			if _, err := Update(out, 1, UpdateOptions{
				Adds:    []AddSpec{{Src: ini, Dest: `Windows\System32\winpeshl.ini`}, {Src: extra, Dest: "/Extra"}},
				Deletes: []string{"dup2", "/a.txt"},
			}); err != nil {
				t.Fatal(err)
			}
			wimlib(t, "verify", out)
			// Expected tree: src minus dup2 and a.txt, plus the new files.
			want := filepath.Join(d, "want")
			copyTree(t, src, want)
			os.RemoveAll(filepath.Join(want, "dup2"))
			os.Remove(filepath.Join(want, "a.txt"))
			os.MkdirAll(filepath.Join(want, "Windows", "System32"), 0o755)
			copyTree(t, ini, filepath.Join(want, "Windows", "System32", "winpeshl.ini"))
			copyTree(t, extra, filepath.Join(want, "Extra"))
			got := filepath.Join(d, "updated")
			wimlib(t, "apply", out, "1", got)
			compareTreesLoose(t, want, got, []string{"Windows", "Windows/System32", "Extra"})
			got2 := filepath.Join(d, "updated-2")
			wimlib(t, "apply", out, "2", got2)
			compareTrees(t, src2, got2)

			// Export image 2 into a new WIM, and into the old one's copy.
			ex := filepath.Join(d, "export.wim")
			if _, err := Export(out, 2, ex, ExportOptions{}); err != nil {
				t.Fatal(err)
			}
			wimlib(t, "verify", ex)
			got3 := filepath.Join(d, "exported")
			wimlib(t, "apply", ex, "1", got3)
			compareTrees(t, src2, got3)

			// Split and read back from the set.
			parts, err := Split(out, filepath.Join(d, "set.swm"), 60<<10, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) < 3 {
				t.Fatalf("only %d parts", len(parts))
			}
			wimlib(t, "verify", parts[0], "--ref="+filepath.Join(d, "set*.swm"))
			got4 := filepath.Join(d, "from-swm")
			wimlib(t, "apply", parts[0], "2", got4, "--ref="+filepath.Join(d, "set*.swm"))
			compareTrees(t, src2, got4)
			w, err := Open(parts[0])
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.Verify(VerifyOptions{}); err != nil {
				t.Fatal(err)
			}
			got5 := filepath.Join(d, "from-swm-ours")
			if _, err := w.Apply(2, got5, ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, src2, got5)
		})
	}
}

func TestReadWimlibSplit(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 100)
	out := filepath.Join(dir, "x.wim")
	wimlib(t, "capture", src, out, "X", "--compress=xpress", "--check")
	wimlib(t, "split", out, filepath.Join(dir, "p.swm"), "0.05")
	w, err := Open(filepath.Join(dir, "p.swm"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Header.TotalParts < 2 {
		t.Fatalf("%d parts", w.Header.TotalParts)
	}
	if _, err := w.Verify(VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "dst")
	if _, err := w.Apply(1, dst, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	compareTrees(t, src, dst)
}

// An LZX WIM (like an ADK boot.wim) can be updated: untouched LZX
// resources are copied raw, new data and the metadata are compressed with
// LZX too (a boot.wim stays LZX).
func TestUpdateWimlibLZX(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 50)
	out := filepath.Join(dir, "boot.wim")
	wimlib(t, "capture", src, out, "Microsoft Windows PE (x64)", "--compress=lzx", "--boot")
	ini := filepath.Join(dir, "winpeshl.ini")
	os.WriteFile(ini, []byte("[LaunchApps]\r\n%SYSTEMDRIVE%\\refimage.exe\r\n"), 0o644)
	exe, err := os.Executable() // a real program stands in for refimage.exe
	if err != nil {
		t.Fatal(err)
	}
	exeData := mustRead(t, exe)
	before, _ := Open(out)
	lzxBlobs := 0
	for _, b := range before.Blobs() {
		if b.Res.compressed() {
			lzxBlobs++
		}
	}
	before.Close()
	if _, err := Update(out, 1, UpdateOptions{Adds: []AddSpec{{Src: ini, Dest: `Windows\System32\winpeshl.ini`}, {Src: exe, Dest: `Windows\System32\refimage.exe`}}}); err != nil {
		t.Fatal(err)
	}
	wimlib(t, "verify", out)
	info := wimlib(t, "info", out)
	if !strings.Contains(info, "Compression:    LZX") || !strings.Contains(info, "Boot Index:     1") {
		t.Fatalf("info:\n%s", info)
	}
	after, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range after.Blobs() {
		if b.Res.compressed() {
			n++
		}
		if b.Size() == uint64(len(exeData)) && (!b.Res.compressed() || b.Res.Size > b.Size()*3/4) {
			t.Errorf("the added program is stored in %d bytes of %d (flags %#x): not LZX-compressed", b.Res.Size, b.Size(), b.Res.Flags)
		}
	}
	after.Close()
	// Untouched resources are copied as they were; the program and the
	// new metadata resource are compressed.
	if n != lzxBlobs+1 && n != lzxBlobs+2 {
		t.Errorf("%d LZX resources after update, %d before", n, lzxBlobs)
	}
	got := filepath.Join(dir, "got")
	wimlib(t, "apply", out, "1", got)
	b, err := os.ReadFile(filepath.Join(got, "Windows", "System32", "winpeshl.ini"))
	if err != nil || !strings.HasPrefix(string(b), "[LaunchApps]") {
		t.Fatalf("winpeshl.ini: %q %v", b, err)
	}
	if b := mustRead(t, filepath.Join(got, "Windows", "System32", "refimage.exe")); !bytes.Equal(b, exeData) {
		t.Errorf("refimage.exe differs after apply")
	}
	os.RemoveAll(filepath.Join(got, "Windows"))
	compareTreesLoose(t, src, got, nil)
}

// LZX captures at every chunk size refimage writes are real LZX (most
// resources compressed, smaller than XPRESS), and wimlib verifies and
// applies them.
func TestCaptureLZX(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 30)
	xp := filepath.Join(dir, "x.wim")
	if _, err := Capture(src, xp, CaptureOptions{Compression: CompressXPRESS}); err != nil {
		t.Fatal(err)
	}
	xst, _ := os.Stat(xp)
	for _, cs := range []int{0, 32768, 65536, 1 << 20, 2 << 20} {
		out := filepath.Join(dir, fmt.Sprintf("l%d.wim", cs))
		if _, err := Capture(src, out, CaptureOptions{Compression: CompressLZX, ChunkSize: cs, Threads: 2}); err != nil {
			t.Fatal(err)
		}
		wimlib(t, "verify", out)
		info := wimlib(t, "info", out)
		want := cs
		if want == 0 {
			want = 32768
		}
		if !strings.Contains(info, "Compression:    LZX") || !strings.Contains(info, fmt.Sprintf("Chunk Size:     %d bytes", want)) {
			t.Fatalf("chunk size %d: info:\n%s", cs, info)
		}
		w, err := Open(out)
		if err != nil {
			t.Fatal(err)
		}
		compressed := 0
		for _, b := range w.Blobs() {
			if b.Res.compressed() {
				compressed++
			}
		}
		w.Close()
		st, _ := os.Stat(out)
		if compressed < 4 || st.Size() >= xst.Size() {
			t.Errorf("chunk size %d: %d compressed resources, %d bytes (XPRESS: %d): not real LZX", cs, compressed, st.Size(), xst.Size())
		}
		got := filepath.Join(dir, fmt.Sprintf("got%d", cs))
		wimlib(t, "apply", out, "1", got)
		compareTrees(t, src, got)
	}
	// Against wimlib's default LZX on the same tree: the file data (not
	// the metadata, which differs in ways unrelated to compression).
	theirs := filepath.Join(dir, "wimlib.wim")
	wimlib(t, "capture", src, theirs, "--compress=lzx")
	dataSize := func(p string) (n uint64) {
		w, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		for _, b := range w.Blobs() {
			if b.Res.Flags&ResFlagMetadata == 0 {
				n += b.Res.Size
			}
		}
		return n
	}
	ours, wl := dataSize(filepath.Join(dir, "l0.wim")), dataSize(theirs)
	t.Logf("file data: ours %d, wimlib %d bytes (%.4f)", ours, wl, float64(ours)/float64(wl))
	if float64(ours) > 1.02*float64(wl) {
		t.Errorf("LZX file data %d bytes, wimlib's %d: more than 2 %% larger", ours, wl)
	}
	if _, err := Capture(src, filepath.Join(dir, "bad.wim"), CaptureOptions{Compression: CompressLZX, ChunkSize: 16384}); err == nil || !strings.Contains(err.Error(), "chunk size 16384") {
		t.Errorf("LZX with 16 KiB chunks: %v", err)
	}
}

// Elements refimage does not know (<WINDOWS>, FLAGS) survive an update.
func TestUpdateKeepsWindowsXML(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 5)
	out := filepath.Join(dir, "boot.wim")
	wimlib(t, "capture", src, out, "Microsoft Windows PE (x64)", "--compress=xpress", "--boot")
	wimlib(t, "info", out, "1", "--image-property", "WINDOWS/ARCH=9", "--image-property", "WINDOWS/EDITIONID=WindowsPE",
		"--image-property", "WINDOWS/VERSION/MAJOR=10", "--image-property", "WINDOWS/VERSION/BUILD=26100", "--image-property", "FLAGS=9")
	ini := filepath.Join(dir, "winpeshl.ini")
	os.WriteFile(ini, []byte("[LaunchApps]\r\n"), 0o644)
	if _, err := Update(out, 1, UpdateOptions{Adds: []AddSpec{{Src: ini, Dest: `Windows\System32\winpeshl.ini`}}}); err != nil {
		t.Fatal(err)
	}
	info := wimlib(t, "info", out, "1")
	for _, want := range []string{"Edition ID:             WindowsPE", "Build:                  26100", "Flags:                  9", "Boot Index:     1"} {
		if !strings.Contains(info, want) && !strings.Contains(wimlib(t, "info", out), want) {
			t.Errorf("lost %q after update:\n%s", want, info)
		}
	}
	ims, err := ListImages(out)
	if err != nil {
		t.Fatal(err)
	}
	if ims[0].WindowsEditionID != "WindowsPE" || ims[0].WindowsArch != "9" || ims[0].WindowsVersion != "10..26100" && ims[0].WindowsVersion != "10.0.26100" || ims[0].Flags != "9" {
		t.Errorf("images: %+v", ims[0])
	}
}
