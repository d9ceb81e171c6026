package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

const uefiLayout = `
[[steps]]
type = "partition-disk"
name = "Partition Disk 0 - UEFI"
disk_variable = "TargetDisk"
  [[steps.partitions]]
  name = "EFI"
  type = "efi"
  size = 500
  file_system = "fat32"
  quick_format = true
  assign_letter = false
  [[steps.partitions]]
  name = "MSR"
  type = "msr"
  size = 128
  assign_letter = false
  [[steps.partitions]]
  name = "Windows"
  size = 99
  size_unit = "percent"
  file_system = "ntfs"
  quick_format = true
  assign_letter = true
  letter_variable = "OSDisk"
  [[steps.partitions]]
  name = "Recovery"
  type = "recovery"
  file_system = "ntfs"
  quick_format = true
  assign_letter = false
`

func partitionDisks() (disks []engine.Disk, vols []engine.Volume) {
	return []engine.Disk{
			{Number: 0, Size: 256 << 30, Model: "NVMe Samsung SSD 980"},
			{Number: 1, Size: 32 << 30, Model: "SanDisk Ultra", Removable: true, Boot: true},
		}, []engine.Volume{
			{Letter: "C:", Label: "OldWindows", FileSystem: "NTFS", Disk: 0, Partition: 3, Size: 200 << 30, Bus: "NVMe"},
			{Letter: "D:", Label: "REFIMAGE", FileSystem: "FAT32", Disk: 1, Partition: 1, Bus: "USB", Removable: true},
			{Letter: "X:", Label: "Boot", FileSystem: "NTFS", Disk: -1, Partition: -1},
		}
}

// The UEFI layout on disk 0 (from the disk variable): the script is
// written through the platform and run with diskpart; the letter D: of
// the USB medium is not handed out, C: of the disk being wiped is; the
// variables are set and the state folder is made on the Windows volume.
func TestPartitionDiskUEFI(t *testing.T) {
	seq := load(t, uefiLayout)
	f := enginetest.New(t)
	disks, vols := partitionDisks()
	f.ExpectDisks().ReturnsDisks(disks...)
	f.ExpectVolumes().ReturnsVolumes(vols...)
	script := f.ExpectWriteFile(`X:\Windows\Temp\refimage-diskpart.txt`)
	f.ExpectRun(`diskpart.exe /s X:\Windows\Temp\refimage-diskpart.txt`).Output("DiskPart successfully converted the selected disk to GPT format.")
	f.ExpectMkdirAll(`C:\_SMSTaskSequence`)
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("TargetDisk", "0"))
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
	golden(t, "partition-disk/uefi.golden", transcript(f, script))
	for k, want := range map[string]string{"OSDisk": "C:", "OSDGPTBootDisk": "true", "OSDPartitions0Type": "EFI", "OSDPartitions2VolumeLetterVariable": "OSDisk", "OSDPartitions3Type": "Recovery"} {
		if v, _ := engineVar(r, k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	inPlan(t, planOf(t, seq, engine.PlanOptions{Vars: o.Vars}, "Partition Disk 0 - UEFI"), runLines(f))
	if log := r.log(t); !strings.Contains(log, "diskpart script: create partition efi size=500") {
		t.Error("the script is not in the log")
	}
}

// The disk the engine runs from is refused before anything is written.
func TestPartitionDiskRefusesTheBootDisk(t *testing.T) {
	seq := load(t, uefiLayout)
	f := enginetest.New(t)
	disks, vols := partitionDisks()
	f.ExpectDisks().ReturnsDisks(disks...)
	f.ExpectVolumes().ReturnsVolumes(vols...)
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("TargetDisk", "1"))
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, engine.CodeAccessDenied) || !strings.Contains(res.Failed.Message, "disk 1 holds the media") {
		t.Fatal(res.Status, res.Message, res.Failed)
	}
}

