package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/refimage/refimage/engine/drivers"
	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/internal/bytesize"
	"github.com/refimage/refimage/media/wim"
)

// CheckStatus is the verdict of one pre-flight line.
type CheckStatus string

const (
	CheckOK       CheckStatus = "ok"
	CheckWarning  CheckStatus = "warning"
	CheckWillFail CheckStatus = "will fail"
)

// CheckLine is one line of the pre-flight check.
type CheckLine struct {
	Status CheckStatus `json:"status"`
	What   string      `json:"what"`
	Step   string      `json:"step,omitempty"` // the step it concerns
}

// MemoryReporter is implemented by platforms that can tell the machine's
// memory (bytes).
type MemoryReporter interface {
	Memory() (available, total uint64, err error)
}

// minMemory is what Windows PE with the engine wants at least.
const minMemory = 1 << 30

// Check is the pre-flight check of refimage run --check: what the
// sequence needs from this machine and whether it is there — boot mode
// against the partition steps, the disks against the partitions, the
// image and the capture destination reachable, the image's architecture
// against the machine's, free memory. It reads only (through the
// platform); every step that the plan says will run or cannot tell is
// looked at.
func Check(ctx context.Context, seq *sequence.Sequence, opts Options) ([]CheckLine, error) {
	if opts.Platform == nil {
		return nil, errors.New("engine: no platform")
	}
	plat := opts.Platform
	m, err := plat.Machine(ctx)
	if err != nil {
		return nil, fmt.Errorf("detect the machine: %w", err)
	}
	var out []CheckLine
	add := func(s CheckStatus, step, format string, args ...any) {
		out = append(out, CheckLine{Status: s, Step: step, What: fmt.Sprintf(format, args...)})
	}
	fw := map[bool]string{true: "UEFI", false: "BIOS"}[m.UEFI]
	add(CheckOK, "", "the machine: %s, %s firmware, %s, architecture %s", orNone(m.Name), fw, envWords(m), orNone(m.Arch))

	env := "winpe"
	if !m.InWinPE {
		env = "full-os"
	}
	plan, err := Plan(seq, PlanOptions{Env: env, BIOS: !m.UEFI, Vars: opts.Vars, Offline: opts.Offline,
		Media: map[string]string{"BootMedia": "boot", "FullMedia": "full"}[opts.MediaType]})
	if err != nil {
		return nil, err
	}
	maybe := map[string]bool{}
	for _, e := range plan {
		if e.WillRun || !e.Known {
			maybe[e.Path] = true
		}
	}
	disks, diskErr := plat.Disks(ctx)
	table, _ := buildTable(seq)
	for _, in := range table {
		it := in.item
		if it.IsGroup() || !maybe[in.path] {
			continue
		}
		props := cloneProps(it.Props)
		vars := NewVars()
		for _, v := range seq.Variables {
			vars.Set(v.Name, v.Value)
		}
		for _, v := range opts.Vars {
			vars.Set(v.Name, v.Value)
		}
		expandProps(props, vars.Expand)
		switch p := props.(type) {
		case *sequence.PartitionDisk:
			checkPartitions(add, in.path, p, m, disks, diskErr)
		case *sequence.ApplyOSImage:
			checkImage(add, plat, in.path, p, m)
		case *sequence.AutoApplyDrivers:
			checkDrivers(ctx, add, plat, in.path, p, m, vars, opts.Offline)
		case *sequence.CaptureOSImage:
			dir := checkParent(p.Destination)
			if _, err := plat.Stat(dir); err != nil {
				add(CheckWillFail, in.path, "the capture destination's folder %s cannot be reached: %v", dir, unwrapPath(err))
			} else {
				add(CheckOK, in.path, "the capture destination's folder %s is reachable", dir)
			}
		}
	}
	if mr, ok := plat.(MemoryReporter); ok {
		avail, total, err := mr.Memory()
		switch {
		case err != nil:
			add(CheckWarning, "", "cannot tell the free memory: %v", err)
		case avail < minMemory:
			add(CheckWarning, "", "%s of %s memory free: applying and capturing images wants at least %s", bytesize.Format(int64(avail)), bytesize.Format(int64(total)), bytesize.Format(minMemory))
		default:
			add(CheckOK, "", "%s of %s memory free", bytesize.Format(int64(avail)), bytesize.Format(int64(total)))
		}
	}
	return out, nil
}

// checkDrivers matches this machine's devices (pnputil, or the device
// list of OSDDeviceList) against the step's driver source and lists the
// devices left without a driver, network, storage and keyboard first.
func checkDrivers(ctx context.Context, add func(CheckStatus, string, string, ...any), plat Platform, path string, p *sequence.AutoApplyDrivers, m Machine, vars *Vars, offline string) {
	var devs []drivers.Device
	if file := strings.TrimSpace(vars.Value(VarDeviceList)); file != "" {
		data, err := plat.ReadFile(file)
		if err != nil {
			add(CheckWarning, path, "cannot read the device list %s: %v", file, unwrapPath(err))
			return
		}
		devs, _ = drivers.ParseDeviceList(data)
	} else if offline != "" {
		add(CheckWarning, path, "offline, the machine's devices come from a device list: set %s to match drivers", VarDeviceList)
		return
	} else {
		var out []string
		code, err := plat.Run(ctx, Command{Line: pnputilDevices, Timeout: time.Minute, Output: func(line string, stderr bool) {
			if !stderr {
				out = append(out, line)
			}
		}})
		if err != nil || code != 0 {
			add(CheckWarning, path, "cannot list this machine's devices (%s): %v", pnputilDevices, firstErr(err, code))
			return
		}
		devs = parsePnputil(out)
	}
	if fi, err := os.Stat(p.Source); err != nil || !fi.IsDir() {
		add(CheckWillFail, path, "the driver source folder %s cannot be reached", p.Source)
		return
	}
	store, _ := drivers.LoadFS(os.DirFS(p.Source), ".")
	res, err := store.Match(devs, drivers.Options{Target: drivers.Target{Arch: m.Arch}, BestMatch: true, Categories: p.Categories, ExcludeUnsigned: !p.AllowUnsigned})
	if err != nil {
		add(CheckWarning, path, "cannot match drivers: %v", err)
		return
	}
	if len(res.Unmatched) == 0 {
		add(CheckOK, path, "every one of the %d devices has a driver in %s", len(devs), p.Source)
		return
	}
	un := append([]drivers.Device(nil), res.Unmatched...)
	sort.SliceStable(un, func(i, j int) bool { return deviceRank(un[i]) < deviceRank(un[j]) })
	for _, d := range un {
		st, kind := CheckWarning, deviceKinds[deviceRank(d)]
		if deviceRank(d) < 3 {
			st = CheckWillFail // the machine may boot without network, disk or keyboard
		}
		add(st, path, "no driver in %s for %s%s", p.Source, d.Name(), kind)
	}
}

