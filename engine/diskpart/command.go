package diskpart

import (
	"fmt"
	"strings"
)

// Command is how the script is run: diskpart.exe /s "FILE".
func Command(scriptPath string) []string {
	return []string{"diskpart.exe", "/s", scriptPath}
}

// CommandLine is Command as one line, for plans and logs.
func CommandLine(scriptPath string) string {
	if strings.ContainsAny(scriptPath, " \t") {
		scriptPath = `"` + scriptPath + `"`
	}
	return "diskpart.exe /s " + scriptPath
}

// CheckDisk refuses to partition a disk the engine needs: the disk it runs
// from (the boot medium, a USB stick with the content) or one holding its
// state. protected are those disks' numbers, as the platform found them.
func CheckDisk(disk int, protected []int) error {
	for _, p := range protected {
		if p == disk {
			return fmt.Errorf("disk %d holds the media or the state refimage runs from; it cannot be partitioned (choose another disk number, or set the disk variable)", disk)
		}
	}
	return nil
}
