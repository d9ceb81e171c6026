package usb

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

// partitionAt copies the first partition of a disk image whose logical
// sectors are ss bytes into its own file (for fsck.fat and mtools).
func partitionAt(t *testing.T, img string, ss uint64) (path string, first, last uint64) {
	t.Helper()
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	if data[446+4] == 0xEE {
		ent := data[binary.LittleEndian.Uint64(data[ss+72:])*ss:]
		first, last = binary.LittleEndian.Uint64(ent[32:]), binary.LittleEndian.Uint64(ent[40:])
	} else {
		first = uint64(binary.LittleEndian.Uint32(data[446+8:]))
		last = first + uint64(binary.LittleEndian.Uint32(data[446+12:])) - 1
	}
	path = filepath.Join(t.TempDir(), "part.fat")
	if err := os.WriteFile(path, data[first*ss:(last+1)*ss], 0o644); err != nil {
		t.Fatal(err)
	}
	return path, first, last
}

// A stick whose logical sectors are 4096 bytes (4Kn) gets a medium laid
// out in 4096-byte sectors: MBR and GPT addresses count 4096-byte LBAs
// (the GPT header in LBA 1 at byte 4096, 128 entries in 4 sectors, the
// backup header in the disk's last sector), the partition starts at 1
// MiB (LBA 256), and FAT32's bytes per sector is 4096. fsck.fat and
// mtools read the file system; where the kernel allows it, a loop device
// with 4096-byte sectors carries the written stick and sgdisk -v /
// sfdisk --verify check its table as the kernel sees it.
func TestDeviceLaidOutFor4KSectors(t *testing.T) {
	const ss = 4096
	const diskSize = 300<<20 + 7*ss
	root, files := mediaTree(t)
	for _, layout := range []Layout{LayoutMBR, LayoutGPT} {
		t.Run(string(layout), func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "medium.img")
			if err := WriteImage(context.Background(), img, fromDir(t, root), Options{Label: "WinPE", Layout: layout, DiskSize: diskSize, SectorSize: ss}); err != nil {
				t.Fatal(err)
			}
			dev := filepath.Join(t.TempDir(), "stick")
			junk := bytes.Repeat([]byte("stale stick data"), diskSize/16+1)[:diskSize]
			copy(junk[diskSize-ss:], "EFI PART")  // a stale 4Kn backup GPT header
			copy(junk[diskSize-512:], "EFI PART") // and a stale 512-byte one
			os.WriteFile(dev, junk, 0o644)
			if err := WriteDevice(context.Background(), dev, img, nil); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(dev)
			if len(data) != diskSize {
				t.Fatalf("the device grew or shrank to %d bytes", len(data))
			}
			lastLBA := uint64(diskSize/ss - 1)
			if data[510] != 0x55 || data[511] != 0xAA {
				t.Fatal("no MBR signature")
			}
			if layout == LayoutGPT {
				if string(data[512:520]) == "EFI PART" || string(data[ss:ss+8]) != "EFI PART" {
					t.Fatal("the GPT header is not in the 4096-byte LBA 1")
				}
				hdr := data[ss : 2*ss]
				if alt := binary.LittleEndian.Uint64(hdr[32:]); alt != lastLBA {
					t.Errorf("the backup is at LBA %d, want the last LBA %d", alt, lastLBA)
				}
				back := data[diskSize-ss:]
				if string(back[:8]) != "EFI PART" || binary.LittleEndian.Uint64(back[24:]) != lastLBA || binary.LittleEndian.Uint64(back[72:]) != lastLBA-4 {
					t.Errorf("no valid backup GPT header in the last 4096-byte sector: % x", back[:80])
				}
				if pe := binary.LittleEndian.Uint64(hdr[72:]); pe != 2 {
					t.Errorf("entries at LBA %d", pe)
				}
			} else if bytes.Contains(data[diskSize-5*ss:], []byte("EFI PART")) {
				t.Error("a stale GPT header survived at the end of an MBR medium")
			}
			part, first, last := partitionAt(t, dev, ss)
			if first != 256 {
				t.Errorf("the partition starts at LBA %d, want 256 (1 MiB in 4096-byte sectors)", first)
			}
			if want := map[Layout]uint64{LayoutMBR: lastLBA, LayoutGPT: lastLBA - 5}[layout]; last != want {
				t.Errorf("the partition ends at LBA %d, want %d", last, want)
			}
			bpb := data[first*ss:]
			if got := binary.LittleEndian.Uint16(bpb[11:]); got != ss {
				t.Errorf("FAT32 bytes per sector %d, want %d", got, ss)
			}
			if got := binary.LittleEndian.Uint32(bpb[28:]); uint64(got) != first {
				t.Errorf("FAT32 hidden sectors %d, want %d", got, first)
			}
			if n := binary.LittleEndian.Uint32(bpb[32:]); uint64(n) != last-first+1 {
				t.Errorf("FAT32 counts %d sectors, the partition has %d", n, last-first+1)
			}
			fsck := oracle.Require(t, "fsck.fat")
			if out, err := exec.Command(fsck, "-n", "-v", part).CombinedOutput(); err != nil || !strings.Contains(string(out), "4096 bytes per logical sector") || strings.Contains(string(out), "Fixing") || strings.Contains(string(out), "should be") {
				t.Errorf("fsck.fat: %v\n%s", err, out)
			}
			mtype := oracle.Require(t, "mtype")
			for p, want := range files {
				cmd := exec.Command(mtype, "-i", part, "::/"+p)
				cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "LC_ALL=C.UTF-8")
				if got, err := cmd.Output(); err != nil || !bytes.Equal(got, want) {
					t.Errorf("mtype %s: %v (%d bytes, want %d)", p, err, len(got), len(want))
				}
			}
			checkOn4KLoop(t, dev, layout)
		})
	}
}

