package engine

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/condition"
)

// LiveOptions configure the live platform.
type LiveOptions struct {
	// Machine, when set, replaces detection: on Windows it overrides what
	// was detected; elsewhere it is the simulated machine (from --env,
	// --uefi/--bios). Without it a non-Windows machine is WinPE-like and
	// UEFI.
	Machine *Machine
}

// Live returns the platform of the machine the program runs on.
func Live(opts LiveOptions) Platform { return &live{opts: opts} }

type live struct {
	opts LiveOptions
}

func (l *live) Stat(path string) (fs.FileInfo, error) { return os.Stat(path) }
func (l *live) ReadFile(path string) ([]byte, error)  { return os.ReadFile(path) }
func (l *live) MkdirAll(path string) error            { return os.MkdirAll(path, 0o755) }
func (l *live) RemoveAll(path string) error           { return os.RemoveAll(path) }
func (l *live) WriteFile(path string, data []byte, perm fs.FileMode) error {
	return sequence.WriteFileAtomic(path, data, perm)
}
func (l *live) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

func (l *live) ReadDirNames(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	sort.Strings(names)
	return names, err
}

// CopyFile copies src to dst through a temporary file beside dst, so a
// failed copy never leaves a partial dst.
func (l *live) CopyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, in)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func (l *live) FileInfo(path string) (condition.FileInfo, error) {
	path = expandEnvPath(path)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return condition.FileInfo{}, nil
	}
	if err != nil {
		return condition.FileInfo{}, err
	}
	if fi.IsDir() {
		return condition.FileInfo{}, nil
	}
	return condition.FileInfo{Exists: true, Modified: fi.ModTime().UTC(), Version: fileVersion(path)}, nil
}

func (l *live) FolderInfo(path string) (condition.FolderInfo, error) {
	path = expandEnvPath(path)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return condition.FolderInfo{}, nil
	}
	if err != nil {
		return condition.FolderInfo{}, err
	}
	if !fi.IsDir() {
		return condition.FolderInfo{}, nil
	}
	return condition.FolderInfo{Exists: true, Modified: fi.ModTime().UTC()}, nil
}

// runProcess runs cmd (already configured for the OS) with output
// streamed line by line, a timeout and tree kill on cancellation.
// started is called right after the process starts (Windows puts it in a
// job object); kill kills the whole tree.
func runProcess(ctx context.Context, cmd *exec.Cmd, c Command, started func(*exec.Cmd) error, kill func(*exec.Cmd)) (int64, error) {
	if c.Dir != "" {
		if fi, err := os.Stat(c.Dir); err != nil || !fi.IsDir() {
			return 0, &Error{Code: CodePathNotFound, Msg: "the working folder " + c.Dir + " does not exist"}
		}
	}
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), c.Env...)
	outR, outW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return 0, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	if err := cmd.Start(); err != nil {
		outR.Close()
		outW.Close()
		errR.Close()
		errW.Close()
		code := CodeFileNotFound
		if errors.Is(err, fs.ErrPermission) {
			code = CodeAccessDenied
		}
		return 0, &Error{Code: code, Msg: "cannot start the command", Err: err}
	}
	outW.Close()
	errW.Close()
	if c.Started != nil {
		c.Started(ProcessRef{PID: cmd.Process.Pid, Start: processStart(cmd.Process.Pid)})
	}
	if started != nil {
		if err := started(cmd); err != nil {
			kill(cmd)
		}
	}
	var mu sync.Mutex
	emit := func(line string, stderr bool) {
		if c.Output == nil {
			return
		}
		mu.Lock()
		c.Output(line, stderr)
		mu.Unlock()
	}
	var readers sync.WaitGroup
	read := func(r io.ReadCloser, stderr bool) {
		defer readers.Done()
		defer r.Close()
		br := bufio.NewReaderSize(r, 64*1024)
		if c.SplitCR {
			readCRLines(br, func(line string) { emit(line, stderr) })
			return
		}
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				emit(trimEOL(line), stderr)
			}
			if err != nil {
				return
			}
		}
	}
	readers.Add(2)
	go read(outR, false)
	go read(errR, true)

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var timer <-chan time.Time
	if c.Timeout > 0 {
		t := time.NewTimer(c.Timeout)
		defer t.Stop()
		timer = t.C
	}
	var killedBy error
	var werr error
	select {
	case werr = <-done:
	case <-ctx.Done():
		killedBy = ErrKilled
		kill(cmd)
		werr = <-done
	case <-timer:
		killedBy = &TimeoutError{Timeout: c.Timeout}
		kill(cmd)
		werr = <-done
	}
	// Output still held open by a process that left the tree must not
	// hang the engine: give the readers a moment, then close.
	waited := make(chan struct{})
	go func() { readers.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(2 * time.Second):
		outR.Close()
		errR.Close()
		<-waited
	}
	if killedBy != nil {
		return -1, killedBy
	}
	if werr != nil {
		var ee *exec.ExitError
		if errors.As(werr, &ee) {
			return int64(uint32(ee.ExitCode())), nil
		}
		return 0, werr
	}
	return int64(uint32(cmd.ProcessState.ExitCode())), nil
}

// readCRLines reads lines ended by \n, \r\n or a lone \r.
func readCRLines(br *bufio.Reader, emit func(string)) {
	var line []byte
	flush := func() {
		if len(line) > 0 {
			emit(string(line))
		}
		line = line[:0]
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			flush()
			return
		}
		switch b {
		case '\n':
			flush()
		case '\r':
			flush()
			if nb, err := br.Peek(1); err == nil && nb[0] == '\n' {
				br.ReadByte()
			}
		default:
			line = append(line, b)
		}
	}
}

func trimEOL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// defaultDirs is the state and log folder when nothing else says where:
// the user's config folder.
func defaultDirs() (state, log string) {
	base, err := os.UserConfigDir()
	if err != nil {
		base = os.TempDir()
	}
	state = filepath.Join(base, "refimage", "_SMSTaskSequence")
	return state, filepath.Join(state, "Logs", "Smstslog")
}
