package enginetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Cleanup(fn func()) { r.cleanups = append(r.cleanups, fn) }
func (r *recorder) finish() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestFakeInOrder(t *testing.T) {
	f := New(t)
	f.ExpectRun("a").Output("x", "y").Exit(3)
	f.ExpectReboot("WinPE")
	var got []string
	code, err := f.Run(context.Background(), engine.Command{Line: "a", Output: func(l string, _ bool) { got = append(got, l) }})
	if code != 3 || err != nil || strings.Join(got, ",") != "x,y" {
		t.Fatal(code, err, got)
	}
	if err := f.Reboot(context.Background(), engine.Reboot{Target: "WinPE"}); err != nil {
		t.Fatal(err)
	}
}

func TestFakeUnexpectedCall(t *testing.T) {
	r := &recorder{TB: t}
	f := New(r)
	f.ExpectRun("a")
	if _, err := f.Run(context.Background(), engine.Command{Line: "b"}); err == nil {
		t.Fatal("unexpected call succeeded")
	}
	f.Reboot(context.Background(), engine.Reboot{})
	r.finish()
	if len(r.errs) != 3 || !strings.Contains(r.errs[0], `unexpected call Run("b"); expected Run("a")`) ||
		!strings.Contains(r.errs[1], "unexpected call Reboot") || !strings.Contains(r.errs[2], `never came: Run("a")`) {
		t.Fatalf("errors: %q", r.errs)
	}
}

func TestFakeMissingCall(t *testing.T) {
	r := &recorder{TB: t}
	f := New(r)
	f.ExpectWriteFile(`C:\x`)
	r.finish()
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], `expected call never came: WriteFile("C:\\x")`) {
		t.Fatalf("errors: %q", r.errs)
	}
}

func TestFakeHangTimeoutAndCancel(t *testing.T) {
	f := New(t)
	c1 := f.ExpectRun("slow").Hang()
	c2 := f.ExpectRun("slow").Hang()
	_, err := f.Run(context.Background(), engine.Command{Line: "slow", Timeout: 10 * time.Millisecond})
	var te *engine.TimeoutError
	if !errors.As(err, &te) || !c1.Killed {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-c2.Started(); cancel() }()
	_, err = f.Run(ctx, engine.Command{Line: "slow"})
	if !errors.Is(err, engine.ErrKilled) || !c2.Killed {
		t.Fatal(err)
	}
}

func TestFakeVolumesAndFiles(t *testing.T) {
	f := New(t)
	f.ExpectVolumes().ReturnsVolumes(engine.Volume{Letter: "C:", FileSystem: "NTFS", Disk: 0, Partition: 3})
	f.ExpectReadDirNames(`C:\`).ReturnsNames("Windows", "_SMSTaskSequence")
	f.ExpectCopyFile(`X:\a`, `C:\b`)
	f.ExpectRename(`C:\b.tmp`, `C:\b`).Err(errors.New("denied"))
	vols, err := f.Volumes(context.Background())
	if err != nil || len(vols) != 1 || vols[0].Letter != "C:" {
		t.Fatal(vols, err)
	}
	names, err := f.ReadDirNames(`C:\`)
	if err != nil || strings.Join(names, ",") != "Windows,_SMSTaskSequence" {
		t.Fatal(names, err)
	}
	if err := f.CopyFile(`X:\a`, `C:\b`); err != nil {
		t.Fatal(err)
	}
	if err := f.Rename(`C:\b.tmp`, `C:\b`); err == nil || err.Error() != "denied" {
		t.Fatal(err)
	}
	if got := strings.Join(f.Calls(), " "); !strings.Contains(got, `Rename("C:\\b.tmp -> C:\\b")`) {
		t.Error(got)
	}
}
