package usb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
	"github.com/refimage/refimage/internal/testboot"
)

const marker = "REFIMAGE-USB-UEFI-OK"

// mediaTree makes a small copype-like media folder.
func mediaTree(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	root := t.TempDir()
	big := make([]byte, 3<<20+123)
	rand.Read(big)
	files := map[string][]byte{
		"bootmgr":                []byte("bootmgr stand-in"),
		"bootmgr.efi":            []byte("bootmgr.efi stand-in"),
		"Boot/BCD":               []byte("BIOS BCD"),
		"Boot/boot.sdi":          bytes.Repeat([]byte{0xAB}, 3170304/64),
		"EFI/Boot/bootx64.efi":   testboot.EFIApp(marker),
		"EFI/Microsoft/Boot/BCD": []byte("UEFI BCD"),
		"EFI/Microsoft/Boot/ko-KR/bootmgfw.efi.mui": []byte("한국어 리소스"),
		"sources/boot.wim":                          big,
		"SMS/data/Sequence File.toml":               []byte("version = 1\n"),
		"Empty.txt":                                 {},
	}
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "EmptyDir"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root, files
}

func writeImage(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	return writeImageLayout(t, "")
}

func writeImageLayout(t *testing.T, layout Layout) (string, map[string][]byte) {
	t.Helper()
	root, files := mediaTree(t)
	out := filepath.Join(t.TempDir(), "winpe.img")
	var last, total int64
	err := WriteImage(context.Background(), out, fromDir(t, root), Options{Label: "WinPE", Layout: layout, Progress: func(d, tt int64) { last, total = d, tt }})
	if err != nil {
		t.Fatal(err)
	}
	if last != total || total == 0 {
		t.Errorf("progress ended at %d of %d", last, total)
	}
	return out, files
}

// TestMBRLayout: the default is MakeWinPEMedia's layout, one active FAT32
// (LBA) partition from 1 MiB to the end of the image, no GPT.
func TestMBRLayout(t *testing.T) {
	img, _ := writeImage(t)
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	if data[510] != 0x55 || data[511] != 0xAA {
		t.Fatal("no MBR signature")
	}
	e := data[446:462]
	if e[0] != 0x80 || e[4] != MBRTypeFAT32LBA {
		t.Fatalf("partition 1: status %#x type %#x, want active (0x80) FAT32 LBA (0x0c)", e[0], e[4])
	}
	first, count := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
	if first != partStartLBA || int64(first+count)*sector != int64(len(data)) {
		t.Errorf("partition %d+%d sectors, image %d sectors: it must cover the image from 1 MiB", first, count, len(data)/sector)
	}
	if !bytes.Equal(data[462:510], make([]byte, 48)) {
		t.Error("entries 2-4 are not empty")
	}
	if binary.LittleEndian.Uint32(data[440:]) == 0 {
		t.Error("no disk signature")
	}
	if string(data[512:520]) == "EFI PART" {
		t.Error("a GPT header in the MBR layout")
	}
	// The FAT32 boot sector counts the sectors before it.
	if h := binary.LittleEndian.Uint32(data[first*sector+28:]); h != first {
		t.Errorf("FAT32 hidden sectors %d, want %d", h, first)
	}
}

func TestGPTLayout(t *testing.T) {
	img, _ := writeImageLayout(t, LayoutGPT)
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	// Protective MBR: one 0xEE entry and the boot signature.
	if data[446+4] != 0xEE || data[510] != 0x55 || data[511] != 0xAA {
		t.Fatalf("no protective MBR: type %#x sig %#x%x", data[446+4], data[510], data[511])
	}
	hdr := data[512:1024]
	if string(hdr[:8]) != "EFI PART" {
		t.Fatalf("no GPT header at LBA 1")
	}
	entries := binary.LittleEndian.Uint64(hdr[72:])
	ent := data[entries*512:]
	// Microsoft basic data EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 (mixed
	// endian), not the EFI system partition, so Windows gives it a letter.
	basic := []byte{0xa2, 0xa0, 0xd0, 0xeb, 0xe5, 0xb9, 0x33, 0x44, 0x87, 0xc0, 0x68, 0xb6, 0xb7, 0x26, 0x99, 0xc7}
	if !bytes.Equal(ent[:16], basic) {
		t.Fatalf("partition 1 type %x, want a Microsoft basic data partition", ent[:16])
	}
	if first := binary.LittleEndian.Uint64(ent[32:]); first != partStartLBA {
		t.Errorf("partition starts at LBA %d, want %d", first, partStartLBA)
	}
	if last := binary.LittleEndian.Uint64(ent[40:]); last != uint64(len(data)/sector)-gptTailLBAs-1 {
		t.Errorf("partition ends at LBA %d of %d: it must reach the backup GPT", last, len(data)/sector)
	}
}

