package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/internal/tempfile"
	"github.com/refimage/refimage/media/iso"
	"github.com/refimage/refimage/media/usb"
	"github.com/refimage/refimage/media/wim"
)

// Kind of medium, as on the Task Sequence Media Wizard's first page.
type Kind string

const (
	// Bootable media hold the boot image and the sequence; content stays
	// on its network paths.
	Bootable Kind = "bootable"
	// Standalone media hold the sequence and all its content.
	Standalone Kind = "standalone"
)

// Paths inside the boot image and on the medium.
const (
	WinpeshlPath     = "Windows/System32/winpeshl.ini"
	ExePath          = "Windows/System32/refimage.exe"
	SequencePath     = "refimage/sequence.toml"
	IdentityPath     = "refimage/media.toml"
	ManifestPath     = "refimage/content.json"
	MediaLabelFile   = "MediaLabel.txt"
	DefaultLabel     = "REFIMAGE"
	maxWinpeshlLine  = 250
	passwordCheckTag = "refimage-media:"
)

// Options describe a medium to write.
type Options struct {
	Sequence *sequence.Sequence
	Source   *Source
	Kind     Kind
	// Exactly one target.
	ISO      string
	USBImage string
	// USBLayout is the USB image's partitioning: usb.LayoutMBR (the
	// default) or usb.LayoutGPT.
	USBLayout usb.Layout
	// DiskSize is the size of the disk a USB image is for (--device):
	// the layout covers the whole disk while the image file holds only
	// its head (usb.Options.DiskSize). 0: the image is the whole disk.
	DiskSize int64
	// SectorSize is the logical sector size of that disk (0: 512); the
	// USB image is laid out for it (usb.Options.SectorSize).
	SectorSize int
	Label      string
	// Password is the media password; every secret on the medium is
	// encrypted with a key derived from it. Empty: no password, and then
	// the sequence may hold no secret other than "prompt".
	Password string
	// Variables are media variables, stored on the medium.
	Variables map[string]string
	// Prestart is a command run in Windows PE before the sequence starts.
	Prestart string
	// AllowConsole lets the operator open a command prompt from the run
	// view (F8), as ConfigMgr's "Enable command support".
	AllowConsole bool
	// Exe is refimage.exe for the boot image's architecture.
	Exe string
	// Resolver reveals the sequence's secrets while the medium is made.
	Resolver secret.Resolver
	// WorkDir holds temporary files (the customised boot image, split WIM
	// parts); default: the folder of the target.
	WorkDir string
	// Require2023CA refuses a medium whose boot managers are not signed
	// by the Windows UEFI CA 2023.
	Require2023CA bool
	Progress      func(Progress)
	Now           func() time.Time
}

// Progress of a long phase.
type Progress struct {
	Phase       string // "boot image", "content", "split", "write"
	Done, Total int64
}

// Result says what was written.
type Result struct {
	Path     string
	Size     int64
	Files    int
	ID       string
	Manifest []ManifestEntry
	// BootFiles are the boot managers on the medium and who signed them.
	BootFiles []BootFile
	// ElTorito says which file went into each El Torito entry of an ISO.
	ElTorito []ElToritoEntry
}

// ElToritoEntry is one boot entry of an ISO's boot catalog.
type ElToritoEntry struct {
	Platform string // BIOS or UEFI
	Source   string // the host file of the boot image
}

// Identity is refimage/media.toml: what the medium is. It is in the boot
// image and at the root of the medium (so the engine can find the medium
// its content is on).
type Identity struct {
	Format        int               `toml:"format"`
	ID            string            `toml:"id"`
	Label         string            `toml:"label"`
	Created       time.Time         `toml:"created"`
	Kind          Kind              `toml:"kind"`
	Arch          string            `toml:"arch"`
	MediaType     string            `toml:"media_type"` // _SMSTSMediaType: BootMedia or FullMedia
	PasswordCheck string            `toml:"password_check,omitempty"`
	Prestart      string            `toml:"prestart,omitempty"`
	AllowConsole  bool              `toml:"allow_console,omitempty"`
	Variables     map[string]string `toml:"variables,omitempty"`
	// BootFiles: the boot managers and the CAs that signed them.
	BootFiles []BootFile `toml:"boot_files,omitempty"`
}

