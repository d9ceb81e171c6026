package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
	"github.com/refimage/refimage/media/wim"
)

func applyVolumes() []engine.Volume {
	return []engine.Volume{
		{Letter: "C:", Label: "Windows", FileSystem: "NTFS", Disk: 0, Partition: 3, Size: 250 << 30, Bus: "NVMe"},
		{Letter: "D:", Label: "REFIMAGE", FileSystem: "FAT32", Disk: 1, Partition: 1, Size: 32 << 30, Bus: "USB", Removable: true},
		{Letter: "X:", Label: "Boot", FileSystem: "NTFS", Disk: -1, Partition: -1},
		{GUIDPath: `\\?\Volume{1b7c1c1a-0000-0000-0000-100000000000}\`, Label: "EFI", FileSystem: "FAT32", Disk: 0, Partition: 1, Size: 500 << 20, Bus: "NVMe"},
		{GUIDPath: `\\?\Volume{1b7c1c1a-0000-0000-0000-400000000000}\`, Label: "Recovery", FileSystem: "NTFS", Disk: 0, Partition: 4, Size: 1 << 30, Bus: "NVMe"},
	}
}

// Live in WinPE on UEFI: the next available partition is C: (the USB
// medium, X: and the small recovery volume are passed over); its content
// goes except the state folder; DISM applies with its progress bar
// reaching the progress view; the EFI partition gets a letter for
// bcdboot and loses it after; OSDTargetSystemDrive is C:.
func TestApplyOSImageLive(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "apply-os-image"
name = "Apply Operating System"
image = 'D:\My Images\install.wim'
index = 3
answer_file = 'D:\answers\unattend.xml'
`)
	f := enginetest.New(t)
	f.ExpectVolumes().ReturnsVolumes(applyVolumes()...)
	f.ExpectStat(`D:\My Images\install.wim`).ReturnsInfo(fakeFile{})
	f.ExpectReadDirNames(`C:\`).ReturnsNames("$Recycle.Bin", "System Volume Information", "Windows", "_SMSTaskSequence", "pagefile.sys")
	f.ExpectRemoveAll(`C:\$Recycle.Bin`)
	f.ExpectRemoveAll(`C:\Windows`)
	f.ExpectRemoveAll(`C:\pagefile.sys`)
	f.ExpectRun(`dism.exe /Apply-Image /ImageFile:"D:\My Images\install.wim" /Index:3 /ApplyDir:C:\`).Output(
		"Deployment Image Servicing and Management tool", "Version: 10.0.22621.1",
		"Applying image",
		"[==========                 17.0%                          ]",
		"[==========================100.0%==========================]",
		"The operation completed successfully.")
	f.ExpectReadFile(`D:\answers\unattend.xml`).Returns([]byte("<unattend/>"))
	f.ExpectMkdirAll(`C:\Windows\Panther`)
	ans := f.ExpectWriteFile(`C:\Windows\Panther\unattend.xml`)
	assign := f.ExpectWriteFile(`X:\Windows\Temp\refimage-syspart.txt`)
	f.ExpectRun(`diskpart.exe /s X:\Windows\Temp\refimage-syspart.txt`)
	f.ExpectRun(`C:\Windows\System32\bcdboot.exe C:\Windows /s S: /f UEFI`).Output("Boot files successfully created.")
	remove := f.ExpectWriteFile(`X:\Windows\Temp\refimage-syspart.txt`)
	f.ExpectRun(`diskpart.exe /s X:\Windows\Temp\refimage-syspart.txt`)
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
	golden(t, "apply-os-image/live-uefi.golden", transcript(f, ans, assign, remove))
	if v, _ := engineVar(r, "OSDTargetSystemDrive"); v != "C:" {
		t.Errorf("OSDTargetSystemDrive = %q", v)
	}
	var pcts []int64
	for _, e := range r.events {
		if p, ok := e.(engine.StepProgress); ok {
			pcts = append(pcts, p.Done*1000/p.Total)
		}
	}
	if len(pcts) != 2 || pcts[0] != 170 || pcts[1] != 1000 {
		t.Errorf("progress from DISM's bar: %v", pcts)
	}
	log := r.log(t)
	if strings.Contains(log, "17.0%") || !strings.Contains(log, "The operation completed successfully.") {
		t.Error("DISM's progress lines belong to the progress view, its other lines to the log")
	}
	inPlan(t, planOf(t, seq, engine.PlanOptions{}, "Apply Operating System"), runLines(f), "diskpart", "bcdboot", "/ApplyDir")
}

// BIOS, a split image, a destination by letter: the System Reserved
// partition (first on the disk, with a letter) takes the boot files.
func TestApplyOSImageLiveSplitBIOS(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "apply-os-image"
name = "Apply Operating System"
image = '\\deploy01\images$\win11\install.swm'
split = true
destination = "drive-letter"
destination_letter = "W"
`)
	f := enginetest.New(t)
	f.MachineInfo.UEFI = false
	f.ExpectVolumes().ReturnsVolumes(
		engine.Volume{Letter: "S:", Label: "System Reserved", FileSystem: "NTFS", Disk: 0, Partition: 1, Size: 350 << 20},
		engine.Volume{Letter: "W:", Label: "Windows", FileSystem: "NTFS", Disk: 0, Partition: 2, Size: 100 << 30},
	)
	f.ExpectStat(`\\deploy01\images$\win11\install.swm`).ReturnsInfo(fakeFile{})
	f.ExpectReadDirNames(`W:\`)
	f.ExpectRun(`dism.exe /Apply-Image /ImageFile:\\deploy01\images$\win11\install.swm /Index:1 /ApplyDir:W:\ /SWMFile:\\deploy01\images$\win11\install*.swm`)
	f.ExpectRun(`W:\Windows\System32\bcdboot.exe W:\Windows /s S: /f BIOS`)
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
	inPlan(t, planOf(t, seq, engine.PlanOptions{BIOS: true}, "Apply Operating System"), runLines(f), "/s S:")
}

// DISM failing fails the step with DISM's code and says where its log is.
func TestApplyOSImageDISMFails(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "apply-os-image"
name = "Apply Operating System"
image = 'D:\install.wim'
destination = "disk-partition"
destination_disk = 0
destination_partition = 3
`)
	f := enginetest.New(t)
	f.ExpectVolumes().ReturnsVolumes(applyVolumes()...)
	f.ExpectStat(`D:\install.wim`).ReturnsInfo(fakeFile{})
	f.ExpectReadDirNames(`C:\`)
	f.ExpectRun(`dism.exe /Apply-Image /ImageFile:D:\install.wim /Index:1 /ApplyDir:C:\`).Output("Error: 112", "There is not enough space on the disk.").Exit(112)
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusFailed || res.Code != 112 || !strings.Contains(res.Failed.Message, `X:\Windows\Logs\DISM\dism.log`) {
		t.Fatal(res.Status, res.Failed)
	}
}

// Offline: a split set is applied into the folder with the native
// applier; what was there goes, except the state folder.
func TestApplyOSImageOfflineSplit(t *testing.T) {
	work := t.TempDir()
	tree := filepath.Join(work, "tree")
	big := strings.Repeat("reference image data ", 20000)
	for name, data := range map[string]string{"Windows/System32/ntoskrnl.exe": big, "Windows/explorer.exe": big + "x", "Users/Public/a.txt": "a"} {
		p := filepath.Join(tree, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	full := filepath.Join(work, "install.wim")
	if _, err := wim.Capture(tree, full, wim.CaptureOptions{Name: "Windows", Compression: wim.CompressNone}); err != nil {
		t.Fatal(err)
	}
	parts, err := wim.Split(full, filepath.Join(work, "install.swm"), 300000, nil)
	if err != nil || len(parts) < 2 {
		t.Fatal(parts, err)
	}
	dir := filepath.Join(work, "DIR")
	os.MkdirAll(filepath.Join(dir, "old"), 0o755)
	os.WriteFile(filepath.Join(dir, "old", "stale.txt"), []byte("x"), 0o644)
	seq := load(t, `
[[steps]]
type = "apply-os-image"
name = "Apply Operating System"
image = '`+parts[0]+`'
split = true
`)
	f := enginetest.New(t)
	r := newRun(t)
	o := r.opts(f)
	o.Offline = dir
	o.StateDir = ""
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "Windows", "explorer.exe")); err != nil || string(b) != big+"x" {
		t.Error("the image was not applied", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "old")); err == nil {
		t.Error("the old content was kept")
	}
	if _, err := os.Stat(filepath.Join(dir, "_SMSTaskSequence", "state.json")); err != nil {
		t.Error("the state folder was deleted", err)
	}
	var last engine.StepProgress
	for _, e := range r.events {
		if p, ok := e.(engine.StepProgress); ok {
			last = p
		}
	}
	if last.Unit != "bytes" || last.Total == 0 || last.Done != last.Total {
		t.Errorf("progress from the native applier: %+v", last)
	}
	if st, _ := engine.LoadState(filepath.Join(dir, "_SMSTaskSequence")); st != nil {
		for _, v := range st.Vars {
			if v.Name == "OSDTargetSystemDrive" && v.Value != dir {
				t.Errorf("OSDTargetSystemDrive = %q", v.Value)
			}
		}
	}
}

// An image index the WIM does not have fails clearly.
func TestApplyOSImageOfflineBadIndex(t *testing.T) {
	work := t.TempDir()
	os.MkdirAll(filepath.Join(work, "tree", "Windows"), 0o755)
	img := filepath.Join(work, "one.wim")
	if _, err := wim.Capture(filepath.Join(work, "tree"), img, wim.CaptureOptions{}); err != nil {
		t.Fatal(err)
	}
	seq := load(t, "\n[[steps]]\ntype = \"apply-os-image\"\nname = \"Apply\"\nimage = '"+img+"'\nindex = 4\n")
	r := newRun(t)
	o := r.opts(enginetest.New(t))
	o.Offline = filepath.Join(work, "DIR")
	os.Mkdir(o.Offline, 0o755)
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusFailed || !strings.Contains(res.Failed.Message, "has 1 images; there is no image 4") {
		t.Fatal(res.Failed)
	}
}

func TestParseDISMProgress(t *testing.T) {
	for line, want := range map[string]float64{
		"[==========================100.0%==========================]": 100,
		"[=====                      10.0%                          ]": 10,
		"[                           0.0%                           ]": 0,
		"  [===   5%   ]":                       5,
		"The operation completed successfully.": -1,
		"[==== 123.0% ====]":                    -1,
	} {
		got, ok := engine.ParseDISMProgress(line)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("%q: %v, want %v", line, got, want)
		}
	}
}

// A missing image fails the step before anything on the volume is
// deleted.
func TestApplyOSImageMissingImageDeletesNothing(t *testing.T) {
	seq := load(t, "\n[[steps]]\ntype = \"apply-os-image\"\nname = \"Apply\"\nimage = 'D:\\missing.wim'\n")
	f := enginetest.New(t)
	f.ExpectVolumes().ReturnsVolumes(applyVolumes()...)
	f.ExpectStat(`D:\missing.wim`)
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, engine.CodeFileNotFound) || !strings.Contains(res.Failed.Message, "nothing was deleted") {
		t.Fatal(res.Status, res.Failed)
	}
}
