package iso

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

// sevenZip runs 7z and fails the test unless it says "Everything is Ok"
// without a warning or an error.
func sevenZip(t *testing.T, args ...string) string {
	t.Helper()
	z := oracle.Require(t, "7z")
	out := runTool(t, 3*time.Minute, z, args...)
	if !strings.Contains(out, "Everything is Ok") && args[0] == "x" {
		t.Errorf("7z %s did not say Everything is Ok:\n%s", strings.Join(args, " "), out)
	}
	for _, bad := range []string{"WARNING", "Warning", "ERROR", "Error", "Unexpected end", "Headers Error", "CRC Failed", "Data Error"} {
		if strings.Contains(out, bad) {
			t.Errorf("7z %s reports %q:\n%s", strings.Join(args, " "), bad, out)
		}
	}
	return out
}

// udfPaths lists the paths 7z -slt shows through UDF, directories with a
// trailing '/', and the size of every file.
func udfPaths(t *testing.T, img string) ([]string, map[string]int64) {
	t.Helper()
	out := sevenZip(t, "l", "-tudf", "-slt", img)
	var paths []string
	sizes := map[string]int64{}
	blocks := strings.Split(out, "\n\n")
	for _, b := range blocks {
		fields := map[string]string{}
		for _, line := range strings.Split(b, "\n") {
			if k, v, ok := strings.Cut(line, " = "); ok {
				fields[k] = v
			}
		}
		p, ok := fields["Path"]
		if !ok || fields["Type"] != "" || p == img {
			continue
		}
		p = "/" + p
		if fields["Folder"] == "+" {
			p += "/"
		} else {
			sizes[p], _ = strconv.ParseInt(fields["Size"], 10, 64)
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths, sizes
}

// TestUDFBridge checks the UDF side of an image of the copype-like tree:
// udfinfo and udflabel read UDF 1.02 with the anchors, sequences and
// counts in place; 7-Zip lists every file and directory through UDF with
// its case, and extracts every file byte for byte. (The ISO 9660, Joliet
// and El Torito side of the same image is TestXorrisoReadsWinPEImage.)
func TestUDFBridge(t *testing.T) {
	udfinfo := oracle.Require(t, "udfinfo")
	udflabel := oracle.Require(t, "udflabel")
	oracle.Require(t, "7z")
	files := winpeTree(t)
	_, list := writeTree(t, files)
	out := filepath.Join(t.TempDir(), "winpe.iso")
	opt := Options{Label: "WinPE_x64-Refimage", BIOSBoot: "boot/etfsboot.com", UEFIBoot: "efi/microsoft/boot/efisys.bin", ModTime: testTime}
	if err := Write(context.Background(), out, list, opt); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	last := fi.Size()/sectorSize - 1
	dirs := len(expectedPaths(files, func(s string) string { return s })) - len(files) + 1 // with the root
	info := runTool(t, time.Minute, udfinfo, out)
	for _, want := range []string{
		"label=WinPE_x64-Refimage\n", "lvid=WinPE_x64-Refimage\n", "fsid=WinPE_x64-Refimage\n",
		"udfrev=1.02\n", "udfwriterev=1.02\n", "integrity=closed\n", "accesstype=readonly\n", "blocksize=2048\n",
		"numfiles=" + strconv.Itoa(len(files)) + "\n", "numdirs=" + strconv.Itoa(dirs) + "\n",
		"type=VRS\n", "start=32, blocks=16, type=MVDS\n", "start=48, blocks=16, type=RVDS\n", "start=64, blocks=1, type=LVID\n",
		"start=256, blocks=1, type=ANCHOR\n", "start=" + strconv.FormatInt(last, 10) + ", blocks=1, type=ANCHOR\n",
		"start=257, blocks=" + strconv.FormatInt(last-257, 10) + ", type=PSPACE\n",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("udfinfo lacks %q:\n%s", strings.TrimSpace(want), info)
		}
	}
	if strings.Contains(strings.ToLower(info), "error") || strings.Contains(strings.ToLower(info), "warning") {
		t.Errorf("udfinfo complains:\n%s", info)
	}
	if l := strings.TrimSpace(runTool(t, time.Minute, udflabel, out)); l != "WinPE_x64-Refimage" {
		t.Errorf("udflabel says %q", l)
	}

	paths, sizes := udfPaths(t, out)
	t.Logf("%d paths through UDF", len(paths))
	want := expectedPaths(files, func(s string) string { return s })
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("UDF tree:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
	for p, data := range files {
		if sizes["/"+p] != int64(len(data)) {
			t.Errorf("/%s: UDF size %d, want %d", p, sizes["/"+p], len(data))
		}
	}
	ex := t.TempDir()
	sevenZip(t, "x", "-tudf", "-o"+ex, out)
	for p, data := range files {
		got, err := os.ReadFile(filepath.Join(ex, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s extracted through UDF differs (%d bytes, %v)", p, len(got), err)
		}
	}
}

// TestUDFOracleSeesDamage: the oracles check what they read. A file
// entry whose descriptor CRC is wrong, or an anchor that is gone, is
// refused, so TestUDFBridge cannot pass on a broken file system.
func TestUDFOracleSeesDamage(t *testing.T) {
	udfinfo := oracle.Require(t, "udfinfo")
	z := oracle.Require(t, "7z")
	files := map[string][]byte{"a.txt": []byte("hello"), "Dir/b.txt": []byte("world")}
	_, list := writeTree(t, files)
	out := filepath.Join(t.TempDir(), "x.iso")
	if err := Write(context.Background(), out, list, Options{ModTime: testTime}); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(out)
	img, err := layout(list, Options{ModTime: testTime})
	if err != nil {
		t.Fatal(err)
	}
	var fe *node
	for _, n := range img.udfFEs {
		if !n.dir && n.name == "b.txt" {
			fe = n
		}
	}
	// One byte of b.txt's file entry that means nothing to a reader (in
	// its implementation identifier) changes: only the CRC tells.
	bad := bytes.Clone(good)
	fo := int64(fe.udfFE) * sectorSize
	if binary.LittleEndian.Uint64(bad[fo+56:]) != 5 || string(bad[fo+129:fo+138]) != "*refimage" {
		t.Fatalf("b.txt's file entry is not where layout says")
	}
	bad[fo+130] = 'R'
	p := filepath.Join(t.TempDir(), "bad.iso")
	os.WriteFile(p, bad, 0o644)
	o, _ := exec.Command(z, "x", "-tudf", "-o"+t.TempDir(), p).CombinedOutput()
	if strings.Contains(string(o), "Everything is Ok") {
		t.Errorf("7z accepted a file entry with a wrong CRC:\n%s", o)
	}
	// Both anchors gone: udfinfo finds no UDF.
	bad = bytes.Clone(good)
	clear(bad[udfAnchor*sectorSize : (udfAnchor+1)*sectorSize])
	clear(bad[len(bad)-sectorSize:])
	os.WriteFile(p, bad, 0o644)
	if o, err := exec.Command(udfinfo, p).CombinedOutput(); err == nil {
		t.Errorf("udfinfo read an image without anchors:\n%s", o)
	}
}

// TestUDFCRC: the descriptor CRC is CRC-16/XMODEM (polynomial 0x1021,
// initial 0), whose check value for "123456789" is 0x31C3; the tag
// checksum skips its own byte.
func TestUDFCRC(t *testing.T) {
	if got := udfCRC([]byte("123456789")); got != 0x31C3 {
		t.Errorf("udfCRC = %#04x, want 0x31c3", got)
	}
	d := make([]byte, 512)
	copy(d[16:], "payload")
	putTag(d, tagTD, 1234)
	var sum byte
	for i, b := range d[:16] {
		if i != 4 {
			sum += b
		}
	}
	if d[4] != sum || binary.LittleEndian.Uint16(d[8:]) != udfCRC(d[16:]) || binary.LittleEndian.Uint16(d[10:]) != 496 || binary.LittleEndian.Uint32(d[12:]) != 1234 {
		t.Errorf("tag % x", d[:16])
	}
}