// Unlock checks the media password against the identity.
func (id *Identity) Unlock(password string) error {
	if id.PasswordCheck == "" {
		return nil
	}
	v, err := secret.Parse(id.PasswordCheck)
	if err != nil {
		return fmt.Errorf("the medium's password check is damaged: %w", err)
	}
	got, err := v.Reveal("media password", staticPass(password))
	if err != nil || got != passwordCheckTag+id.ID {
		return errors.New("wrong media password")
	}
	return nil
}

type staticPass string

func (s staticPass) Getenv(string) (string, bool)  { return "", false }
func (s staticPass) Prompt(string) (string, error) { return "", secret.ErrNoPrompt }
func (s staticPass) Passphrase() (string, error)   { return string(s), nil }

// Winpeshl returns the winpeshl.ini that starts the sequence: wpeinit (PnP,
// network, unattend), the prestart command if any, then refimage.
func Winpeshl(prestart string) (string, error) {
	lines := []string{"[LaunchApps]", `%SYSTEMROOT%\System32\wpeinit.exe`}
	if prestart != "" {
		l := `%SYSTEMROOT%\System32\cmd.exe, /c ` + prestart
		if len(l) > maxWinpeshlLine {
			return "", fmt.Errorf("the prestart command is too long for winpeshl.ini (%d characters; at most %d)", len(prestart), maxWinpeshlLine-len(l)+len(prestart))
		}
		lines = append(lines, l)
	}
	lines = append(lines, `%SYSTEMROOT%\System32\refimage.exe, run --media`)
	return strings.Join(lines, "\r\n") + "\r\n", nil
}

// FindExe picks refimage.exe for arch: the given path, else
// refimage-windows-<arch>.exe beside the running binary, else the running
// binary itself when it is a Windows build of that architecture.
func FindExe(given, arch string) (string, error) {
	check := func(p string) (string, error) {
		got, err := ExeArch(p)
		if err != nil {
			return "", err
		}
		if got != arch {
			return "", fmt.Errorf("%s is built for %s, but the boot image is %s: build refimage for windows/%s (GOOS=windows GOARCH=%s go build ./cmd/refimage)", p, got, arch, goarch(arch), goarch(arch))
		}
		return p, nil
	}
	if given != "" {
		return check(given)
	}
	self, err := os.Executable()
	if err == nil {
		beside := filepath.Join(filepath.Dir(self), "refimage-windows-"+goarch(arch)+".exe")
		if _, err := os.Stat(beside); err == nil {
			return check(beside)
		}
		if runtime.GOOS == "windows" {
			return check(self)
		}
	}
	return "", fmt.Errorf("no refimage.exe for %s: give --exe PATH, or put refimage-windows-%s.exe beside refimage (GOOS=windows GOARCH=%s go build -o refimage-windows-%s.exe ./cmd/refimage)", arch, goarch(arch), goarch(arch), goarch(arch))
}

func goarch(arch string) string {
	switch arch {
	case "x64":
		return "amd64"
	case "x86":
		return "386"
	}
	return arch
}

// InputError is a problem with what Build was asked to do (bad sequence,
// wrong architecture, missing content…), as opposed to a failure while
// writing. Commands map it to exit code 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{Err: err}
}

