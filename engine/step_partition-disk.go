package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Format and Partition Disk (configmgr.md §2.2). The real work (a diskpart
// script) is issue #6; until then run fails with "not implemented yet"
// and plan describes the script.
type partitionDisk struct{}

func init() { Register("partition-disk", partitionDisk{}) }

func (partitionDisk) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("partition-disk")
}

func (partitionDisk) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.PartitionDisk)
	if pc.Offline != "" {
		return []string{"nothing to do offline: the folder " + pc.Offline + " stands for the formatted OS volume"}
	}
	disk := fmt.Sprint(p.Disk)
	if p.DiskVariable != "" {
		disk = fmt.Sprintf("%%%s%% (variable %s)", p.DiskVariable, p.DiskVariable)
	}
	out := []string{
		fmt.Sprintf("refuse disk %s if the engine runs from it", disk),
		fmt.Sprintf("diskpart: select disk %s, clean, convert %s", disk, strings.ToLower(p.Style)),
	}
	for _, part := range p.Partitions {
		size := "the rest of the disk"
		switch {
		case part.Size > 0 && part.SizeUnit == "percent":
			size = fmt.Sprintf("%d%% of the remaining space", part.Size)
		case part.Size > 0:
			size = fmt.Sprintf("%d %s", part.Size, strings.ToUpper(part.SizeUnit))
		}
		s := fmt.Sprintf("diskpart: create partition %s (%s), %s", part.Type, part.Name, size)
		if part.FileSystem != "" {
			s += ", format " + strings.ToUpper(part.FileSystem)
			if part.QuickFormat {
				s += " quick"
			}
			s += " label " + quote(part.Name)
		}
		if part.Bootable && p.Style == "mbr" {
			s += ", active"
		}
		if part.AssignLetter {
			s += ", assign a drive letter"
			if part.LetterVariable != "" {
				s += " into " + part.LetterVariable
			}
		}
		out = append(out, s)
	}
	out = append(out, "set OSDPartitionStyle and the OSDPartitions* variables", "create <Windows volume>\\_SMSTaskSequence; the state and smsts.log move there")
	return out
}
