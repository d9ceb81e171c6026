// Package enginetest has a strict fake of engine.Platform for tests.
//
// Every call that acts on the machine (Run, file writes, disks, Reboot)
// must have been expected, in order: an unexpected call fails the test,
// and an expected call that never came fails it at cleanup. Questions
// about the machine (Machine and the condition Facts) are answered from
// the fields Machine and Facts without expectations, but a fact nobody
// declared is unknown.
//
//	f := enginetest.New(t)
//	f.ExpectRun(`cmd.exe /c echo hi`).Output("hi").Exit(0)
//	f.ExpectReboot("WinPE")
package enginetest

import (
	"context"
	"fmt"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence/condition"
)

// Fake is a strict fake platform.
type Fake struct {
	t testing.TB

	// MachineInfo is what Machine returns.
	MachineInfo engine.Machine
	// Facts answers condition questions; nil answers nothing.
	Facts *condition.SimEnv

	mu    sync.Mutex
	calls []*Call
	next  int
	log   []string
}

// New returns a fake that checks at cleanup that every expected call came.
// The machine is WinPE on UEFI unless changed.
func New(t testing.TB) *Fake {
	f := &Fake{t: t, MachineInfo: engine.Machine{InWinPE: true, UEFI: true, SecureBoot: "NA", Name: "REF01", Arch: "x64"}, Facts: &condition.SimEnv{}}
	t.Cleanup(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, c := range f.calls[f.next:] {
			t.Errorf("enginetest: expected call never came: %s", c)
		}
	})
	return f
}

// Call is one expected call.
type Call struct {
	kind   string
	arg    string
	dir    *string
	lines  []string
	stderr []string
	code   int64
	err    error
	hang   bool
	delay  time.Duration
	do     func(ctx context.Context, c engine.Command) (int64, error)
	data   []byte
	fi     fs.FileInfo
	disks  []engine.Disk
	vols   []engine.Volume
	names  []string
	start  chan struct{}

	// Filled when the call comes.
	Got     engine.Command
	Reboot  engine.Reboot
	Written []byte
	Killed  bool // Run: the process tree was killed (cancel or timeout)
	came    chan struct{}
}

func (c *Call) String() string {
	s := c.kind + "(" + fmt.Sprintf("%q", c.arg)
	if c.dir != nil {
		s += fmt.Sprintf(", dir %q", *c.dir)
	}
	return s + ")"
}

func (f *Fake) expect(kind, arg string) *Call {
	c := &Call{kind: kind, arg: arg, came: make(chan struct{})}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	return c
}

// ExpectRun expects Run of exactly this command line.
func (f *Fake) ExpectRun(line string) *Call { return f.expect("Run", line) }

// ExpectReboot expects a restart to the target (WinPE, HD or "").
func (f *Fake) ExpectReboot(target string) *Call { return f.expect("Reboot", target) }

// ExpectWriteFile expects a file to be written; Written holds the data.
func (f *Fake) ExpectWriteFile(path string) *Call { return f.expect("WriteFile", path) }

// ExpectReadFile expects a file to be read; Returns gives its content.
func (f *Fake) ExpectReadFile(path string) *Call { return f.expect("ReadFile", path) }

// ExpectStat expects a Stat; ReturnsInfo or Err give the answer (default:
// not found).
func (f *Fake) ExpectStat(path string) *Call { return f.expect("Stat", path) }

// ExpectMkdirAll expects a folder to be made.
func (f *Fake) ExpectMkdirAll(path string) *Call { return f.expect("MkdirAll", path) }

// ExpectRemoveAll expects a path to be removed.
func (f *Fake) ExpectRemoveAll(path string) *Call { return f.expect("RemoveAll", path) }

// ExpectDisks expects the disks to be listed.
func (f *Fake) ExpectDisks() *Call { return f.expect("Disks", "") }

// ExpectVolumes expects the volumes to be listed; ReturnsVolumes gives them.
func (f *Fake) ExpectVolumes() *Call { return f.expect("Volumes", "") }

// ExpectRename expects oldpath to be renamed to newpath.
func (f *Fake) ExpectRename(oldpath, newpath string) *Call {
	return f.expect("Rename", oldpath+" -> "+newpath)
}

// ExpectCopyFile expects src to be copied to dst.
func (f *Fake) ExpectCopyFile(src, dst string) *Call { return f.expect("CopyFile", src+" -> "+dst) }

