// Package diskpart turns a Format and Partition Disk step into the diskpart
// script a Windows engineer would write for it, and computes what the step
// reports: the drive letter each letter variable receives and the
// OSDPartitions* array variables of Configuration Manager.
//
// The package runs nothing. The caller resolves the disk number (from the
// step's disk or disk_variable), measures the disk, lists the drive letters
// that are free in Windows PE, and then runs the script with
// `diskpart /s FILE`.
//
// Sizes follow osddiskpart: "mb" and "gb" are fixed sizes, "percent" is a
// share of the space that remains after the partitions before it, and the
// last partition with size 0 (or 100 percent) takes the rest of the disk
// with no size= at all, so rounding never leaves a gap at the end.
package diskpart

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Partition type GUID and attributes of a GPT Windows recovery partition
// (required and no drive letter + platform required), as in Microsoft's
// CreatePartitions-UEFI.txt sample.
const (
	RecoveryTypeGUID   = "de94bba4-06d1-4d40-a16a-bfd50179d6ac"
	RecoveryAttributes = "0x8000000000000001"
	// MBRRecoveryID is the MBR partition type of a hidden recovery
	// (Windows RE tools) partition.
	MBRRecoveryID = "27"
)

// DefaultFreeLetters are the letters handed out in order when the caller
// does not pass the free letters it found. A, B (floppies) and X (the
// Windows PE RAM drive) are left out.
const DefaultFreeLetters = "CDEFGHIJKLMNOPQRSTUVWYZ"

// MinEFIMB is the smallest EFI system partition Windows supports (FAT32
// on 512-byte sectors; 4K-native disks need 260 MB).
const MinEFIMB = 100

// MiB is a mebibyte; diskpart's size= is in MiB.
const MiB = 1 << 20

// mbrLimit is the space an MBR partition table can address with 512-byte
// sectors (2^32 sectors).
const mbrLimit = int64(1<<32) * 512

// Options is what the caller resolved before the script can be written.
type Options struct {
	// Disk is the disk number diskpart selects (step.Disk, or the value of
	// step.DiskVariable).
	Disk int
	// DiskSize is the size of the disk in bytes. It is required when a
	// partition is sized in percent (other than a final 100 %), and it
	// lets sizes larger than the disk be refused. 0 = unknown.
	DiskSize int64
	// FreeLetters are the drive letters that are free, in the order they
	// are handed out ("next free letter", as the step does). Empty means
	// DefaultFreeLetters.
	FreeLetters string
}

// Planned is one partition as it will be created.
type Planned struct {
	Index      int    // 0-based position in the step's list (the OSDPartitions index)
	Number     int    // diskpart partition number (1-based order of creation)
	Type       string // primary | extended | logical | hidden | efi | msr | recovery
	Label      string
	FileSystem string // ntfs | fat32 | ""
	SizeMB     int64  // size= passed to diskpart; 0 = the rest of the disk (no size=)
	Rest       bool   // takes the rest of the disk (or of the extended partition)
	Letter     string // "C:" when a letter is assigned
	Variable   string // the letter variable, if any
}

// Result is the script and what the step reports.
type Result struct {
	Script     string    // diskpart script, CRLF line endings
	Partitions []Planned // in creation order
	// Letters maps each letter variable to the drive letter it receives
	// ("OSDisk" → "C:").
	Letters map[string]string
	// Variables are the OSDPartitions* array variables, OSDPartitionStyle
	// and OSDGPTBootDisk, plus the letter variables.
	Variables map[string]string
}

