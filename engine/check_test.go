package engine_test

import (
	"context"
	"fmt"
	"io/fs"
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
		"will fail | Partition Disk 0 - UEFI | disk 0 holds 300.0 MB, the partitions need 500.0 MB",
		`will fail | Apply Operating System | the image X:\img\install.wim cannot be reached: file does not exist`,
		`ok | Capture | the capture destination's folder \\srv\cap is reachable`,
		"warning |  | drivers for this machine's devices",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
}