// ExpectReadDirNames expects a folder to be listed; ReturnsNames gives
// its names.
func (f *Fake) ExpectReadDirNames(path string) *Call { return f.expect("ReadDirNames", path) }

// InDir requires the working folder of a Run.
func (c *Call) InDir(dir string) *Call { c.dir = &dir; return c }

// Output makes a Run print these lines on standard output.
func (c *Call) Output(lines ...string) *Call { c.lines = append(c.lines, lines...); return c }

// Stderr makes a Run print these lines on standard error.
func (c *Call) Stderr(lines ...string) *Call { c.stderr = append(c.stderr, lines...); return c }

// Exit sets the exit code of a Run.
func (c *Call) Exit(code int64) *Call { c.code = code; return c }

// Err makes the call fail.
func (c *Call) Err(err error) *Call { c.err = err; return c }

// Hang makes a Run block until its context is cancelled or its timeout
// passes; then its process tree counts as killed.
func (c *Call) Hang() *Call { c.hang = true; return c }

// Delay makes a Run take this long (cut short by cancel or timeout).
func (c *Call) Delay(d time.Duration) *Call { c.delay = d; return c }

// Do runs fn for a Run instead of the canned answer.
func (c *Call) Do(fn func(ctx context.Context, cmd engine.Command) (int64, error)) *Call {
	c.do = fn
	return c
}

// Returns sets the content ReadFile returns.
func (c *Call) Returns(data []byte) *Call { c.data = data; return c }

// ReturnsInfo sets what Stat returns.
func (c *Call) ReturnsInfo(fi fs.FileInfo) *Call { c.fi = fi; return c }

// ReturnsDisks sets what Disks returns.
func (c *Call) ReturnsDisks(d ...engine.Disk) *Call { c.disks = d; return c }

// ReturnsVolumes sets what Volumes returns.
func (c *Call) ReturnsVolumes(v ...engine.Volume) *Call { c.vols = v; return c }

// ReturnsNames sets what ReadDirNames returns.
func (c *Call) ReturnsNames(names ...string) *Call { c.names = names; return c }

// Started returns a channel closed when the call comes (for tests that
// act while a step runs).
func (c *Call) Started() <-chan struct{} { return c.came }

// Calls returns the calls made so far, as strings.
func (f *Fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

// take matches a call against the next expectation.
func (f *Fake) take(kind, arg string) (*Call, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, fmt.Sprintf("%s(%q)", kind, arg))
	if f.next >= len(f.calls) {
		err := fmt.Errorf("enginetest: unexpected call %s(%q): no more calls were expected", kind, arg)
		f.t.Errorf("%v", err)
		return nil, err
	}
	c := f.calls[f.next]
	if c.kind != kind || c.arg != arg {
		err := fmt.Errorf("enginetest: unexpected call %s(%q); expected %s", kind, arg, c)
		f.t.Errorf("%v", err)
		return nil, err
	}
	f.next++
	close(c.came)
	return c, nil
}

// Machine implements engine.Platform.
func (f *Fake) Machine(ctx context.Context) (engine.Machine, error) { return f.MachineInfo, nil }

// Run implements engine.Platform.
func (f *Fake) Run(ctx context.Context, cmd engine.Command) (int64, error) {
	c, err := f.take("Run", cmd.Line)
	if err != nil {
		return 0, &engine.Error{Code: engine.CodeFail, Err: err}
	}
	c.Got = cmd
	if c.dir != nil && *c.dir != cmd.Dir {
		f.t.Errorf("enginetest: Run(%q) in folder %q, want %q", cmd.Line, cmd.Dir, *c.dir)
	}
	if c.do != nil {
		return c.do(ctx, cmd)
	}
	for _, l := range c.lines {
		if cmd.Output != nil {
			cmd.Output(l, false)
		}
	}
	for _, l := range c.stderr {
		if cmd.Output != nil {
			cmd.Output(l, true)
		}
	}
	if c.hang || c.delay > 0 {
		var timer <-chan time.Time
		if cmd.Timeout > 0 {
			t := time.NewTimer(cmd.Timeout)
			defer t.Stop()
			timer = t.C
		}
		var wait <-chan time.Time
		if !c.hang {
			t := time.NewTimer(c.delay)
			defer t.Stop()
			wait = t.C
		}
		select {
		case <-ctx.Done():
			c.Killed = true
			return -1, fmt.Errorf("%w (%v)", engine.ErrKilled, ctx.Err())
		case <-timer:
			c.Killed = true
			return -1, &engine.TimeoutError{Timeout: cmd.Timeout}
		case <-wait:
		}
	}
	return c.code, c.err
}

