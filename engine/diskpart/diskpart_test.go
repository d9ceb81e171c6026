package diskpart

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const GB = int64(1) << 30

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// render is the golden form: the script, then every variable sorted.
func render(r *Result) string {
	var b strings.Builder
	b.WriteString(r.Script)
	b.WriteString("\r\n[variables]\r\n")
	keys := make([]string, 0, len(r.Variables))
	for k := range r.Variables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\r\n", k, r.Variables[k])
	}
	return b.String()
}

func part(name, typ string, size int, unit, fs string, letter bool, v string) sequence.Partition {
	return sequence.Partition{Name: name, Type: typ, Size: size, SizeUnit: unit, FileSystem: fs,
		QuickFormat: true, AssignLetter: letter, LetterVariable: v}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		step sequence.PartitionDisk
		opt  Options
	}{
		{"uefi-default.txt", sequence.PartitionDisk{Style: "gpt", Partitions: sequence.UEFIPartitions()},
			Options{Disk: 0, DiskSize: 256 * GB}},
		{"bios-default.txt", sequence.PartitionDisk{Style: "mbr", Partitions: sequence.BIOSPartitions()},
			Options{Disk: 0, DiskSize: 128 * GB}},
		{"gpt-letters.txt", sequence.PartitionDisk{Style: "gpt", Partitions: []sequence.Partition{
			part("System", "efi", 260, "mb", "fat32", true, "OSDSystemDrive"),
			part("", "msr", 16, "mb", "", true, ""),
			part("Windows", "primary", 80, "gb", "ntfs", true, "OSDisk"),
			part("Data", "primary", 50, "percent", "ntfs", true, "DataDrive"),
			part("Recovery", "recovery", 0, "mb", "ntfs", true, "RecoveryDrive"),
		}}, Options{Disk: 2, DiskSize: 500 * GB, FreeLetters: "SWDR"}},
		{"mbr-extended.txt", sequence.PartitionDisk{Style: "mbr", Partitions: []sequence.Partition{
			{Name: "System", Type: "primary", Size: 500, SizeUnit: "mb", FileSystem: "ntfs", QuickFormat: true, Bootable: true},
			part("Windows", "primary", 60, "gb", "ntfs", true, "OSDisk"),
			part("Recovery", "hidden", 1, "gb", "ntfs", false, ""),
			part("", "extended", 0, "mb", "", true, ""),
			part("Data", "logical", 50, "percent", "ntfs", true, "DataDrive"),
			{Name: "Scratch", Type: "logical", Size: 0, SizeUnit: "mb", FileSystem: "fat32", QuickFormat: false, AssignLetter: true},
		}}, Options{Disk: 1, DiskSize: 200 * GB}},
		{"unknown-size.txt", sequence.PartitionDisk{Style: "gpt", Partitions: []sequence.Partition{
			part("EFI", "efi", 100, "mb", "fat32", false, ""),
			part("MSR", "msr", 16, "mb", "", false, ""),
			part("Windows", "primary", 0, "mb", "ntfs", true, "OSDisk"),
		}}, Options{Disk: 0}},
		{"unformatted.txt", sequence.PartitionDisk{Style: "mbr", Partitions: []sequence.Partition{
			{Name: "Windows", Type: "primary", Size: 100, SizeUnit: "percent", FileSystem: "ntfs", QuickFormat: false, Bootable: true, AssignLetter: true, LetterVariable: "OSDisk"},
		}}, Options{Disk: 3, DiskSize: 64 * GB}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Generate(&c.step, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, render(r))
			if strings.Contains(strings.ReplaceAll(r.Script, "\r\n", ""), "\n") {
				t.Error("the script has bare LF line endings")
			}
		})
	}
}