// Generate writes the diskpart script of the step for the resolved disk.
// It refuses layouts that cannot be created.
func Generate(step *sequence.PartitionDisk, opt Options) (*Result, error) {
	if step == nil {
		return nil, errors.New("no partition-disk step")
	}
	if opt.Disk < 0 {
		return nil, fmt.Errorf("disk %d: a disk number is 0 or more", opt.Disk)
	}
	if opt.DiskSize < 0 {
		return nil, errors.New("the disk size cannot be negative")
	}
	style := strings.ToLower(step.Style)
	if style == "" {
		style = "gpt"
	}
	if style != "gpt" && style != "mbr" {
		return nil, fmt.Errorf(`style is "gpt" or "mbr", not %q`, step.Style)
	}
	if len(step.Partitions) == 0 {
		return nil, errors.New("at least one partition is needed")
	}
	letters := opt.FreeLetters
	if letters == "" {
		letters = DefaultFreeLetters
	}
	letters = strings.ToUpper(letters)
	for _, c := range letters {
		if c < 'A' || c > 'Z' {
			return nil, fmt.Errorf("free letters: %q is not a drive letter", c)
		}
	}

	p := &planner{style: style, letters: letters, known: opt.DiskSize > 0}
	if p.known {
		size := opt.DiskSize
		if style == "mbr" && size > mbrLimit {
			size = mbrLimit // the rest is not addressable by an MBR table
		}
		// diskpart starts the first partition at 1 MiB; GPT also keeps
		// its backup table in the last sectors.
		p.remaining = size/MiB - 1
		if style == "gpt" {
			p.remaining--
		}
		if p.remaining <= 0 {
			return nil, fmt.Errorf("the disk (%d bytes) is too small to partition", opt.DiskSize)
		}
	}
	if err := p.plan(step.Partitions); err != nil {
		return nil, err
	}

	res := &Result{Partitions: p.out, Letters: map[string]string{}, Variables: map[string]string{}}
	res.Script = p.script(opt.Disk, step.Partitions)
	efi := false
	for i, pt := range step.Partitions {
		pre := "OSDPartitions" + strconv.Itoa(i)
		res.Variables[pre+"Type"] = typeName(pt.Type)
		res.Variables[pre+"FileSystem"] = strings.ToUpper(pt.FileSystem)
		res.Variables[pre+"Bootable"] = strconv.FormatBool(pt.Bootable)
		res.Variables[pre+"QuickFormat"] = strconv.FormatBool(pt.QuickFormat)
		res.Variables[pre+"VolumeName"] = pt.Name
		res.Variables[pre+"Size"] = strconv.Itoa(pt.Size)
		res.Variables[pre+"SizeUnits"] = unitName(pt.SizeUnit)
		res.Variables[pre+"VolumeLetterVariable"] = pt.LetterVariable
		efi = efi || strings.EqualFold(pt.Type, "efi")
	}
	res.Variables["OSDPartitionStyle"] = strings.ToUpper(style)
	res.Variables["OSDGPTBootDisk"] = strconv.FormatBool(style == "gpt" && efi)
	for _, pl := range p.out {
		if pl.Variable != "" && pl.Letter != "" {
			res.Letters[pl.Variable] = pl.Letter
			res.Variables[pl.Variable] = pl.Letter
		}
	}
	return res, nil
}

type planner struct {
	style     string
	letters   string
	known     bool  // the disk size is known
	remaining int64 // MiB left on the disk (when known)
	out       []Planned
}

func (p *planner) nextLetter() (string, error) {
	if p.letters == "" {
		return "", errors.New("no free drive letter is left to assign")
	}
	l := p.letters[:1]
	p.letters = p.letters[1:]
	return l + ":", nil
}

