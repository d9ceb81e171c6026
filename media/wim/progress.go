package wim

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Progress is reported while capturing, applying, verifying or writing.
// Callbacks are never called concurrently.
type Progress struct {
	Op         string // "capture", "apply", "verify", "write", "integrity"
	BytesDone  uint64
	BytesTotal uint64
	FilesDone  uint64
	FilesTotal uint64
	Path       string // current path, when known
	Done       bool   // the last report of this operation
}

// ProgressFunc receives progress reports.
type ProgressFunc func(Progress)

type progressTracker struct {
	fn         ProgressFunc
	op         string
	bytesTotal uint64
	filesTotal uint64
	bytes      atomic.Uint64
	files      atomic.Uint64
	mu         sync.Mutex
	last       time.Time
	path       string
}

func newTracker(fn ProgressFunc, op string, bytesTotal, filesTotal uint64) *progressTracker {
	return &progressTracker{fn: fn, op: op, bytesTotal: bytesTotal, filesTotal: filesTotal}
}

func (t *progressTracker) add(bytes, files uint64, path string) {
	if t == nil {
		return
	}
	t.bytes.Add(bytes)
	t.files.Add(files)
	if t.fn == nil {
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if path != "" {
		t.path = path
	}
	if now.Sub(t.last) < 100*time.Millisecond {
		return
	}
	t.last = now
	t.fn(t.snapshot(false))
}

func (t *progressTracker) snapshot(done bool) Progress {
	return Progress{Op: t.op, BytesDone: t.bytes.Load(), BytesTotal: t.bytesTotal, FilesDone: t.files.Load(), FilesTotal: t.filesTotal, Path: t.path, Done: done}
}

func (t *progressTracker) finish() {
	if t == nil || t.fn == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fn(t.snapshot(true))
}

func ctxOf(c context.Context) context.Context {
	if c == nil {
		return context.Background()
	}
	return c
}

// addTotal grows the totals (a streaming scan finds work as it goes).
func (t *progressTracker) addTotal(bytes, files uint64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.bytesTotal += bytes
	t.filesTotal += files
	t.mu.Unlock()
}
