package engine

import (
	"context"
	"fmt"

	"github.com/refimage/refimage/engine/sequence"
)

// Apply Operating System Image (configmgr.md §2.3): issue #6.
type applyOSImage struct{}

func init() { Register("apply-os-image", applyOSImage{}) }

func (applyOSImage) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("apply-os-image")
}

func (applyOSImage) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.ApplyOSImage)
	if pc.Offline != "" {
		out := []string{fmt.Sprintf("apply image %d of %s into %s (native WIM applier)", p.Index, p.Image, pc.Offline)}
		if p.AnswerFile != "" {
			out = append(out, "merge the answer file "+p.AnswerFile+" into "+pc.Offline+"/Windows/Panther/unattend.xml")
		}
		return out
	}
	dest := "the next available formatted partition"
	switch p.Destination {
	case "disk-partition":
		dest = fmt.Sprintf("disk %d partition %d", p.DestDisk, p.DestPartition)
	case "drive-letter":
		dest = p.DestLetter
	case "variable":
		dest = "the drive in %" + p.DestVariable + "%"
	}
	apply := fmt.Sprintf("dism /Apply-Image /ImageFile:%s /Index:%d /ApplyDir:<%s>", p.Image, p.Index, dest)
	if p.Split {
		apply += " /SWMFile:<parts>"
	}
	out := []string{
		"delete everything on " + dest + " except _SMSTaskSequence",
		apply,
	}
	if p.AnswerFile != "" {
		out = append(out, "merge the answer file "+p.AnswerFile+" into Windows\\Panther\\unattend.xml")
	}
	return append(out, "bcdboot <Windows>\\Windows /s <system partition> /f "+map[bool]string{true: "UEFI", false: "BIOS"}[pc.Machine.UEFI], "set OSDTargetSystemDrive")
}
