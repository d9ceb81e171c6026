package engine

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/refimage/refimage/engine/sequence"
)

// Apply Driver Package (configmgr.md §2.6): stages every driver of one
// package folder, whatever the hardware.
//
//   - Windows PE: `dism.exe /Image:W:\ /Add-Driver /Driver:PACKAGE
//     [/Recurse] [/ForceUnsigned] [OSDInstallDriversAdditionalOptions]`.
//   - Offline: the folder is copied into DIR\Drivers\NN-name and listed in
//     Windows\Panther\unattend.xml (offlineServicing DriverPaths).
type applyDriverPackage struct{}

func init() { Register("apply-driver-package", applyDriverPackage{}) }

func (applyDriverPackage) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.ApplyDriverPackage)
	root, err := targetRoot(sc)
	if err != nil {
		return 0, err
	}
	store, fsys, err := loadDriverSource(sc, p.Package)
	if err != nil {
		return 0, err
	}
	if len(store.INFs) == 0 {
		return 0, &Error{Code: CodeFileNotFound, Msg: "the driver package " + p.Package + " holds no INF file"}
	}
	if sc.Offline == "" {
		if err := addDriverLive(ctx, sc, root, p.Package, p.Recurse, p.AllowUnsigned, p.AdditionalOptions); err != nil {
			return 0, err
		}
		return 0, nil
	}
	if p.AdditionalOptions != "" {
		sc.Warn("The additional DISM options (%s) apply to dism only; offline they are not used.", p.AdditionalOptions)
	}
	af, err := openAnswerFile(sc)
	if err != nil {
		return 0, err
	}
	dp, err := stagePackage(sc, fsys, p.Package, root, ".", filepath.Base(p.Package), len(af.parts.driverPaths)+1, nil)
	if err != nil {
		return 0, err
	}
	return 0, addDriverPaths(sc, af, []string{dp})
}

func (applyDriverPackage) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.ApplyDriverPackage)
	if strings.TrimSpace(p.Package) == "" {
		// Validation refuses it; a plan never shows an empty path.
		return []string{"fails: no driver package folder is set"}
	}
	if pc.Offline != "" {
		return []string{"copy the driver package " + p.Package + " into " + pc.Offline + "/Drivers/NN-name and list it in unattend.xml (offlineServicing, PnpCustomizationsNonWinPE)"}
	}
	line := `dism.exe /Image:<Windows volume>\ /Add-Driver /Driver:` + p.Package
	if p.Recurse {
		line += " /Recurse"
	}
	if p.AllowUnsigned {
		line += " /ForceUnsigned"
	}
	if p.AdditionalOptions != "" {
		line += " " + p.AdditionalOptions
	}
	return []string{line}
}
