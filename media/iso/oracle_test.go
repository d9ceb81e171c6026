package iso

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/internal/testboot"
)

const (
	biosMarker = "REFIMAGE-BIOS-OK"
	uefiMarker = "REFIMAGE-UEFI-OK"
)

// runTool runs an oracle with a bounded time and returns its combined
// output.
func runTool(t *testing.T, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func xorriso(t *testing.T, args ...string) string {
	t.Helper()
	x := oracle.Require(t, "xorriso")
	out := runTool(t, 2*time.Minute, x, append([]string{"-local_charset", "UTF-8"}, args...)...)
	for _, bad := range []string{"SORRY", "FAILURE", "FATAL", "WARNING", "MISHAP"} {
		if strings.Contains(out, bad) {
			t.Errorf("xorriso %s reports %s:\n%s", strings.Join(args, " "), bad, out)
		}
	}
	return out
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// winpeTree is a copype-like media folder with the test boot programs as
// etfsboot.com and efisys.bin, plus names that stress the writer.
func winpeTree(t *testing.T) map[string][]byte {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	efisys, err := testboot.EFISysImage(map[string][]byte{"EFI/BOOT/BOOTX64.EFI": testboot.EFIApp(uefiMarker)})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"bootmgr":                                   randomBytes(r, 400000),
		"bootmgr.efi":                               randomBytes(r, 1200000),
		"Boot/BCD":                                  randomBytes(r, 16384),
		"Boot/boot.sdi":                             randomBytes(r, 3170304),
		"Boot/etfsboot.com":                         testboot.BIOSBootSector(biosMarker),
		"Boot/en-us/bootmgr.exe.mui":                randomBytes(r, 70000),
		"Boot/Fonts/wgl4_boot.ttf":                  randomBytes(r, 40000),
		"EFI/Boot/bootx64.efi":                      testboot.EFIApp("REFIMAGE-TREE-COPY"), // never booted from a CD: the UEFI marker must come from efisys.bin
		"EFI/Microsoft/Boot/BCD":                    randomBytes(r, 16384),
		"EFI/Microsoft/Boot/efisys.bin":             efisys,
		"EFI/Microsoft/Boot/en-us/bootmgfw.efi.mui": randomBytes(r, 30000),
		"sources/boot.wim":                          randomBytes(r, 5<<20+17),
		"empty.txt":                                 nil,
		"a-b.txt":                                   []byte("dash"),
		"a_b.txt":                                   []byte("underscore"),
		"Grüße/한국어 파일.txt":                          []byte("unicode"),
		strings.Repeat("L", 64):                     []byte("64 characters"),
	}
	deep := "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/deep.txt"
	files[deep] = []byte("deep")
	for i := 0; i < 300; i++ {
		files["many/a file with a long name number "+itoa(i)+".dat"] = randomBytes(r, r.IntN(3000))
	}
	return files
}

// lsdlPaths returns the paths of an xorriso lsdl listing, directories with
// a trailing '/'.
func lsdlPaths(t *testing.T, out string) []string {
	t.Helper()
	var paths []string
	for _, line := range strings.Split(out, "\n") {
		if len(line) == 0 || (line[0] != '-' && line[0] != 'd') {
			continue
		}
		i := strings.Index(line, "'/")
		if i < 0 || !strings.HasSuffix(line, "'") {
			t.Fatalf("unexpected lsdl line %q", line)
		}
		p := line[i+1 : len(line)-1]
		if line[0] == 'd' && p != "/" {
			p += "/"
		}
		if p != "/" {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return paths
}

func expectedPaths(files map[string][]byte, mapName func(string) string) []string {
	set := map[string]bool{}
	for p := range files {
		parts := strings.Split(p, "/")
		for i := range parts {
			parts[i] = mapName(parts[i])
		}
		for i := 1; i < len(parts); i++ {
			set["/"+strings.Join(parts[:i], "/")+"/"] = true
		}
		set["/"+strings.Join(parts, "/")] = true
	}
	var list []string
	for p := range set {
		list = append(list, p)
	}
	sort.Strings(list)
	return list
}

// TestXorrisoReadsWinPEImage checks an image of a copype-like tree with
// xorriso: the El Torito entries, the system area, the Joliet tree (names
// and case as given), the primary tree and every file's bytes.
func TestXorrisoReadsWinPEImage(t *testing.T) {
	oracle.Require(t, "xorriso")
	files := winpeTree(t)
	_, list := writeTree(t, files)
	out := filepath.Join(t.TempDir(), "winpe.iso")
	opt := Options{Label: "WINPE_X64", BIOSBoot: "boot/etfsboot.com", UEFIBoot: "efi/microsoft/boot/efisys.bin", ModTime: testTime}
	if err := Write(context.Background(), out, list, opt); err != nil {
		t.Fatal(err)
	}

	rep := xorriso(t, "-indev", out, "-report_el_torito", "plain")
	for _, want := range [][]string{
		{"El Torito boot img", "1", "BIOS", "y", "none", "0x0000", "0x00", "8"},
		{"El Torito boot img", "2", "UEFI", "y", "none", "0x0000", "0x00", "2880"},
		{"El Torito img path", "1", "/Boot/etfsboot.com"},
		{"El Torito img path", "2", "/EFI/Microsoft/Boot/efisys.bin"},
		{"Volume id", "'WINPE_X64'"},
	} {
		if !hasFields(rep, want) {
			t.Errorf("-report_el_torito lacks %q:\n%s", want, rep)
		}
	}
	if strings.Contains(rep, "El Torito cat path") {
		t.Errorf("the boot catalog is visible in the tree:\n%s", rep)
	}

	// The system area (sectors 0-15) is empty: not hybrid, no MBR or GPT.
	sys := xorriso(t, "-indev", out, "-report_system_area", "plain")
	if !strings.Contains(sys, "No System Area was loaded") {
		t.Errorf("-report_system_area finds a system area:\n%s", sys)
	}
	for _, bad := range []string{"MBR", "GPT", "partition"} {
		if strings.Contains(sys, bad) {
			t.Errorf("-report_system_area finds %s in the system area:\n%s", bad, sys)
		}
	}

	// The Joliet tree (xorriso loads Joliet when there is no Rock Ridge).
	joliet := lsdlPaths(t, xorriso(t, "-indev", out, "-find", "/", "-exec", "lsdl", "--"))
	if want := expectedPaths(files, func(s string) string { return s }); strings.Join(joliet, "\n") != strings.Join(want, "\n") {
		t.Errorf("Joliet tree:\n%s\nwant:\n%s", strings.Join(joliet, "\n"), strings.Join(want, "\n"))
	}
	if !contains(joliet, "/EFI/Microsoft/Boot/BCD") {
		t.Error("Joliet tree lacks /EFI/Microsoft/Boot/BCD with its case")
	}

	// The primary tree: upper-case level 2 names without ";1".
	primary := lsdlPaths(t, xorriso(t, "-read_fs", "ecma119", "-indev", out, "-find", "/", "-exec", "lsdl", "--"))
	for _, want := range []string{"/BOOTMGR", "/BOOTMGR.EFI", "/BOOT/BCD", "/BOOT/EN_US/BOOTMGR_EXE.MUI", "/EFI/MICROSOFT/BOOT/BCD",
		"/EFI/MICROSOFT/BOOT/EFISYS.BIN", "/SOURCES/BOOT.WIM", "/A_B.TXT", "/A_B_1.TXT", "/D1/D2/D3/D4/D5/D6/D7/D8/D9/D10/D11/DEEP.TXT"} {
		if !contains(primary, want) {
			t.Errorf("primary tree lacks %s", want)
		}
	}
	if len(primary) != len(joliet) {
		t.Errorf("primary tree has %d entries, Joliet %d", len(primary), len(joliet))
	}
	for _, p := range primary {
		if strings.Contains(p, ";") || strings.ToUpper(p) != p {
			t.Errorf("primary name %q has a version or lower case", p)
		}
	}

	// isovfy (genisoimage; optional, not one of the CI oracles) checks the
	// primary tree's records and path table.
	if isovfy, err := exec.LookPath("isovfy"); err == nil {
		if rep := runTool(t, time.Minute, isovfy, out); !strings.Contains(rep, "No errors found") {
			t.Errorf("isovfy:\n%s", rep)
		}
	} else {
		t.Log("isovfy (Debian genisoimage) not installed; skipping its check")
	}

	// Every file extracted through Joliet equals its source, and nothing
	// else is there.
	dir := filepath.Join(t.TempDir(), "x")
	xorriso(t, "-osirrox", "on", "-indev", out, "-extract", "/", dir)
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		want, ok := files[filepath.ToSlash(rel)]
		if !ok {
			t.Errorf("extracted %s, which is not in the input", rel)
			return nil
		}
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: extracted %d bytes differ from the %d written", rel, len(got), len(want))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(files) {
		t.Errorf("extracted %d files, want %d", n, len(files))
	}
}

func hasFields(out string, want []string) bool {
	for _, line := range strings.Split(out, "\n") {
		key, rest, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(key) != want[0] {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < len(want)-1 {
			continue
		}
		match := true
		for i, w := range want[1:] {
			if f[i] != w {
				match = false
			}
		}
		if match {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