// TestPartitionTablesCleanForTools: sfdisk reads both layouts as written
// and finds nothing to complain about; sgdisk verifies the GPT.
func TestPartitionTablesCleanForTools(t *testing.T) {
	sfdisk := oracle.Require(t, "sfdisk")
	sgdisk := oracle.Require(t, "sgdisk")
	for _, tc := range []struct {
		layout Layout
		want   []string
	}{
		{LayoutMBR, []string{"label: dos", "start=        2048", "type=c, bootable"}},
		{LayoutGPT, []string{"label: gpt", "start=        2048", "type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", `name="Basic data partition"`}},
	} {
		img, _ := writeImageLayout(t, tc.layout)
		out, err := exec.Command(sfdisk, "--dump", img).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: sfdisk --dump: %v\n%s", tc.layout, err, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%s: sfdisk --dump lacks %q:\n%s", tc.layout, w, out)
			}
		}
		if strings.Count(string(out), img+"1 :") != 1 || strings.Contains(string(out), img+"2 :") {
			t.Errorf("%s: not exactly one partition:\n%s", tc.layout, out)
		}
		out, err = exec.Command(sfdisk, "--verify", img).CombinedOutput()
		if err != nil || strings.Contains(strings.ToLower(string(out)), "warning") {
			t.Errorf("%s: sfdisk --verify: %v\n%s", tc.layout, err, out)
		}
		if tc.layout == LayoutGPT {
			out, err = exec.Command(sgdisk, "-v", img).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "No problems found") {
				t.Errorf("sgdisk -v: %v\n%s", err, out)
			}
		}
	}
}