var deviceKinds = []string{" (network)", " (storage)", " (keyboard)", ""}

// deviceRank orders devices network, storage, keyboard, the rest, from
// their PCI class codes and HID usages.
func deviceRank(d drivers.Device) int {
	ids := strings.ToUpper(strings.Join(append(append([]string(nil), d.HardwareIDs...), d.CompatibleIDs...), " "))
	switch {
	case strings.Contains(ids, "CC_02"):
		return 0
	case strings.Contains(ids, "CC_01"):
		return 1
	case strings.Contains(ids, "KEYBOARD"):
		return 2
	}
	return 3
}

func firstErr(err error, code int64) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("exit code %s", Decimal(code))
}

func checkPartitions(add func(CheckStatus, string, string, ...any), path string, p *sequence.PartitionDisk, m Machine, disks []Disk, diskErr error) {
	style := strings.ToLower(p.Style)
	switch {
	case style == "gpt" && !m.UEFI:
		add(CheckWillFail, path, "GPT partitions on a BIOS machine: Windows will not boot from them (use MBR, or a condition on _SMSTSBootUEFI)")
	case style == "mbr" && m.UEFI:
		add(CheckWarning, path, "MBR partitions on a UEFI machine boot only with legacy boot (CSM) enabled")
	default:
		add(CheckOK, path, "%s partitions on a %s machine", strings.ToUpper(style), map[bool]string{true: "UEFI", false: "BIOS"}[m.UEFI])
	}
	if diskErr != nil {
		add(CheckWarning, path, "cannot tell whether disk %d is there here: %v", p.Disk, diskErr)
		return
	}
	var d *Disk
	for i := range disks {
		if disks[i].Number == p.Disk {
			d = &disks[i]
		}
	}
	if d == nil {
		add(CheckWillFail, path, "disk %d is not there (the machine has %d disks)", p.Disk, len(disks))
		return
	}
	var fixed int64
	for _, pt := range p.Partitions {
		switch strings.ToLower(pt.SizeUnit) {
		case "mb", "":
			fixed += int64(pt.Size) << 20
		case "gb":
			fixed += int64(pt.Size) << 30
		}
	}
	switch {
	case fixed > d.Size:
		add(CheckWillFail, path, "disk %d holds %s, the partitions need %s", p.Disk, bytesize.Format(d.Size), bytesize.Format(fixed))
	case d.Boot:
		add(CheckWillFail, path, "disk %d is the disk the engine runs from", p.Disk)
	case d.Removable:
		add(CheckWarning, path, "disk %d (%s, %s) is removable", p.Disk, orNone(d.Model), bytesize.Format(d.Size))
	default:
		add(CheckOK, path, "disk %d (%s, %s) holds the partitions (%s fixed)", p.Disk, orNone(d.Model), bytesize.Format(d.Size), bytesize.Format(fixed))
	}
}

func checkImage(add func(CheckStatus, string, string, ...any), plat Platform, path string, p *sequence.ApplyOSImage, m Machine) {
	if p.Image == "" {
		return
	}
	if _, err := plat.Stat(p.Image); err != nil {
		add(CheckWillFail, path, "the image %s cannot be reached: %v", p.Image, unwrapPath(err))
		return
	}
	w, err := openImage(p.Image, p.Split)
	if err != nil {
		add(CheckWillFail, path, "the image %s cannot be read: %v", p.Image, err)
		return
	}
	defer w.Close()
	for _, im := range w.Images() {
		if im.Index != p.Index {
			continue
		}
		arch := strings.ToLower(wim.WindowsArchName(im.WindowsArch))
		switch {
		case arch == "" || m.Arch == "":
			add(CheckWarning, path, "the image %s index %d does not say its architecture", filepath.Base(p.Image), p.Index)
		case arch != strings.ToLower(m.Arch):
			add(CheckWillFail, path, "the image %s index %d is %s, this machine is %s", filepath.Base(p.Image), p.Index, arch, m.Arch)
		default:
			add(CheckOK, path, "the image %s index %d (%s) fits this machine", filepath.Base(p.Image), p.Index, arch)
		}
		return
	}
	add(CheckWillFail, path, "the image %s has no index %d", p.Image, p.Index)
}

func checkParent(p string) string {
	i := strings.LastIndexAny(p, `\/`)
	if i <= 0 {
		return "."
	}
	return p[:i]
}

func unwrapPath(err error) error {
	var pe interface{ Unwrap() error }
	if errors.As(err, &pe) && pe.Unwrap() != nil {
		return pe.Unwrap()
	}
	return err
}
