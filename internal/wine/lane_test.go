//go:build !windows

package wine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

// The Debian packages the lane needs.
const packages = "wine64 gcc-mingw-w64-x86-64-win32"

// lane is one Wine prefix with its persistent wineserver and the binaries
// under test, shared by every test of the run (Wine's start-up — a new
// prefix, a new server — costs seconds; a command in a warm prefix costs
// a fraction of one).
type lane struct {
	wine   string // the wine64 loader
	server string // wineserver (run with -f -p, killed with -k at the end)
	gcc    string // x86_64-w64-mingw32-gcc
	dir    string // the run's temporary folder (prefix, binaries, work)
	prefix string // WINEPREFIX
	exe    string // refimage.exe for windows/amd64
	linux  string // refimage for this machine
	env    []string
	srv    *exec.Cmd
}

var (
	laneOnce sync.Once
	theLane  *lane
	laneErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theLane != nil {
		theLane.close()
	}
	os.Exit(code)
}

// findTools finds Wine and MinGW: wine64 and wineserver are on PATH with
// Wine's own packaging and in /usr/lib/wine with Debian's.
func findTools() (wine, server, gcc string, missing []string) {
	look := func(names ...string) string {
		for _, n := range names {
			if filepath.IsAbs(n) {
				if fi, err := os.Stat(n); err == nil && !fi.IsDir() {
					return n
				}
				continue
			}
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
		}
		return ""
	}
	wine = look("wine64", "/usr/lib/wine/wine64", "/usr/lib64/wine/wine64")
	server = look("/usr/lib/wine/wineserver64", "wineserver64", "wineserver")
	gcc = look("x86_64-w64-mingw32-gcc")
	if wine == "" || server == "" {
		missing = append(missing, "wine64 (package wine64)")
	}
	if gcc == "" {
		missing = append(missing, "x86_64-w64-mingw32-gcc (package gcc-mingw-w64-x86-64-win32)")
	}
	return
}

// getLane returns the shared lane, setting it up on first use. Without
// Wine or MinGW the test is skipped naming the Debian packages, or fails
// under REFIMAGE_ORACLES=required.
func getLane(t *testing.T) *lane {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the Wine lane runs on linux/amd64")
	}
	wine, server, gcc, missing := findTools()
	if len(missing) > 0 {
		msg := fmt.Sprintf("the Wine lane needs %s: apt-get install %s", strings.Join(missing, " and "), packages)
		if oracle.Required() {
			t.Fatalf("%s (REFIMAGE_ORACLES=required)", msg)
		}
		t.Skip(msg)
	}
	laneOnce.Do(func() {
		theLane, laneErr = setUp(wine, server, gcc)
	})
	if laneErr != nil {
		t.Fatalf("setting up the Wine lane: %v", laneErr)
	}
	return theLane
}

