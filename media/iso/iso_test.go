package iso

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var testTime = time.Date(2026, 11, 26, 1, 2, 3, 0, time.UTC)

// writeTree writes files under a new temporary directory and returns them
// as Files, in map order sorted by FromDir.
func writeTree(t *testing.T, files map[string][]byte) (string, []File) {
	t.Helper()
	dir := t.TempDir()
	for p, b := range files {
		host := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(host, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	list, err := FromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, list
}

func fakeFiles(paths ...string) []File {
	var fs []File
	for _, p := range paths {
		fs = append(fs, File{Path: p, Source: "/nonexistent/" + p, Size: 10})
	}
	return fs
}

func TestLayoutErrors(t *testing.T) {
	long := strings.Repeat("x", 65)
	tests := []struct {
		name  string
		files []File
		opt   Options
		want  string
	}{
		{"duplicate", fakeFiles("a/b.txt", "a/b.txt"), Options{}, "duplicate path a/b.txt and a/b.txt"},
		{"duplicate case", fakeFiles("EFI/Microsoft/Boot/BCD", "efi/microsoft/boot/bcd"), Options{}, "case-insensitive"},
		{"file then dir", fakeFiles("a", "a/b"), Options{}, "a is a file in the image"},
		{"dir then file", fakeFiles("a/b", "A"), Options{}, "a directory of that name (a)"},
		{"empty", fakeFiles(""), Options{}, "empty path"},
		{"double slash", fakeFiles("a//b"), Options{}, "empty name"},
		{"trailing slash", fakeFiles("a/"), Options{}, "empty name"},
		{"dot", fakeFiles("a/./b"), Options{}, `name "." is not allowed`},
		{"dotdot", fakeFiles("../b"), Options{}, `name ".." is not allowed`},
		{"colon", fakeFiles("a:b"), Options{}, "Joliet and Windows names cannot hold"},
		{"semicolon", fakeFiles("BOOTMGR;1"), Options{}, "Joliet and Windows names cannot hold"},
		{"backslash", fakeFiles(`EFI\Boot`), Options{}, "Joliet and Windows names cannot hold"},
		{"control", fakeFiles("a\tb"), Options{}, "control character"},
		{"bad utf8", fakeFiles("a\xffb"), Options{}, "not valid UTF-8"},
		{"non-BMP", fakeFiles("smile\U0001F600.txt"), Options{}, "outside UCS-2"},
		{"long name", fakeFiles("dir/" + long), Options{}, "65 characters; Joliet names hold at most 64"},
		{"negative size", []File{{Path: "a", Source: "x", Size: -1}}, Options{}, "negative size"},
		{"no source", []File{{Path: "a", Size: 1}}, Options{}, "no source"},
		{"label space", fakeFiles("a"), Options{Label: "WIN PE"}, "use A-Z, a-z, 0-9"},
		{"label long", fakeFiles("a"), Options{Label: strings.Repeat("A", 33)}, "at most 32"},
		{"no bios file", fakeFiles("a"), Options{BIOSBoot: "boot/etfsboot.com"}, "BIOS boot file boot/etfsboot.com: not found"},
		{"uefi is dir", fakeFiles("efi/x"), Options{UEFIBoot: "EFI"}, "is a directory"},
		{"empty uefi", []File{{Path: "efisys.bin", Source: "x"}}, Options{UEFIBoot: "efisys.bin"}, "is empty"},
		{"old time", fakeFiles("a"), Options{ModTime: time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)}, "outside the years"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Size(tt.files, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			out := filepath.Join(t.TempDir(), "out.iso")
			if err := Write(context.Background(), out, tt.files, tt.opt); err == nil {
				t.Fatal("Write succeeded")
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s exists after a failed Write", out)
			}
		})
	}
}

func TestPrimaryNames(t *testing.T) {
	files := fakeFiles(
		"bootmgr", "bootmgr.efi", "Boot/en-us/bootmgr.exe.mui", "EFI/Microsoft/Boot/BCD",
		"a-b.txt", "a_b.txt", "A b.txt",
		strings.Repeat("n", 40)+".wim",
		"x."+strings.Repeat("e", 40),
		".hidden", "noext.",
		"Grüße.txt",
		"Very.Long.Directory.Name.With.Dots.And.More/f",
	)
	root, nodes, _, err := buildTree(files)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.kids {
			got[c.path()] = c.isoName
			if c.dir {
				walk(c)
			}
		}
	}
	walk(root)
	_ = nodes
	want := map[string]string{
		"bootmgr":                        "BOOTMGR",
		"bootmgr.efi":                    "BOOTMGR.EFI",
		"Boot":                           "BOOT",
		"Boot/en-us":                     "EN_US",
		"Boot/en-us/bootmgr.exe.mui":     "BOOTMGR_EXE.MUI",
		"EFI/Microsoft":                  "MICROSOFT",
		"EFI/Microsoft/Boot/BCD":         "BCD",
		"A b.txt":                        "A_B.TXT",
		"a-b.txt":                        "A_B_1.TXT",
		"a_b.txt":                        "A_B_2.TXT",
		strings.Repeat("n", 40) + ".wim": strings.Repeat("N", 27) + ".WIM",
		"x." + strings.Repeat("e", 40):   "X.EEEEEEEE",
		".hidden":                        ".HIDDEN",
		"noext.":                         "NOEXT",
		"Grüße.txt":                      "GR__E.TXT",
		"Very.Long.Directory.Name.With.Dots.And.More": "VERY_LONG_DIRECTORY_NAME_WITH_D",
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: primary name %q, want %q", p, got[p], w)
		}
		if len(got[p]) > 31 {
			t.Errorf("%s: %q is longer than 31", p, got[p])
		}
	}
}

