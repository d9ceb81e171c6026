package engine_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

// Sample driver packages (made up, shaped like real ones).
const (
	sampleNIC = `[Version]
Signature   = "$WINDOWS NT$"
Class       = Net
ClassGUID   = {4d36e972-e325-11ce-bfc1-08002be10318}
Provider    = %Intel%
CatalogFile = e1d.cat
DriverVer   = 05/01/2023,12.19.1.37

[Manufacturer]
%Intel% = Intel, NTamd64.10.0...16299, NTarm64

[Intel.NTamd64.10.0...16299]
%E15BB% = E15BB.10.0.1, PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028, PCI\VEN_8086&DEV_15BB

[Intel.NTarm64]
%E15BB% = E15BB.arm, PCI\VEN_8086&DEV_15BB

[Strings]
Intel = "Intel"
E15BB = "Intel(R) Ethernet Connection I219-LM"
`
	sampleStorage = `[Version]
Signature="$Windows NT$"
Class=SCSIAdapter
ClassGuid={4D36E97B-E325-11CE-BFC1-08002BE10318}
Provider="Example Storage"
CatalogFile=iastor.cat
DriverVer=11/02/2023,19.5.0.1037

[Manufacturer]
"Example Storage"=Storage,NTamd64

[Storage.NTamd64]
"RAID/AHCI controller" = iaStor_Inst, PCI\VEN_8086&DEV_A0D3&CC_0106, PCI\CC_0106
`
	sampleVideo = `[Version]
Signature   = "$Windows NT$"
Class       = Display
ClassGUID   = {4D36E968-E325-11CE-BFC1-08002BE10318}
Provider    = "Example Graphics"
CatalogFile = video.cat
DriverVer   = 01/10/2024,31.0.101.5186

[Manufacturer]
"Example Graphics" = Gfx, NTamd64

[Gfx.NTamd64]
"Iris(R) Xe Graphics" = Iris, PCI\VEN_8086&DEV_9A49
`
	sampleDevices = `# HardwareIDs | CompatibleIDs | Description
PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028&REV_10,PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028,PCI\VEN_8086&DEV_15BB|PCI\VEN_8086&CC_020000,PCI\CC_0200|Ethernet Controller
PCI\VEN_8086&DEV_A0D3&CC_0106|PCI\CC_0106|SATA controller
USB\VID_0BDA&PID_5411||USB hub
`
)

