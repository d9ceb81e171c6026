//go:build !windows

package wim

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Regression tests for data that used to change silently between capture
// and apply (issue 14): names, times, link targets, the output file,
// special files.

func imageNames(t *testing.T, path string) map[string]*Dentry {
	t.Helper()
	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	m, err := w.Metadata(1)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]*Dentry{}
	m.Root.Walk(func(p string, d *Dentry) error {
		names[p] = d
		return nil
	})
	return names
}

// A name that is not UTF-8 cannot be stored; capture refuses it with the
// path instead of storing U+FFFD (two such names collided and one file was
// lost on apply).
func TestCaptureRefusesNonUTF8Names(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "sub"), 0o755)
	bad := filepath.Join(src, "sub", "caf\xe9.txt")
	if err := os.WriteFile(bad, []byte("x"), 0o644); err != nil {
		t.Skipf("this file system refuses non-UTF-8 names: %v", err)
	}
	out := filepath.Join(dir, "o.wim")
	_, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS})
	var ie *InputError
	if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), "not valid UTF-8") || !strings.Contains(err.Error(), filepath.Join(src, "sub")) {
		t.Fatalf("capture of a non-UTF-8 name: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a WIM was written although the capture was refused")
	}
}

// FILETIMEs after 2262 (and before 1678) do not fit int64 nanoseconds;
// they must not wrap around on capture or on apply.
func TestTimesAfter2262(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2400, 1, 1, 0, 0, 0, 123456700, time.UTC),
		time.Date(1601, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(30000, 6, 1, 12, 0, 0, 0, time.UTC),
	} {
		ft := FiletimeFromTime(tm)
		if !ft.Time().Equal(tm) {
			t.Errorf("%v → FILETIME %d → %v", tm, ft, ft.Time())
		}
	}
	// 2400-01-01 is 799 years of 365.2425 days after 1601-01-01 (the
	// Gregorian cycle is exact over 400 years: 1601-2001 and 2001-2401
	// less the year 2400).
	days := int64(2*146097 - 366)
	if want := Filetime(uint64(days*86400) * 10000000); FiletimeFromTime(time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)) != want {
		t.Errorf("2400-01-01 is FILETIME %d, want %d", FiletimeFromTime(time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)), want)
	}

	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	f := filepath.Join(src, "future.txt")
	os.WriteFile(f, []byte("from the future\n"), 0o644)
	mt := time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)
	at := time.Date(2300, 7, 4, 12, 30, 0, 0, time.UTC)
	// Not os.Chtimes: it passes through int64 nanoseconds too.
	ts := []unix.Timespec{{Sec: at.Unix()}, {Sec: mt.Unix()}}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, f, ts, 0); err != nil {
		t.Skipf("cannot set the time: %v", err)
	}
	if fi, _ := os.Stat(f); !fi.ModTime().Equal(mt) {
		t.Skipf("this file system cannot hold %v (has %v)", mt, fi.ModTime())
	}
	out := filepath.Join(dir, "o.wim")
	if _, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS}); err != nil {
		t.Fatal(err)
	}
	d := imageNames(t, out)["future.txt"]
	if d.LastWriteTime != FiletimeFromTime(mt) || d.LastAccessTime != FiletimeFromTime(at) {
		t.Errorf("captured times %v, %v; want %v, %v", d.LastWriteTime.Time(), d.LastAccessTime.Time(), mt, at)
	}
	w, _ := Open(out)
	defer w.Close()
	got := filepath.Join(dir, "got")
	if _, err := w.Apply(1, got, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(got, "future.txt")); !fi.ModTime().Equal(mt) {
		t.Errorf("applied mtime %v, want %v", fi.ModTime(), mt)
	}
	// wimlib reads the same time from our WIM.
	wl := filepath.Join(dir, "wl")
	wimlib(t, "apply", out, "1", wl)
	if fi, _ := os.Stat(filepath.Join(wl, "future.txt")); !fi.ModTime().Equal(mt) {
		t.Errorf("wimlib applied mtime %v, want %v", fi.ModTime(), mt)
	}
}

// Names Windows cannot create are captured with a warning and applied as
// they are on Linux (aux.c of a Linux source tree is an ordinary file).
func TestWindowsOnlyNamesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	names := []string{"aux.c", "nul.tar.gz", "a:b", `back\slash`, "COM1"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(src, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(src, "fine.txt"), []byte("fine"), 0o644)
	out := filepath.Join(dir, "o.wim")
	res, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		found := false
		for _, w := range res.Warnings {
			found = found || strings.HasPrefix(w, n+": ") && strings.Contains(w, "Windows cannot apply it")
		}
		if !found {
			t.Errorf("no capture warning for %q: %q", n, res.Warnings)
		}
	}
	if res.WarningCount != len(names) {
		t.Errorf("%d warnings, want %d: %q", res.WarningCount, len(names), res.Warnings)
	}
	w, _ := Open(out)
	defer w.Close()
	got := filepath.Join(dir, "got")
	if _, err := w.Apply(1, got, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	compareTrees(t, src, got)
}

