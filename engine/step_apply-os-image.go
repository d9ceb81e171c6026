package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/lazyre"
	"github.com/refimage/refimage/media/wim"
)

// Apply Operating System Image (configmgr.md §2.3).
//
// Live (Windows PE only): the destination volume is found among the
// platform's volumes; once the image file is found, everything on it is
// deleted except the state folder
// (_SMSTaskSequence) and System Volume Information; the image is applied
// with
//
//	dism.exe /Apply-Image /ImageFile:IMG /Index:N /ApplyDir:W:\ [/SWMFile:BASE*.swm]
//
// (DISM keeps the security descriptors, alternate streams and reparse
// points Windows needs; its progress bar feeds the progress view); a
// given answer file is copied to W:\Windows\Panther\unattend.xml (Apply
// Windows Settings then merges its settings into it); then
//
//	W:\Windows\System32\bcdboot.exe W:\Windows /s S: /f UEFI|BIOS
//
// writes the boot files onto the system partition (the EFI partition of
// the same disk on UEFI; on BIOS the first partition when it is not the
// Windows one, else the Windows volume itself). A system partition
// without a drive letter gets one for bcdboot through a two-line diskpart
// script, removed afterwards. OSDTargetSystemDrive is set to W:.
//
// Offline: the folder stands for the volume: its content except
// _SMSTaskSequence is deleted and the image is applied with the native
// applier of media/wim (split sets with wim.OpenParts), progress from its
// callback; OSDTargetSystemDrive is the folder, and OSDTargetArchitecture
// the image's architecture from its metadata (WINDOWS/ARCH) unless set.
//
// An .esd (solid LZMS, as the Media Creation Tool ships install.esd) is
// an image like a .wim, live (DISM reads it) and offline.
type applyOSImage struct{}

func init() { Register("apply-os-image", applyOSImage{}) }

// stateFolder is the engine's working folder on the target volume.
const stateFolder = "_SMSTaskSequence"

// winpeTemp is where generated scripts go in Windows PE.
const winpeTemp = `X:\Windows\Temp`

// keepOnClean are the names the clean-up before an apply keeps.
func keepOnClean(name string) bool {
	return strings.EqualFold(name, stateFolder) || strings.EqualFold(name, "System Volume Information")
}