// sizeMB resolves a partition's size against the space that remains in its
// container (the disk, or the extended partition for logical ones).
// rest reports that it takes everything that remains.
func (p *planner) sizeMB(where string, pt sequence.Partition, last, known bool, remaining int64) (mb int64, rest bool, err error) {
	if pt.Size < 0 {
		return 0, false, fmt.Errorf("%s: a size cannot be negative", where)
	}
	unit := strings.ToLower(pt.SizeUnit)
	if unit == "" {
		unit = "mb"
	}
	if pt.Size == 0 || (unit == "percent" && pt.Size == 100) {
		if !last {
			return 0, false, fmt.Errorf("%s: only the last partition can take all the remaining space", where)
		}
		if known && remaining <= 0 {
			return 0, false, fmt.Errorf("%s: no space is left for it", where)
		}
		return 0, true, nil
	}
	switch unit {
	case "mb":
		mb = int64(pt.Size)
	case "gb":
		mb = int64(pt.Size) * 1024
	case "percent":
		if pt.Size > 100 {
			return 0, false, fmt.Errorf("%s: %d percent is more than the remaining space", where, pt.Size)
		}
		if !known {
			return 0, false, fmt.Errorf("%s: a size in percent needs the size of the disk", where)
		}
		mb = remaining * int64(pt.Size) / 100
		if mb < 1 {
			return 0, false, fmt.Errorf("%s: %d percent of the remaining %d MB is less than 1 MB", where, pt.Size, remaining)
		}
	default:
		return 0, false, fmt.Errorf(`%s: size_unit is "mb", "gb" or "percent", not %q`, where, pt.SizeUnit)
	}
	if known && mb > remaining {
		return 0, false, fmt.Errorf("%s: %d MB is more than the %d MB that remain on the disk", where, mb, remaining)
	}
	return mb, false, nil
}

func (p *planner) plan(parts []sequence.Partition) error {
	gptTypes := map[string]bool{"primary": true, "efi": true, "msr": true, "recovery": true}
	mbrTypes := map[string]bool{"primary": true, "extended": true, "logical": true, "hidden": true}
	primaries := 0
	extIdx := -1           // index in p.out of the extended partition
	var extRemaining int64 // MiB left in the extended partition
	extKnown := false
	// lastOnDisk is the index of the last partition that takes space from
	// the disk itself (logical partitions take it from the extended one).
	lastOnDisk, lastLogical := -1, -1
	for i, pt := range parts {
		if strings.EqualFold(pt.Type, "logical") {
			lastLogical = i
		} else {
			lastOnDisk = i
		}
	}
	for i, pt := range parts {
		where := fmt.Sprintf("partition %d (%s)", i+1, describe(pt))
		typ := strings.ToLower(pt.Type)
		if typ == "" {
			typ = "primary"
		}
		if p.style == "gpt" && !gptTypes[typ] {
			return fmt.Errorf("%s: a GPT disk has primary, efi, msr and recovery partitions, not %q", where, pt.Type)
		}
		if p.style == "mbr" && !mbrTypes[typ] {
			return fmt.Errorf("%s: an MBR disk has primary, extended, logical and hidden partitions, not %q", where, pt.Type)
		}
		fs := strings.ToLower(pt.FileSystem)
		switch fs {
		case "", "ntfs", "fat32":
		default:
			return fmt.Errorf(`%s: file_system is "ntfs", "fat32" or "", not %q`, where, pt.FileSystem)
		}
		if strings.ContainsAny(pt.Name, "\"\r\n\t") {
			return fmt.Errorf("%s: a volume label cannot contain quotes, tabs or line breaks", where)
		}
		switch typ {
		case "efi":
			if fs != "fat32" {
				return fmt.Errorf("%s: an EFI system partition is formatted FAT32", where)
			}
		case "msr", "extended":
			if fs != "" {
				return fmt.Errorf("%s: a %s partition cannot be formatted", where, typeName(typ))
			}
		}
		switch typ {
		case "primary", "hidden":
			primaries++
		case "extended":
			primaries++
			if extIdx >= 0 {
				return fmt.Errorf("%s: an MBR disk has at most one extended partition", where)
			}
		case "logical":
			if extIdx < 0 {
				return fmt.Errorf("%s: a logical partition needs an extended partition before it", where)
			}
		}
		if p.style == "mbr" && primaries > 4 {
			return fmt.Errorf("%s: an MBR disk has at most 4 primary partitions (use an extended partition with logical ones)", where)
		}
		pl := Planned{Index: i, Number: len(p.out) + 1, Type: typ, Label: pt.Name, FileSystem: fs}
		var err error
		if typ == "logical" {
			pl.SizeMB, pl.Rest, err = p.sizeMB(where, pt, i == lastLogical, extKnown, extRemaining)
			if err != nil {
				return err
			}
			if extKnown && !pl.Rest {
				// each logical partition is preceded by its own EBR,
				// aligned to 1 MiB
				extRemaining -= pl.SizeMB + 1
				if extRemaining < 0 {
					return fmt.Errorf("%s: it does not fit in the extended partition", where)
				}
			}
		} else {
			pl.SizeMB, pl.Rest, err = p.sizeMB(where, pt, i == lastOnDisk, p.known, p.remaining)
			if err != nil {
				return err
			}
			if p.known && !pl.Rest {
				p.remaining -= pl.SizeMB
			}
			if typ == "extended" {
				extIdx = len(p.out)
				extKnown = p.known || !pl.Rest
				if pl.Rest {
					extRemaining = p.remaining
					p.remaining = 0
				} else {
					extRemaining = pl.SizeMB
				}
			}
		}
		if typ == "efi" && !pl.Rest && pl.SizeMB < MinEFIMB {
			return fmt.Errorf("%s: an EFI system partition needs at least %d MB (260 MB on 4K-native disks), not %d MB", where, MinEFIMB, pl.SizeMB)
		}
		if pt.AssignLetter && typ != "msr" && typ != "extended" {
			if pl.Letter, err = p.nextLetter(); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			pl.Variable = pt.LetterVariable
		}
		p.out = append(p.out, pl)
	}
	return nil
}

