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
	"github.com/refimage/refimage/media/internal/testboot"
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
	root, files := mediaTree(t)
	out := filepath.Join(t.TempDir(), "winpe.img")
	var last, total int64
	err := WriteImage(context.Background(), out, fromDir(t, root), Options{Label: "WinPE", Progress: func(d, tt int64) { last, total = d, tt }})
	if err != nil {
		t.Fatal(err)
	}
	if last != total || total == 0 {
		t.Errorf("progress ended at %d of %d", last, total)
	}
	return out, files
}

func TestGPTLayout(t *testing.T) {
	img, _ := writeImage(t)
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
	// EFI system partition type GUID C12A7328-F81F-11D2-BA4B-00A0C93EC93B (mixed endian).
	esp := []byte{0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b}
	if !bytes.Equal(ent[:16], esp) {
		t.Fatalf("partition 1 type %x, want the EFI system partition", ent[:16])
	}
	if first := binary.LittleEndian.Uint64(ent[32:]); first != partStartLBA {
		t.Errorf("partition starts at LBA %d, want %d", first, partStartLBA)
	}
}

// partition copies the EFI partition out of the image for the FAT tools.
func partition(t *testing.T, img string) string {
	t.Helper()
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	ent := data[binary.LittleEndian.Uint64(data[512+72:])*512:]
	first, last := binary.LittleEndian.Uint64(ent[32:]), binary.LittleEndian.Uint64(ent[40:])
	p := filepath.Join(t.TempDir(), "esp.fat")
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
	if err := WriteImage(context.Background(), out, fromDir(t, root), Options{}); err == nil || !strings.Contains(err.Error(), "the same name twice") {
		t.Errorf("case clash: %v", err)
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

func TestOVMFBootsImage(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a VM")
	}
	qemu := oracle.Require(t, "qemu-system-x86_64")
	code := oracle.RequireFile(t, "/usr/share/OVMF/OVMF_CODE.fd", "ovmf")
	img, _ := writeImage(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var serial bytes.Buffer
	cmd := exec.CommandContext(ctx, qemu, "-machine", "q35", "-m", "256",
		"-drive", "if=pflash,format=raw,readonly=on,file="+code,
		"-drive", "format=raw,file="+img,
		"-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none", "-no-reboot")
	cmd.Stdout = &serial
	cmd.Stderr = &serial
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(110 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(serial.String(), marker) {
		time.Sleep(200 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !strings.Contains(serial.String(), marker) {
		tail := serial.String()
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		t.Fatalf("OVMF did not reach the EFI test program; serial:\n%s", tail)
	}
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
