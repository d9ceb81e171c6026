package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Prepare Windows for Capture (configmgr.md §2.12): issue #6.
type prepareWindows struct{}

func init() { Register("prepare-windows-for-capture", prepareWindows{}) }

func (prepareWindows) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("prepare-windows-for-capture")
}

func (prepareWindows) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.PrepareWindowsForCapture)
	out := []string{
		"check: not joined to a domain, no app installed for one user only, no restart pending",
		`%SystemRoot%\System32\Sysprep\sysprep.exe /quiet /generalize /oobe /quit (+ /unattend if present)`,
		"check the image state is IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE",
	}
	if !p.KeepActivation {
		out = append(out, "reset activation")
	}
	if p.Shutdown {
		return append(out, "shut down")
	}
	return append(out, "restart into Windows PE (the sequence's boot image) and continue")
}
