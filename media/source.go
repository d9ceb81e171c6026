package media

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Source is a WinPE media source as copype makes it: a media folder
// (bootmgr, Boot\BCD, EFI\…, sources\boot.wim) and the firmware files for
// ISO boot (etfsboot.com, efisys.bin).
type Source struct {
	Media   string // the media folder
	FWFiles string // the folder with etfsboot.com and efisys.bin
	// Resolved host paths of the pieces (case-insensitive lookup).
	BootWIM   string
	EtfsBoot  string // empty on arm64 media (no BIOS boot)
	EFISys    string
	EFILoader string // EFI/Boot/bootx64.efi or bootaa64.efi
	Arch      string // x64, x86 or arm64, from the EFI loader's name
}

// required media files, relative to the media folder ('/' separated).
var mediaPieces = []string{
	"Boot/BCD",
	"Boot/boot.sdi",
	"EFI/Microsoft/Boot/BCD",
	"bootmgr.efi",
	"sources/boot.wim",
}

var efiLoaders = map[string]string{
	"EFI/Boot/bootx64.efi":  "x64",
	"EFI/Boot/bootia32.efi": "x86",
	"EFI/Boot/bootaa64.efi": "arm64",
}

// FindSource checks a copype folder (with media\ and fwfiles\ inside) or a
// media folder plus fwfiles. Every missing piece is named in one error,
// before anything is written.
func FindSource(src, fwfiles string) (*Source, error) {
	info, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("--winpe %s: %w", src, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("--winpe %s: not a folder (give the folder copype made, or its media folder with --fwfiles)", src)
	}
	s := &Source{Media: src, FWFiles: fwfiles}
	if m, ok := lookup(src, "media"); ok && isDir(m) {
		s.Media = m
		if s.FWFiles == "" {
			if f, ok := lookup(src, "fwfiles"); ok {
				s.FWFiles = f
			}
		}
	}
	var missing []string
	for _, p := range mediaPieces {
		if _, ok := lookup(s.Media, p); !ok {
			missing = append(missing, filepath.Join(s.Media, filepath.FromSlash(p)))
		}
	}
	for p, arch := range efiLoaders {
		if f, ok := lookup(s.Media, p); ok {
			s.EFILoader, s.Arch = f, arch
		}
	}
	if s.EFILoader == "" {
		missing = append(missing, filepath.Join(s.Media, "EFI", "Boot", "bootx64.efi (or bootaa64.efi)"))
	}
	s.BootWIM, _ = lookup(s.Media, "sources/boot.wim")
	if s.Arch != "arm64" {
		if _, ok := lookup(s.Media, "bootmgr"); !ok {
			missing = append(missing, filepath.Join(s.Media, "bootmgr"))
		}
	}
	if s.FWFiles == "" {
		missing = append(missing, "the firmware files folder (fwfiles\\ beside media\\, or --fwfiles DIR)")
	} else {
		if f, ok := lookup(s.FWFiles, "efisys.bin"); ok {
			s.EFISys = f
		} else if f, ok := lookup(s.FWFiles, "efisys_noprompt.bin"); ok {
			s.EFISys = f
		} else {
			missing = append(missing, filepath.Join(s.FWFiles, "efisys.bin"))
		}
		if f, ok := lookup(s.FWFiles, "etfsboot.com"); ok {
			s.EtfsBoot = f
		} else if s.Arch != "arm64" {
			missing = append(missing, filepath.Join(s.FWFiles, "etfsboot.com"))
		}
	}
	if len(missing) > 0 {
		return nil, &MissingError{What: "WinPE source", Missing: missing}
	}
	return s, nil
}

// MissingError lists what is missing, all at once.
type MissingError struct {
	What    string
	Missing []string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("the %s is incomplete; missing:\n  %s", e.What, strings.Join(e.Missing, "\n  "))
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// lookup finds rel ('/' separated) under root, ignoring case as Windows
// and FAT do.
func lookup(root, rel string) (string, bool) {
	cur := root
	for _, part := range strings.Split(rel, "/") {
		next := filepath.Join(cur, part)
		if _, err := os.Lstat(next); err == nil {
			cur = next
			continue
		}
		ents, err := os.ReadDir(cur)
		if err != nil {
			return "", false
		}
		found := false
		for _, e := range ents {
			if strings.EqualFold(e.Name(), part) {
				cur, found = filepath.Join(cur, e.Name()), true
				break
			}
		}
		if !found {
			return "", false
		}
	}
	return cur, true
}