// Symbolic link targets come back as they were: a '\' in a Unix target,
// and a relative target that starts with "C:" (which used to become the
// absolute /Windows). wimlib reads our links the same way, and we read
// wimlib's.
func TestSymlinkTargetsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	targets := map[string]string{
		"l-backslash": `back\slash`,
		"l-drive":     "C:/Windows",
		"l-mixed":     `dir\sub/x`,
		"l-abs":       "/nonexistent/outside",
		"l-rel":       "../up/there",
	}
	for l, tg := range targets {
		if err := os.Symlink(tg, filepath.Join(src, l)); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what, root string) {
		t.Helper()
		for l, tg := range targets {
			got, err := os.Readlink(filepath.Join(root, l))
			if err != nil || got != tg {
				t.Errorf("%s: %s → %q (%v), want %q", what, l, got, err, tg)
			}
		}
	}
	out := filepath.Join(dir, "o.wim")
	if _, err := Capture(src, out, CaptureOptions{Compression: CompressXPRESS}); err != nil {
		t.Fatal(err)
	}
	w, _ := Open(out)
	defer w.Close()
	if _, err := w.Apply(1, filepath.Join(dir, "ours"), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	check("refimage → refimage", filepath.Join(dir, "ours"))
	wimlib(t, "apply", out, "1", filepath.Join(dir, "wl"))
	check("refimage → wimlib", filepath.Join(dir, "wl"))
	theirs := filepath.Join(dir, "theirs.wim")
	wimlib(t, "capture", src, theirs, "--norpfix")
	tw, err := Open(theirs)
	if err != nil {
		t.Fatal(err)
	}
	defer tw.Close()
	if _, err := tw.Apply(1, filepath.Join(dir, "fromwl"), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	check("wimlib → refimage", filepath.Join(dir, "fromwl"))
}

// The WIM being written is never captured into itself, even when the
// output folder is the source folder reached by another path.
func TestCaptureSkipsOutputByIdentity(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.MkdirAll(real, 0o755)
	os.WriteFile(filepath.Join(real, "data.txt"), []byte("data"), 0o644)
	alias := filepath.Join(dir, "alias")
	if err := os.Symlink(real, alias); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(alias, "self.wim")
	res, err := Capture(real, out, CaptureOptions{Compression: CompressXPRESS})
	if err != nil {
		t.Fatal(err)
	}
	names := imageNames(t, out)
	for p := range names {
		if strings.Contains(p, "self.wim") {
			t.Errorf("the output was captured into itself as %q", p)
		}
	}
	if names["data.txt"] == nil || res.Files != 1 {
		t.Errorf("files %d, names %v", res.Files, names)
	}
}

// Special files: capture skips them with a warning; from a wimlib
// --unix-data image a FIFO is applied as a FIFO (not an empty file), a
// socket is skipped with a warning, and UNIX modes are applied.
func TestSpecialFilesAndUnixData(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "private"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(src, "fifo"), 0o640); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	ln, err := net.Listen("unix", filepath.Join(src, "sock"))
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	defer ln.Close()
	os.WriteFile(filepath.Join(src, "script.sh"), []byte("#!/bin/sh\n"), 0o750)
	os.Chmod(filepath.Join(src, "script.sh"), 0o750)
	os.Chmod(filepath.Join(src, "private"), 0o700)

	res, err := Capture(src, filepath.Join(dir, "o.wim"), CaptureOptions{Compression: CompressXPRESS})
	if err != nil {
		t.Fatal(err)
	}
	if res.SkippedSpecial != 2 || len(res.Warnings) != 2 || !strings.Contains(strings.Join(res.Warnings, "\n"), "fifo: skipped: a named pipe") || !strings.Contains(strings.Join(res.Warnings, "\n"), "sock: skipped: a socket") {
		t.Errorf("capture of special files: %d skipped, warnings %q", res.SkippedSpecial, res.Warnings)
	}

	ud := filepath.Join(dir, "unixdata.wim")
	wimlib(t, "capture", src, ud, "--unix-data")
	w, err := Open(ud)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got := filepath.Join(dir, "got")
	st, err := w.Apply(1, got, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(filepath.Join(got, "fifo")); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("fifo applied as %v (%v), want a named pipe", fi.Mode(), err)
	}
	if _, err := os.Lstat(filepath.Join(got, "sock")); err == nil {
		t.Errorf("the socket was turned into a file")
	}
	if st.SkippedSpecial != 1 || st.FIFOs != 1 || len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "sock: skipped: a socket") {
		t.Errorf("apply stats: %+v", st)
	}
	for name, want := range map[string]os.FileMode{"script.sh": 0o750, "private": 0o700, "fifo": 0o640} {
		fi, err := os.Lstat(filepath.Join(got, name))
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", name, fi.Mode().Perm(), err, want)
		}
	}
}
