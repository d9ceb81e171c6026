package engine

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/refimage/refimage/engine/drivers"
	"github.com/refimage/refimage/engine/unattend"
	"github.com/refimage/refimage/internal/lazyre"
)

// Helpers of Auto Apply Drivers and Apply Driver Package (issue #6).

// VarDeviceList names the device-list file (docs/drivers.md) that stands
// for the machine's Plug and Play devices: required offline, and when set
// it replaces pnputil on Windows too.
const VarDeviceList = "DeviceList"

// pnputilDevices is the command that lists the present devices with
// their hardware and compatible IDs (Windows 10 2004 and later, and
// Windows PE of the same ADK).
const pnputilDevices = `pnputil.exe /enum-devices /connected /deviceids`

// stagedDrivers is the folder of the target's volume the driver packages
// are copied into offline (Drivers\NN-name), and the drive the answer
// file names it by once the image is deployed.
const (
	stagedDrivers      = "Drivers"
	stagedDriversDrive = "C:"
)

// parsePnputil reads `pnputil /enum-devices /deviceids`: blocks separated
// by blank lines, "Label: value" lines, further values of a label on
// indented lines. The English labels are read (Windows PE is English).
func parsePnputil(out []string) []drivers.Device {
	var devs []drivers.Device
	var cur *drivers.Device
	label := ""
	flush := func() {
		if cur != nil && (len(cur.HardwareIDs) > 0 || len(cur.CompatibleIDs) > 0) {
			devs = append(devs, *cur)
		}
		cur, label = nil, ""
	}
	add := func(v string) {
		v = strings.TrimSpace(v)
		if v == "" || cur == nil {
			return
		}
		switch label {
		case "hardware ids":
			cur.HardwareIDs = append(cur.HardwareIDs, v)
		case "compatible ids":
			cur.CompatibleIDs = append(cur.CompatibleIDs, v)
		case "device description":
			cur.Description = v
		}
	}
	for _, line := range out {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			add(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "instance id" {
			flush()
			cur = &drivers.Device{}
		}
		label = k
		add(v)
	}
	flush()
	return devs
}

// machineDevices returns the devices to match drivers to: the device-list
// file named by DeviceList, else (live Windows) pnputil's list. Offline
// without a device list is an error: the folder is not the machine.
func machineDevices(ctx context.Context, sc *StepContext) ([]drivers.Device, error) {
	if file := strings.TrimSpace(sc.Vars.Value(VarDeviceList)); file != "" {
		data, err := sc.Platform.ReadFile(file)
		if err != nil {
			return nil, &Error{Code: CodeFileNotFound, Msg: "cannot read the device list " + file + " (variable " + VarDeviceList + ")", Err: err}
		}
		devs, err := drivers.ParseDeviceList(data)
		if err != nil {
			sc.Warn("The device list %s: %v", file, err)
		}
		sc.Log("Read %d devices from the device list %s.", len(devs), file)
		return devs, nil
	}
	if sc.Offline != "" {
		return nil, &Error{Code: CodeInvalidParam, Msg: "offline, the machine's devices come from a device-list file: set the variable " + VarDeviceList + " (docs/drivers.md)"}
	}
	var out []string
	sc.Log("Executing command line: %s", pnputilDevices)
	code, err := sc.Platform.Run(ctx, Command{Line: pnputilDevices, Timeout: sc.Timeout, Output: func(line string, stderr bool) {
		if !stderr {
			out = append(out, line)
		}
	}})
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, &Error{Code: code, Msg: fmt.Sprintf("%s failed with exit code %d (it needs Windows 10 2004 or later; or give a device list in %s)", pnputilDevices, code, VarDeviceList)}
	}
	devs := parsePnputil(out)
	sc.Log("Plug and Play lists %d devices.", len(devs))
	return devs, nil
}

// loadDriverSource parses every INF under a driver source folder. The
// source is content (a folder or share the engine reads, like the image
// of Apply Operating System), not the machine, so it is read directly.
func loadDriverSource(sc *StepContext, source string) (*drivers.Store, fs.FS, error) {
	if strings.TrimSpace(source) == "" {
		return nil, nil, &Error{Code: CodeInvalidParam, Msg: "no driver source folder is set"}
	}
	if strings.Contains(source, "%") {
		return nil, nil, &Error{Code: CodeInvalidParam, Msg: "the driver source " + source + " still holds an unset %variable%"}
	}
	if fi, err := os.Stat(source); err != nil || !fi.IsDir() {
		return nil, nil, &Error{Code: CodePathNotFound, Msg: "the driver source folder " + source + " does not exist"}
	}
	fsys := os.DirFS(source)
	store, errs := drivers.LoadFS(fsys, ".")
	for _, e := range errs {
		sc.Warn("Driver source: %v", e)
	}
	sc.Log("Read %d INF files from %s.", len(store.INFs), source)
	return store, fsys, nil
}

