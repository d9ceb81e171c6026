package engine_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/enginetest"
)

type dirInfo struct{}

func (dirInfo) Name() string       { return "cap" }
func (dirInfo) Size() int64        { return 0 }
func (dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o755 }
func (dirInfo) ModTime() time.Time { return time.Time{} }
func (dirInfo) IsDir() bool        { return true }
func (dirInfo) Sys() any           { return nil }

const checkSeq = `
[[steps]]
type = "partition-disk"
name = "Partition Disk 0 - UEFI"
style = "gpt"
  [[steps.partitions]]
  name = "EFI"
  type = "efi"
  size = 500
  file_system = "fat32"
  [[steps.partitions]]
  name = "Windows"
  size = 100
  size_unit = "percent"
  file_system = "ntfs"
[[steps]]
type = "apply-os-image"
name = "Apply Operating System"
image = 'X:\img\install.wim'
index = 1
[[steps]]
type = "capture-os-image"
name = "Capture"
destination = '\\srv\cap\ref.wim'
account = 'CORP\cap'
password = "env:CAP_PW"
`

// Drivers: the devices of the device list left without a driver in the
// source, network and storage first (those will fail), the rest warned.
func TestPreflightCheckDrivers(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "nic"), 0o755)
	inf := "[Version]\r\nSignature = \"$WINDOWS NT$\"\r\nClass = Net\r\nClassGUID = {4d36e972-e325-11ce-bfc1-08002be10318}\r\n" +
		"Provider = \"Example\"\r\nCatalogFile = nic.cat\r\nDriverVer = 05/01/2023,1.0.0.0\r\n\r\n" +
		"[Manufacturer]\r\n\"Example\" = Ex, NTamd64\r\n\r\n[Ex.NTamd64]\r\n\"Device\" = Inst, PCI\\VEN_8086&DEV_15BB\r\n"
	os.WriteFile(filepath.Join(src, "nic", "nic.inf"), []byte(inf), 0o644)
	seq := load(t, "\n[variables]\nDeviceList = 'X:\\devices.txt'\n\n[[steps]]\ntype = \"auto-apply-drivers\"\nname = \"Drivers\"\nsource = '"+src+"'\n")
	f := enginetest.New(t)
	f.MachineInfo = engine.Machine{InWinPE: true, UEFI: true, Arch: "x64", Name: "REF01"}
	f.ExpectDisks().Err(&engine.Error{Code: engine.CodeNotSupported, Msg: "listing disks needs Windows"})
	f.ExpectReadFile(`X:\devices.txt`).Returns([]byte("PCI\\VEN_8086&DEV_15BB|PCI\\CC_0200|Ethernet\n" +
		"PCI\\VEN_1AF4&DEV_1001|PCI\\CC_0100|Virtio disk\nUSB\\VID_0BDA&PID_5411||USB hub\n"))
	lines, err := engine.Check(context.Background(), seq, engine.Options{Platform: f})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, fmt.Sprintf("%s | %s", l.Status, l.What))
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{
		"will fail | no driver in " + src + " for Virtio disk (storage)",
		"warning | no driver in " + src + " for USB hub",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Ethernet") {
		t.Errorf("the matched device is listed:\n%s", text)
	}
}

// The pre-flight check on the strict fake: a BIOS machine with GPT
// partitions, a disk too small, an image that cannot be reached, a
// capture share that can.
func TestPreflightCheck(t *testing.T) {
	seq := load(t, checkSeq)
	f := enginetest.New(t)
	f.MachineInfo = engine.Machine{InWinPE: true, UEFI: false, Arch: "x64", Name: "REF01"}
	f.ExpectDisks().ReturnsDisks(engine.Disk{Number: 0, Size: 300 << 20, Model: "QEMU HARDDISK"})
	f.ExpectStat(`X:\img\install.wim`).Err(fs.ErrNotExist)
	f.ExpectStat(`\\srv\cap`).ReturnsInfo(dirInfo{})
	lines, err := engine.Check(context.Background(), seq, engine.Options{Platform: f})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, fmt.Sprintf("%s | %s | %s", l.Status, l.Step, l.What))
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{
		"ok |  | the machine: REF01, BIOS firmware, Windows PE, architecture x64",
		"will fail | Partition Disk 0 - UEFI | GPT partitions on a BIOS machine",
		"will fail | Partition Disk 0 - UEFI | disk 0 holds 300.0 MiB, the partitions need 500.0 MiB",
		`will fail | Apply Operating System | the image X:\img\install.wim cannot be reached: file does not exist`,
		`ok | Capture | the capture destination's folder \\srv\cap is reachable`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
}
