package drivers

import (
	"fmt"
	"strings"
)

// DISMAddDriver returns the arguments of dism.exe that stage a driver
// package into an applied image (Apply Driver Package with "install via
// DISM with recurse", and Auto Apply Drivers in Windows PE):
//
//	dism.exe /Image:W:\ /Add-Driver /Driver:FOLDER [/Recurse] [/ForceUnsigned] /LogPath:LOG
//
// extra are OSDInstallDriversAdditionalOptions, passed through (split on
// spaces; quotes are not interpreted, as ConfigMgr does not validate them
// either).
func DISMAddDriver(image, driver string, recurse, forceUnsigned bool, logPath, extra string) ([]string, error) {
	for _, s := range []string{image, driver, logPath} {
		if strings.ContainsAny(s, "\"\r\n") {
			return nil, fmt.Errorf("%q: a path for dism cannot contain quotes or line breaks", s)
		}
	}
	if image == "" || driver == "" {
		return nil, fmt.Errorf("dism /Add-Driver needs the image root and the driver folder")
	}
	args := []string{"/Image:" + image, "/Add-Driver", "/Driver:" + driver}
	if recurse {
		args = append(args, "/Recurse")
	}
	if forceUnsigned {
		args = append(args, "/ForceUnsigned")
	}
	if logPath != "" {
		args = append(args, "/LogPath:"+logPath)
	}
	args = append(args, strings.Fields(extra)...)
	return args, nil
}

// DISMApplyUnattend returns the arguments that apply an answer file's
// offlineServicing pass (driver paths) to an applied image, as
// Configuration Manager does with its drivers answer file.
func DISMApplyUnattend(image, answerFile, logPath string) ([]string, error) {
	for _, s := range []string{image, answerFile, logPath} {
		if strings.ContainsAny(s, "\"\r\n") {
			return nil, fmt.Errorf("%q: a path for dism cannot contain quotes or line breaks", s)
		}
	}
	args := []string{"/Image:" + image, "/Apply-Unattend:" + answerFile}
	if logPath != "" {
		args = append(args, "/LogPath:"+logPath)
	}
	return args, nil
}
