package engine_test

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
)

// nopPlatform answers every command with exit code 0 at once: what is
// left is the engine's own work.
type nopPlatform struct{}

func (nopPlatform) Machine(context.Context) (engine.Machine, error) {
	return engine.Machine{InWinPE: true, UEFI: true}, nil
}
func (nopPlatform) Run(_ context.Context, c engine.Command) (int64, error) {
	c.Output("done", false)
	return 0, nil
}
func (nopPlatform) Stat(string) (fs.FileInfo, error)             { return nil, fs.ErrNotExist }
func (nopPlatform) ReadFile(string) ([]byte, error)              { return nil, fs.ErrNotExist }
func (nopPlatform) WriteFile(string, []byte, fs.FileMode) error  { return nil }
func (nopPlatform) MkdirAll(string) error                        { return nil }
func (nopPlatform) RemoveAll(string) error                       { return nil }
func (nopPlatform) Disks(context.Context) ([]engine.Disk, error) { return nil, nil }
func (nopPlatform) Reboot(context.Context, engine.Reboot) error  { return nil }
func (nopPlatform) Rename(string, string) error                  { return nil }
func (nopPlatform) CopyFile(string, string) error                { return nil }
func (nopPlatform) ReadDirNames(string) ([]string, error)        { return nil, nil }
func (nopPlatform) Volumes(context.Context) ([]engine.Volume, error) {
	return nil, nil
}
func (nopPlatform) FileInfo(string) (condition.FileInfo, error) { return condition.FileInfo{}, nil }
func (nopPlatform) FolderInfo(string) (condition.FolderInfo, error) {
	return condition.FolderInfo{}, nil
}
func (nopPlatform) Registry(string, string) (condition.RegValue, error) {
	return condition.RegValue{}, nil
}
func (nopPlatform) WMI(string, string) (int, error) { return 0, nil }
func (nopPlatform) OSVersion() (string, error)      { return "10.0.22631", nil }
func (nopPlatform) OSLanguage() (string, error)     { return "en-US", nil }
func (nopPlatform) Software(string, string) ([]condition.Installed, error) {
	return nil, nil
}

// benchSteps is the size of the benchmark sequence.
var benchSteps = 10000

// bigSequence has n steps in groups of 100: run-command-line steps with
// a condition and a %VAR% to expand, and a set-variable every 10 steps.
func bigSequence(n int) *sequence.Sequence {
	seq := &sequence.Sequence{Version: 1, Name: "Big", Kind: sequence.KindCustom}
	var g *sequence.Item
	for i := 0; i < n; i++ {
		if i%100 == 0 {
			g = sequence.NewGroup(fmt.Sprintf("Group %d", i/100))
			seq.Steps = append(seq.Steps, g)
		}
		var it *sequence.Item
		if i%10 == 9 {
			it = sequence.NewStep("set-variable")
			it.Props = &sequence.SetVariable{Variable: "Counter", Value: fmt.Sprint(i)}
		} else {
			it = sequence.NewStep("run-command-line")
			it.Props = &sequence.RunCommandLine{CommandLine: `cmd.exe /c echo %Counter% %_SMSTSMachineName%`}
			it.Condition = `_SMSTSInWinPE == "true" and Skip not exists`
		}
		it.Name = fmt.Sprintf("Step %d", i)
		g.Steps = append(g.Steps, it)
	}
	return seq
}

// BenchmarkEngine10000Steps runs a 10,000-step sequence and reports the
// engine's overhead per step (the platform does nothing): with no state,
// with state and log files but no fsync, and with everything durable
// (fsync of the state before and after every step).
func BenchmarkEngine10000Steps(b *testing.B) {
	n := benchSteps
	seq := bigSequence(n)
	// skipped: durable, and every command's condition is false (only the
	// set-variable steps run): a skipped step pays no durable write.
	for _, mode := range []string{"memory", "files", "durable", "skipped"} {
		b.Run(mode, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				o := engine.Options{Platform: nopPlatform{}, NoState: mode == "memory", NoSync: mode == "memory" || mode == "files",
					StateDir: filepath.Join(dir, "state"), LogDir: filepath.Join(dir, "log")}
				if mode == "skipped" {
					o.Vars = []sequence.Variable{{Name: "Skip", Value: "yes"}}
				}
				if mode == "memory" {
					o.LogDir = ""
				}
				res, err := engine.Run(context.Background(), seq, o)
				if err != nil || res.Status != engine.StatusSucceeded {
					b.Fatal(err, res.Status, res.Message)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/step")
		})
	}
}

// BenchmarkAtomicWrite is one state write (temporary file, fsync, rename,
// fsync of the folder) of 1 KiB: the storage's share of a durable step.
func BenchmarkAtomicWrite(b *testing.B) {
	dir := b.TempDir()
	data := make([]byte, 1024)
	for i := 0; i < b.N; i++ {
		if err := sequence.WriteFileAtomic(filepath.Join(dir, "state.json"), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
}
