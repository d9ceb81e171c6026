package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
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