func TestUEFIDefault(t *testing.T) {
	r, err := Generate(&sequence.PartitionDisk{Style: "gpt", Partitions: sequence.UEFIPartitions()}, Options{DiskSize: 256 * GB})
	if err != nil {
		t.Fatal(err)
	}
	// 256 GiB = 262144 MiB; minus 2 MiB of tables, 500 EFI, 128 MSR:
	// 261514 remain, Windows takes 99 % of them.
	want := []Planned{
		{Index: 0, Number: 1, Type: "efi", Label: "EFI", FileSystem: "fat32", SizeMB: 500},
		{Index: 1, Number: 2, Type: "msr", Label: "MSR", SizeMB: 128},
		{Index: 2, Number: 3, Type: "primary", Label: "Windows", FileSystem: "ntfs", SizeMB: 261514 * 99 / 100, Letter: "C:", Variable: "OSDisk"},
		{Index: 3, Number: 4, Type: "recovery", Label: "Recovery", FileSystem: "ntfs", Rest: true},
	}
	if fmt.Sprint(r.Partitions) != fmt.Sprint(want) {
		t.Errorf("partitions\n got %v\nwant %v", r.Partitions, want)
	}
	if r.Letters["OSDisk"] != "C:" || len(r.Letters) != 1 {
		t.Errorf("letters = %v", r.Letters)
	}
	for k, v := range map[string]string{
		"OSDPartitionStyle": "GPT", "OSDGPTBootDisk": "true",
		"OSDPartitions0Type": "EFI", "OSDPartitions0FileSystem": "FAT32", "OSDPartitions0Size": "500", "OSDPartitions0SizeUnits": "MB",
		"OSDPartitions2Type": "Primary", "OSDPartitions2Size": "99", "OSDPartitions2SizeUnits": "Percent",
		"OSDPartitions2Bootable": "true", "OSDPartitions2QuickFormat": "true", "OSDPartitions2VolumeName": "Windows",
		"OSDPartitions2VolumeLetterVariable": "OSDisk", "OSDPartitions3Type": "Recovery", "OSDisk": "C:",
	} {
		if r.Variables[k] != v {
			t.Errorf("%s = %q, want %q", k, r.Variables[k], v)
		}
	}
	for _, l := range []string{"convert gpt", "create partition efi size=500", `format quick fs=fat32 label="EFI"`,
		"create partition msr size=128", `set id="de94bba4-06d1-4d40-a16a-bfd50179d6ac"`, "gpt attributes=0x8000000000000001"} {
		if !strings.Contains(r.Script, l+"\r\n") {
			t.Errorf("script lacks %q", l)
		}
	}
}

