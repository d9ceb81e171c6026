package engine

import (
	"context"
	"strings"

	"github.com/refimage/refimage/engine/drivers"
	"github.com/refimage/refimage/engine/sequence"
)

// Auto Apply Drivers (configmgr.md §2.6): reads every INF under the
// driver source folder (source, e.g. %DriverSource%), matches them to the
// machine's devices (engine/drivers: best match or all compatible, the
// category limits on the INF class, unsigned drivers only when allowed)
// and stages the chosen packages for the applied Windows:
//
//   - Windows PE: the devices from `pnputil /enum-devices /connected
//     /deviceids` (or the DeviceList file when set); each chosen package
//     with `dism.exe /Image:W:\ /Add-Driver /Driver:FOLDER`.
//   - Offline: the devices from the DeviceList file; each chosen package
//     copied into DIR\Drivers\NN-name and listed in
//     Windows\Panther\unattend.xml (offlineServicing,
//     PnpCustomizationsNonWinPE DriverPaths, as C:\Drivers\NN-name).
type autoApplyDrivers struct{}

func init() { Register("auto-apply-drivers", autoApplyDrivers{}) }

func (autoApplyDrivers) Run(ctx context.Context, sc *StepContext) (int64, error) {
	p := sc.Props.(*sequence.AutoApplyDrivers)
	root, err := targetRoot(sc)
	if err != nil {
		return 0, err
	}
	store, fsys, err := loadDriverSource(sc, p.Source)
	if err != nil {
		return 0, err
	}
	var af *answerFile
	arch := ""
	if sc.Offline != "" {
		if af, err = openAnswerFile(sc); err != nil {
			return 0, err
		}
		arch = af.arch
	} else if arch, err = targetArch(sc, root); err != nil {
		return 0, err
	}
	devs, err := machineDevices(ctx, sc)
	if err != nil {
		return 0, err
	}
	res, err := store.Match(devs, drivers.Options{
		Target:          drivers.Target{Arch: arch},
		BestMatch:       p.BestMatch,
		Categories:      p.Categories,
		ExcludeUnsigned: !p.AllowUnsigned,
	})
	if err != nil {
		return 0, &Error{Code: CodeInvalidParam, Msg: err.Error()}
	}
	how := "the best matching driver of each device"
	if !p.BestMatch {
		how = "every compatible driver"
	}
	cats := "all categories"
	if len(p.Categories) > 0 {
		cats = "the categories " + strings.Join(p.Categories, ", ")
	}
	sc.Log("Matching %d devices against %d INF files for %s: %s, %s.", len(devs), len(store.INFs), arch, how, cats)
	logLines(sc, res.Summary())
	if len(res.Packages) == 0 {
		sc.Log("No driver package matches the devices of this computer; nothing to stage.")
		return 0, nil
	}
	if sc.Offline == "" {
		for _, pkg := range res.Packages {
			if err := addDriverLive(ctx, sc, root, sourcePath(sc, p.Source, pkg.Dir), false, p.AllowUnsigned, ""); err != nil {
				return 0, err
			}
		}
		sc.Log("Staged %d driver packages into %s.", len(res.Packages), imageRoot(root))
		return 0, nil
	}
	skip := map[string]bool{}
	for _, f := range store.INFs {
		skip[store.Package(f)] = true
	}
	var paths []string
	n := len(af.parts.driverPaths) + 1
	for i, pkg := range res.Packages {
		dp, err := stagePackage(sc, fsys, p.Source, root, pkg.Dir, pkg.Dir, n+i, skip)
		if err != nil {
			return 0, err
		}
		paths = append(paths, dp)
	}
	if err := addDriverPaths(sc, af, paths); err != nil {
		return 0, err
	}
	return 0, nil
}

func (autoApplyDrivers) Plan(pc *PlanContext) []string {
	p := pc.Props.(*sequence.AutoApplyDrivers)
	if strings.TrimSpace(p.Source) == "" {
		// Validation refuses it; a plan never shows an empty path.
		return []string{"fails: no driver source folder is set"}
	}
	match := "the best matching driver per device"
	if !p.BestMatch {
		match = "every compatible driver"
	}
	cats := "all categories"
	if len(p.Categories) > 0 {
		cats = "the categories " + strings.Join(p.Categories, ", ")
	}
	if !p.AllowUnsigned {
		cats += ", signed drivers only"
	}
	out := []string{"read the INF files under " + p.Source + " and match them to the machine's hardware IDs: " + match + ", " + cats}
	if pc.Offline != "" {
		return append(out,
			"the devices: the device list in the variable "+VarDeviceList+" ("+pc.Vars.Value(VarDeviceList)+")",
			"copy the chosen driver packages into "+pc.Offline+"/Drivers/NN-name and list them in unattend.xml (offlineServicing, PnpCustomizationsNonWinPE)")
	}
	dev := "the devices: " + pnputilDevices
	if f := pc.Vars.Value(VarDeviceList); f != "" {
		dev = "the devices: the device list " + f + " (variable " + VarDeviceList + ")"
	}
	return append(out, dev, `dism.exe /Image:<Windows volume>\ /Add-Driver /Driver:<each chosen package>`)
}