// driverSource writes the sample packages into a folder: nic (with a
// subfolder), storage and video (whose device is not in the list).
func driverSource(t *testing.T) string {
	src := filepath.Join(t.TempDir(), "DRIVERS")
	for name, body := range map[string]string{
		"nic/e1d.inf":          sampleNIC,
		"nic/e1d.cat":          "catalog",
		"nic/x64/e1d68x64.sys": "driver",
		"storage/iastor.inf":   sampleStorage,
		"storage/iastor.cat":   "catalog",
		"video/video.inf":      sampleVideo,
		"video/video.cat":      "catalog",
	} {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(body, "\n", "\r\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

const autoDriversSeq = `
[[steps]]
type = "auto-apply-drivers"
name = "Apply Device Drivers"
source = "%DriverSource%"
`

// Offline (the end-to-end example's path): the device list from
// DeviceList, the matching packages copied into DIR\Drivers, their paths
// in the answer file; the video driver (no such device) stays out.
func TestAutoApplyDriversOffline(t *testing.T) {
	dir := t.TempDir()
	src := driverSource(t)
	list := filepath.Join(t.TempDir(), "DEVICES.txt")
	panther := filepath.Join(dir, "Windows", "Panther")
	f := enginetest.New(t)
	f.ExpectReadFile(filepath.Join(dir, "Windows", "System32", "smss.exe")).Returns(peHeader(0x8664))
	f.ExpectReadFile(filepath.Join(panther, "unattend.xml")).Err(fs.ErrNotExist)
	f.ExpectReadFile(list).Returns([]byte(sampleDevices))
	d1 := filepath.Join(dir, "Drivers", "01-nic")
	f.ExpectMkdirAll(d1)
	f.ExpectCopyFile(filepath.Join(src, "nic", "e1d.cat"), filepath.Join(d1, "e1d.cat"))
	f.ExpectCopyFile(filepath.Join(src, "nic", "e1d.inf"), filepath.Join(d1, "e1d.inf"))
	f.ExpectMkdirAll(filepath.Join(d1, "x64"))
	f.ExpectCopyFile(filepath.Join(src, "nic", "x64", "e1d68x64.sys"), filepath.Join(d1, "x64", "e1d68x64.sys"))
	d2 := filepath.Join(dir, "Drivers", "02-storage")
	f.ExpectMkdirAll(d2)
	f.ExpectCopyFile(filepath.Join(src, "storage", "iastor.cat"), filepath.Join(d2, "iastor.cat"))
	f.ExpectCopyFile(filepath.Join(src, "storage", "iastor.inf"), filepath.Join(d2, "iastor.inf"))
	f.ExpectMkdirAll(panther)
	w := f.ExpectWriteFile(filepath.Join(panther, "unattend.xml"))
	r := newRun(t)
	o := r.opts(f)
	o.Offline = dir
	o.Vars = append(o.Vars, varKV("DriverSource", src), varKV("DeviceList", list))
	res := r.go_(t, context.Background(), load(t, autoDriversSeq), o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, outcomes(res))
	}
	golden(t, "auto-apply-drivers/offline-unattend.xml", maskAnswer(t, w.Written))
	log := r.log(t)
	for _, want := range []string{"Read 3 devices from the device list", "Matching 3 devices against 3 INF files for amd64", "Staged the driver package nic (3 files)"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}

	// Offline without a device list: a clear failure before anything is
	// touched but the answer file read.
	f = enginetest.New(t)
	f.ExpectReadFile(filepath.Join(dir, "Windows", "System32", "smss.exe")).Returns(peHeader(0x8664))
	f.ExpectReadFile(filepath.Join(panther, "unattend.xml")).Err(fs.ErrNotExist)
	r = newRun(t)
	o = r.opts(f)
	o.Offline = dir
	o.Vars = append(o.Vars, varKV("DriverSource", src))
	res = r.go_(t, context.Background(), load(t, autoDriversSeq), o)
	if res.Status != engine.StatusFailed || !strings.Contains(res.Steps[0].Message, "set the variable DeviceList") {
		t.Fatalf("%s: %s", res.Status, res.Steps[0].Message)
	}
}

// pnputil's output on a Windows PE: two devices.
var pnputilOutput = []string{
	"Microsoft PnP Utility",
	"",
	`Instance ID:                PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028&REV_10\3&11583659&0&FE`,
	"Device Description:         Ethernet Controller",
	"Class Name:                 Net",
	"Status:                     Problem",
	`Hardware IDs:               PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028&REV_10`,
	`                            PCI\VEN_8086&DEV_15BB&SUBSYS_07B11028`,
	`                            PCI\VEN_8086&DEV_15BB`,
	`Compatible IDs:             PCI\VEN_8086&CC_020000`,
	`                            PCI\CC_0200`,
	"",
	`Instance ID:                PCI\VEN_8086&DEV_9A49&SUBSYS_0A1C1028&REV_01\3&11583659&0&10`,
	"Device Description:         Microsoft Basic Display Adapter",
	`Hardware IDs:               PCI\VEN_8086&DEV_9A49&SUBSYS_0A1C1028&REV_01`,
	`                            PCI\VEN_8086&DEV_9A49`,
	`Compatible IDs:             PCI\VEN_8086&CC_030000`,
	"",
}

// Windows PE: the devices from pnputil, every matching package added to
// the applied image with dism; categories limit the match; a dism failure
// fails the step with its code.
func TestAutoApplyDriversWinPE(t *testing.T) {
	src := driverSource(t)
	f := enginetest.New(t)
	f.ExpectReadFile(`C:\Windows\System32\smss.exe`).Returns(peHeader(0x8664))
	f.ExpectRun(`pnputil.exe /enum-devices /connected /deviceids`).Output(pnputilOutput...)
	nic := f.ExpectRun(`dism.exe /Image:C:\ /Add-Driver /Driver:` + src + `\nic`)
	vid := f.ExpectRun(`dism.exe /Image:C:\ /Add-Driver /Driver:` + src + `\video`)
	r := newRun(t)
	o := r.opts(f)
	o.Vars = append(o.Vars, varKV("DriverSource", src), varKV("OSDTargetSystemDrive", "C:"))
	res := r.go_(t, context.Background(), load(t, autoDriversSeq), o)
	if res.Status != engine.StatusSucceeded {
		t.Fatal(res.Message, outcomes(res))
	}
	golden(t, "auto-apply-drivers/winpe-commands.txt", strings.ReplaceAll(nic.Got.Line+"\n"+vid.Got.Line+"\n", src, `\\deploy01\drivers$`))

	f = enginetest.New(t)
	f.ExpectReadFile(`C:\Windows\System32\smss.exe`).Returns(peHeader(0x8664))
	f.ExpectRun(`pnputil.exe /enum-devices /connected /deviceids`).Output(pnputilOutput...)
	f.ExpectRun(`dism.exe /Image:C:\ /Add-Driver /Driver:` + src + `\video /ForceUnsigned`).Exit(50)
	r = newRun(t)
	o = r.opts(f)
	o.Vars = append(o.Vars, varKV("DriverSource", src), varKV("OSDTargetSystemDrive", "C:"))
	res = r.go_(t, context.Background(), load(t, autoDriversSeq+`categories = ["Display"]
allow_unsigned = true
`), o)
	if res.Status != engine.StatusFailed || res.Steps[0].ExitCode != 50 || !strings.Contains(res.Steps[0].Message, "dism /Add-Driver") {
		t.Fatalf("%s %d %s", res.Status, res.Steps[0].ExitCode, res.Steps[0].Message)
	}
}