func TestBIOSDefault(t *testing.T) {
	r, err := Generate(&sequence.PartitionDisk{Style: "mbr", Partitions: sequence.BIOSPartitions()}, Options{DiskSize: 128 * GB})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(r.Script, "\r\n")
	want := []string{"select disk 0", "clean", "convert mbr", "create partition primary size=350",
		`format quick fs=ntfs label="System Reserved"`, "active", "create partition primary",
		`format quick fs=ntfs label="Windows"`, "assign letter=C", "list volume", "exit"}
	var got []string
	for _, l := range lines {
		if l != "" && !strings.HasPrefix(l, "rem ") {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("script\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Variables["OSDGPTBootDisk"] != "false" || r.Variables["OSDPartitionStyle"] != "MBR" {
		t.Errorf("variables %v", r.Variables)
	}
}

func TestPercentOfRemaining(t *testing.T) {
	// 10 GiB GPT: 10240 - 2 = 10238 MiB; 1 GiB fixed leaves 9214;
	// 50 % → 4607; 50 % of the 4607 left → 2303; the rest takes the rest.
	r, err := Generate(&sequence.PartitionDisk{Style: "gpt", Partitions: []sequence.Partition{
		part("A", "primary", 1, "gb", "ntfs", false, ""),
		part("B", "primary", 50, "percent", "ntfs", false, ""),
		part("C", "primary", 50, "percent", "ntfs", false, ""),
		part("D", "primary", 0, "mb", "ntfs", false, ""),
	}}, Options{DiskSize: 10 * GB})
	if err != nil {
		t.Fatal(err)
	}
	got := []int64{r.Partitions[0].SizeMB, r.Partitions[1].SizeMB, r.Partitions[2].SizeMB, r.Partitions[3].SizeMB}
	if fmt.Sprint(got) != "[1024 4607 2303 0]" || !r.Partitions[3].Rest {
		t.Errorf("sizes %v", got)
	}
	if strings.Count(r.Script, "create partition primary\r\n") != 1 {
		t.Errorf("only the last partition has no size=:\n%s", r.Script)
	}
}

func TestRefused(t *testing.T) {
	p := func(ps ...sequence.Partition) []sequence.Partition { return ps }
	cases := []struct {
		name  string
		step  sequence.PartitionDisk
		opt   Options
		error string
	}{
		{"percent over 100", sequence.PartitionDisk{Style: "gpt", Partitions: p(part("W", "primary", 150, "percent", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "more than the remaining space"},
		{"bigger than the disk", sequence.PartitionDisk{Style: "gpt", Partitions: p(part("W", "primary", 100, "gb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "more than the"},
		{"sum bigger than the disk", sequence.PartitionDisk{Style: "mbr", Partitions: p(
			part("A", "primary", 40, "gb", "ntfs", false, ""), part("B", "primary", 30, "gb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "partition 2 (B, Primary): 30720 MB is more than the"},
		{"five primaries", sequence.PartitionDisk{Style: "mbr", Partitions: p(
			part("1", "primary", 1, "gb", "ntfs", false, ""), part("2", "primary", 1, "gb", "ntfs", false, ""),
			part("3", "primary", 1, "gb", "ntfs", false, ""), part("4", "hidden", 1, "gb", "ntfs", false, ""),
			part("5", "primary", 0, "mb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "at most 4 primary"},
		{"logical without extended", sequence.PartitionDisk{Style: "mbr", Partitions: p(part("L", "logical", 0, "mb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "needs an extended"},
		{"rest not last", sequence.PartitionDisk{Style: "gpt", Partitions: p(
			part("W", "primary", 0, "mb", "ntfs", false, ""), part("R", "recovery", 1, "gb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "only the last"},
		{"100 percent not last", sequence.PartitionDisk{Style: "gpt", Partitions: p(
			part("W", "primary", 100, "percent", "ntfs", false, ""), part("R", "recovery", 1, "gb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "only the last"},
		{"percent without size", sequence.PartitionDisk{Style: "gpt", Partitions: p(
			part("W", "primary", 50, "percent", "ntfs", false, ""), part("R", "recovery", 0, "mb", "ntfs", false, ""))},
			Options{}, "needs the size of the disk"},
		{"efi on mbr", sequence.PartitionDisk{Style: "mbr", Partitions: p(part("S", "efi", 100, "mb", "fat32", false, ""))},
			Options{DiskSize: 64 * GB}, "an MBR disk has"},
		{"extended on gpt", sequence.PartitionDisk{Style: "gpt", Partitions: p(part("E", "extended", 0, "mb", "", false, ""))},
			Options{DiskSize: 64 * GB}, "a GPT disk has"},
		{"efi ntfs", sequence.PartitionDisk{Style: "gpt", Partitions: p(part("S", "efi", 100, "mb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "FAT32"},
		{"msr formatted", sequence.PartitionDisk{Style: "gpt", Partitions: p(part("M", "msr", 16, "mb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "cannot be formatted"},
		{"quote in label", sequence.PartitionDisk{Style: "gpt", Partitions: p(part(`Win"dows`, "primary", 0, "mb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "quotes"},
		{"no letters left", sequence.PartitionDisk{Style: "gpt", Partitions: p(
			part("A", "primary", 1, "gb", "ntfs", true, ""), part("B", "primary", 0, "mb", "ntfs", true, ""))},
			Options{DiskSize: 64 * GB, FreeLetters: "C"}, "no free drive letter"},
		{"logical overflows extended", sequence.PartitionDisk{Style: "mbr", Partitions: p(
			part("E", "extended", 10, "gb", "", false, ""), part("L", "logical", 20, "gb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "more than the"},
		{"tiny disk", sequence.PartitionDisk{Style: "gpt", Partitions: p(part("W", "primary", 0, "mb", "ntfs", false, ""))},
			Options{DiskSize: MiB}, "too small"},
		{"small efi", sequence.PartitionDisk{Style: "gpt", Partitions: p(part("S", "efi", 50, "mb", "fat32", false, ""), part("W", "primary", 0, "mb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "at least 100 MB"},
		{"no partitions", sequence.PartitionDisk{Style: "gpt"}, Options{DiskSize: 64 * GB}, "at least one"},
		{"bad style", sequence.PartitionDisk{Style: "apm", Partitions: p(part("W", "primary", 0, "mb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "style"},
		{"bad unit", sequence.PartitionDisk{Style: "gpt", Partitions: p(part("W", "primary", 5, "tb", "ntfs", false, ""))},
			Options{DiskSize: 64 * GB}, "size_unit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Generate(&c.step, c.opt)
			if err == nil {
				t.Fatalf("accepted; want an error with %q", c.error)
			}
			if !strings.Contains(err.Error(), c.error) {
				t.Errorf("error %q, want it to contain %q", err, c.error)
			}
		})
	}
}

func TestMBRLargeDiskCapped(t *testing.T) {
	// An MBR table addresses 2 TiB; a 3 TiB disk gives 99 % of 2 TiB.
	r, err := Generate(&sequence.PartitionDisk{Style: "mbr", Partitions: []sequence.Partition{
		part("Windows", "primary", 99, "percent", "ntfs", true, "OSDisk"),
		part("Rest", "primary", 0, "mb", "ntfs", false, ""),
	}}, Options{DiskSize: 3 << 40})
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(2<<20-1) * 99 / 100; r.Partitions[0].SizeMB != want {
		t.Errorf("size %d, want %d", r.Partitions[0].SizeMB, want)
	}
}

func TestCommandAndCheckDisk(t *testing.T) {
	if got := CommandLine(`X:\Windows\Temp\partition disk.txt`); got != `diskpart.exe /s "X:\Windows\Temp\partition disk.txt"` {
		t.Error(got)
	}
	if got := strings.Join(Command(`X:\p.txt`), " "); got != `diskpart.exe /s X:\p.txt` {
		t.Error(got)
	}
	if err := CheckDisk(1, []int{1}); err == nil || !strings.Contains(err.Error(), "disk 1") {
		t.Errorf("%v", err)
	}
	if err := CheckDisk(0, []int{1, 2}); err != nil {
		t.Error(err)
	}
}

// FuzzGenerate: any layout either is refused or gives a script whose
// fixed sizes fit the disk and whose lines are CRLF-terminated.
func FuzzGenerate(f *testing.F) {
	f.Add(true, int64(256), uint8(4), []byte{1, 0, 2, 3, 0, 0, 3, 1, 99, 2, 1, 0, 0, 0, 0})
	f.Add(false, int64(64), uint8(6), []byte{0, 0, 1, 1, 1, 2, 2, 0, 0, 3, 2, 50, 3, 0, 0})
	types := []string{"primary", "extended", "logical", "hidden", "efi", "msr", "recovery"}
	units := []string{"mb", "gb", "percent"}
	fss := []string{"", "ntfs", "fat32"}
	f.Fuzz(func(t *testing.T, gpt bool, sizeGB int64, n uint8, spec []byte) {
		step := sequence.PartitionDisk{Style: "mbr"}
		if gpt {
			step.Style = "gpt"
		}
		for i := 0; i < int(n%8) && len(spec) >= 3*(i+1); i++ {
			b := spec[3*i : 3*i+3]
			step.Partitions = append(step.Partitions, sequence.Partition{
				Type: types[int(b[0])%len(types)], SizeUnit: units[int(b[1])%len(units)], Size: int(b[2]),
				FileSystem: fss[int(b[0]>>4)%len(fss)], QuickFormat: b[1]&0x80 != 0, AssignLetter: b[1]&0x40 != 0,
				Bootable: b[1]&0x20 != 0, LetterVariable: "V" + strconv.Itoa(i),
			})
		}
		if sizeGB < 0 || sizeGB > 1<<20 {
			sizeGB = 0
		}
		r, err := Generate(&step, Options{DiskSize: sizeGB * GB})
		if err != nil {
			return
		}
		var total int64
		for _, p := range r.Partitions {
			if p.Type != "logical" {
				total += p.SizeMB
			}
		}
		if sizeGB > 0 && total*MiB > sizeGB*GB {
			t.Fatalf("%d MB of partitions on a %d GB disk", total, sizeGB)
		}
		if !strings.HasSuffix(r.Script, "exit\r\n") || strings.Contains(strings.ReplaceAll(r.Script, "\r\n", ""), "\n") {
			t.Fatal("bad line endings")
		}
	})
}