// sourcePath joins a package folder (slash-separated, relative to the
// source) to the source folder as the platform writes paths.
func sourcePath(sc *StepContext, source, dir string) string {
	if dir == "." || dir == "" {
		return source
	}
	if sc.Offline != "" {
		return filepath.Join(source, filepath.FromSlash(dir))
	}
	return strings.TrimRight(source, `\/`) + `\` + strings.ReplaceAll(dir, "/", `\`)
}

var unsafeName = lazyre.New(`[^A-Za-z0-9._-]+`)

// stageName is the folder a package is staged in: NN-name.
func stageName(n int, dir string) string {
	base := path.Base(strings.ReplaceAll(dir, `\`, "/"))
	if base == "." || base == "/" || base == "" {
		base = "driver"
	}
	base = strings.Trim(unsafeName.ReplaceAllString(base, "_"), "_")
	if base == "" {
		base = "driver"
	}
	return fmt.Sprintf("%02d-%s", n, base)
}

// stagePackage copies a driver package folder (with its subfolders,
// except those that are packages of their own) into the target through
// the platform, and returns the path the answer file names it by.
func stagePackage(sc *StepContext, fsys fs.FS, source, root, dir, label string, n int, skip map[string]bool) (string, error) {
	name := stageName(n, label)
	dest := targetPath(sc, root, stagedDrivers+`\`+name)
	files := 0
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
		if dir == "." {
			rel = p
			if p == "." {
				rel = ""
			}
		}
		to := dest
		if rel != "" {
			to = targetPath(sc, dest, strings.ReplaceAll(rel, "/", `\`))
		}
		if d.IsDir() {
			if p != dir && skip[p] {
				return fs.SkipDir
			}
			return sc.Platform.MkdirAll(to)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		files++
		return sc.Platform.CopyFile(sourcePath(sc, source, p), to)
	})
	if err != nil {
		return "", &Error{Code: CodeOf(err), Msg: "cannot stage the driver package " + dir + " into " + dest, Err: err}
	}
	sc.Log("Staged the driver package %s (%d files) in %s.", dir, files, dest)
	return stagedDriversDrive + `\` + stagedDrivers + `\` + name, nil
}

// dismLine makes a command line of dism.exe arguments, quoting the value
// of a /Name:value argument that holds spaces.
func dismLine(args []string) string {
	var b strings.Builder
	b.WriteString("dism.exe")
	for _, a := range args {
		b.WriteByte(' ')
		if strings.ContainsAny(a, " \t") {
			if k, v, ok := strings.Cut(a, ":"); ok && strings.HasPrefix(k, "/") && !strings.ContainsAny(k, " \t") {
				a = k + `:"` + v + `"`
			} else {
				a = `"` + a + `"`
			}
		}
		b.WriteString(a)
	}
	return b.String()
}

// imageRoot is the target as dism's /Image wants it: C:\.
func imageRoot(root string) string { return strings.TrimRight(root, `\`) + `\` }

// addDriverLive stages one folder into the applied image with dism.
func addDriverLive(ctx context.Context, sc *StepContext, root, folder string, recurse, unsigned bool, extra string) error {
	args, err := drivers.DISMAddDriver(imageRoot(root), folder, recurse, unsigned, "", extra)
	if err != nil {
		return &Error{Code: CodeInvalidParam, Msg: err.Error()}
	}
	line := dismLine(args)
	sc.Log("Executing command line: %s", line)
	code, err := sc.Run(ctx, Command{Line: line})
	if err != nil {
		return err
	}
	sc.Log("Process completed with exit code %d", uint32(code))
	if code != 0 && !SameCode(code, CodeRebootRequired) {
		return &Error{Code: code, Msg: fmt.Sprintf("dism /Add-Driver of %s failed with exit code %s (see %%WINDIR%%\\Logs\\DISM\\dism.log)", folder, Decimal(code))}
	}
	return nil
}

// addDriverPaths merges staged driver folders into the answer file's
// offlineServicing pass (PnpCustomizationsNonWinPE), keeping the rest.
func addDriverPaths(sc *StepContext, af *answerFile, paths []string) error {
	if len(af.existing) == 0 {
		// No answer file yet: one with the driver paths only, which the
		// settings steps merge into if they come later.
		data, err := unattend.DriverPathsFile(af.arch, paths)
		if err != nil {
			return &Error{Code: CodeAnswerFile, Msg: err.Error()}
		}
		if err := sc.Platform.MkdirAll(parentDir(sc, af.path)); err != nil {
			return &Error{Code: CodeOf(err), Msg: "cannot make the folder of " + af.path, Err: err}
		}
		if err := sc.Platform.WriteFile(af.path, data, 0o600); err != nil {
			return &Error{Code: CodeOf(err), Msg: "cannot write " + af.path, Err: err}
		}
		sc.Log("Wrote the answer file %s with the driver paths (%d bytes).", af.path, len(data))
		return nil
	}
	s := af.base()
	s.DriverPaths = paths
	_, err := af.write(sc, s)
	return err
}

// logLines logs a multi-line text line by line.
func logLines(sc *StepContext, text string) {
	sc2 := bufio.NewScanner(bytes.NewReader([]byte(text)))
	for sc2.Scan() {
		if l := strings.TrimRight(sc2.Text(), " "); l != "" {
			sc.Log("%s", l)
		}
	}
}
