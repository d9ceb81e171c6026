package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockFile is the file in the state folder an engine holds locked for
// the whole run (flock on Unix, LockFileEx on Windows). The kernel drops
// the lock when the process dies, so a dead holder's lock is taken over
// by the next run.
const LockFile = ".refimage.lock"

// LockedError says another engine holds the state folder.
type LockedError struct {
	Dir    string
	Holder string // what the holder wrote: process id, host, start time
}

func (e *LockedError) Error() string {
	h := e.Holder
	if h == "" {
		h = "another process"
	}
	return fmt.Sprintf("the state folder %s is in use by another refimage run (%s); wait for it to end, or stop it, before running or resuming here", e.Dir, h)
}

type dirLock struct {
	f   *os.File
	dir string
}

// lockStateDir takes the state folder's lock. For a resume a missing
// folder is not created (there is nothing to resume; LoadState says so).
func lockStateDir(dir string, resume bool) (*dirLock, error) {
	if resume {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state folder: %w", err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock the state folder %s: %w", dir, err)
	}
	if held {
		b := make([]byte, 256)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		return nil, &LockedError{Dir: dir, Holder: strings.TrimSpace(string(b[:n]))}
	}
	host, _ := os.Hostname()
	info := fmt.Sprintf("process %d on %s, since %s", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	f.Truncate(0)
	f.WriteAt([]byte(info+"\n"), 0)
	return &dirLock{f: f, dir: dir}, nil
}

// release drops the lock (the file stays: removing it would let two
// processes lock different files of the same name).
func (l *dirLock) release() {
	if l != nil && l.f != nil {
		unlock(l.f)
		l.f.Close()
		l.f = nil
	}
}

// checkLock returns a *LockedError when another process holds the
// state folder's lock (it takes and drops the lock otherwise).
func checkLock(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR, 0)
	if err != nil {
		return nil // never locked
	}
	defer f.Close()
	held, err := tryLock(f)
	if err != nil || !held {
		if err == nil {
			unlock(f)
		}
		return nil
	}
	b := make([]byte, 256)
	n, _ := f.ReadAt(b, 0)
	return &LockedError{Dir: dir, Holder: strings.TrimSpace(string(b[:n]))}
}