func TestSortOrder(t *testing.T) {
	root, _, _, err := buildTree(fakeFiles("B", "A.TXT", "A", "AB", "a_", "Z/x", "b.c"))
	if err != nil {
		t.Fatal(err)
	}
	var p []string
	for _, c := range root.pKids {
		p = append(p, c.isoName)
	}
	// ECMA-119 9.3: name padded with spaces, then extension: "A" and
	// "A.TXT" share the name A; "A" (no extension) sorts first.
	if got, want := strings.Join(p, " "), "A A.TXT AB A_ B B.C Z"; got != want {
		t.Errorf("primary order %q, want %q", got, want)
	}
	var j []string
	for _, c := range root.jKids {
		j = append(j, c.name)
	}
	if got, want := strings.Join(j, " "), "A A.TXT AB B Z a_ b.c"; got != want {
		t.Errorf("Joliet order %q, want %q", got, want)
	}
}

// sector returns sector n of an image.
func sector(img []byte, n int) []byte { return img[n*sectorSize : (n+1)*sectorSize] }

func TestVolumeDescriptorsAndCatalog(t *testing.T) {
	_, files := writeTree(t, map[string][]byte{
		"Boot/etfsboot.com":             bytes.Repeat([]byte{0xB0}, 4096),
		"EFI/Microsoft/Boot/efisys.bin": bytes.Repeat([]byte{0xEF}, 1474560),
		"EFI/Microsoft/Boot/BCD":        []byte("bcd"),
	})
	out := filepath.Join(t.TempDir(), "t.iso")
	opt := Options{Label: "WinPE-x64_Refimage", BIOSBoot: "boot/etfsboot.com", UEFIBoot: "efi/microsoft/boot/efisys.bin", ModTime: testTime}
	if err := Write(context.Background(), out, files, opt); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(img[:16*sectorSize], make([]byte, 16*sectorSize)) {
		t.Error("system area is not zero")
	}
	pvd, br, svd, term := sector(img, 16), sector(img, 17), sector(img, 18), sector(img, 19)
	for i, s := range [][]byte{pvd, br, svd, term} {
		if string(s[1:6]) != "CD001" || s[6] != 1 {
			t.Errorf("sector %d is not a volume descriptor", 16+i)
		}
	}
	if pvd[0] != 1 || br[0] != 0 || svd[0] != 2 || term[0] != 255 {
		t.Fatalf("descriptor types %d %d %d %d, want 1 0 2 255", pvd[0], br[0], svd[0], term[0])
	}
	if got := string(pvd[40:72]); got != "WINPE_X64_REFIMAGE              " {
		t.Errorf("volume id %q", got)
	}
	if got := string(svd[88:91]); got != "%/E" {
		t.Errorf("Joliet escape %q", got)
	}
	if got, want := svd[40:72], ucs2("WinPE-x64_Refima"); !bytes.Equal(got, want) {
		t.Errorf("Joliet volume id % x", got)
	}
	if got := int64(binary.LittleEndian.Uint32(pvd[80:])) * sectorSize; got != int64(len(img)) {
		t.Errorf("volume space %d bytes, file %d", got, len(img))
	}
	if got := string(pvd[813:829]); got != "2026112601020300" {
		t.Errorf("creation time %q", got)
	}
	if got := string(br[7:30]); got != "EL TORITO SPECIFICATION" {
		t.Errorf("boot record id %q", got)
	}
	cat := sector(img, int(binary.LittleEndian.Uint32(br[71:])))
	var sum uint16
	for i := 0; i < 32; i += 2 {
		sum += binary.LittleEndian.Uint16(cat[i:])
	}
	if cat[0] != 1 || cat[1] != 0 || sum != 0 || cat[30] != 0x55 || cat[31] != 0xAA {
		t.Errorf("validation entry % x (sum %#x)", cat[:32], sum)
	}
	def, hdr, efi := cat[32:64], cat[64:96], cat[96:128]
	if def[0] != 0x88 || def[1] != 0 || binary.LittleEndian.Uint16(def[2:]) != 0 || binary.LittleEndian.Uint16(def[6:]) != 8 {
		t.Errorf("default entry % x", def)
	}
	if hdr[0] != 0x91 || hdr[1] != 0xEF || binary.LittleEndian.Uint16(hdr[2:]) != 1 {
		t.Errorf("section header % x", hdr)
	}
	if efi[0] != 0x88 || efi[1] != 0 || binary.LittleEndian.Uint16(efi[6:]) != 2880 {
		t.Errorf("UEFI entry % x", efi)
	}
	biosLBA, efiLBA := binary.LittleEndian.Uint32(def[8:]), binary.LittleEndian.Uint32(efi[8:])
	if !bytes.Equal(sector(img, int(biosLBA))[:4], []byte{0xB0, 0xB0, 0xB0, 0xB0}) {
		t.Error("BIOS entry does not point at etfsboot.com")
	}
	if !bytes.Equal(sector(img, int(efiLBA))[:4], []byte{0xEF, 0xEF, 0xEF, 0xEF}) {
		t.Error("UEFI entry does not point at efisys.bin")
	}
	// etfsboot.com is not patched (no boot-info table at bytes 8-63).
	if !bytes.Equal(sector(img, int(biosLBA))[8:64], bytes.Repeat([]byte{0xB0}, 56)) {
		t.Error("etfsboot.com was modified")
	}
}

