package engine

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/refimage/refimage/engine/sequence/secret"
)

// Log line types of the CMTrace format.
const (
	LogInfo    = 1
	LogWarning = 2
	LogError   = 3
)

// LogName is the name of the engine's log.
const LogName = "smsts.log"

// JSONLogName is the JSON-lines log written beside smsts.log with
// --log-format json.
const JSONLogName = "smsts.jsonl"

// EngineComponent is the CMTrace component of the engine's own lines.
const EngineComponent = "TSManager"

// FormatCMTrace formats one CMTrace record (configmgr.md §3.7):
//
//	<![LOG[message]LOG]!><time="HH:mm:ss.fff+BBB" date="MM-dd-yyyy" component="C" context="" type="1" thread="123" file="source:line">
//
// The time is local time with the Windows bias in minutes (UTC = local +
// bias), so UTC+2 is -120. The record ends with CRLF, as ConfigMgr's do.
func FormatCMTrace(t time.Time, typ int, component string, thread int, file, msg string) string {
	_, off := t.Zone()
	bias := -off / 60
	var b strings.Builder
	b.Grow(len(msg) + 160)
	b.WriteString("<![LOG[")
	b.WriteString(msg)
	fmt.Fprintf(&b, `]LOG]!><time="%02d:%02d:%02d.%03d%+04d" date="%02d-%02d-%04d" component="%s" context="" type="%d" thread="%d" file="%s">`,
		t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1e6, bias,
		int(t.Month()), t.Day(), t.Year(), component, typ, thread, file)
	b.WriteString("\r\n")
	return b.String()
}

// LogEntry is one line of the engine's log, as events carry it.
type LogEntry struct {
	Time      time.Time `json:"time"`
	Type      int       `json:"type"`
	Component string    `json:"component"`
	Thread    int       `json:"thread"`
	File      string    `json:"file"`
	Message   string    `json:"message"`
	Step      string    `json:"step,omitempty"` // path of the running step
}

// logger writes smsts.log (and smsts.jsonl) and passes every line through
// the redactor first.
type logger struct {
	mu     sync.Mutex
	dir    string
	f      *os.File
	jf     *os.File
	json   bool
	red    *secret.Redactor
	now    func() time.Time
	thread int
	step   string
	sink   func(LogEntry)
	fileOf func(skip int) string
	// err is the first failure to write a log file; the files are not
	// written after it (a record is never left cut in half: the file is
	// cut back to its last whole record).
	err error
}

// callerFile is file="source:line" of the code that logged.
func callerFile(skip int) string {
	_, file, line, ok := runtime.Caller(skip + 1)
	if !ok {
		return "engine.go:0"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(file), line)
}

// open opens smsts.log in dir (callers hold no lock or l.mu). A fresh run keeps an existing log by
// renaming it smsts-YYYYMMDD-HHMMSS.log (history is never deleted); a
// resumed run appends.
func (l *logger) open(dir string, resume bool) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, LogName)
	if !resume {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			stamp := fi.ModTime().Format("20060102-150405")
			os.Rename(path, uniqueName(filepath.Join(dir, "smsts-"+stamp), ".log"))
			if _, err := os.Stat(filepath.Join(dir, JSONLogName)); err == nil {
				os.Rename(filepath.Join(dir, JSONLogName), uniqueName(filepath.Join(dir, "smsts-"+stamp), ".jsonl"))
			}
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	l.f = f
	if l.json {
		jf, err := os.OpenFile(filepath.Join(dir, JSONLogName), os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
		if err != nil {
			f.Close()
			return err
		}
		l.jf = jf
	}
	l.dir = dir
	return nil
}

func uniqueName(base, ext string) string {
	p := base + ext
	for i := 1; ; i++ {
		if _, err := os.Stat(p); err != nil {
			return p
		}
		p = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
}

// move continues the log in another folder: what was written so far is
// copied there first, so no history is lost when the log follows the
// environment (X:\ before the disk exists, C:\_SMSTaskSequence after).
func (l *logger) move(dir string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if dir == "" || dir == l.dir || l.f == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, name := range []string{LogName, JSONLogName} {
		// Read through the open file: its content survives even when the
		// old folder was already removed.
		h := l.f
		if i == 1 {
			h = l.jf
		}
		if h == nil {
			continue
		}
		old, err := readAll(h)
		if err != nil {
			continue
		}
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		f.Write(old)
		f.Close()
	}
	l.f.Close()
	if l.jf != nil {
		l.jf.Close()
	}
	l.f, l.jf = nil, nil
	old := l.dir
	if err := l.open(dir, true); err != nil {
		l.open(old, true)
		return err
	}
	return nil
}

func (l *logger) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
	if l.jf != nil {
		l.jf.Close()
		l.jf = nil
	}
}

// path is the log file's path ("" when there is none).
func (l *logger) path() string {
	if l.dir == "" {
		return ""
	}
	return filepath.Join(l.dir, LogName)
}

// logf writes a line; skip is how many callers above logf to name in
// file="…".
func (l *logger) write(skip, typ int, component, msg string) {
	msg = l.red.Redact(msg)
	file := ""
	if l.fileOf != nil {
		file = l.fileOf(skip + 1)
	} else {
		file = callerFile(skip + 1)
	}
	now := time.Now
	if l.now != nil {
		now = l.now
	}
	t := now()
	e := LogEntry{Time: t, Type: typ, Component: component, Thread: l.thread, File: file, Message: msg, Step: l.step}
	l.mu.Lock()
	if l.f != nil && l.err == nil {
		l.writeWhole(l.f, []byte(FormatCMTrace(t, typ, component, l.thread, file, msg)))
	}
	if l.jf != nil && l.err == nil {
		b, _ := json.Marshal(e)
		l.writeWhole(l.jf, append(b, '\n'))
	}
	l.mu.Unlock()
	if l.sink != nil {
		l.sink(e)
	}
}

// writeWhole appends a record; when it fails the file is cut back to
// where the record started and the failure kept (callers hold l.mu).
func (l *logger) writeWhole(f *os.File, rec []byte) {
	off, serr := f.Seek(0, io.SeekEnd)
	if _, err := f.Write(rec); err != nil {
		if serr == nil {
			f.Truncate(off)
		}
		l.err = fmt.Errorf("cannot write %s: %w", f.Name(), err)
	}
}

// failure returns the first failure to write the log.
func (l *logger) failure() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

func (l *logger) info(component, format string, args ...any) {
	l.write(1, LogInfo, component, sprintf(format, args...))
}
func (l *logger) warn(component, format string, args ...any) {
	l.write(1, LogWarning, component, sprintf(format, args...))
}
func (l *logger) error(component, format string, args ...any) {
	l.write(1, LogError, component, sprintf(format, args...))
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

func readAll(f *os.File) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, fi.Size())
	n, err := f.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	return buf[:n], nil
}