func setUp(wine, server, gcc string) (*lane, error) {
	dir, err := os.MkdirTemp("", "refimage-wine-")
	if err != nil {
		return nil, err
	}
	l := &lane{wine: wine, server: server, gcc: gcc, dir: dir, prefix: filepath.Join(dir, "prefix")}
	l.env = append(cleanEnv(),
		"WINEPREFIX="+l.prefix,
		"WINEARCH=win64",
		"WINEDEBUG=-all",
		// No Mono or Gecko install prompts, no window.
		"WINEDLLOVERRIDES=mscoree,mshtml=",
		"DISPLAY=",
	)
	// The prefix is made while the binaries build.
	prefixDone := make(chan error, 1)
	go func() { prefixDone <- l.makePrefix() }()

	l.exe = filepath.Join(dir, "bin", "refimage.exe")
	l.linux = filepath.Join(dir, "bin", "refimage")
	errs := []error{
		goBuild(l.exe, "windows", "github.com/refimage/refimage/cmd/refimage"),
		goBuild(l.linux, "", "github.com/refimage/refimage/cmd/refimage"),
	}
	shim := filepath.Join(dir, "bin", "bcryptprimitives.dll")
	src, _ := filepath.Abs(filepath.Join("shim", "bcryptprimitives.c"))
	if out, err := exec.Command(gcc, "-shared", "-O2", "-s", "-o", shim, src, "-ladvapi32").CombinedOutput(); err != nil {
		errs = append(errs, fmt.Errorf("building the ProcessPrng shim: %v\n%s", err, out))
	}
	errs = append(errs, <-prefixDone)
	if err := errors.Join(errs...); err != nil {
		l.close()
		return nil, err
	}
	if err := copyFile(shim, filepath.Join(l.prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")); err != nil {
		l.close()
		return nil, err
	}
	// The shim works: without it the program dies before main.
	if r := l.win(nil, "", nil, "version"); r.code != 0 || !strings.Contains(r.stdout, "windows/amd64") {
		l.close()
		return nil, fmt.Errorf("refimage.exe version under Wine: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	return l, nil
}

// cleanEnv is the environment without what would point Wine elsewhere.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "WINE") || name == "DISPLAY" || name == "WAYLAND_DISPLAY" || strings.HasPrefix(name, "REFIMAGE_") || name == "NO_COLOR" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// makePrefix starts a persistent wineserver for a new prefix and lets
// wineboot fill it.
func (l *lane) makePrefix() error {
	if err := os.MkdirAll(l.prefix, 0o755); err != nil {
		return err
	}
	l.srv = exec.Command(l.server, "-f", "-p")
	l.srv.Env = l.env
	slog, err := os.Create(filepath.Join(l.dir, "wineserver.log"))
	if err != nil {
		return err
	}
	defer slog.Close()
	l.srv.Stdout, l.srv.Stderr = slog, slog
	if err := l.srv.Start(); err != nil {
		return fmt.Errorf("wineserver: %w", err)
	}
	r := l.run(nil, l.wine, []string{"wineboot", "-i"}, "", l.env)
	out := r.stdout + r.stderr
	if r.code != 0 {
		b, _ := os.ReadFile(slog.Name())
		return fmt.Errorf("wineboot -i: exit %d\n%s\nwineserver: %s", r.code, out, b)
	}
	if _, err := os.Stat(filepath.Join(l.prefix, "drive_c", "windows", "system32")); err != nil {
		return fmt.Errorf("wineboot made no system32: %v\n%s", err, out)
	}
	return nil
}

// restartServer ends the prefix's wineserver and every Wine process with
// it, and starts a new persistent one: the next program starts Wine's
// system processes again, and its mount manager then lists the drive
// letters added to dosdevices since (a running one does not take them
// up).
func (l *lane) restartServer(t *testing.T) {
	t.Helper()
	k := exec.Command(l.server, "-k")
	k.Env = l.env
	k.Run()
	if l.srv != nil && l.srv.Process != nil {
		done := make(chan struct{})
		go func() { l.srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			l.srv.Process.Kill()
			<-done
		}
	}
	l.srv = exec.Command(l.server, "-f", "-p")
	l.srv.Env = l.env
	slog, err := os.OpenFile(filepath.Join(l.dir, "wineserver.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer slog.Close()
	l.srv.Stdout, l.srv.Stderr = slog, slog
	if err := l.srv.Start(); err != nil {
		t.Fatalf("wineserver: %v", err)
	}
}

// close ends the wineserver (and every Wine process of the prefix) and
// removes the run's folder and the server's socket folder
// (/tmp/wine-XXXXXX/server-DEV-INODE, named after the prefix).
func (l *lane) close() {
	var serverDirs []string
	if fi, err := os.Stat(l.prefix); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			serverDirs, _ = filepath.Glob(filepath.Join(os.TempDir(), "wine-*", fmt.Sprintf("server-%x-%x", st.Dev, st.Ino)))
		}
	}
	defer func() {
		for _, d := range serverDirs {
			os.RemoveAll(d)
			os.Remove(filepath.Dir(d)) // only when empty
		}
	}()
	if l.srv != nil && l.srv.Process != nil {
		k := exec.Command(l.server, "-k")
		k.Env = l.env
		k.Run()
		done := make(chan struct{})
		go func() { l.srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			l.srv.Process.Kill()
			<-done
		}
	}
	os.RemoveAll(l.dir)
}

func goBuild(out, goos, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "GOARCH=amd64")
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s (%s): %v\n%s", pkg, goos, err, b)
	}
	return nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o755)
}

// result is what a command did.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// win runs refimage.exe under Wine in dir (a Linux folder: Wine maps it
// to Z:) with extra environment variables.
func (l *lane) win(t *testing.T, dir string, env []string, args ...string) result {
	return l.run(t, l.wine, append([]string{l.exe}, args...), dir, append(append([]string{}, l.env...), env...))
}

// winProgram runs another Windows program under Wine.
func (l *lane) winProgram(t *testing.T, dir string, env []string, prog string, args ...string) result {
	return l.run(t, l.wine, append([]string{prog}, args...), dir, append(append([]string{}, l.env...), env...))
}

// lin runs the Linux refimage on the same input.
func (l *lane) lin(t *testing.T, dir string, env []string, args ...string) result {
	return l.run(t, l.linux, args, dir, append(cleanEnv(), env...))
}

func (l *lane) run(t *testing.T, prog string, args []string, dir string, env []string) result {
	if t != nil {
		t.Helper()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	cmd.Env = env
	// Output goes to files, not pipes: Wine's service processes (started
	// by the first program of a prefix) inherit the handles and live on,
	// and a pipe held open by them would never end.
	out, err := os.CreateTemp(l.dir, "stdout-")
	if err != nil {
		panic(err)
	}
	defer os.Remove(out.Name())
	defer out.Close()
	errf, err := os.CreateTemp(l.dir, "stderr-")
	if err != nil {
		panic(err)
	}
	defer os.Remove(errf.Name())
	defer errf.Close()
	cmd.Stdout, cmd.Stderr = out, errf
	err = cmd.Run()
	ob, _ := os.ReadFile(out.Name())
	eb, _ := os.ReadFile(errf.Name())
	r := result{stdout: string(ob), stderr: string(eb)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		if t != nil {
			t.Fatalf("%s %s: %v", prog, strings.Join(args, " "), err)
		}
		r.code = -1
		r.stderr += err.Error()
	}
	return r
}

// zpath is a Linux path as Windows programs under Wine see it: Z: is /.
func zpath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return `Z:` + strings.ReplaceAll(abs, "/", `\`)
}

// cdrive makes a folder on the prefix's C: drive and returns its Linux
// path and its C:\ path.
func (l *lane) cdrive(t *testing.T, name string) (linux, windows string) {
	t.Helper()
	linux = filepath.Join(l.prefix, "drive_c", "refimage-tests", name)
	if err := os.RemoveAll(linux); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(linux, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(linux) })
	return linux, `C:\refimage-tests\` + name
}

// repo is a path in the repository.
func repo(rel string) string {
	p, err := filepath.Abs(filepath.Join("..", "..", filepath.FromSlash(rel)))
	if err != nil {
		panic(err)
	}
	return p
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
