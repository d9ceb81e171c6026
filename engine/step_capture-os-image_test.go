package engine_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/media/wim"
)

const captureCanary = "CANARY-capture-4b1e"

const captureStep = `
[[steps]]
type = "capture-os-image"
name = "Capture the Reference Computer"
destination = '\\deploy01\captures$\win11-reference.wim'
account = 'CONTOSO\svc-capture'
password = "env:CAPTURE_PW"
created_by = "IT Department"
image_version = "2026.11"
image_description = "Windows 11 Enterprise reference image"
compression = "lzx"
`

func captureVolumes() []engine.Volume {
	return []engine.Volume{
		{Letter: "C:", Label: "Windows", FileSystem: "NTFS", Disk: 0, Partition: 3, Bus: "NVMe"},
		{Letter: "D:", Label: "Data", FileSystem: "NTFS", Disk: 0, Partition: 5, Bus: "NVMe"},
		{Letter: "E:", Label: "REFIMAGE", FileSystem: "NTFS", Disk: 1, Partition: 1, Bus: "USB", Removable: true},
		{Letter: "F:", Label: "Dev", FileSystem: "ReFS", Disk: 2, Partition: 1, Bus: "SATA"},
		{Letter: "X:", Label: "Boot", FileSystem: "NTFS", Disk: -1, Partition: -1},
		{GUIDPath: `\\?\Volume{1b7c1c1a-0000-0000-0000-100000000000}\`, Label: "EFI", FileSystem: "FAT32", Disk: 0, Partition: 1},
	}
}

const (
	partialWIM = `\\deploy01\captures$\win11-reference.refimage-partial.wim`
	finalWIM   = `\\deploy01\captures$\win11-reference.wim`
	captureINI = `X:\Windows\Temp\refimage-capture.ini`
)

func captureRun(t *testing.T, f *enginetest.Fake) (*run, *engine.Result) {
	r := newRun(t)
	o := r.opts(f)
	o.Resolver = envResolver{"CAPTURE_PW": captureCanary}
	return r, r.go_(t, context.Background(), load(t, captureStep), o)
}

// Live in WinPE: the share is connected with the capture account (the
// password masked in the log), C: and D: are captured as two images of
// one WIM under a temporary name (USB, ReFS, X: and the letterless EFI
// partition are not), the WIM is verified and only then renamed.
func TestCaptureOSImageLive(t *testing.T) {
	var verified []string
	defer engine.SetVerifyWIM(func(p string) error { verified = append(verified, p); return nil })()
	f := enginetest.New(t)
	netUse := f.ExpectRun(`net.exe use \\deploy01\captures$ /user:CONTOSO\svc-capture ` + captureCanary).Output("The command completed successfully.")
	f.ExpectVolumes().ReturnsVolumes(captureVolumes()...)
	f.ExpectStat(`C:\Windows\System32\ntoskrnl.exe`).ReturnsInfo(fakeFile{})
	f.ExpectRemoveAll(partialWIM)
	ini := f.ExpectWriteFile(captureINI)
	f.ExpectRun(`dism.exe /Capture-Image /ImageFile:`+partialWIM+` /CaptureDir:C:\ /Name:"Windows (C:)" /Description:"Windows 11 Enterprise reference image" /ConfigFile:`+captureINI+` /Compress:max /CheckIntegrity /Verify`).
		Output("Saving image", "[==========================100.0%==========================]", "The operation completed successfully.")
	f.ExpectRun(`dism.exe /Append-Image /ImageFile:` + partialWIM + ` /CaptureDir:D:\ /Name:"Data (D:)" /Description:"Windows 11 Enterprise reference image" /ConfigFile:` + captureINI + ` /CheckIntegrity /Verify`)
	f.ExpectRename(partialWIM, finalWIM)
	f.ExpectRun(`net.exe use \\deploy01\captures$ /delete /y`)
	r, res := captureRun(t, f)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
	if len(verified) != 1 || verified[0] != partialWIM {
		t.Errorf("verified %v", verified)
	}
	got := strings.ReplaceAll(transcript(f, ini), captureCanary, "<CANARY>")
	golden(t, "capture-os-image/live.golden", got)
	if !strings.Contains(netUse.Got.Line, captureCanary) {
		t.Error("net use must get the clear password")
	}
	log := r.log(t)
	for _, want := range []string{`Executing command line: net.exe use \\deploy01\captures$ /user:CONTOSO\svc-capture ********`, "Not captured: E:: a USB or removable disk", `Not captured: F:: file system "ReFS"`, "created by \"IT Department\", version \"2026.11\""} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	noCanaryIn(t, r, res)
	plan := planOf(t, load(t, captureStep), engine.PlanOptions{}, "Capture the Reference Computer")
	inPlan(t, plan, runLines(f), "/user:")
	if strings.Contains(strings.Join(plan, "\n"), captureCanary) {
		t.Error("the plan shows the password")
	}
}

func noCanaryIn(t *testing.T, r *run, res *engine.Result) {
	t.Helper()
	var all []string
	filepath.WalkDir(r.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			all = append(all, p+"\n"+string(b))
		}
		return nil
	})
	for _, e := range r.events {
		all = append(all, strings.TrimSpace(strings.ReplaceAll(fmtAny(e), "\n", " ")))
	}
	all = append(all, fmtAny(res))
	for _, s := range all {
		if strings.Contains(s, captureCanary) {
			t.Errorf("the capture password leaked: %.200s", s)
		}
	}
}

// A WIM that does not verify is deleted and never renamed: the real
// name keeps what it had.
func TestCaptureOSImageVerifyFails(t *testing.T) {
	defer engine.SetVerifyWIM(func(string) error { return errors.New("blob 3f… is corrupt") })()
	f := enginetest.New(t)
	f.ExpectRun(`net.exe use \\deploy01\captures$ /user:CONTOSO\svc-capture ` + captureCanary)
	f.ExpectVolumes().ReturnsVolumes(captureVolumes()[:1]...)
	f.ExpectStat(`C:\Windows\System32\ntoskrnl.exe`).ReturnsInfo(fakeFile{})
	f.ExpectRemoveAll(partialWIM)
	f.ExpectWriteFile(captureINI)
	f.ExpectRun(`dism.exe /Capture-Image /ImageFile:` + partialWIM + ` /CaptureDir:C:\ /Name:"Windows (C:)" /Description:"Windows 11 Enterprise reference image" /ConfigFile:` + captureINI + ` /Compress:max /CheckIntegrity /Verify`)
	f.ExpectRemoveAll(partialWIM)
	f.ExpectRun(`net.exe use \\deploy01\captures$ /delete /y`)
	r, res := captureRun(t, f)
	if res.Status != engine.StatusFailed || !strings.Contains(res.Failed.Message, "did not verify") {
		t.Fatal(res.Status, res.Failed)
	}
	noCanaryIn(t, r, res)
}

// DISM failing on the second volume deletes the partial WIM and fails
// with DISM's code.
func TestCaptureOSImageDISMFails(t *testing.T) {
	defer engine.SetVerifyWIM(func(string) error { t.Error("verified after a failure"); return nil })()
	f := enginetest.New(t)
	f.ExpectRun(`net.exe use \\deploy01\captures$ /user:CONTOSO\svc-capture ` + captureCanary)
	f.ExpectVolumes().ReturnsVolumes(captureVolumes()...)
	f.ExpectStat(`C:\Windows\System32\ntoskrnl.exe`).ReturnsInfo(fakeFile{})
	f.ExpectRemoveAll(partialWIM)
	f.ExpectWriteFile(captureINI)
	f.ExpectRun(`dism.exe /Capture-Image /ImageFile:` + partialWIM + ` /CaptureDir:C:\ /Name:"Windows (C:)" /Description:"Windows 11 Enterprise reference image" /ConfigFile:` + captureINI + ` /Compress:max /CheckIntegrity /Verify`)
	f.ExpectRun(`dism.exe /Append-Image /ImageFile:` + partialWIM + ` /CaptureDir:D:\ /Name:"Data (D:)" /Description:"Windows 11 Enterprise reference image" /ConfigFile:` + captureINI + ` /CheckIntegrity /Verify`).Output("Error: 112").Exit(112)
	f.ExpectRemoveAll(partialWIM)
	f.ExpectRun(`net.exe use \\deploy01\captures$ /delete /y`)
	_, res := captureRun(t, f)
	if res.Status != engine.StatusFailed || res.Code != 112 {
		t.Fatal(res.Status, res.Failed)
	}
}

// The share refusing the account fails with access denied and captures
// nothing.
func TestCaptureOSImageShareRefused(t *testing.T) {
	f := enginetest.New(t)
	f.ExpectRun(`net.exe use \\deploy01\captures$ /user:CONTOSO\svc-capture `+captureCanary).Output("System error 86 has occurred.", "The specified network password is not correct.").Exit(2)
	r, res := captureRun(t, f)
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, engine.CodeAccessDenied) {
		t.Fatal(res.Status, res.Failed)
	}
	noCanaryIn(t, r, res)
}

// Offline: the folder is captured natively (without the state folder),
// verified, and renamed; the image properties are in the WIM's XML.
func TestCaptureOSImageOffline(t *testing.T) {
	work := t.TempDir()
	dir := filepath.Join(work, "DIR")
	for name, data := range map[string]string{"Windows/System32/ntoskrnl.exe": "kernel", "pagefile.sys": "swap", "Users/Public/a.txt": "a"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	dest := filepath.Join(work, "out", "reference.wim")
	seq := load(t, `
[[steps]]
type = "capture-os-image"
name = "Capture"
destination = '`+dest+`'
created_by = "IT Department"
image_version = "1.0"
image_description = "offline"
`)
	f := enginetest.New(t)
	r := newRun(t)
	o := r.opts(f)
	o.Offline, o.StateDir = dir, ""
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
	w, err := wim.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Verify(wim.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	info := w.Images()[0]
	if info.CreatedBy != "IT Department" || info.ImageVersion != "1.0" || info.Description != "offline" {
		t.Errorf("image properties %+v", info)
	}
	m, err := w.Metadata(1)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	m.Root.Walk(func(p string, d *wim.Dentry) error { paths = append(paths, p); return nil })
	all := strings.Join(paths, "\n")
	if !strings.Contains(all, "ntoskrnl.exe") || strings.Contains(all, "_SMSTaskSequence") || strings.Contains(all, "pagefile.sys") {
		t.Errorf("captured:\n%s", all)
	}
	if _, err := os.Stat(engine.PartialName(dest)); err == nil {
		t.Error("the partial file was left")
	}
}

// Offline, a capture that does not verify leaves the destination as it
// was and no partial file.
func TestCaptureOSImageOfflineVerifyFails(t *testing.T) {
	defer engine.SetVerifyWIM(func(string) error { return errors.New("corrupt") })()
	work := t.TempDir()
	dir := filepath.Join(work, "DIR")
	os.MkdirAll(filepath.Join(dir, "Windows"), 0o755)
	dest := filepath.Join(work, "reference.wim")
	os.WriteFile(dest, []byte("the previous capture"), 0o644)
	seq := load(t, "\n[[steps]]\ntype = \"capture-os-image\"\nname = \"Capture\"\ndestination = '"+dest+"'\n")
	r := newRun(t)
	o := r.opts(enginetest.New(t))
	o.Offline, o.StateDir = dir, ""
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusFailed {
		t.Fatal(res.Status)
	}
	if b, _ := os.ReadFile(dest); string(b) != "the previous capture" {
		t.Error("the destination was changed")
	}
	if _, err := os.Stat(engine.PartialName(dest)); err == nil {
		t.Error("the partial file was left")
	}
}

type fakeFile struct{}

func (fakeFile) Name() string       { return "ntoskrnl.exe" }
func (fakeFile) Size() int64        { return 1 }
func (fakeFile) Mode() fs.FileMode  { return 0o644 }
func (fakeFile) ModTime() time.Time { return time.Time{} }
func (fakeFile) IsDir() bool        { return false }
func (fakeFile) Sys() any           { return nil }

// Windows PE gave the System Reserved partition C: and Windows D:: the
// Windows volume is still image 1.
func TestCaptureOSImageWindowsFirst(t *testing.T) {
	defer engine.SetVerifyWIM(func(string) error { return nil })()
	f := enginetest.New(t)
	f.ExpectVolumes().ReturnsVolumes(
		engine.Volume{Letter: "C:", Label: "System Reserved", FileSystem: "NTFS", Disk: 0, Partition: 1},
		engine.Volume{Letter: "D:", Label: "Windows", FileSystem: "NTFS", Disk: 0, Partition: 2},
	)
	f.ExpectStat(`C:\Windows\System32\ntoskrnl.exe`)
	f.ExpectStat(`D:\Windows\System32\ntoskrnl.exe`).ReturnsInfo(fakeFile{})
	f.ExpectRemoveAll(`E:\captures\ref.refimage-partial.wim`)
	f.ExpectWriteFile(captureINI)
	f.ExpectRun(`dism.exe /Capture-Image /ImageFile:E:\captures\ref.refimage-partial.wim /CaptureDir:D:\ /Name:"Windows (D:)" /ConfigFile:` + captureINI + ` /Compress:max /CheckIntegrity /Verify`)
	f.ExpectRun(`dism.exe /Append-Image /ImageFile:E:\captures\ref.refimage-partial.wim /CaptureDir:C:\ /Name:"System Reserved (C:)" /ConfigFile:` + captureINI + ` /CheckIntegrity /Verify`)
	f.ExpectRename(`E:\captures\ref.refimage-partial.wim`, `E:\captures\ref.wim`)
	r := newRun(t)
	res := r.go_(t, context.Background(), load(t, "\n[[steps]]\ntype = \"capture-os-image\"\nname = \"Capture\"\ndestination = 'E:\\captures\\ref.wim'\n"), r.opts(f))
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Failed)
	}
}
