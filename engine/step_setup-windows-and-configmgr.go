package engine

import (
	"context"

	"github.com/refimage/refimage/engine/sequence"
)

// Setup Windows and ConfigMgr (configmgr.md §2.7): issue #6.
type setupWindows struct{}

func init() { Register("setup-windows-and-configmgr", setupWindows{}) }

func (setupWindows) Run(ctx context.Context, sc *StepContext) (int64, error) {
	return 0, notImplemented("setup-windows-and-configmgr")
}

func (setupWindows) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.SetupWindowsAndConfigMgr)
	out := []string{
		"stage the client package " + p.ClientPackage + " in the applied image",
		`write <Windows volume>\Windows\Setup\Scripts\SetupComplete.cmd: it runs refimage run --resume after Windows setup`,
		"restart into the applied Windows; setup runs with unattend.xml",
	}
	if p.ClientPackage != "" {
		out = append(out, "then install the client: ccmsetup.exe "+p.InstallProperties)
	}
	return append(out, "the sequence continues in the full operating system")
}