// A disk that does not exist and a variable that is not a number fail
// clearly.
func TestPartitionDiskBadDisk(t *testing.T) {
	for _, tc := range []struct{ v, want string }{{"7", "disk 7 does not exist (disks: 0, 1)"}, {"first", `must hold a disk number, not "first"`}} {
		seq := load(t, uefiLayout)
		f := enginetest.New(t)
		if tc.v == "7" {
			disks, vols := partitionDisks()
			f.ExpectDisks().ReturnsDisks(disks...)
			f.ExpectVolumes().ReturnsVolumes(vols...)
		}
		r := newRun(t)
		o := r.opts(f)
		o.Vars = append(o.Vars, varKV("TargetDisk", tc.v))
		res := r.go_(t, context.Background(), seq, o)
		if res.Status != engine.StatusFailed || !strings.Contains(res.Failed.Message, tc.want) {
			t.Errorf("%s: %s %+v", tc.v, res.Status, res.Failed)
		}
	}
}

// The BIOS layout: System Reserved is active and gets no letter, Windows
// gets the first free letter.
func TestPartitionDiskBIOS(t *testing.T) {
	seq := load(t, `
[[steps]]
type = "partition-disk"
name = "Partition Disk 0 - BIOS"
style = "mbr"
  [[steps.partitions]]
  name = "System Reserved"
  size = 350
  file_system = "ntfs"
  quick_format = true
  bootable = true
  assign_letter = false
  [[steps.partitions]]
  name = "Windows"
  size = 100
  size_unit = "percent"
  file_system = "ntfs"
  quick_format = true
  assign_letter = true
  letter_variable = "OSDisk"
`)
	f := enginetest.New(t)
	f.MachineInfo.UEFI = false
	disks, vols := partitionDisks()
	f.ExpectDisks().ReturnsDisks(disks...)
	f.ExpectVolumes().ReturnsVolumes(vols...)
	script := f.ExpectWriteFile(`X:\Windows\Temp\refimage-diskpart.txt`)
	f.ExpectRun(`diskpart.exe /s X:\Windows\Temp\refimage-diskpart.txt`)
	f.ExpectMkdirAll(`C:\_SMSTaskSequence`)
	r := newRun(t)
	res := r.go_(t, context.Background(), seq, r.opts(f))
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, res.Failed)
	}
	golden(t, "partition-disk/bios.golden", transcript(f, script))
}

// diskpart failing fails the step with its exit code; nothing is set.
func TestPartitionDiskDiskpartFails(t *testing.T) {
	seq := load(t, uefiLayout)
	f := enginetest.New(t)
	disks, vols := partitionDisks()
	f.ExpectDisks().ReturnsDisks(disks...)
	f.ExpectVolumes().ReturnsVolumes(vols...)
	f.ExpectWriteFile(`X:\Windows\Temp\refimage-diskpart.txt`)
	f.ExpectRun(`diskpart.exe /s X:\Windows\Temp\refimage-diskpart.txt`).Output("Virtual Disk Service error:", "The media is write protected.").Exit(2147942419)
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("TargetDisk", "0"))
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusFailed || !engine.SameCode(res.Code, 2147942419) || !strings.Contains(strings.Join(res.Failed.Output, "\n"), "write protected") {
		t.Fatal(res.Status, res.Failed)
	}
	if _, ok := engineVar(r, "OSDisk"); ok {
		t.Error("variables set after diskpart failed")
	}
}

// Offline there is nothing to do.
func TestPartitionDiskOffline(t *testing.T) {
	seq := load(t, uefiLayout)
	f := enginetest.New(t)
	r := newRun(t)
	o := r.opts(f)
	o.Offline = t.TempDir()
	res := r.go_(t, context.Background(), seq, o)
	if res.Status != engine.StatusSucceeded || !strings.Contains(r.log(t), "Nothing to do offline") {
		t.Fatal(res.Status, res.Failed)
	}
}
