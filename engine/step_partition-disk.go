package engine

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/refimage/refimage/engine/diskpart"
	"github.com/refimage/refimage/engine/sequence"
)

// Format and Partition Disk (configmgr.md §2.2), Windows PE only.
//
//  1. The disk number is the step's disk, or the value of its disk
//     variable.
//  2. The platform's disks and volumes are read: the disk must exist and
//     must not be one the engine runs from (Disk.Boot: the program's or
//     the running Windows' disk), nor hold the media (_RefimageMediaRoot)
//     or a local boot image; diskpart.CheckDisk refuses it otherwise.
//  3. The free drive letters are C…Z without X and without the letters
//     of volumes on other disks (the target disk's own letters are free:
//     `clean` removes them).
//  4. If the state folder is on the disk, it moves to X:\_SMSTaskSequence
//     first (StepContext.MoveState).
//  5. engine/diskpart writes the script; it is written through the
//     platform to X:\Windows\Temp\refimage-diskpart.txt and run with
//     `diskpart.exe /s FILE`, its output into the log.
//  6. The OSDPartitions* variables, OSDPartitionStyle, OSDGPTBootDisk
//     and the letter variables are set.
//  7. W:\_SMSTaskSequence is made on the Windows volume (the first NTFS
//     primary partition with a letter) and the state and log move there.
//
// Offline there is nothing to do: the folder stands for the formatted
// volume; the step logs that and succeeds.
type partitionDisk struct{}

func init() { Register("partition-disk", partitionDisk{}) }

const diskpartScript = winpeTemp + `\refimage-diskpart.txt`

// driveOf returns "C:" of a path like C:\x, "" otherwise.
func driveOf(p string) string {
	if len(p) >= 2 && p[1] == ':' {
		return strings.ToUpper(p[:2])
	}
	return ""
}