func (applyOSImage) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.ApplyOSImage)
	if strings.TrimSpace(p.Image) == "" {
		return 0, Errorf(CodeInvalidParam, "no image file is set")
	}
	if p.Index < 1 {
		return 0, Errorf(CodeInvalidParam, "the image index must be 1 or more, not %d", p.Index)
	}
	if sc.Offline != "" {
		return 0, applyOffline(sc, p)
	}
	if !sc.Machine.InWinPE {
		return 0, Errorf(CodeNotSupported, "Apply Operating System runs in Windows PE: it deletes the content of the volume it applies to")
	}
	vols, err := sc.Platform.Volumes(ctx)
	if err != nil {
		return 0, err
	}
	target, err := applyTarget(sc, p, vols)
	if err != nil {
		return 0, err
	}
	w := target.Letter
	sc.Log("Applying image %d of %s to %s (disk %d, partition %d, %s %q)", p.Index, p.Image, w, target.Disk, target.Partition, target.FileSystem, target.Label)
	// The image must be there before the volume is emptied.
	if _, err := sc.Platform.Stat(p.Image); err != nil {
		return 0, &Error{Code: CodeFileNotFound, Msg: "the image " + p.Image + " cannot be read; nothing was deleted", Err: err}
	}

	// 1. Delete the volume's content, except the state folder.
	names, err := sc.Platform.ReadDirNames(w + `\`)
	if err != nil {
		return 0, &Error{Code: CodePathNotFound, Msg: "read the destination volume " + w, Err: err}
	}
	removed := 0
	for _, n := range names {
		if keepOnClean(n) {
			continue
		}
		if err := sc.Platform.RemoveAll(w + `\` + n); err != nil {
			return 0, &Error{Code: CodeAccessDenied, Msg: "delete " + w + `\` + n + " before applying the image", Err: err}
		}
		removed++
	}
	sc.Log("Deleted %d items on %s (kept %s)", removed, w, stateFolder)

	// 2. DISM.
	line := dismApplyLine(p, w)
	if code, err := runDISM(ctx, sc, line, "Applying image"); err != nil || code != 0 {
		return code, err
	}

	// 3. The answer file.
	if p.AnswerFile != "" {
		data, err := sc.Platform.ReadFile(p.AnswerFile)
		if err != nil {
			return 0, &Error{Code: CodeFileNotFound, Msg: "read the answer file " + p.AnswerFile, Err: err}
		}
		if err := sc.Platform.MkdirAll(w + `\Windows\Panther`); err != nil {
			return 0, err
		}
		if err := sc.Platform.WriteFile(w+`\Windows\Panther\unattend.xml`, data, 0o644); err != nil {
			return 0, err
		}
		sc.Log("Copied the answer file %s to %s", p.AnswerFile, w+`\Windows\Panther\unattend.xml`)
	}

	// 4. Boot files.
	if err := bcdboot(ctx, sc, target, vols); err != nil {
		return 0, err
	}
	if err := sc.Vars.Set("OSDTargetSystemDrive", w); err != nil {
		return 0, err
	}
	sc.Log("Set OSDTargetSystemDrive to %s", w)
	return 0, nil
}

// dismApplyLine is the DISM command line of an apply to drive w ("C:").
func dismApplyLine(p *sequence.ApplyOSImage, w string) string {
	line := fmt.Sprintf(`dism.exe /Apply-Image /ImageFile:%s /Index:%d /ApplyDir:%s\`, argQuote(p.Image), p.Index, w)
	if p.Split {
		line += " /SWMFile:" + argQuote(swmPattern(p.Image))
	}
	return line
}

// swmPattern is the /SWMFile pattern of a split set: D:\x\install.swm →
// D:\x\install*.swm.
func swmPattern(first string) string {
	ext := ""
	if i := strings.LastIndexAny(first, `.\/`); i >= 0 && first[i] == '.' {
		ext = first[i:]
	}
	return strings.TrimSuffix(first, ext) + "*" + ext
}

// argQuote quotes an argument of a Windows command line so that
// CommandLineToArgvW and the C runtime (DISM, robocopy, net, ccmsetup)
// split it back to s: an argument with a space, a tab or a quote is
// quoted, a quote inside is written \", and backslashes that end up
// before a quote — the closing one included — are doubled. Without the
// doubling "C:\Ref Drivers\" reached the program as C:\Ref Drivers" and
// swallowed the next argument (found by the Wine lane). "" stays "".
func argQuote(s string) string {
	if !strings.ContainsAny(s, " \t\"") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			slashes++
			continue
		case '"':
			b.WriteString(strings.Repeat(`\`, 2*slashes+1))
		default:
			b.WriteString(strings.Repeat(`\`, slashes))
		}
		slashes = 0
		b.WriteByte(s[i])
	}
	b.WriteString(strings.Repeat(`\`, 2*slashes))
	b.WriteByte('"')
	return b.String()
}

// iniQuote quotes a WimScript.ini entry that holds a space or a tab
// (an INI line, not a command line: no escapes).
func iniQuote(s string) string {
	if strings.ContainsAny(s, " \t") {
		return `"` + s + `"`
	}
	return s
}

// dismProgress matches DISM's progress bar: [====   23.0%     ].
var dismProgress = lazyre.New(`^\s*\[[= ]*?(\d{1,3}(?:\.\d)?)%[= ]*\]\s*$`)

// parseDISMProgress returns the percentage of a DISM progress line.
func parseDISMProgress(line string) (float64, bool) {
	m := dismProgress.FindStringSubmatch(line)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v > 100 {
		return 0, false
	}
	return v, true
}

// runDISM runs a DISM command: progress bars go to the progress view
// (the final 100% also into the log), other lines into the log. A
// non-zero exit code fails with DISM's own code and where its log is.
func runDISM(ctx context.Context, sc *StepContext, line, what string) (int64, error) {
	sc.Log("Executing command line: %s", sc.Redact(line))
	c := Command{Line: line, SplitCR: true, Timeout: sc.Timeout}
	c.Output = func(l string, stderr bool) {
		if pct, ok := parseDISMProgress(l); ok {
			sc.Progress(int64(pct*10), 1000, "permille", what)
			if pct < 100 {
				return
			}
		}
		if strings.TrimSpace(l) != "" {
			sc.Output(l, stderr)
		}
	}
	code, err := sc.Platform.Run(ctx, c)
	if err != nil {
		return code, err
	}
	sc.Log("Process completed with exit code %d", uint32(code))
	if code != 0 {
		return code, &Error{Code: code, Msg: fmt.Sprintf("DISM failed with exit code %s (%s); details in X:\\Windows\\Logs\\DISM\\dism.log", Decimal(code), Hex(code))}
	}
	return 0, nil
}

// applyTarget finds the destination volume.
func applyTarget(sc *StepContext, p *sequence.ApplyOSImage, vols []Volume) (Volume, error) {
	byLetter := func(l string) (Volume, error) {
		l = normLetter(l)
		for _, v := range vols {
			if v.Letter != "" && strings.EqualFold(v.Letter, l) {
				return v, nil
			}
		}
		return Volume{}, Errorf(CodePathNotFound, "the destination drive %s does not exist", l)
	}
	byPartition := func(d, part int) (Volume, error) {
		for _, v := range vols {
			if v.Disk == d && v.Partition == part {
				if v.Letter == "" {
					return Volume{}, Errorf(CodePathNotFound, "disk %d partition %d has no drive letter (assign one in Format and Partition Disk)", d, part)
				}
				return v, nil
			}
		}
		return Volume{}, Errorf(CodePathNotFound, "disk %d has no partition %d with a volume", d, part)
	}
	switch p.Destination {
	case "disk-partition":
		return byPartition(p.DestDisk, p.DestPartition)
	case "drive-letter":
		return byLetter(p.DestLetter)
	case "variable":
		val := strings.TrimSpace(sc.Vars.Value(p.DestVariable))
		if val == "" {
			return Volume{}, Errorf(CodeInvalidParam, "the variable %s that names the destination is not set", p.DestVariable)
		}
		if d, part, ok := strings.Cut(val, ","); ok {
			dn, e1 := strconv.Atoi(strings.TrimSpace(d))
			pn, e2 := strconv.Atoi(strings.TrimSpace(part))
			if e1 != nil || e2 != nil {
				return Volume{}, Errorf(CodeInvalidParam, "the variable %s holds %q: want DISK,PARTITION or a drive letter", p.DestVariable, val)
			}
			return byPartition(dn, pn)
		}
		return byLetter(val)
	}
	// Next available: the first NTFS volume of at least 2 GiB with a
	// letter on a fixed, non-USB disk, in disk and partition order (the
	// small System Reserved and Recovery volumes are passed over).
	cands := append([]Volume(nil), vols...)
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Disk != cands[j].Disk {
			return cands[i].Disk < cands[j].Disk
		}
		return cands[i].Partition < cands[j].Partition
	})
	for _, v := range cands {
		if v.Letter == "" || v.Disk < 0 || strings.EqualFold(v.Letter, "X:") || !strings.EqualFold(v.FileSystem, "NTFS") ||
			strings.EqualFold(v.Bus, "USB") || v.Removable || v.Size < 2<<30 {
			continue
		}
		return v, nil
	}
	return Volume{}, Errorf(CodePathNotFound, "no formatted NTFS partition of 2 GB or more was found to apply the image to (run Format and Partition Disk first)")
}

// normLetter makes "c", "c:", "C:\" into "C:".
func normLetter(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), `\/`)
	s = strings.TrimSuffix(s, ":")
	return strings.ToUpper(s) + ":"
}

// freeLetter returns a letter no volume uses, preferring the given ones.
func freeLetter(vols []Volume, prefer string) string {
	used := map[string]bool{"A:": true, "B:": true, "X:": true}
	for _, v := range vols {
		if v.Letter != "" {
			used[strings.ToUpper(v.Letter)] = true
		}
	}
	for _, c := range prefer + "ZYWVUTSRQPONMLKJIHGFED" {
		if l := string(c) + ":"; !used[l] {
			return l
		}
	}
	return ""
}

// systemPartition is the volume bcdboot writes the boot files to.
func systemPartition(uefi bool, target Volume, vols []Volume) (Volume, bool) {
	var same []Volume
	for _, v := range vols {
		if v.Disk == target.Disk && v.Disk >= 0 {
			same = append(same, v)
		}
	}
	sort.Slice(same, func(i, j int) bool { return same[i].Partition < same[j].Partition })
	if uefi {
		for _, v := range same {
			if strings.EqualFold(v.FileSystem, "FAT32") {
				return v, true
			}
		}
		return Volume{}, false
	}
	if len(same) > 0 && same[0].Partition != target.Partition && same[0].Partition < target.Partition && same[0].FileSystem != "" {
		return same[0], true
	}
	return target, true
}

// bcdboot copies the boot files of the applied Windows to the system
// partition and makes its boot entry the default.
func bcdboot(ctx context.Context, sc *StepContext, target Volume, vols []Volume) error {
	fw := "BIOS"
	if sc.Machine.UEFI {
		fw = "UEFI"
	}
	sys, ok := systemPartition(sc.Machine.UEFI, target, vols)
	if !ok {
		return Errorf(CodePathNotFound, "disk %d has no FAT32 EFI system partition for the boot files (UEFI needs one: see Format and Partition Disk)", target.Disk)
	}
	letter := sys.Letter
	var assigned string
	if letter == "" {
		assigned = freeLetter(vols, "S")
		if assigned == "" {
			return Errorf(CodeFail, "no free drive letter for the system partition")
		}
		if err := diskpartLetter(ctx, sc, sys, "assign", assigned); err != nil {
			return err
		}
		letter = assigned
	}
	line := fmt.Sprintf(`%s\Windows\System32\bcdboot.exe %s\Windows /s %s /f %s`, target.Letter, target.Letter, letter, fw)
	sc.Log("Executing command line: %s", line)
	code, err := sc.Run(ctx, Command{Line: line})
	if err == nil && code != 0 {
		err = &Error{Code: code, Msg: fmt.Sprintf("bcdboot failed with exit code %s", Decimal(code))}
	}
	if err == nil {
		sc.Log("The boot files are on %s (disk %d, partition %d, %s)", letter, sys.Disk, sys.Partition, fw)
	}
	if assigned != "" {
		if rerr := diskpartLetter(ctx, sc, sys, "remove", assigned); rerr != nil {
			sc.Warn("Could not remove the drive letter %s from the system partition: %v", assigned, rerr)
		}
	}
	return err
}

// diskpartLetter assigns or removes a partition's drive letter.
func diskpartLetter(ctx context.Context, sc *StepContext, v Volume, verb, letter string) error {
	script := fmt.Sprintf("select disk %d\r\nselect partition %d\r\n%s letter=%s\r\nexit\r\n", v.Disk, v.Partition, verb, strings.TrimSuffix(letter, ":"))
	path := winpeTemp + `\refimage-syspart.txt`
	if err := sc.Platform.WriteFile(path, []byte(script), 0o644); err != nil {
		return err
	}
	line := "diskpart.exe /s " + path
	sc.Log("Executing command line: %s (%s letter %s, disk %d partition %d)", line, verb, letter, v.Disk, v.Partition)
	code, err := sc.Run(ctx, Command{Line: line})
	if err == nil && code != 0 {
		err = &Error{Code: code, Msg: fmt.Sprintf("diskpart could not %s the letter %s (exit code %s)", verb, letter, Decimal(code))}
	}
	return err
}

// applyOffline applies the image into the folder with the native applier.
func applyOffline(sc *StepContext, p *sequence.ApplyOSImage) error {
	dir := sc.Offline
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	w, err := openImage(p.Image, p.Split)
	if err != nil {
		return err
	}
	defer w.Close()
	if p.Index > w.ImageCount() {
		return Errorf(CodeInvalidParam, "%s has %d images; there is no image %d", p.Image, w.ImageCount(), p.Index)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	removed := 0
	for _, e := range ents {
		if keepOnClean(e.Name()) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return &Error{Code: CodeAccessDenied, Msg: "delete " + e.Name() + " before applying the image", Err: err}
		}
		removed++
	}
	sc.Log("Deleted %d items in %s (kept %s)", removed, dir, stateFolder)
	info := w.Images()[p.Index-1]
	sc.Log("Applying image %d (%s) of %s into %s with the native applier", p.Index, info.Name, p.Image, dir)
	st, err := w.Apply(p.Index, dir, wim.ApplyOptions{Progress: func(pr wim.Progress) {
		sc.Progress(int64(pr.BytesDone), int64(pr.BytesTotal), "bytes", "Applying "+pr.Path)
	}})
	if err != nil {
		code := CodeFail
		if errors.Is(err, fs.ErrPermission) {
			code = CodeAccessDenied
		}
		return &Error{Code: code, Msg: "apply the image", Err: err}
	}
	sc.Log("Applied %d folders, %d files, %d bytes (%d NTFS-only items this file system cannot keep)", st.Dirs, st.Files, st.Bytes, st.Skipped())
	if p.AnswerFile != "" {
		data, err := os.ReadFile(p.AnswerFile)
		if err != nil {
			return &Error{Code: CodeFileNotFound, Msg: "read the answer file " + p.AnswerFile, Err: err}
		}
		pan := filepath.Join(dir, "Windows", "Panther")
		if err := os.MkdirAll(pan, 0o755); err != nil {
			return err
		}
		if err := sequence.WriteFileAtomic(filepath.Join(pan, "unattend.xml"), data, 0o644); err != nil {
			return err
		}
		sc.Log("Copied the answer file %s to Windows/Panther/unattend.xml", p.AnswerFile)
	}
	if a := wimArch(info.WindowsArch); a != "" && sc.Vars.Value("OSDTargetArchitecture") == "" {
		if err := sc.Vars.Set("OSDTargetArchitecture", a); err != nil {
			return err
		}
		sc.Log("Set OSDTargetArchitecture to %s (the image's metadata)", a)
	}
	return sc.Vars.Set("OSDTargetSystemDrive", dir)
}

// wimArch maps the WIM XML's WINDOWS/ARCH (a PROCESSOR_ARCHITECTURE
// value) to the answer file's processorArchitecture.
func wimArch(v string) string {
	switch strings.TrimSpace(v) {
	case "0":
		return "x86"
	case "9":
		return "amd64"
	case "12":
		return "arm64"
	}
	return ""
}

// openImage opens a WIM, or every part of a split set named like its
// first part (install.swm, install2.swm, …).
func openImage(path string, split bool) (*wim.WIM, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, &Error{Code: CodeFileNotFound, Msg: "the image " + path + " cannot be read", Err: err}
	}
	var w *wim.WIM
	var err error
	if split || strings.EqualFold(filepath.Ext(path), ".swm") {
		w, err = wim.OpenParts(splitParts(path))
	} else {
		w, err = wim.Open(path)
	}
	if err != nil {
		return nil, &Error{Code: CodeFail, Msg: "open the image " + path, Err: err}
	}
	return w, nil
}

// splitParts lists a split set's parts in order: the first, then
// BASE2.swm, BASE3.swm, … as long as they exist.
func splitParts(first string) []string {
	ext := filepath.Ext(first)
	base := strings.TrimSuffix(first, ext)
	parts := []string{first}
	for i := 2; ; i++ {
		p := base + strconv.Itoa(i) + ext
		if _, err := os.Stat(p); err != nil {
			return parts
		}
		parts = append(parts, p)
	}
}

func (applyOSImage) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.ApplyOSImage)
	if pc.Offline != "" {
		out := []string{
			"delete everything in " + pc.Offline + " except " + stateFolder,
			fmt.Sprintf("apply image %d of %s into %s (native WIM applier)", p.Index, p.Image, pc.Offline),
		}
		if p.AnswerFile != "" {
			out = append(out, "copy the answer file "+p.AnswerFile+" to "+pc.Offline+"/Windows/Panther/unattend.xml")
		}
		return append(out, "set OSDTargetSystemDrive to "+pc.Offline)
	}
	dest := "W:"
	where := "the next available formatted partition (the first NTFS volume of 2 GB or more on a fixed disk), W:"
	switch p.Destination {
	case "disk-partition":
		where = fmt.Sprintf("disk %d partition %d, W:", p.DestDisk, p.DestPartition)
	case "drive-letter":
		dest = normLetter(p.DestLetter)
		where = dest
	case "variable":
		where = "the drive in %" + p.DestVariable + "%, W:"
	}
	fw := "BIOS"
	sys := "the first partition of the disk (or W: itself)"
	if pc.Machine.UEFI {
		fw, sys = "UEFI", "the EFI partition of the disk"
	}
	out := []string{
		"destination: " + where,
		"check that " + p.Image + " exists (nothing is deleted otherwise)",
		"delete everything on " + dest + `\ except ` + stateFolder + " and System Volume Information",
		dismApplyLine(p, dest),
	}
	if p.AnswerFile != "" {
		out = append(out, "copy the answer file "+p.AnswerFile+" to "+dest+`\Windows\Panther\unattend.xml`)
	}
	return append(out,
		"system partition S: = "+sys+" (a letter is assigned with diskpart for bcdboot when it has none, and removed after)",
		fmt.Sprintf(`%s\Windows\System32\bcdboot.exe %s\Windows /s S: /f %s`, dest, dest, fw),
		"set OSDTargetSystemDrive to "+dest)
}
