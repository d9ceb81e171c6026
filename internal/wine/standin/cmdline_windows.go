//go:build windows

package main

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// setReg sets the HKLM string value KEY\NAME.
func setReg(keyName, value string) error {
	i := strings.LastIndex(keyName, `\`)
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, keyName[:i], registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	return k.SetStringValue(keyName[i+1:], value)
}

// commandLine is GetCommandLineW and its CommandLineToArgvW split.
func commandLine() (string, []string) {
	p := windows.GetCommandLine()
	line := windows.UTF16PtrToString(p)
	var argc int32
	argv, err := windows.CommandLineToArgv(p, &argc)
	if err != nil {
		return line, nil
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(argv)))
	out := make([]string, argc)
	for i := range out {
		out[i] = windows.UTF16PtrToString(&argv[i][0])
	}
	return line, out
}