// checkOn4KLoop attaches the written stick to a loop device with
// 4096-byte logical sectors and checks its partition table as the
// kernel and the partitioning tools see it; it skips, saying why, where
// the kernel or the user's rights do not allow it.
func checkOn4KLoop(t *testing.T, stick string, layout Layout) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Log("not checked on a 4096-byte-sector loop device: needs root on Linux")
		return
	}
	out, err := exec.Command("losetup", "-f", "--show", "--sector-size", "4096", stick).CombinedOutput()
	if err != nil {
		t.Logf("not checked on a 4096-byte-sector loop device: the kernel gives none here: %v %s", err, out)
		return
	}
	loop := strings.TrimSpace(string(out))
	defer exec.Command("losetup", "-d", loop).Run()
	d, err := LinuxHost.Inspect(loop)
	if err != nil || d.SectorSize != 4096 {
		t.Errorf("inspect %s: sector size %v, %v", loop, d, err)
	}
	if layout == LayoutGPT {
		sgdisk := oracle.Require(t, "sgdisk")
		out, err := exec.Command(sgdisk, "-v", loop).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "No problems found") {
			t.Errorf("sgdisk -v %s: %v\n%s", loop, err, out)
		}
		out, _ = exec.Command(sgdisk, "-p", loop).CombinedOutput()
		if !strings.Contains(string(out), "Sector size (logical/physical): 4096") || !strings.Contains(string(out), "   1             256 ") {
			t.Errorf("sgdisk -p %s:\n%s", loop, out)
		}
		return
	}
	sfdisk := oracle.Require(t, "sfdisk")
	out, err = exec.Command(sfdisk, "--verify", loop).CombinedOutput()
	if err != nil || strings.Contains(strings.ToLower(string(out)), "warning") {
		t.Errorf("sfdisk --verify %s: %v\n%s", loop, err, out)
	}
	out, _ = exec.Command(sfdisk, "-d", loop).CombinedOutput()
	if !strings.Contains(string(out), "start=         256") && !strings.Contains(string(out), "start=256") {
		t.Errorf("sfdisk -d %s:\n%s", loop, out)
	}
}

// The same for an image file (--usb with 4096-byte sectors, as
// WriteImage takes it): the image is whole, its tables and file system
// counted in 4096-byte sectors.
func TestImageFor4KSectors(t *testing.T) {
	root, _ := mediaTree(t)
	for _, layout := range []Layout{LayoutMBR, LayoutGPT} {
		img := filepath.Join(t.TempDir(), "m.img")
		if err := WriteImage(context.Background(), img, fromDir(t, root), Options{Layout: layout, SectorSize: 4096}); err != nil {
			t.Fatal(err)
		}
		info, _ := os.Stat(img)
		if info.Size() < 257<<20 || info.Size()%4096 != 0 {
			t.Errorf("%s: %d bytes: FAT32 with 4096-byte sectors needs at least 257 MiB, in whole sectors", layout, info.Size())
		}
		f, _ := os.Open(img)
		head := make([]byte, 34*512)
		f.ReadAt(head, 0)
		if ss := imageSectorSize(f, head); ss != 4096 {
			t.Errorf("%s: the image's sector size reads as %d", layout, ss)
		}
		f.Close()
	}
	// Sector sizes FAT32 does not know are refused, before anything is
	// written.
	out := filepath.Join(t.TempDir(), "x.img")
	if err := WriteImage(context.Background(), out, fromDir(t, root), Options{SectorSize: 8192}); err == nil || !strings.Contains(err.Error(), "8192-byte logical sectors cannot hold a bootable FAT32 medium") {
		t.Errorf("8192-byte sectors: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an image was written for 8192-byte sectors")
	}
}