func TestParseLayout(t *testing.T) {
	for in, want := range map[string]Layout{"": LayoutMBR, "mbr": LayoutMBR, "MBR": LayoutMBR, "gpt": LayoutGPT} {
		if got, err := ParseLayout(in); err != nil || got != want {
			t.Errorf("ParseLayout(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseLayout("esp"); err == nil || !strings.Contains(err.Error(), "mbr") {
		t.Errorf("ParseLayout(esp): %v", err)
	}
	root, _ := mediaTree(t)
	out := filepath.Join(t.TempDir(), "x.img")
	if err := WriteImage(context.Background(), out, fromDir(t, root), Options{Layout: "hybrid"}); err == nil {
		t.Error("an unknown layout was written")
	}
}

func TestCHS(t *testing.T) {
	for lba, want := range map[uint64][3]byte{
		0:        {0, 1, 0},
		2048:     {32, 33, 0},
		16064:    {254, 63, 0},
		16065:    {0, 1, 1},
		16450559: {254, 63 | 0xC0, 0xFF}, // cylinder 1023
		1 << 30:  {254, 63 | 0xC0, 0xFF},
	} {
		if got := chs(lba); !bytes.Equal(got, want[:]) {
			t.Errorf("chs(%d) = % x, want % x", lba, got, want)
		}
	}
}

// partition copies the FAT32 partition out of the image for the FAT tools.
func partition(t *testing.T, img string) string {
	t.Helper()
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	var first, last uint64
	if data[446+4] == 0xEE {
		ent := data[binary.LittleEndian.Uint64(data[512+72:])*512:]
		first, last = binary.LittleEndian.Uint64(ent[32:]), binary.LittleEndian.Uint64(ent[40:])
	} else {
		first = uint64(binary.LittleEndian.Uint32(data[446+8:]))
		last = first + uint64(binary.LittleEndian.Uint32(data[446+12:])) - 1
	}
	p := filepath.Join(t.TempDir(), "part.fat")
	if err := os.WriteFile(p, data[first*512:(last+1)*512], 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFsckClean(t *testing.T) {
	fsck := oracle.Require(t, "fsck.fat")
	img, _ := writeImage(t)
	out, err := exec.Command(fsck, "-n", "-v", partition(t, img)).CombinedOutput()
	if err != nil {
		t.Fatalf("fsck.fat -n: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "32 bit entries") || strings.Contains(string(out), "Fixing") || strings.Contains(string(out), "should be") {
		t.Errorf("fsck.fat found problems, or this is not FAT32:\n%s", out)
	}
}

func TestMtoolsReadsEveryFile(t *testing.T) {
	mtype := oracle.Require(t, "mtype")
	mdir := oracle.Require(t, "mdir")
	img, files := writeImage(t)
	esp := partition(t, img)
	env := append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "MTOOLS_NO_VFAT=0", "LC_ALL=C.UTF-8")
	for p, want := range files {
		cmd := exec.Command(mtype, "-i", esp, "::/"+p)
		cmd.Env = env
		got, err := cmd.Output()
		if err != nil {
			t.Errorf("mtype %s: %v", p, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes read back, want %d (content differs)", p, len(got), len(want))
		}
	}
	cmd := exec.Command(mdir, "-i", esp, "::/")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "WINPE") || !strings.Contains(string(out), "EmptyDir") {
		t.Errorf("mdir: %v\n%s", err, out)
	}
}

func TestRefusals(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "a.txt"), nil, 0o644)
	out := filepath.Join(t.TempDir(), "x.img")
	if err := WriteImage(context.Background(), out, fromDir(t, root), Options{Label: "TOO-LONG-LABEL"}); err == nil || !strings.Contains(err.Error(), "11 characters") {
		t.Errorf("long label: %v", err)
	}
	if err := WriteImage(context.Background(), out, fromDir(t, root), Options{Size: 8 << 20}); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("small image: %v", err)
	}
	os.WriteFile(filepath.Join(root, "A.TXT"), nil, 0o644)
	// Only where the file system tells a.txt from A.TXT (not on Windows).
	if entries, _ := os.ReadDir(root); len(entries) == 2 {
		if err := WriteImage(context.Background(), out, fromDir(t, root), Options{}); err == nil || !strings.Contains(err.Error(), "the same name twice") {
			t.Errorf("case clash: %v", err)
		}
	}
	if _, err := FromDir(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Error("a failed write left a file under the requested name")
	}
}

func TestCancelLeavesNothing(t *testing.T) {
	root, _ := mediaTree(t)
	out := filepath.Join(t.TempDir(), "x.img")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteImage(ctx, out, fromDir(t, root), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled write: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*"))
	if len(left) != 0 {
		t.Errorf("cancel left %v", left)
	}
}

// TestOVMFBootsImage: OVMF starts \EFI\Boot\bootx64.efi from both layouts
// attached as a USB mass-storage device (xHCI), as a stick is.
func TestOVMFBootsImage(t *testing.T) {
	for _, layout := range Layouts {
		t.Run(string(layout), func(t *testing.T) {
			img, _ := writeImageLayout(t, layout)
			if ok, serial := ovmfBoot(t, img, "qemu-xhci,id=xhci", "usb-storage,bus=xhci.0,drive=stick,removable=on"); !ok {
				t.Fatalf("OVMF did not reach the EFI test program from the USB stick; serial:\n%s", serial)
			}
		})
	}
}

// ovmfBoot boots OVMF with img as the drive "stick" of the given QEMU
// devices and reports whether the EFI test program on it ran; it stops
// early when OVMF falls back to its shell (nothing bootable found). The
// serial output's tail is returned for messages.
func ovmfBoot(t *testing.T, img string, devices ...string) (bool, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("boots a VM")
	}
	qemu := oracle.Require(t, "qemu-system-x86_64")
	code := oracle.RequireFile(t, "/usr/share/OVMF/OVMF_CODE.fd", "ovmf")
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	args := []string{"-machine", "q35", "-m", "256",
		"-drive", "if=pflash,format=raw,readonly=on,file=" + code,
		"-drive", "if=none,id=stick,format=raw,file=" + img}
	for _, d := range devices {
		args = append(args, "-device", d)
	}
	args = append(args, "-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none", "-no-reboot")
	var serial testboot.Serial
	cmd := exec.CommandContext(ctx, qemu, args...)
	cmd.Stdout = &serial
	cmd.Stderr = &serial
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(140 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(serial.String(), marker) && !strings.Contains(serial.String(), "Shell>") {
		time.Sleep(200 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	out := serial.String()
	if len(out) > 2000 {
		out = out[len(out)-2000:]
	}
	return strings.Contains(serial.String(), marker), out
}

func TestManySimilarLongNames(t *testing.T) {
	fsck := oracle.Require(t, "fsck.fat")
	mtype := oracle.Require(t, "mtype")
	root := t.TempDir()
	dir := filepath.Join(root, "Drivers", "Network Adapters")
	os.MkdirAll(dir, 0o755)
	for i := 0; i < 300; i++ {
		name := filepath.Join(dir, "Intel Ethernet Connection "+strings.Repeat("x", i%7)+itoa(i)+".inf")
		os.WriteFile(name, []byte(itoa(i)), 0o644)
	}
	out := filepath.Join(t.TempDir(), "x.img")
	if err := WriteImage(context.Background(), out, fromDir(t, root), Options{}); err != nil {
		t.Fatal(err)
	}
	esp := partition(t, out)
	if o, err := exec.Command(fsck, "-n", esp).CombinedOutput(); err != nil {
		t.Fatalf("fsck: %v\n%s", err, o)
	}
	for _, i := range []int{0, 7, 123, 299} {
		p := "::/Drivers/Network Adapters/Intel Ethernet Connection " + strings.Repeat("x", i%7) + itoa(i) + ".inf"
		cmd := exec.Command(mtype, "-i", esp, p)
		cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
		got, err := cmd.Output()
		if err != nil || string(got) != itoa(i) {
			t.Errorf("%s: %q %v", p, got, err)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func fromDir(t *testing.T, root string) []File {
	t.Helper()
	files, err := FromDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return files
}
