package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"
)

// checkInput says, as a usage error (exit 2), what is wrong with a file
// a command reads: it does not exist, it is a folder, or it is not a
// regular file (a device or a pipe that could be read forever).
func checkInput(path, what string) error {
	if m := inputProblem(path, what); m != "" {
		return usageErrorf("%s", m)
	}
	return nil
}

// inputProblem is checkInput's message, or "" when the file can be read.
func inputProblem(path, what string) string {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("the %s %s does not exist", what, path)
	case err != nil:
		return fmt.Sprintf("the %s %s cannot be read: %v", what, path, unwrapPath(err))
	case info.IsDir():
		return fmt.Sprintf("%s is a folder, not a %s", path, what)
	case !info.Mode().IsRegular():
		return fmt.Sprintf("%s is not a regular file (a device, pipe or socket); the %s must be a file", path, what)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("the %s %s cannot be read: %v", what, path, unwrapPath(err))
	}
	f.Close()
	return ""
}

// maxTextFile is the most a text input (a sequence, answers or theme
// file) may hold: far above any real one, and a cap on what a wrong
// path can make refimage read.
const maxTextFile = 16 << 20

// textInputProblem is inputProblem for a text file, which must also not
// be larger than maxTextFile.
func textInputProblem(path, what string) string {
	if m := inputProblem(path, what); m != "" {
		return m
	}
	if info, err := os.Stat(path); err == nil && info.Size() > maxTextFile {
		return fmt.Sprintf("the %s %s has %d bytes; a %s holds at most %d MiB", what, path, info.Size(), what, maxTextFile>>20)
	}
	return ""
}

// readTextInput reads a text file named on the command line, refusing
// (exit 2) what textInputProblem refuses.
func readTextInput(path, what string) ([]byte, error) {
	if m := textInputProblem(path, what); m != "" {
		return nil, usageErrorf("%s", m)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErrorf("the %s %s cannot be read: %v", what, path, unwrapPath(err))
	}
	if len(b) > maxTextFile {
		return nil, usageErrorf("the %s %s has more than %d MiB", what, path, maxTextFile>>20)
	}
	return b, nil
}

// checkOutput says, as a usage error, what is wrong with the name of a
// file a command writes: its folder does not exist (or is no folder),
// or the name is a folder.
func checkOutput(path, what string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageErrorf("the folder %s does not exist (for the %s %s)", dir, what, path)
	case err != nil:
		return usageErrorf("the folder %s cannot be used: %v", dir, unwrapPath(err))
	case !info.IsDir():
		return usageErrorf("%s is not a folder (for the %s %s)", dir, what, path)
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return usageErrorf("%s is a folder; give the %s a file name", path, what)
	}
	return nil
}

// unwrapPath drops the operation and path an *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkFolderFlag says, as a usage error, what is wrong with a folder a
// flag names and the command creates if needed (--state, --log): it is
// a file, or a file stands where one of its parents should be.
func checkFolderFlag(flag, dir string) error {
	if dir == "" {
		return nil
	}
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		switch {
		case err == nil && info.IsDir():
			return nil // it exists, or is made inside p
		case err == nil && p == filepath.Clean(dir):
			return usageErrorf("%s %s: this is a file, not a folder", flag, dir)
		case err == nil:
			return usageErrorf("%s %s: %s is a file, not a folder", flag, dir, p)
		case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
			return usageErrorf("%s %s: %s cannot be used: %v", flag, dir, p, unwrapPath(err))
		}
		if filepath.Dir(p) == p {
			return nil
		}
	}
}

// safeText is a writer for lines that carry text from files (step names,
// descriptions, commands): control characters other than newline and tab
// — ESC, BEL, CR, backspace, the rest of C0, DEL and C1 — are written as
// visible escapes (\x1b, \r, \u009b), and so are bytes that are not
// UTF-8, so that a name cannot clear the screen, move the cursor or
// forge lines.
type safeText struct{ w io.Writer }

func (s safeText) Write(p []byte) (int, error) {
	clean := true
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRune(p[i:])
		if unsafeRune(r) || r == utf8.RuneError && n == 1 {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s.w.Write(p)
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, p[i]) // a lone byte: 0x9b is CSI on some terminals
		case !unsafeRune(r):
			b.WriteRune(r)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	if _, err := io.WriteString(s.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// unsafeRune is a control character a terminal acts on (newline and tab
// excepted).
func unsafeRune(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}
