package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/media/wim"
)

// Capture Operating System Image (configmgr.md §2.13).
//
// Live (Windows PE): every volume with a drive letter that is formatted
// NTFS or FAT32 and is not on a USB or removable disk (and is not the
// X: RAM disk, nor the volume the destination file is on) is captured,
// in drive-letter order but the volume holding Windows first (found by
// its Windows\System32\ntoskrnl.exe), as one image of a single WIM: the
// first with
//
//	dism.exe /Capture-Image /ImageFile:TMP /CaptureDir:C:\ /Name:"Windows (C:)" /Description:"…" /ConfigFile:X:\Windows\Temp\refimage-capture.ini /Compress:fast /CheckIntegrity /Verify
//
// the others with /Append-Image. The configuration file is DISM's
// default exclusion list plus \_SMSTaskSequence (the engine's state is
// not part of the image). A destination on a share is connected first
// with the capture account (`net.exe use \\server\share /user:ACCOUNT
// PASSWORD`, the line logged with the password masked) and disconnected
// after. DISM has no option for the created-by and version properties:
// live they are logged, offline they are written into the WIM's XML.
//
// The WIM is written under a temporary name beside the destination
// (NAME.refimage-partial.wim), verified with media/wim's (*WIM).Verify,
// and only then renamed over the destination: a failed capture never
// leaves a broken file under the real name (the partial file is
// deleted).
//
// Offline: the folder is captured with the native capture of media/wim
// (same exclusions, the image properties in the XML), verified and
// renamed the same way.
type captureOSImage struct{}

func init() { Register("capture-os-image", captureOSImage{}) }

// verifyWIM verifies a written WIM (a variable so tests of the live path,
// whose files do not exist, can replace it).
var verifyWIM = func(path string, progress wim.ProgressFunc) error {
	w, err := wim.Open(path)
	if err != nil {
		return err
	}
	defer w.Close()
	_, err = w.Verify(wim.VerifyOptions{Progress: progress})
	return err
}

// partialName is the temporary name a capture is written under.
func partialName(dest string) string {
	ext := ""
	if i := strings.LastIndexAny(dest, `.\/`); i >= 0 && dest[i] == '.' {
		ext = dest[i:]
	}
	return strings.TrimSuffix(dest, ext) + ".refimage-partial" + ext
}

