package usb

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

// A medium written to a device uses the whole stick: the partition runs
// to the end of the disk, the backup GPT is in the disk's last sectors,
// the file system spans the partition, and the image file itself holds
// only the head (not gigabytes of free space). The stick is first filled
// with junk and a stale GPT of an earlier life, which must not survive.
func TestDeviceLaidOutForItsSize(t *testing.T) {
	const disk = 300 << 20 // not a multiple of anything but 512
	const diskSize = disk + 7*512
	root, files := mediaTree(t)
	for _, layout := range []Layout{LayoutMBR, LayoutGPT} {
		t.Run(string(layout), func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "medium.img")
			if err := WriteImage(context.Background(), img, fromDir(t, root), Options{Label: "WinPE", Layout: layout, DiskSize: diskSize}); err != nil {
				t.Fatal(err)
			}
			info, _ := os.Stat(img)
			if info.Size() >= 64<<20 {
				t.Errorf("the image file has %d bytes: it should hold only the head of the %d-byte disk", info.Size(), diskSize)
			}
			dev := filepath.Join(t.TempDir(), "stick")
			junk := bytes.Repeat([]byte("stale stick data"), diskSize/16+1)[:diskSize]
			copy(junk[diskSize-512:], "EFI PART") // a stale backup GPT header
			os.WriteFile(dev, junk, 0o644)
			if err := WriteDevice(context.Background(), dev, img, nil); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(dev)
			if len(data) != diskSize {
				t.Fatalf("the device grew or shrank to %d bytes", len(data))
			}
			var first, last uint64
			if layout == LayoutGPT {
				hdr := data[512:1024]
				if alt := binary.LittleEndian.Uint64(hdr[32:]); alt != diskSize/512-1 {
					t.Errorf("the primary GPT puts the backup at LBA %d, want the last LBA %d", alt, diskSize/512-1)
				}
				back := data[diskSize-512:]
				if string(back[:8]) != "EFI PART" || binary.LittleEndian.Uint64(back[24:]) != diskSize/512-1 || binary.LittleEndian.Uint64(back[32:]) != 1 {
					t.Errorf("no valid backup GPT header in the last sector: % x", back[:40])
				}
				ent := data[1024:]
				first, last = binary.LittleEndian.Uint64(ent[32:]), binary.LittleEndian.Uint64(ent[40:])
				if last != diskSize/512-34 {
					t.Errorf("the partition ends at LBA %d, want %d (just before the backup GPT)", last, diskSize/512-34)
				}
			} else {
				first = uint64(binary.LittleEndian.Uint32(data[446+8:]))
				last = first + uint64(binary.LittleEndian.Uint32(data[446+12:])) - 1
				if last != diskSize/512-1 {
					t.Errorf("the partition ends at LBA %d, want the disk's last %d", last, diskSize/512-1)
				}
				if bytes.Contains(data[diskSize-33*512:], []byte("EFI PART")) || bytes.Contains(data[512:1024], []byte("EFI PART")) {
					t.Error("a stale GPT header survived on an MBR medium")
				}
			}
			// The FAT32 file system spans the partition.
			if n := binary.LittleEndian.Uint32(data[first*512+32:]); uint64(n) != last-first+1 {
				t.Errorf("FAT32 counts %d sectors, the partition has %d", n, last-first+1)
			}
			if layout == LayoutGPT {
				sgdisk := oracle.Require(t, "sgdisk")
				out, err := exec.Command(sgdisk, "-v", dev).CombinedOutput()
				if err != nil || !strings.Contains(string(out), "No problems found") {
					t.Errorf("sgdisk -v: %v\n%s", err, out)
				}
			}
			if layout == LayoutMBR {
				sfdisk := oracle.Require(t, "sfdisk")
				out, err := exec.Command(sfdisk, "--verify", dev).CombinedOutput()
				if err != nil || strings.Contains(strings.ToLower(string(out)), "warning") {
					t.Errorf("sfdisk --verify: %v\n%s", err, out)
				}
			}
			fsck := oracle.Require(t, "fsck.fat")
			esp := partition(t, dev)
			if out, err := exec.Command(fsck, "-n", "-v", esp).CombinedOutput(); err != nil || strings.Contains(string(out), "Fixing") || strings.Contains(string(out), "should be") {
				t.Errorf("fsck.fat: %v\n%s", err, out)
			}
			mtype := oracle.Require(t, "mtype")
			for p, want := range files {
				cmd := exec.Command(mtype, "-i", esp, "::/"+p)
				cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "LC_ALL=C.UTF-8")
				if got, err := cmd.Output(); err != nil || !bytes.Equal(got, want) {
					t.Errorf("mtype %s: %v (%d bytes, want %d)", p, err, len(got), len(want))
				}
			}
		})
	}
	// A disk too small for the media is refused before anything is written.
	err := WriteImage(context.Background(), filepath.Join(t.TempDir(), "x.img"), fromDir(t, root), Options{DiskSize: 8 << 20})
	if !errors.Is(err, ErrTooSmall) {
		t.Errorf("a disk too small: %v", err)
	}
}
