// Package iso writes ISO 9660 images with Joliet names, a UDF 1.02 bridge
// and El Torito boot entries, the way oscdimg lays out WinPE media: a BIOS
// no-emulation entry (etfsboot.com) and a UEFI entry (efisys.bin, platform
// 0xEF).
//
// The image has
//
//   - the primary volume descriptor at sector 16, the El Torito boot record
//     at sector 17 (SeaBIOS and other BIOSes read only sector 17), the
//     Joliet supplementary volume descriptor next and then the terminator;
//   - a hidden boot catalog (it is in neither directory tree, like oscdimg);
//   - an ISO 9660 primary tree with upper-case level 2 names of up to 31
//     characters (A-Z, 0-9, _ and one dot before the extension) and no ";1"
//     version suffix, as oscdimg writes them (Windows Vista-era etfsboot.com
//     does not find BOOTMGR;1, KB931708);
//   - a Joliet tree with the names as given (mixed case, up to 64 UCS-2
//     characters) sharing the file extents with the primary tree;
//   - a UDF 1.02 file system over the same file extents (udf.go), which
//     Windows reads when it is there: names as given, and every file a
//     single file with a 64-bit size;
//   - files of 4 GiB or more also as ISO 9660 level 3 multi-extent files
//     (several directory records of the same name, each but the last
//     flagged "multi-extent"), in the ISO 9660 and Joliet trees.
//
// Write never holds file contents in memory: it lays out the trees first
// and then writes the image front to back, streaming each source file, into
// a temporary file that is synced and renamed to the requested name only
// when everything succeeded. Runs of zeros are skipped with a seek, so the
// image is sparse where its sources are. The output is deterministic for the
// same files and Options.ModTime.
package iso

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/refimage/refimage/internal/tempfile"
)

// File is one file of the image.
type File struct {
	// Path is the path in the image, '/' separated, without a leading '/'
	// ("EFI/Microsoft/Boot/BCD"). Its case is kept in the Joliet tree.
	Path string
	// Source is the host path the contents are read from.
	Source string
	// Size is the size in bytes. Write fails if the source does not have
	// exactly this size when it is copied.
	Size int64
	// Hidden files are in no directory tree (ISO 9660, Joliet or UDF):
	// only a boot catalog entry points at them, as oscdimg writes its
	// boot images. Path then only names the file for Options.BIOSBoot
	// and Options.UEFIBoot, and a hidden file that is not a boot image
	// is an error.
	Hidden bool
}

// Options control Write.
type Options struct {
	// Label is the volume label: up to 32 characters from A-Z, a-z, 0-9,
	// '_' and '-'. The ISO 9660 volume identifier is the label in upper
	// case with '-' as '_' (d-characters only); the Joliet volume
	// identifier keeps the label as given but holds only its first 16
	// characters. Empty means "REFIMAGE".
	Label string
	// BIOSBoot is the image path of the BIOS no-emulation boot file
	// (etfsboot.com); empty for none. It must be one of the files; the
	// match is case-insensitive. The catalog entry loads 8 512-byte
	// sectors (4 KiB, the size of etfsboot.com), as oscdimg writes it.
	BIOSBoot string
	// UEFIBoot is the image path of the UEFI boot image (efisys.bin, a FAT
	// image); empty for none. Its catalog entry (platform 0xEF) loads the
	// whole image, in 512-byte sectors, or 0 when that does not fit 16
	// bits, as xorriso writes it.
	UEFIBoot string
	// ModTime is the creation time of the volume and the time of every
	// directory record. Zero means now.
	ModTime time.Time
	// Progress, if set, is called from the writing goroutine with the
	// bytes of the image written so far and the image size.
	Progress func(done, total int64)
}

// DefaultLabel is the volume label used when Options.Label is empty.
const DefaultLabel = "REFIMAGE"

// Size reports the size in bytes of the image Write would produce for files
// and opt, without reading any source. It fails for the same invalid input
// as Write.
func Size(files []File, opt Options) (int64, error) {
	img, err := layout(files, opt)
	if err != nil {
		return 0, err
	}
	return img.totalSectors * sectorSize, nil
}

// Write writes an ISO image of files to out. It first writes a temporary
// file in the same directory, syncs it and renames it to out; on any error
// or when ctx is cancelled nothing is left under out (an existing out is
// left as it was) and the temporary file is removed.
func Write(ctx context.Context, out string, files []File, opt Options) (err error) {
	img, err := layout(files, opt)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir, base := filepath.Split(out)
	if dir == "" {
		dir = "."
	}
	tempfile.Sweep(dir)
	tmp, err := os.CreateTemp(dir, tempfile.Pattern(base, ".partial"))
	if err != nil {
		return fmt.Errorf("iso: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err = img.write(ctx, tmp, opt.Progress); err != nil {
		return err
	}
	// CreateTemp makes the file private (0600); an image is not secret
	// by itself, so give it the usual permissions of a new file.
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("iso: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("iso: sync %s: %w", tmpName, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("iso: close %s: %w", tmpName, err)
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = os.Rename(tmpName, out); err != nil {
		return fmt.Errorf("iso: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable where the platform allows it.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// FromDir lists the regular files under dir (symbolic links to regular
// files are followed) as Files with '/'-separated paths relative to dir,
// sorted. Empty directories are not represented. Anything that is neither a
// directory nor a regular file is an error.
func FromDir(dir string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("iso: %s is not a regular file (%s)", p, fi.Mode().Type())
		}
		files = append(files, File{Path: filepath.ToSlash(rel), Source: p, Size: fi.Size()})
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("iso: %w", err)
		}
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}