// captureExclusions is DISM's default list plus the state folder.
func captureExclusions() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range append(append([]string(nil), wim.DefaultExclusions...), `\`+stateFolder) {
		if k := strings.ToLower(e); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// captureConfigINI is the WimScript.ini DISM gets with /ConfigFile.
func captureConfigINI() string {
	var b strings.Builder
	b.WriteString("[ExclusionList]\r\n")
	for _, e := range captureExclusions() {
		b.WriteString(iniQuote(e) + "\r\n")
	}
	return b.String()
}

// shareOf returns \\server\share of a UNC path, "" for a local one.
func shareOf(p string) string {
	if !strings.HasPrefix(p, `\\`) {
		return ""
	}
	parts := strings.SplitN(p[2:], `\`, 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	return `\\` + parts[0] + `\` + parts[1]
}

func dismCompress(c string) string {
	switch strings.ToLower(c) {
	case "xpress":
		return "fast"
	case "none":
		return "none"
	}
	return "max" // lzx, the default as in ConfigMgr's capture

}

func dismText(s string) string { return `"` + strings.ReplaceAll(s, `"`, `'`) + `"` }

// imageName names a volume's image: "Windows (C:)".
func imageName(v Volume) string {
	label := v.Label
	if label == "" {
		label = "Local Disk"
	}
	return label + " (" + v.Letter + ")"
}

// captureVolumes picks the volumes to capture and says why others are
// skipped.
func captureVolumes(vols []Volume, dest string) (take []Volume, skipped []string) {
	destDrive := ""
	if len(dest) >= 2 && dest[1] == ':' {
		destDrive = strings.ToUpper(dest[:2])
	}
	for _, v := range vols {
		name := v.Letter
		if name == "" {
			name = v.GUIDPath
		}
		fsys := strings.ToUpper(v.FileSystem)
		switch {
		case v.Letter == "":
			skipped = append(skipped, name+": no drive letter")
		case strings.EqualFold(v.Letter, "X:"):
			skipped = append(skipped, name+": the Windows PE RAM disk")
		case fsys != "NTFS" && fsys != "FAT32":
			skipped = append(skipped, fmt.Sprintf("%s: file system %q (only NTFS and FAT32 are captured)", name, v.FileSystem))
		case strings.EqualFold(v.Bus, "USB") || v.Removable:
			skipped = append(skipped, name+": a USB or removable disk")
		case destDrive != "" && strings.EqualFold(v.Letter, destDrive):
			skipped = append(skipped, name+": the destination is on it")
		default:
			take = append(take, v)
		}
	}
	sort.SliceStable(take, func(i, j int) bool { return take[i].Letter < take[j].Letter })
	return take, skipped
}

func (captureOSImage) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.CaptureOSImage)
	if strings.TrimSpace(p.Destination) == "" {
		return 0, Errorf(CodeInvalidParam, "no capture destination is set")
	}
	if sc.Offline != "" {
		return 0, captureOffline(sc, p)
	}
	if !sc.Machine.InWinPE {
		return 0, Errorf(CodeNotSupported, "Capture Operating System Image runs in Windows PE (the captured Windows must not be running)")
	}
	share := shareOf(p.Destination)
	if share != "" && p.Account != "" {
		pw, err := sc.Secret(&p.Password)
		if err != nil {
			return 0, err
		}
		if pw == "" {
			pw = `""`
		} else if q := argQuote(pw); q != pw {
			// The quoted form is a secret too: the log must not show it.
			sc.r.red.Add(q, false)
			pw = q
		}
		line := fmt.Sprintf(`net.exe use %s /user:%s %s`, share, argQuote(p.Account), pw)
		sc.Log("Connecting to %s as %s", share, p.Account)
		sc.Log("Executing command line: %s", sc.Redact(line))
		code, err := sc.Run(ctx, Command{Line: line})
		if err != nil {
			return code, err
		}
		if code != 0 {
			return 0, Errorf(CodeAccessDenied, "cannot connect to %s as %s (net use exit code %d): check the capture account and its write permission on the share", share, p.Account, code)
		}
		defer func() {
			dl := `net.exe use ` + share + ` /delete /y`
			sc.Log("Executing command line: %s", dl)
			if code, err := sc.Run(context.WithoutCancel(ctx), Command{Line: dl}); err != nil || code != 0 {
				sc.Warn("Could not disconnect %s (exit code %d, %v)", share, code, err)
			}
		}()
	}
	vols, err := sc.Platform.Volumes(ctx)
	if err != nil {
		return 0, err
	}
	take, skipped := captureVolumes(vols, p.Destination)
	for _, s := range skipped {
		sc.Log("Not captured: %s", s)
	}
	if len(take) == 0 {
		return 0, Errorf(CodePathNotFound, "no NTFS or FAT32 volume to capture was found (USB volumes and the X: RAM disk are never captured)")
	}
	// The installed Windows is image 1 (Windows PE may have given a
	// System Reserved partition the first letter).
	for i, v := range take {
		if _, err := sc.Platform.Stat(v.Letter + `\Windows\System32\ntoskrnl.exe`); err == nil {
			if i > 0 {
				take = append(append([]Volume{v}, take[:i]...), take[i+1:]...)
			}
			sc.Log("The installed Windows is on %s: it is image 1", v.Letter)
			break
		}
	}
	tmp := partialName(p.Destination)
	if err := sc.Platform.RemoveAll(tmp); err != nil {
		return 0, err
	}
	ini := winpeTemp + `\refimage-capture.ini`
	if err := sc.Platform.WriteFile(ini, []byte(captureConfigINI()), 0o644); err != nil {
		return 0, err
	}
	fail := func(code int64, err error) (int64, error) {
		if rerr := sc.Platform.RemoveAll(tmp); rerr != nil {
			sc.Warn("Could not delete the partial capture %s: %v", tmp, rerr)
		} else {
			sc.Log("Deleted the partial capture %s; %s was not changed", tmp, p.Destination)
		}
		return code, err
	}
	for i, v := range take {
		line := captureLine(p, v, tmp, ini, i == 0)
		sc.Log("Capturing %s as image %d of %s", v.Letter, i+1, tmp)
		if code, err := runDISM(ctx, sc, line, "Capturing "+v.Letter); err != nil || code != 0 {
			return fail(code, err)
		}
	}
	if p.CreatedBy != "" || p.Version != "" {
		sc.Log("Image properties (DISM has no option for them): created by %q, version %q", p.CreatedBy, p.Version)
	}
	sc.Log("Verifying %s", tmp)
	if err := verifyWIM(tmp, func(pr wim.Progress) {
		sc.Progress(int64(pr.BytesDone), int64(pr.BytesTotal), "bytes", "Verifying the captured image")
	}); err != nil {
		return fail(CodeFail, &Error{Code: CodeFail, Msg: "the captured WIM " + tmp + " did not verify", Err: err})
	}
	if err := sc.Platform.Rename(tmp, p.Destination); err != nil {
		return fail(CodeAccessDenied, &Error{Code: CodeAccessDenied, Msg: "rename " + tmp + " to " + p.Destination, Err: err})
	}
	sc.Log("Captured %d volumes into %s", len(take), p.Destination)
	return 0, nil
}