func (partitionDisk) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.PartitionDisk)
	if sc.Offline != "" {
		sc.Log("Nothing to do offline: the folder %s stands for the formatted OS volume", sc.Offline)
		return 0, nil
	}
	if !sc.Machine.InWinPE {
		return 0, Errorf(CodeNotSupported, "Format and Partition Disk runs in Windows PE (it erases the disk)")
	}
	disk := p.Disk
	if p.DiskVariable != "" {
		v := strings.TrimSpace(sc.Vars.Value(p.DiskVariable))
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, Errorf(CodeInvalidParam, "the variable %s must hold a disk number, not %q", p.DiskVariable, v)
		}
		disk = n
		sc.Log("The disk number %d comes from the variable %s", disk, p.DiskVariable)
	}
	disks, err := sc.Platform.Disks(ctx)
	if err != nil {
		return 0, err
	}
	vols, err := sc.Platform.Volumes(ctx)
	if err != nil {
		return 0, err
	}
	var target *Disk
	var protected []int
	var numbers []string
	for i := range disks {
		d := &disks[i]
		numbers = append(numbers, strconv.Itoa(d.Number))
		if d.Number == disk {
			target = d
		}
		if d.Boot {
			protected = append(protected, d.Number)
		}
	}
	if target == nil {
		return 0, Errorf(CodePathNotFound, "disk %d does not exist (disks: %s)", disk, strings.Join(numbers, ", "))
	}
	for _, path := range []string{sc.Vars.Value("_RefimageMediaRoot"), sc.BootImage} {
		if l := driveOf(path); l != "" {
			for _, v := range vols {
				if strings.EqualFold(v.Letter, l) && v.Disk >= 0 {
					protected = append(protected, v.Disk)
				}
			}
		}
	}
	if err := diskpart.CheckDisk(disk, protected); err != nil {
		return 0, &Error{Code: CodeAccessDenied, Msg: err.Error()}
	}
	sc.Log("Partitioning disk %d (%s, %d MB) as %s", disk, target.Model, target.Size>>20, strings.ToUpper(p.Style))

	used := map[rune]bool{}
	onTarget := map[string]bool{}
	for _, v := range vols {
		if l := driveOf(v.Letter); l != "" {
			if v.Disk == disk {
				onTarget[l] = true
			} else {
				used[rune(l[0])] = true
			}
		}
	}
	var free strings.Builder
	for _, c := range diskpart.DefaultFreeLetters {
		if !used[c] {
			free.WriteRune(c)
		}
	}
	res, err := diskpart.Generate(p, diskpart.Options{Disk: disk, DiskSize: target.Size, FreeLetters: free.String()})
	if err != nil {
		return 0, &Error{Code: CodeInvalidParam, Msg: "the partition layout: " + err.Error()}
	}
	if l := driveOf(sc.Vars.Value("_SMSTSMDataPath")); l != "" && onTarget[l] {
		sc.Log("The state folder is on disk %d: it moves to X:\\%s first", disk, stateFolder)
		if err := sc.MoveState(`X:\` + stateFolder); err != nil {
			return 0, err
		}
	}
	if err := sc.Platform.WriteFile(diskpartScript, []byte(res.Script), 0o644); err != nil {
		return 0, err
	}
	for _, l := range strings.Split(strings.TrimRight(res.Script, "\r\n"), "\r\n") {
		sc.Log("diskpart script: %s", l)
	}
	line := diskpart.CommandLine(diskpartScript)
	sc.Log("Executing command line: %s", line)
	code, err := sc.Run(ctx, Command{Line: line})
	if err != nil {
		return code, err
	}
	sc.Log("Process completed with exit code %d", uint32(code))
	if code != 0 {
		return code, &Error{Code: code, Msg: fmt.Sprintf("diskpart failed with exit code %s: its output is in the log", Decimal(code))}
	}
	names := make([]string, 0, len(res.Variables))
	for k := range res.Variables {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := sc.Vars.Set(k, res.Variables[k]); err != nil {
			return 0, err
		}
	}
	sc.Log("Set %d variables (OSDPartitions*, OSDPartitionStyle, OSDGPTBootDisk and the letter variables)", len(names))
	if w := windowsPartition(p, res); w != "" {
		dir := w + `\` + stateFolder
		if err := sc.Platform.MkdirAll(dir); err != nil {
			return 0, err
		}
		if err := sc.MoveState(dir); err != nil {
			return 0, err
		}
		sc.Log("The Windows volume is %s; the task sequence state is kept in %s", w, dir)
	}
	return 0, nil
}

// windowsPartition is the letter of the volume Windows goes on: the
// first NTFS primary partition with a letter (a bootable one first).
func windowsPartition(p *sequence.PartitionDisk, res *diskpart.Result) string {
	first := ""
	for _, pl := range res.Partitions {
		if pl.Letter == "" || !strings.EqualFold(pl.FileSystem, "ntfs") || pl.Type != "primary" {
			continue
		}
		if pl.Index < len(p.Partitions) && p.Partitions[pl.Index].Bootable {
			return pl.Letter
		}
		if first == "" {
			first = pl.Letter
		}
	}
	return first
}

func (partitionDisk) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.PartitionDisk)
	if pc.Offline != "" {
		return []string{"nothing to do offline: the folder " + pc.Offline + " stands for the formatted OS volume"}
	}
	disk := fmt.Sprint(p.Disk)
	n := p.Disk
	if p.DiskVariable != "" {
		disk = fmt.Sprintf("%%%s%% (variable %s)", p.DiskVariable, p.DiskVariable)
		if v, err := strconv.Atoi(pc.Vars.Value(p.DiskVariable)); err == nil {
			n = v
		}
	}
	out := []string{
		fmt.Sprintf("refuse disk %s if the engine or the media runs from it", disk),
		"write " + diskpartScript + ":",
	}
	// The script as it would be on a 256 GiB disk with every letter free.
	if res, err := diskpart.Generate(p, diskpart.Options{Disk: n, DiskSize: 256 << 30}); err == nil {
		for _, l := range strings.Split(strings.TrimRight(res.Script, "\r\n"), "\r\n") {
			out = append(out, "    "+l)
		}
		out = append(out, "  (sizes for a 256 GB disk; letters: the next free ones)")
	} else {
		out = append(out, "  the layout cannot be created: "+err.Error())
	}
	out = append(out,
		diskpart.CommandLine(diskpartScript),
		"set OSDPartitionStyle, OSDGPTBootDisk, the OSDPartitions* variables and the letter variables",
		`create <Windows volume>\`+stateFolder+"; the state and smsts.log move there")
	return out
}