func (p *planner) script(disk int, parts []sequence.Partition) string {
	var b strings.Builder
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteString("\r\n")
	}
	line("rem refimage: Format and Partition Disk %d (%s)", disk, strings.ToUpper(p.style))
	line("select disk %d", disk)
	line("clean")
	line("convert %s", p.style)
	for _, pl := range p.out {
		pt := parts[pl.Index]
		line("rem == %d. %s ==", pl.Number, describe(pt))
		size := ""
		if !pl.Rest {
			size = fmt.Sprintf(" size=%d", pl.SizeMB)
		}
		switch pl.Type {
		case "efi":
			line("create partition efi%s", size)
		case "msr":
			line("create partition msr%s", size)
		case "extended":
			line("create partition extended%s", size)
		case "logical":
			line("create partition logical%s", size)
		default: // primary, hidden, recovery
			line("create partition primary%s", size)
		}
		if pl.FileSystem != "" {
			quick := "quick "
			if !pt.QuickFormat {
				quick = ""
			}
			label := ""
			if pl.Label != "" {
				label = fmt.Sprintf(" label=%q", pl.Label)
			}
			line("format %sfs=%s%s", quick, pl.FileSystem, label)
		}
		if pl.Letter != "" {
			line("assign letter=%s", pl.Letter[:1])
		}
		switch pl.Type {
		case "recovery":
			line("set id=%q", RecoveryTypeGUID)
			line("gpt attributes=%s", RecoveryAttributes)
		case "hidden":
			line("set id=%s", MBRRecoveryID)
		}
		if p.style == "mbr" && pt.Bootable && (pl.Type == "primary" || pl.Type == "hidden") {
			line("active")
		}
	}
	line("list volume")
	line("exit")
	return b.String()
}

func describe(pt sequence.Partition) string {
	t := typeName(pt.Type)
	if pt.Name != "" && !strings.EqualFold(pt.Name, t) {
		return pt.Name + ", " + t
	}
	return t
}

// typeName is the Configuration Manager spelling of a partition type.
func typeName(t string) string {
	switch strings.ToLower(t) {
	case "", "primary":
		return "Primary"
	case "extended":
		return "Extended"
	case "logical":
		return "Logical"
	case "hidden":
		return "Hidden"
	case "efi":
		return "EFI"
	case "msr":
		return "MSR"
	case "recovery":
		return "Recovery"
	}
	return t
}

func unitName(u string) string {
	switch strings.ToLower(u) {
	case "", "mb":
		return "MB"
	case "gb":
		return "GB"
	case "percent":
		return "Percent"
	}
	return u
}
