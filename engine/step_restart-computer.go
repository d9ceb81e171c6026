package engine

import (
	"context"
	"fmt"

	"github.com/refimage/refimage/engine/sequence"
)

// Restart Computer (configmgr.md §2.1): asks the engine for a restart into
// the boot image (WinPE) or the installed OS (HD). The engine saves its
// state pointing at the next step and restarts through the platform;
// after the restart `refimage run --resume` continues. The message and
// its time-out travel in SMSRebootMessage and SMSRebootTimeout, the
// target in SMSRebootTarget (action variables). Staging the boot image
// for a restart from the full OS into WinPE is the platform's (issue #6).
type restartComputer struct{}

func init() { Register("restart-computer", restartComputer{}) }

func (restartComputer) quick() {}

func restartTarget(p *sequence.RestartComputer) string {
	if p.Target == sequence.TargetInstalledOS {
		return "HD"
	}
	return "WinPE"
}

func (restartComputer) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.RestartComputer)
	target := restartTarget(p)
	if !p.Notify {
		sc.Vars.SetReadOnly("SMSRebootMessage", "")
		sc.Vars.SetReadOnly("SMSRebootTimeout", "")
	}
	sc.Log("Restart requested to %s", targetWords(target))
	sc.RequestReboot(target)
	return 0, nil
}

func (restartComputer) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.RestartComputer)
	var out []string
	if restartTarget(p) == "WinPE" {
		img := pc.BootImage
		if img == "" {
			img = "(no boot image set)"
		}
		if pc.Machine.InWinPE {
			out = append(out, "restart into Windows PE again (wpeutil reboot)")
		} else {
			out = append(out, "stage the boot image "+img+" on the disk and boot it once (BCD ramdisk entry, one-time boot sequence)")
		}
	} else {
		out = append(out, "restart into the installed operating system (its boot entry as the one-time boot)")
	}
	if p.Notify {
		out = append(out, fmt.Sprintf("show %s for %d seconds first", quote(p.Message), p.MessageTimeout))
	}
	out = append(out, "save the state, restart, then continue with the next step (refimage run --resume)")
	return out
}