// captureLine is DISM's command line for volume v, the first image or
// an appended one.
func captureLine(p *sequence.CaptureOSImage, v Volume, tmp, ini string, first bool) string {
	verb := "/Append-Image"
	if first {
		verb = "/Capture-Image"
	}
	line := fmt.Sprintf(`dism.exe %s /ImageFile:%s /CaptureDir:%s\ /Name:%s`, verb, argQuote(tmp), v.Letter, dismText(imageName(v)))
	if p.Description != "" {
		line += " /Description:" + dismText(p.Description)
	}
	line += " /ConfigFile:" + argQuote(ini)
	if first {
		line += " /Compress:" + dismCompress(p.Compression)
	}
	return line + " /CheckIntegrity /Verify"
}

// captureOffline captures the folder with the native capture.
func captureOffline(sc *StepContext, p *sequence.CaptureOSImage) error {
	if shareOf(p.Destination) != "" && filepath.Separator != '\\' {
		return Errorf(CodeNotSupported, "an offline capture writes to a local path; %s is a Windows share", p.Destination)
	}
	comp, err := wim.ParseCompression(p.Compression)
	if err != nil || p.Compression == "" {
		comp = wim.CompressLZX // the default, as in ConfigMgr's capture
	}
	if dir := filepath.Dir(p.Destination); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp := partialName(p.Destination)
	os.Remove(tmp)
	fail := func(err error) error {
		os.Remove(tmp)
		sc.Log("Deleted the partial capture %s; %s was not changed", tmp, p.Destination)
		return err
	}
	cfg := &wim.Config{Exclusions: captureExclusions()}
	name := filepath.Base(filepath.Clean(sc.Offline))
	sc.Log("Capturing the folder %s into %s (%s compression) with the native capture; excluded: %s", sc.Offline, tmp, comp, strings.Join(cfg.Exclusions, ", "))
	res, err := wim.Capture(sc.Offline, tmp, wim.CaptureOptions{
		Name: name, Description: p.Description, CreatedBy: p.CreatedBy, ImageVersion: p.Version,
		Compression: comp, Config: cfg,
		Progress: func(pr wim.Progress) {
			if pr.Op == "capture" || pr.Op == "write" {
				sc.Progress(int64(min(pr.BytesDone, pr.BytesTotal)), int64(pr.BytesTotal), "bytes", "Capturing "+pr.Path)
			}
		},
	})
	if err != nil {
		return fail(&Error{Code: CodeFail, Msg: "capture " + sc.Offline, Err: err})
	}
	sc.Log("Captured %d folders and %d files (%d excluded) into %d bytes", res.Dirs, res.Files, res.Excluded, res.Size)
	for _, w := range res.Warnings {
		sc.Warn("%s", w)
	}
	sc.Log("Verifying %s", tmp)
	if err := verifyWIM(tmp, func(pr wim.Progress) {
		sc.Progress(int64(pr.BytesDone), int64(pr.BytesTotal), "bytes", "Verifying the captured image")
	}); err != nil {
		return fail(&Error{Code: CodeFail, Msg: "the captured WIM " + tmp + " did not verify", Err: err})
	}
	if err := os.Rename(tmp, p.Destination); err != nil {
		return fail(&Error{Code: CodeAccessDenied, Msg: "rename " + tmp + " to " + p.Destination, Err: err})
	}
	sc.Log("Captured %s into %s", sc.Offline, p.Destination)
	return nil
}

func (captureOSImage) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.CaptureOSImage)
	tmp := partialName(p.Destination)
	if pc.Offline != "" {
		return []string{
			"capture the folder " + pc.Offline + " (native capture, " + p.Compression + " compression, without " + strings.Join(captureExclusions(), " ") + ") into " + tmp,
			"image properties: created by " + quote(p.CreatedBy) + ", version " + quote(p.Version) + ", description " + quote(p.Description),
			"verify " + tmp + ", then rename it to " + p.Destination + " (replaces an existing file); on failure delete it",
		}
	}
	var out []string
	share := shareOf(p.Destination)
	if share != "" && p.Account != "" {
		out = append(out, "net.exe use "+share+" /user:"+argQuote(p.Account)+" "+pc.Masked(p.Password))
	}
	ini := winpeTemp + `\refimage-capture.ini`
	c := Volume{Letter: "C:", Label: "Windows"}
	d := Volume{Letter: "D:", Label: "Data"}
	out = append(out,
		"write "+ini+" (DISM's default exclusions and \\"+stateFolder+")",
		"capture every volume with a drive letter, NTFS or FAT32, not USB or removable, not X:, one image each, the one with Windows\\System32\\ntoskrnl.exe first, then in letter order:",
		captureLine(p, c, tmp, ini, true),
		captureLine(p, d, tmp, ini, false)+"   (each further volume)",
		"image properties: description "+quote(p.Description)+"; created by "+quote(p.CreatedBy)+" and version "+quote(p.Version)+" are logged (DISM cannot store them)",
		"verify "+tmp+" (media/wim), then rename it to "+p.Destination+" (replaces an existing file); on failure delete it",
	)
	if share != "" && p.Account != "" {
		out = append(out, "net.exe use "+share+" /delete /y")
	}
	return out
}
