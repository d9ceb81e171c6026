package wim

import (
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
// resources are copied raw, new data and metadata are stored raw.
func TestUpdateWimlibLZX(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 50)
	out := filepath.Join(dir, "boot.wim")
	wimlib(t, "capture", src, out, "Microsoft Windows PE (x64)", "--compress=lzx", "--boot")
	ini := filepath.Join(dir, "winpeshl.ini")
	os.WriteFile(ini, []byte("[LaunchApps]\r\n%SYSTEMDRIVE%\\refimage.exe\r\n"), 0o644)
	before, _ := Open(out)
	lzxBlobs := 0
	for _, b := range before.Blobs() {
		if b.Res.compressed() {
			lzxBlobs++
		}
	}
	before.Close()
	if _, err := Update(out, 1, UpdateOptions{Adds: []AddSpec{{Src: ini, Dest: `Windows\System32\winpeshl.ini`}}}); err != nil {
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
	}
	after.Close()
	if n != lzxBlobs {
		t.Errorf("%d LZX resources after update, %d before: untouched ones must be copied raw", n, lzxBlobs)
	}
	got := filepath.Join(dir, "got")
	wimlib(t, "apply", out, "1", got)
	b, err := os.ReadFile(filepath.Join(got, "Windows", "System32", "winpeshl.ini"))
	if err != nil || !strings.HasPrefix(string(b), "[LaunchApps]") {
		t.Fatalf("winpeshl.ini: %q %v", b, err)
	}
	os.RemoveAll(filepath.Join(got, "Windows"))
	compareTreesLoose(t, src, got, nil)
}

// "Stored LZX": LZX flags, every resource raw — readable by wimlib (and by
// go-winio, which needs the LZX flag and 32 KiB chunks).
func TestCaptureStoredLZX(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src, 30)
	out := filepath.Join(dir, "s.wim")
	if _, err := Capture(src, out, CaptureOptions{Compression: CompressLZX}); err != nil {
		t.Fatal(err)
	}
	wimlib(t, "verify", out)
	if info := wimlib(t, "info", out); !strings.Contains(info, "Compression:    LZX") {
		t.Fatalf("info:\n%s", info)
	}
	got := filepath.Join(dir, "got")
	wimlib(t, "apply", out, "1", got)
	compareTrees(t, src, got)
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