// The disk's logical sector size comes from /sys (queue/logical_block_size,
// while size counts 512-byte units whatever the sectors), is shown in the
// confirmation, is compared again before writing, and refuses a disk
// FAT32 cannot be laid out on.
func TestSectorSizeFromSys(t *testing.T) {
	f := newTree(t)
	f.disk("sdb", "60437492", "1", "SanDisk", "Ultra", true)
	f.disk("sdc", "60437492", "1", "WD", "Elements 4Kn", true)
	f.disk("sdd", "60437492", "1", "Odd", "8K", true)
	for name, ss := range map[string]string{"sdb": "512", "sdc": "4096", "sdd": "8192"} {
		q := filepath.Join(f.root, "sys", "block", name, "queue")
		os.MkdirAll(q, 0o755)
		os.WriteFile(filepath.Join(q, "logical_block_size"), []byte(ss+"\n"), 0o644)
	}
	h := f.host()
	sdb, _ := h.Inspect(filepath.Join(h.Dev, "sdb"))
	sdc, _ := h.Inspect(filepath.Join(h.Dev, "sdc"))
	sdd, _ := h.Inspect(filepath.Join(h.Dev, "sdd"))
	if sdb.SectorSize != 512 || sdc.SectorSize != 4096 || sdc.Size != 60437492*512 {
		t.Errorf("sector sizes %d %d, size %d", sdb.SectorSize, sdc.SectorSize, sdc.Size)
	}
	if err := sdc.Refusal(); err != nil {
		t.Errorf("a 4Kn stick refused: %v", err)
	}
	if d := strings.Join(sdc.Details(), "\n"); !strings.Contains(d, "(30943995904 bytes, 4096-byte sectors)") {
		t.Errorf("details:\n%s", d)
	}
	if d := strings.Join(sdb.Details(), "\n"); strings.Contains(d, "sectors") {
		t.Errorf("512-byte sectors are not worth a word:\n%s", d)
	}
	if err := sdd.Refusal(); err == nil || !strings.Contains(err.Error(), "8192-byte logical sectors cannot hold a bootable FAT32 medium") {
		t.Errorf("8192-byte sectors: %v", err)
	}
	again := *sdc
	again.SectorSize = 512
	if got := sdc.Changed(&again); !strings.Contains(got, "logical sectors are now 512 bytes instead of 4096") {
		t.Errorf("changed: %q", got)
	}
}

// OVMF starts the EFI test program from both layouts written for
// 4096-byte sectors on a disk whose logical blocks are 4096 bytes, and
// does not find the 512-byte layout on such a disk (which proves the
// disk really is 4Kn, and why the layout must follow the disk). The disk
// is a SCSI disk (USB sticks speak SCSI too): QEMU's usb-storage does
// not pass logical_block_size on (a 512-byte layout boots from a
// "4096-byte" usb-storage), so it cannot stand for a 4Kn stick.
func TestOVMFBoots4KImage(t *testing.T) {
	root, _ := mediaTree(t)
	for _, c := range []struct {
		layout Layout
		ss     int
		boots  bool
	}{{LayoutMBR, 4096, true}, {LayoutGPT, 4096, true}, {LayoutGPT, 512, false}} {
		t.Run(fmt.Sprintf("%s-%d", c.layout, c.ss), func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "winpe.img")
			if err := WriteImage(context.Background(), img, fromDir(t, root), Options{Label: "WinPE", Layout: c.layout, SectorSize: c.ss}); err != nil {
				t.Fatal(err)
			}
			ok, serial := ovmfBoot(t, img, "virtio-scsi-pci,id=scsi", "scsi-hd,bus=scsi.0,drive=stick,logical_block_size=4096,physical_block_size=4096")
			if ok != c.boots {
				t.Fatalf("a %d-byte-sector %s layout on a 4Kn disk: booted %v, want %v; serial:\n%s", c.ss, c.layout, ok, c.boots, serial)
			}
		})
	}
}