// Build writes the medium. Everything is checked before anything is
// written; the target appears only when complete.
func Build(ctx context.Context, opt Options) (res *Result, err error) {
	if (opt.ISO == "") == (opt.USBImage == "") {
		return nil, inputErr(errors.New("give exactly one target: an ISO file or a USB image file"))
	}
	if opt.Kind == "" {
		opt.Kind = Bootable
	}
	if opt.Kind != Bootable && opt.Kind != Standalone {
		return nil, inputErr(fmt.Errorf("media kind %q: bootable or standalone", opt.Kind))
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	progress := func(phase string, done, total int64) {
		if opt.Progress != nil {
			opt.Progress(Progress{Phase: phase, Done: done, Total: total})
		}
	}
	src := opt.Source
	if bi := opt.Sequence.BootImage.Arch; bi != "" && bi != src.Arch {
		return nil, inputErr(fmt.Errorf("the sequence's boot image is %s, but the WinPE source is %s", bi, src.Arch))
	}
	label := opt.Label
	if label == "" {
		label = DefaultLabel
	}
	if err := ValidateLabel(label, opt.USBImage != ""); err != nil {
		return nil, inputErr(err)
	}
	if probs := sequence.Validate(opt.Sequence).Errors(); len(probs) > 0 {
		return nil, inputErr(fmt.Errorf("the sequence has errors; run refimage validate:\n%v", probs))
	}
	exe, err := FindExe(opt.Exe, src.Arch)
	if err != nil {
		return nil, inputErr(err)
	}
	winpeshl, err := Winpeshl(opt.Prestart)
	if err != nil {
		return nil, inputErr(err)
	}
	bootFiles := CheckBootFiles(src)
	if opt.Require2023CA {
		if err := Require2023(bootFiles); err != nil {
			return nil, inputErr(err)
		}
	}
	for k := range opt.Variables {
		if m := sequence.ValidateVariableName(k); m != "" {
			return nil, inputErr(fmt.Errorf("media variable %s: %s", k, m))
		}
	}

	// Work on a copy of the sequence: secrets sealed with the media
	// password, content references pointed at the medium.
	seq, err := copySequence(opt.Sequence)
	if err != nil {
		return nil, inputErr(err)
	}
	if err := sealSecrets(seq, opt.Password, opt.Resolver); err != nil {
		return nil, inputErr(err)
	}
	var content *bundle
	if opt.Kind == Standalone {
		refs, err := ContentRefs(seq, opt.Variables)
		if err != nil {
			return nil, inputErr(err)
		}
		if opt.USBImage != "" {
			// What FAT32 cannot hold is found before the content is
			// hashed (which reads all of it).
			quick, err := planContent(refs, false)
			if err != nil {
				return nil, inputErr(err)
			}
			if err := checkFAT32(quick.files); err != nil {
				return nil, inputErr(err)
			}
		}
		content, err = planContent(refs, true)
		if err != nil {
			return nil, inputErr(err)
		}
	}

	target := opt.ISO
	if target == "" {
		target = opt.USBImage
	}
	work := opt.WorkDir
	if work == "" {
		work = filepath.Dir(target)
	}
	tempfile.Sweep(work)
	stage, err := os.MkdirTemp(work, tempfile.Pattern("media-staging", ""))
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)

	// FAT32 cannot hold a file of 4 GiB: split large WIMs into .swm parts.
	if opt.USBImage != "" && content != nil {
		if err := splitLarge(ctx, content, stage, func(d, t int64) { progress("split", d, t) }); err != nil {
			return nil, err
		}
	}

	id := make([]byte, 8)
	rand.Read(id)
	ident := &Identity{
		Format: 1, ID: hex.EncodeToString(id), Label: label, Created: opt.Now().UTC().Truncate(time.Second),
		Kind: opt.Kind, Arch: src.Arch, MediaType: "BootMedia", Prestart: opt.Prestart, AllowConsole: opt.AllowConsole, Variables: opt.Variables,
		BootFiles: bootFiles,
	}
	if opt.Kind == Standalone {
		ident.MediaType = "FullMedia"
	}
	if opt.Password != "" {
		check, err := secret.Encrypt(passwordCheckTag+ident.ID, opt.Password)
		if err != nil {
			return nil, err
		}
		ident.PasswordCheck, _ = check.Stored(false)
	}
	seqData, err := sequence.Marshal(seq, sequence.SaveOptions{})
	if err != nil {
		return nil, fmt.Errorf("the sequence for the medium: %w", err)
	}
	identData, err := encodeIdentity(ident)
	if err != nil {
		return nil, err
	}
	files := map[string]string{
		"refimage.exe":   exe,
		"winpeshl.ini":   writeString(stage, "winpeshl.ini", winpeshl),
		"sequence.toml":  writeString(stage, "sequence.toml", string(seqData)),
		"media.toml":     writeString(stage, "media.toml", string(identData)),
		"MediaLabel.txt": writeString(stage, "MediaLabel.txt", "label="+label+"\r\n"),
	}
	for _, f := range files {
		if f == "" {
			return nil, fmt.Errorf("cannot write into %s", stage)
		}
	}

	// The boot image: a customised copy; the original is never touched.
	bootWIM := filepath.Join(stage, "boot.wim")
	if err := copyFile(src.BootWIM, bootWIM); err != nil {
		return nil, fmt.Errorf("copy boot.wim: %w", err)
	}
	index, err := bootIndex(bootWIM)
	if err != nil {
		return nil, err
	}
	if _, err := wim.Update(bootWIM, index, wim.UpdateOptions{
		Adds: []wim.AddSpec{
			{Src: files["winpeshl.ini"], Dest: WinpeshlPath},
			{Src: files["refimage.exe"], Dest: ExePath},
			{Src: files["sequence.toml"], Dest: SequencePath},
			{Src: files["media.toml"], Dest: IdentityPath},
		},
		Progress: func(p wim.Progress) { progress("boot image", int64(p.BytesDone), int64(p.BytesTotal)) },
	}); err != nil {
		return nil, fmt.Errorf("customise boot.wim: %w", err)
	}

	// The medium's files.
	var elTorito []ElToritoEntry
	var all []mediaFile
	err = filepath.WalkDir(src.Media, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src.Media, p)
		rel = filepath.ToSlash(rel)
		if rel == "." || strings.EqualFold(rel, "sources/boot.wim") {
			return nil
		}
		if d.IsDir() {
			all = append(all, mediaFile{Path: rel, Dir: true})
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		all = append(all, mediaFile{Path: rel, Source: p, Size: info.Size()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	add := func(p, src string) error {
		info, err := os.Stat(src)
		if err != nil {
			return err
		}
		all = append(all, mediaFile{Path: p, Source: src, Size: info.Size()})
		return nil
	}
	add("sources/boot.wim", bootWIM)
	add(IdentityPath, files["media.toml"])
	add(MediaLabelFile, files["MediaLabel.txt"])
	// The El Torito boot images come from the firmware files folder
	// (--fwfiles, or copype's fwfiles), as MakeWinPEMedia takes them, even
	// when the media folder has files of the same name; they are hidden
	// from the file trees, as oscdimg writes them.
	var biosBoot, uefiBoot string
	var hidden []iso.File
	if opt.ISO != "" {
		if src.EtfsBoot != "" {
			info, err := os.Stat(src.EtfsBoot)
			if err != nil {
				return nil, err
			}
			biosBoot = "boot-image/etfsboot.com"
			hidden = append(hidden, iso.File{Path: biosBoot, Source: src.EtfsBoot, Size: info.Size(), Hidden: true})
			elTorito = append(elTorito, ElToritoEntry{Platform: "BIOS", Source: src.EtfsBoot})
		}
		info, err := os.Stat(src.EFISys)
		if err != nil {
			return nil, err
		}
		uefiBoot = "boot-image/efisys.bin"
		hidden = append(hidden, iso.File{Path: uefiBoot, Source: src.EFISys, Size: info.Size(), Hidden: true})
		elTorito = append(elTorito, ElToritoEntry{Platform: "UEFI", Source: src.EFISys})
	}
	if content != nil {
		all = append(all, content.files...)
		manifest, _ := json.MarshalIndent(content.manifest, "", "  ")
		add(ManifestPath, writeString(stage, "content.json", string(manifest)+"\n"))
	}

	res = &Result{Path: target, ID: ident.ID, BootFiles: bootFiles, ElTorito: elTorito}
	if content != nil {
		res.Manifest = content.manifest
	}
	writeProgress := func(d, t int64) { progress("write", d, t) }
	if opt.ISO != "" {
		var files []iso.File
		for _, f := range all {
			if !f.Dir {
				files = append(files, iso.File{Path: f.Path, Source: f.Source, Size: f.Size})
			}
		}
		res.Files = len(files)
		files = append(files, hidden...)
		err = iso.Write(ctx, opt.ISO, files, iso.Options{Label: label, BIOSBoot: biosBoot, UEFIBoot: uefiBoot, ModTime: ident.Created, Progress: writeProgress})
	} else {
		var files []usb.File
		for _, f := range all {
			files = append(files, usb.File{Path: f.Path, Source: f.Source, Size: f.Size, Dir: f.Dir})
			if !f.Dir {
				res.Files++
			}
		}
		err = usb.WriteImage(ctx, opt.USBImage, files, usb.Options{Label: label, Layout: opt.USBLayout, DiskSize: opt.DiskSize, SectorSize: opt.SectorSize, Progress: writeProgress})
	}
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(target); err == nil {
		res.Size = info.Size()
	}
	return res, nil
}

// Volume label limits, as the media wizard checks them.
const (
	MaxLabelISO = 32 // ISO 9660's volume identifier (Joliet shows 16, UDF 30)
	MaxLabelUSB = 11 // a FAT volume label
)

// ValidateLabel checks a volume label the way the media wizard does:
// letters, digits, '_' and '-' only, at most 32 characters on an ISO and
// 11 on USB. A label is refused, never changed to fit.
func ValidateLabel(label string, usb bool) error {
	for _, r := range label {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return fmt.Errorf("volume label %q: a volume label has letters, digits, _ and - only (not %q)", label, r)
		}
	}
	max, on := MaxLabelISO, "an ISO"
	if usb {
		max, on = MaxLabelUSB, "USB"
	}
	if n := len(label); n > max {
		return fmt.Errorf("volume label %q: at most %d characters on %s: this has %d, remove %d", label, max, on, n, n-max)
	}
	return nil
}

func encodeIdentity(id *Identity) ([]byte, error) {
	var b strings.Builder
	b.WriteString("# refimage media identity; written by refimage media\n")
	if err := toml.NewEncoder(&b).Encode(id); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// ReadIdentity reads a media.toml.
func ReadIdentity(path string) (*Identity, error) {
	var id Identity
	md, err := toml.DecodeFile(path, &id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("%s: unknown key %s", path, und[0])
	}
	if id.Format != 1 {
		return nil, fmt.Errorf("%s: media format %d is not supported (this refimage reads 1)", path, id.Format)
	}
	return &id, nil
}

func writeString(dir, name, content string) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		return ""
	}
	return p
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func bootIndex(path string) (int, error) {
	w, err := wim.Open(path)
	if err != nil {
		return 0, fmt.Errorf("boot.wim: %w", err)
	}
	defer w.Close()
	if bi := int(w.Header.BootIndex); bi > 0 {
		return bi, nil
	}
	if w.ImageCount() == 1 {
		return 1, nil
	}
	return 0, fmt.Errorf("boot.wim has %d images and no boot index", w.ImageCount())
}

func copySequence(s *sequence.Sequence) (*sequence.Sequence, error) {
	data, err := sequence.Marshal(s, sequence.SaveOptions{AllowPlaintext: true})
	if err != nil {
		return nil, err
	}
	c, probs := sequence.Decode("", data)
	if c == nil {
		return nil, probs
	}
	return c, nil
}

// sealSecrets reveals every secret of seq (except prompt ones, which are
// asked for on the target) and encrypts it with the media password.
func sealSecrets(seq *sequence.Sequence, password string, r secret.Resolver) error {
	var errs []string
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool {
		h, ok := it.Props.(interface{ Secrets() []*secret.Value })
		if !ok {
			return true
		}
		for _, v := range h.Secrets() {
			if !v.IsSet() || v.Kind() == secret.Prompt {
				continue
			}
			if password == "" {
				errs = append(errs, fmt.Sprintf("%s: a secret cannot go on a medium without a media password (give one, or make the secret \"prompt\")", it.Name))
				continue
			}
			clear, err := v.Reveal(it.Name, r)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			sealed, err := secret.Encrypt(clear, password)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			*v = sealed
		}
		return true
	})
	if len(errs) > 0 {
		return &MissingError{What: "secrets of the sequence", Missing: errs}
	}
	return nil
}

// swmOverhead is room in a .swm part for its header, blob table and XML
// beside a resource that has the part to itself.
const swmOverhead = 1 << 20

// LargeFileError is content that FAT32 cannot hold even after splitting.
type LargeFileError struct {
	Path string
	Size int64  // the file's size
	Blob uint64 // the size of the resource that cannot be split (WIMs)
}

func (e *LargeFileError) Error() string {
	what := "FAT32 holds files up to 4 GiB - 1 byte"
	if e.Blob > 0 {
		what = fmt.Sprintf("it holds a file stored in %d bytes, and a .swm part holds whole files: no split of it fits FAT32's 4 GiB - 1 byte", e.Blob)
	}
	return fmt.Sprintf("%s is %d bytes and cannot go on a USB medium: %s. Write an ISO instead (--iso): its UDF file system holds files of any size", e.Path, e.Size, what)
}

// checkFAT32 finds content FAT32 cannot hold before anything is built: a
// file larger than 4 GiB - 1 byte that is not a WIM, or a WIM with a
// resource so large that no .swm part holding it fits (split WIM parts
// hold whole resources). It reads only the WIMs' blob tables.
func checkFAT32(files []mediaFile) error {
	for _, f := range files {
		if f.Dir || f.Size <= usb.MaxFileSize {
			continue
		}
		if !strings.EqualFold(filepath.Ext(f.Path), ".wim") {
			return &LargeFileError{Path: f.Path, Size: f.Size}
		}
		w, err := wim.Open(f.Source)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		// Part 1 holds every metadata resource; a resource too large to
		// share a part gets a part of its own.
		var worst uint64
		for i := 1; i <= w.ImageCount(); i++ {
			worst += w.MetadataBlob(i).Res.Size
		}
		for _, b := range w.Blobs() {
			worst = max(worst, b.Res.Size)
		}
		w.Close()
		if worst+swmOverhead > usb.MaxFileSize {
			return &LargeFileError{Path: f.Path, Size: f.Size, Blob: worst}
		}
	}
	return nil
}

// splitLarge replaces every content WIM of 4 GiB or more with .swm parts.
func splitLarge(ctx context.Context, b *bundle, stage string, progress func(d, t int64)) error {
	const part = 4000 << 20
	var out []mediaFile
	for _, f := range b.files {
		if f.Dir || f.Size <= usb.MaxFileSize {
			out = append(out, f)
			continue
		}
		if !strings.EqualFold(filepath.Ext(f.Path), ".wim") {
			return fmt.Errorf("%s is %d bytes; FAT32 holds files up to 4 GiB - 1 byte", f.Path, f.Size)
		}
		first := filepath.Join(stage, strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))+".swm")
		parts, err := wim.SplitContext(ctx, f.Source, first, part, func(p wim.Progress) { progress(int64(p.BytesDone), int64(p.BytesTotal)) })
		if err != nil {
			return fmt.Errorf("split %s: %w", f.Path, err)
		}
		dir := filepath.ToSlash(filepath.Dir(f.Path))
		for _, p := range parts {
			info, err := os.Stat(p)
			if err != nil {
				return err
			}
			out = append(out, mediaFile{Path: dir + "/" + filepath.Base(p), Source: p, Size: info.Size()})
		}
		// The manifest lists the parts; the sequence points at the first.
		if err := b.replaceWIM(f.Path, dir+"/"+filepath.Base(parts[0]), out[len(out)-len(parts):]); err != nil {
			return err
		}
	}
	b.files = out
	return nil
}
