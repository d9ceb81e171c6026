//go:build !windows

package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/refimage/refimage/engine"
)

func TestLiveRunOutputDirEnv(t *testing.T) {
	dir := t.TempDir()
	p := engine.Live(engine.LiveOptions{})
	var out, errs []string
	code, err := p.Run(context.Background(), engine.Command{
		Line: `pwd; echo "$REFIMAGE_X"; printf 'a\r\nb'; echo oops >&2; exit 7`,
		Dir:  dir,
		Env:  []string{"REFIMAGE_X=hello"},
		Output: func(l string, stderr bool) {
			if stderr {
				errs = append(errs, l)
			} else {
				out = append(out, l)
			}
		},
	})
	if err != nil || code != 7 {
		t.Fatal(code, err)
	}
	real, _ := filepath.EvalSymlinks(dir)
	if strings.Join(out, "|") != real+"|hello|a|b" || strings.Join(errs, "|") != "oops" {
		t.Fatalf("out %q err %q", out, errs)
	}
	if _, err := p.Run(context.Background(), engine.Command{Line: "true", Dir: filepath.Join(dir, "nope")}); engine.CodeOf(err) != engine.CodePathNotFound {
		t.Fatalf("missing folder: %v", err)
	}
}

// alive reports whether a process exists (and is not a zombie).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err != nil || !strings.Contains(string(b), ") Z ")
}

func TestLiveTimeoutKillsTree(t *testing.T) {
	p := engine.Live(engine.LiveOptions{})
	pidFile := filepath.Join(t.TempDir(), "pid")
	start := time.Now()
	_, err := p.Run(context.Background(), engine.Command{
		Line:    `sleep 30 & echo $! > ` + pidFile + `; wait`,
		Timeout: 300 * time.Millisecond,
	})
	var te *engine.TimeoutError
	if !errors.As(err, &te) || engine.CodeOf(err) != engine.CodeTimeout {
		t.Fatalf("err %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("timeout did not stop the command")
	}
	b, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if pid == 0 {
		t.Fatal("no child pid")
	}
	deadline := time.Now().Add(3 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		t.Fatalf("grandchild %d survived the timeout", pid)
	}
}

func TestLiveCancelKillsTree(t *testing.T) {
	p := engine.Live(engine.LiveOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() { <-started; cancel() }()
	_, err := p.Run(ctx, engine.Command{
		Line:   `echo up; sleep 30`,
		Output: func(string, bool) { close(started) },
	})
	if !errors.Is(err, engine.ErrKilled) {
		t.Fatalf("err %v", err)
	}
	if err := p.Reboot(context.Background(), engine.Reboot{}); !errors.Is(err, engine.ErrRebootUnsupported) {
		t.Fatal(err)
	}
}
