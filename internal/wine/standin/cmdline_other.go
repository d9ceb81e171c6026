//go:build !windows

package main

import (
	"errors"
	"os"
	"strings"
)

func setReg(keyName, value string) error { return errors.New("no registry here") }

// commandLine off Windows has no command line as such: the arguments
// joined, for trying the stand-in out.
func commandLine() (string, []string) { return strings.Join(os.Args, " "), os.Args }