// Stat implements engine.Platform.
func (f *Fake) Stat(path string) (fs.FileInfo, error) {
	c, err := f.take("Stat", path)
	if err != nil {
		return nil, err
	}
	if c.err != nil {
		return nil, c.err
	}
	if c.fi == nil {
		return nil, fs.ErrNotExist
	}
	return c.fi, nil
}

// ReadFile implements engine.Platform.
func (f *Fake) ReadFile(path string) ([]byte, error) {
	c, err := f.take("ReadFile", path)
	if err != nil {
		return nil, err
	}
	return c.data, c.err
}

// WriteFile implements engine.Platform.
func (f *Fake) WriteFile(path string, data []byte, perm fs.FileMode) error {
	c, err := f.take("WriteFile", path)
	if err != nil {
		return err
	}
	c.Written = append([]byte(nil), data...)
	return c.err
}

// MkdirAll implements engine.Platform.
func (f *Fake) MkdirAll(path string) error {
	c, err := f.take("MkdirAll", path)
	if err != nil {
		return err
	}
	return c.err
}

// RemoveAll implements engine.Platform.
func (f *Fake) RemoveAll(path string) error {
	c, err := f.take("RemoveAll", path)
	if err != nil {
		return err
	}
	return c.err
}

// Disks implements engine.Platform.
func (f *Fake) Disks(ctx context.Context) ([]engine.Disk, error) {
	c, err := f.take("Disks", "")
	if err != nil {
		return nil, err
	}
	return c.disks, c.err
}

// Volumes implements engine.Platform.
func (f *Fake) Volumes(ctx context.Context) ([]engine.Volume, error) {
	c, err := f.take("Volumes", "")
	if err != nil {
		return nil, err
	}
	return c.vols, c.err
}

// Rename implements engine.Platform.
func (f *Fake) Rename(oldpath, newpath string) error {
	c, err := f.take("Rename", oldpath+" -> "+newpath)
	if err != nil {
		return err
	}
	return c.err
}

// CopyFile implements engine.Platform.
func (f *Fake) CopyFile(src, dst string) error {
	c, err := f.take("CopyFile", src+" -> "+dst)
	if err != nil {
		return err
	}
	return c.err
}

// ReadDirNames implements engine.Platform.
func (f *Fake) ReadDirNames(path string) ([]string, error) {
	c, err := f.take("ReadDirNames", path)
	if err != nil {
		return nil, err
	}
	return append([]string(nil), c.names...), c.err
}

// Reboot implements engine.Platform.
func (f *Fake) Reboot(ctx context.Context, r engine.Reboot) error {
	c, err := f.take("Reboot", r.Target)
	if err != nil {
		return err
	}
	c.Reboot = r
	return c.err
}

func (f *Fake) facts() *condition.SimEnv {
	if f.Facts == nil {
		return &condition.SimEnv{}
	}
	return f.Facts
}

// FileInfo implements engine.Facts.
func (f *Fake) FileInfo(path string) (condition.FileInfo, error) { return f.facts().FileInfo(path) }

// FolderInfo implements engine.Facts.
func (f *Fake) FolderInfo(path string) (condition.FolderInfo, error) {
	return f.facts().FolderInfo(path)
}

// Registry implements engine.Facts.
func (f *Fake) Registry(key, value string) (condition.RegValue, error) {
	return f.facts().Registry(key, value)
}

// WMI implements engine.Facts.
func (f *Fake) WMI(ns, q string) (int, error) { return f.facts().WMI(ns, q) }

// OSVersion implements engine.Facts.
func (f *Fake) OSVersion() (string, error) { return f.facts().OSVersion() }

// OSLanguage implements engine.Facts.
func (f *Fake) OSLanguage() (string, error) { return f.facts().OSLanguage() }

// Software implements engine.Facts.
func (f *Fake) Software(p, u string) ([]condition.Installed, error) { return f.facts().Software(p, u) }

var _ engine.Platform = (*Fake)(nil)
