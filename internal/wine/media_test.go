//go:build !windows

package wine

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/media/wim"
)

// copype makes in dir what copype amd64 makes, with stand-in boot files
// and a boot.wim captured here, and a stand-in x64 refimage.exe.
func copype(t *testing.T, dir string) {
	t.Helper()
	m := filepath.Join(dir, "winpe", "media")
	for _, p := range []string{"bootmgr", "bootmgr.efi", "Boot/BCD", "Boot/boot.sdi", "EFI/Boot/bootx64.efi", "EFI/Microsoft/Boot/BCD"} {
		writeFile(t, filepath.Join(m, filepath.FromSlash(p)), []byte("stand-in "+p))
	}
	pe := t.TempDir()
	writeFile(t, filepath.Join(pe, "Windows", "System32", "startnet.cmd"), []byte("wpeinit\r\n"))
	if err := os.MkdirAll(filepath.Join(m, "sources"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := wim.Capture(pe, filepath.Join(m, "sources", "boot.wim"), wim.CaptureOptions{Boot: true}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "winpe", "fwfiles", "etfsboot.com"), make([]byte, 4096))
	writeFile(t, filepath.Join(dir, "winpe", "fwfiles", "efisys.bin"), make([]byte, 1474560))
	exe := make([]byte, 0x100)
	copy(exe, "MZ")
	exe[0x3c] = 0x80
	copy(exe[0x80:], "PE\x00\x00\x64\x86")
	writeFile(t, filepath.Join(dir, "refimage.exe"), exe)
	seq, err := os.ReadFile(repo("docs/examples/custom-capture.toml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "seq.toml"), seq)
}

// TestMediaUnderWine: refimage.exe media --iso and --usb with C:\ paths
// write media of the same size and content as the Linux binary from the
// same inputs: xorriso and mtools extract the same files from both, and
// only the few bytes stamped at build time differ.
func TestMediaUnderWine(t *testing.T) {
	l := getLane(t)
	xorriso := oracle.Require(t, "xorriso")
	wimlib := oracle.Require(t, "wimlib-imagex")
	cLin, cWin := l.cdrive(t, "media work")
	copype(t, cLin)
	lin := t.TempDir()
	copype(t, lin)
	env := []string{"REFIMAGE_PASSPHRASE=", "NO_COLOR=1"}
	for _, kind := range []string{"iso", "usb"} {
		out := "out." + kind
		w := l.win(t, "", env, "media", cWin+`\seq.toml`, "--winpe", cWin+`\winpe`, "--"+kind, cWin+`\`+out, "--exe", cWin+`\refimage.exe`, "--label", "REF_MEDIA")
		li := l.lin(t, "", env, "media", filepath.Join(lin, "seq.toml"), "--winpe", filepath.Join(lin, "winpe"), "--"+kind, filepath.Join(lin, out), "--exe", filepath.Join(lin, "refimage.exe"), "--label", "REF_MEDIA")
		if w.code != 0 || li.code != 0 {
			t.Fatalf("media --%s: Wine: %s\nLinux: %s", kind, w, li)
		}
		wb, err := os.ReadFile(filepath.Join(cLin, out))
		if err != nil {
			t.Fatal(err)
		}
		lb, err := os.ReadFile(filepath.Join(lin, out))
		if err != nil {
			t.Fatal(err)
		}
		if len(wb) != len(lb) {
			t.Errorf("media --%s: %d bytes under Wine, %d on Linux", kind, len(wb), len(lb))
		}
		// The bytes differ where a medium is stamped when it is made: its
		// identity (refimage/media.toml's id and creation time, also in
		// boot.wim, whose GUID and times differ too), the ISO's recording
		// times, the USB image's MBR disk signature and FAT volume serial
		// (docs/windows.md). Everything else must not.
		wt, lt := filepath.Join(t.TempDir(), "wine"), filepath.Join(t.TempDir(), "linux")
		if kind == "iso" {
			isoExtract(t, xorriso, filepath.Join(cLin, out), wt)
			isoExtract(t, xorriso, filepath.Join(lin, out), lt)
		} else {
			mcopy := oracle.Require(t, "mcopy")
			fatExtract(t, mcopy, filepath.Join(cLin, out), wb, wt)
			fatExtract(t, mcopy, filepath.Join(lin, out), lb, lt)
		}
		got, want := medium(t, wimlib, wt), medium(t, wimlib, lt)
		if len(want) < 5 {
			t.Fatalf("media --%s: only %d files extracted from the Linux medium", kind, len(want))
		}
		sameTree(t, "media --"+kind+" Wine vs Linux", got, want)
	}
}

var stamps = regexp.MustCompile(`(?m)^(id|created) = .*$`)

// medium is the tree of an extracted medium with the stamps masked and
// boot.wim replaced by what wimlib-imagex applies from it.
func medium(t *testing.T, wimlib, dir string) map[string]string {
	t.Helper()
	m := tree(t, dir)
	mask := func(k string) {
		if v, ok := m[k]; ok {
			m[k] = stamps.ReplaceAllString(v, "$1 = …")
		}
	}
	mask("refimage/media.toml")
	if _, ok := m["sources/boot.wim"]; ok {
		delete(m, "sources/boot.wim")
		app := filepath.Join(t.TempDir(), "boot")
		wimlibRun(t, wimlib, "apply", filepath.Join(dir, "sources", "boot.wim"), "1", app)
		for k, v := range tree(t, app) {
			m["sources/boot.wim!/"+k] = v
		}
		mask("sources/boot.wim!/refimage/media.toml")
	}
	return m
}

func isoExtract(t *testing.T, xorriso, iso, dest string) {
	t.Helper()
	if o, err := exec.Command(xorriso, "-osirrox", "on", "-indev", iso, "-extract", "/", dest).CombinedOutput(); err != nil {
		t.Fatalf("xorriso -extract %s: %v\n%s", iso, err, o)
	}
	exec.Command("chmod", "-R", "u+w", dest).Run()
}

// fatExtract copies the files of the first partition of a USB image.
func fatExtract(t *testing.T, mcopy, img string, b []byte, dest string) {
	t.Helper()
	if len(b) < 512 || b[510] != 0x55 || b[511] != 0xAA {
		t.Fatalf("%s has no MBR", img)
	}
	lba := binary.LittleEndian.Uint32(b[0x1C6:])
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if o, err := exec.Command(mcopy, "-s", "-n", "-i", fmt.Sprintf("%s@@%d", img, int64(lba)*512), "::/", dest).CombinedOutput(); err != nil {
		t.Fatalf("mcopy from %s: %v\n%s", img, err, o)
	}
}

func diffCount(a, b []byte) int {
	n := 0
	for i := 0; i < min(len(a), len(b)); i++ {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func firstDiff(a, b []byte) string {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			j := min(i+16, n)
			return fmt.Sprintf("first at offset %#x: % x vs % x", i, a[i:j], b[i:j])
		}
	}
	return fmt.Sprintf("one is a prefix of the other at %#x", n)
}
