package media

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/refimage/refimage/media/authenticode"
)

// Secure Boot status of a boot manager.
const (
	// Signed2023: a valid signature chains to the Windows UEFI CA 2023.
	Signed2023 = "2023"
	// Signed2011Only: the only Windows boot CA that signs it is the
	// Microsoft Windows Production PCA 2011, which the BlackLotus
	// (CVE-2023-24932) mitigations revoke.
	Signed2011Only = "2011-only"
	// SignedOther: signed, but by neither Windows boot CA.
	SignedOther = "other"
	// Unsigned: no signature (or not a PE file).
	Unsigned = "unsigned"
	// BadSignature: signed, but no signature matches the file.
	BadSignature = "invalid"
)

// BootFile is a boot manager that goes on the medium and who signed it.
// It is recorded in media.toml.
type BootFile struct {
	Path    string   `toml:"path"`              // on the medium, '/' separated
	CA      []string `toml:"ca,omitempty"`      // the CAs of its valid signatures
	Status  string   `toml:"status"`            // Signed2023, Signed2011Only, ...
	Problem string   `toml:"problem,omitempty"` // why a signature does not count
}

// bootManagers are the boot managers of a media folder the firmware may
// start: the UEFI removable-media loader (bootmgfw.efi under its
// removable-media name), bootmgfw.efi itself where the folder has it,
// and bootmgr.efi.
func bootManagers(src *Source) []string {
	var out []string
	if src.EFILoader != "" {
		if rel, err := filepath.Rel(src.Media, src.EFILoader); err == nil {
			out = append(out, filepath.ToSlash(rel))
		}
	}
	for _, p := range []string{"EFI/Microsoft/Boot/bootmgfw.efi", "bootmgr.efi"} {
		if f, ok := lookup(src.Media, p); ok {
			if rel, err := filepath.Rel(src.Media, f); err == nil {
				out = append(out, filepath.ToSlash(rel))
			}
		}
	}
	return out
}

// CheckBootFiles reads the Authenticode signatures of the source's boot
// managers. A file that cannot be read or parsed is reported in its
// BootFile (unsigned or invalid), not as an error.
func CheckBootFiles(src *Source) []BootFile {
	var out []BootFile
	for _, rel := range bootManagers(src) {
		bf := BootFile{Path: rel, Status: Unsigned}
		sigs, err := authenticode.ReadFile(filepath.Join(src.Media, filepath.FromSlash(rel)))
		switch {
		case errors.Is(err, authenticode.ErrNotPE):
			bf.Problem = "not a PE/COFF file"
		case err != nil:
			bf.Status, bf.Problem = BadSignature, err.Error()
		}
		has2011, has2023 := false, false
		for _, s := range sigs {
			if !s.Valid {
				if bf.Problem == "" {
					bf.Problem = s.CA + ": " + s.Problem
				}
				continue
			}
			bf.CA = append(bf.CA, s.CA)
			has2011 = has2011 || s.Has(authenticode.CA2011)
			has2023 = has2023 || s.Has(authenticode.CA2023)
		}
		switch {
		case has2023:
			bf.Status = Signed2023
		case has2011:
			bf.Status = Signed2011Only
		case len(bf.CA) > 0:
			bf.Status = SignedOther
		case len(sigs) > 0:
			bf.Status = BadSignature
		}
		if bf.Status != BadSignature && bf.Status != Unsigned {
			bf.Problem = ""
		}
		out = append(out, bf)
	}
	return out
}

// Describe says who signed the file, in a line.
func (b BootFile) Describe() string {
	switch b.Status {
	case Signed2023, Signed2011Only, SignedOther:
		return fmt.Sprintf("%s: signed by %s", b.Path, strings.Join(b.CA, " and "))
	case BadSignature:
		return fmt.Sprintf("%s: the signature does not match (%s)", b.Path, b.Problem)
	}
	if b.Problem != "" {
		return fmt.Sprintf("%s: not signed (%s)", b.Path, b.Problem)
	}
	return fmt.Sprintf("%s: not signed", b.Path)
}

// Short is a line for a screen: the file, its CA, and what that means.
func (b BootFile) Short() string {
	switch b.Status {
	case Signed2023:
		return fmt.Sprintf("%s: %s", b.Path, strings.Join(b.CA, ", "))
	case Signed2011Only:
		return fmt.Sprintf("%s: %s only; updated PCs refuse it, use 2023-signed boot files", b.Path, strings.Join(b.CA, ", "))
	case SignedOther:
		return fmt.Sprintf("%s: %s (not a Windows boot CA)", b.Path, strings.Join(b.CA, ", "))
	case BadSignature:
		return fmt.Sprintf("%s: the signature does not match the file", b.Path)
	}
	return fmt.Sprintf("%s: not signed", b.Path)
}

// Warning says what is wrong with the file for Secure Boot, or "".
func (b BootFile) Warning() string {
	switch b.Status {
	case Signed2023:
		return ""
	case Signed2011Only:
		return fmt.Sprintf("%s is signed only by the %s, which Secure Boot is revoking (CVE-2023-24932, BlackLotus): computers with the 2023 Secure Boot updates will not start this medium. Use the boot files signed by the %s from a current ADK (MakeWinPEMedia /bootex puts them in the media folder where the ADK supports it), or give --require-2023-ca to refuse such media", b.Path, authenticode.CA2011, authenticode.CA2023)
	case SignedOther:
		return fmt.Sprintf("%s is signed by %s, not by a Windows boot CA: Secure Boot starts it only where that CA is trusted", b.Path, strings.Join(b.CA, " and "))
	case BadSignature:
		return fmt.Sprintf("%s: its signature does not match the file (%s): Secure Boot will refuse it", b.Path, b.Problem)
	}
	return fmt.Sprintf("%s is not signed: computers with Secure Boot on will not start this medium", b.Path)
}

// Require2023 refuses boot files not signed by the Windows UEFI CA 2023
// (--require-2023-ca).
func Require2023(files []BootFile) error {
	var bad []string
	for _, f := range files {
		if f.Status != Signed2023 {
			bad = append(bad, f.Describe())
		}
	}
	if len(files) == 0 {
		bad = append(bad, "no boot manager found in the media folder")
	}
	if len(bad) > 0 {
		return fmt.Errorf("--require-2023-ca: these boot files are not signed by the %s:\n  %s", authenticode.CA2023, strings.Join(bad, "\n  "))
	}
	return nil
}