func TestCatalogVariants(t *testing.T) {
	_, files := writeTree(t, map[string][]byte{
		"etfsboot.com": make([]byte, 512),
		"big.bin":      make([]byte, 0x10000*512), // 65536 sectors: too big for 16 bits
	})
	for _, tt := range []struct {
		opt      Options
		platform byte
		sectors  uint16
	}{
		{Options{BIOSBoot: "etfsboot.com"}, 0, 8},
		{Options{UEFIBoot: "big.bin"}, 0xEF, 0},
	} {
		img, err := layout(files, tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		cat, err := img.catalog()
		if err != nil {
			t.Fatal(err)
		}
		if cat[1] != tt.platform || binary.LittleEndian.Uint16(cat[32+6:]) != tt.sectors || cat[64] != 0 {
			t.Errorf("%+v: catalog % x", tt.opt, cat[:96])
		}
	}
	// Without boot files there is no boot record: the SVD is at 17.
	img, err := layout(files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if img.svdLBA != 17 || img.catalogLBA != 0 {
		t.Errorf("no boot: SVD at %d, catalog at %d", img.svdLBA, img.catalogLBA)
	}
	// A small BIOS boot file still gets the 4 KiB the firmware loads.
	img, err = layout(files, Options{BIOSBoot: "etfsboot.com"})
	if err != nil {
		t.Fatal(err)
	}
	if img.bios.sectors != 2 {
		t.Errorf("BIOS boot file has %d sectors, want 2", img.bios.sectors)
	}
}

func TestDeterministicAndProgress(t *testing.T) {
	files := map[string][]byte{"sources/boot.wim": bytes.Repeat([]byte("wim!"), 1<<20), "a/b/c.txt": []byte("c")}
	for i := 0; i < 300; i++ {
		files["many/file-with-a-rather-long-name-"+strings.Repeat("x", i%20)+string(rune('a'+i%26))+"-"+itoa(i)+".dat"] = []byte{byte(i)}
	}
	_, list := writeTree(t, files)
	dir := t.TempDir()
	var reports []int64
	var total int64
	opt := Options{ModTime: testTime, Progress: func(done, tot int64) {
		reports = append(reports, done)
		total = tot
	}}
	a, b := filepath.Join(dir, "a.iso"), filepath.Join(dir, "b.iso")
	if err := Write(context.Background(), a, list, opt); err != nil {
		t.Fatal(err)
	}
	opt.Progress = nil
	if err := Write(context.Background(), b, list, opt); err != nil {
		t.Fatal(err)
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) {
		t.Error("two writes of the same input differ")
	}
	size, err := Size(list, opt)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(ab)) || total != size {
		t.Errorf("Size %d, progress total %d, file %d", size, total, len(ab))
	}
	for i := 1; i < len(reports); i++ {
		if reports[i] < reports[i-1] {
			t.Fatalf("progress went back: %v", reports)
		}
	}
	if len(reports) < 3 || reports[0] != 0 || reports[len(reports)-1] != size {
		t.Errorf("progress reports %v, want 0 .. %d", reports, size)
	}
	if fi, err := os.Stat(a); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("image mode %v, want 0644", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("leftover files: %v", entries)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestCancelLeavesNothing(t *testing.T) {
	_, list := writeTree(t, map[string][]byte{"big.bin": bytes.Repeat([]byte{1}, 8<<20)})
	dir := t.TempDir()
	out := filepath.Join(dir, "out.iso")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := Write(ctx, out, list, Options{Progress: func(done, total int64) {
		if done > 2<<20 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	// An existing image under the name is left as it was.
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if err := Write(ctx, out, list, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Errorf("existing file changed to %d bytes", len(b))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestSourceChangedLeavesNothing(t *testing.T) {
	_, list := writeTree(t, map[string][]byte{"a.bin": []byte("12345"), "b.bin": []byte("x")})
	for _, tt := range []struct {
		name string
		edit func([]File)
		want string
	}{
		{"bigger", func(f []File) { f[0].Size = 4 }, "has 5 bytes, expected 4"},
		{"smaller", func(f []File) { f[1].Size = 9 }, "has 1 bytes, expected 9"},
		{"missing", func(f []File) { f[1].Source += ".gone" }, "b.bin"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := append([]File(nil), list...)
			tt.edit(files)
			dir := t.TempDir()
			out := filepath.Join(dir, "out.iso")
			err := Write(context.Background(), out, files, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if tt.name == "missing" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("got %v, want a file-not-found error", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
}

func TestFromDir(t *testing.T) {
	dir, list := writeTree(t, map[string][]byte{"B/x": []byte("12"), "a": nil})
	if len(list) != 2 || list[0].Path != "B/x" || list[0].Size != 2 || list[1].Path != "a" {
		t.Fatalf("FromDir: %+v", list)
	}
	if _, err := FromDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("FromDir of a missing directory succeeded")
	}
	if err := os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "link")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "link")); err != nil {
		// Wine 8's CreateSymbolicLinkW reports success and makes nothing.
		t.Skip("os.Symlink succeeded but made no link (Wine's CreateSymbolicLinkW is a stub):", err)
	}
	list, err := FromDir(dir)
	if err != nil || len(list) != 3 || list[2].Path != "link" {
		t.Fatalf("FromDir with a symlink: %+v, %v", list, err)
	}
}

// readTree walks the directory records from a volume descriptor's root and
// returns every directory's extent by path (test-only reader of our own
// output).
func readTree(t *testing.T, img []byte, vd []byte, joliet bool) map[string]uint32 {
	t.Helper()
	dirs := map[string]uint32{}
	var walk func(path string, lba, size uint32)
	walk = func(path string, lba, size uint32) {
		dirs[path] = lba
		ext := img[int64(lba)*sectorSize : int64(lba)*sectorSize+int64(size)]
		for off := 0; off < len(ext); {
			l := int(ext[off])
			if l == 0 {
				off = (off/sectorSize + 1) * sectorSize
				continue
			}
			r := ext[off : off+l]
			id := r[33 : 33+int(r[32])]
			off += l
			if len(id) == 1 && id[0] <= 1 || r[25]&flagDir == 0 {
				continue
			}
			name := string(id)
			if joliet {
				u := make([]rune, len(id)/2)
				for i := range u {
					u[i] = rune(binary.BigEndian.Uint16(id[2*i:]))
				}
				name = string(u)
			}
			walk(path+"/"+name, binary.LittleEndian.Uint32(r[2:]), binary.LittleEndian.Uint32(r[10:]))
		}
	}
	root := vd[156:]
	walk("", binary.LittleEndian.Uint32(root[2:]), binary.LittleEndian.Uint32(root[10:]))
	return dirs
}

// readPathTable decodes a path table into path → extent and checks the
// ECMA-119 9.4 order (level, then parent number, then identifier).
func readPathTable(t *testing.T, b []byte, bigEndian, joliet bool) map[string]uint32 {
	t.Helper()
	type ent struct {
		path   string
		level  int
		parent int
		id     []byte
		lba    uint32
	}
	var ents []ent
	for off := 0; off < len(b); {
		n := int(b[off])
		var lba uint32
		var parent int
		if bigEndian {
			lba, parent = binary.BigEndian.Uint32(b[off+2:]), int(binary.BigEndian.Uint16(b[off+6:]))
		} else {
			lba, parent = binary.LittleEndian.Uint32(b[off+2:]), int(binary.LittleEndian.Uint16(b[off+6:]))
		}
		id := b[off+8 : off+8+n]
		off += 8 + n + n%2
		if len(ents) == 0 {
			ents = append(ents, ent{"", 0, 1, id, lba})
			continue
		}
		if parent < 1 || parent > len(ents) {
			t.Fatalf("path table entry %d: parent %d", len(ents)+1, parent)
		}
		name := string(id)
		if joliet {
			u := make([]rune, len(id)/2)
			for i := range u {
				u[i] = rune(binary.BigEndian.Uint16(id[2*i:]))
			}
			name = string(u)
		}
		p := ents[parent-1]
		e := ent{p.path + "/" + name, p.level + 1, parent, id, lba}
		prev := ents[len(ents)-1]
		if e.level < prev.level || e.level == prev.level && (e.parent < prev.parent ||
			e.parent == prev.parent && !joliet && padCompare(string(e.id), string(prev.id)) <= 0) {
			t.Errorf("path table out of order at %s (after %s)", e.path, prev.path)
		}
		ents = append(ents, e)
	}
	m := map[string]uint32{}
	for _, e := range ents {
		m[e.path] = e.lba
	}
	return m
}

// TestPathTables checks the four path tables against the directory trees:
// Windows' CDFS looks directories up through them, and xorriso does not
// read them.
func TestPathTables(t *testing.T) {
	files := map[string][]byte{"f": nil}
	for _, d := range []string{"Boot/en-us", "Boot/Fonts", "EFI/Microsoft/Boot/en-us", "EFI/Boot", "sources", "a/b/c/d/e/f/g/h/i/j", "Zeta", "alpha.dir"} {
		files[d+"/x"] = []byte("x")
	}
	for i := 0; i < 200; i++ { // enough directories for multi-sector tables
		files["many/directory number "+itoa(i)+"/x"] = nil
	}
	_, list := writeTree(t, files)
	out := filepath.Join(t.TempDir(), "p.iso")
	if err := Write(context.Background(), out, list, Options{ModTime: testTime}); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, vd := range [][]byte{sector(img, 16), sector(img, 17)} {
		joliet := vd[0] == 2
		tree := readTree(t, img, vd, joliet)
		size := binary.LittleEndian.Uint32(vd[132:])
		if binary.BigEndian.Uint32(vd[136:]) != size {
			t.Error("path table size: both-endian halves differ")
		}
		l := int64(binary.LittleEndian.Uint32(vd[140:])) * sectorSize
		m := int64(binary.BigEndian.Uint32(vd[148:])) * sectorSize
		lt := readPathTable(t, img[l:l+int64(size)], false, joliet)
		mt := readPathTable(t, img[m:m+int64(size)], true, joliet)
		if len(tree) != 223 || len(lt) != len(tree) || len(mt) != len(tree) {
			t.Fatalf("joliet=%v: %d directories in the tree, %d in L, %d in M", joliet, len(tree), len(lt), len(mt))
		}
		for p, lba := range tree {
			if lt[p] != lba || mt[p] != lba {
				t.Errorf("joliet=%v: %s at %d, L table says %d, M table %d", joliet, p, lba, lt[p], mt[p])
			}
		}
		if joliet && tree["/EFI/Microsoft/Boot/en-us"] == 0 || !joliet && tree["/EFI/MICROSOFT/BOOT/EN_US"] == 0 {
			t.Errorf("joliet=%v: names not as expected: %v", joliet, tree)
		}
	}
}

func TestPrimaryNameCollisionWithLongExtension(t *testing.T) {
	e := strings.Repeat("e", 29)
	root, _, _, err := buildTree(fakeFiles(".é"+e, ".ê"+e, ".ë"+e))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range root.kids {
		if len(c.isoName) > maxISOName || seen[c.isoName] {
			t.Errorf("%q: primary name %q", c.name, c.isoName)
		}
		seen[c.isoName] = true
	}
}
