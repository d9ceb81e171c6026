package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/refimage/refimage/engine/sequence/condition"
)

// Platform is everything a step may do to the machine: processes, files,
// disks, firmware facts and restarts. A step reaches the machine only
// through it. Implementations:
//
//   - Live(): the real machine. On Windows real processes in a job object,
//     WinPE from the MiniNT key, UEFI from the firmware type, restarts with
//     wpeutil/shutdown. Elsewhere processes run with /bin/sh -c, the
//     environment comes from flags (Machine is given) and restarts are
//     unsupported.
//   - enginetest.Fake: a strict fake for tests.
//
// The engine itself writes its state and logs directly (they are its own
// files, not the machine's); everything a step does goes through here.
type Platform interface {
	// Machine describes where the engine runs: Windows PE or not, UEFI or
	// BIOS, the machine name.
	Machine(ctx context.Context) (Machine, error)

	// Run runs a command line and waits for it. Output lines are passed to
	// c.Output as they come. When ctx is cancelled or c.Timeout passes,
	// the command's whole process tree is killed: Run then returns
	// ErrKilled (wrapped) or a *TimeoutError. A command that cannot start
	// returns an *Error with its Windows code (e.g. CodeFileNotFound).
	Run(ctx context.Context, c Command) (exitCode int64, err error)

	// Files.
	Stat(path string) (fs.FileInfo, error)
	ReadFile(path string) ([]byte, error)
	// WriteFile writes a file atomically (temporary file, fsync, rename).
	WriteFile(path string, data []byte, perm fs.FileMode) error
	MkdirAll(path string) error
	RemoveAll(path string) error
	// Rename renames a file, replacing newpath if it exists (Windows:
	// MoveFileEx with MOVEFILE_REPLACE_EXISTING).
	Rename(oldpath, newpath string) error
	// CopyFile copies one file (created or replaced) with its data only.
	CopyFile(src, dst string) error
	// ReadDirNames lists the names in a folder, sorted.
	ReadDirNames(path string) ([]string, error)

	// Volumes lists the mounted volumes with their file system, drive
	// letter, disk and bus (capture-os-image skips USB volumes;
	// partition-disk hands out free letters).
	Volumes(ctx context.Context) ([]Volume, error)

	// Disks lists the machine's disks in Windows enumeration order.
	Disks(ctx context.Context) ([]Disk, error)

	// Reboot restarts the machine. It returns once the restart is
	// underway (the process is about to end) or with ErrRebootUnsupported.
	Reboot(ctx context.Context, r Reboot) error

	// Facts answers what conditions ask about the machine (files,
	// folders, registry, WMI, OS version and language, software).
	Facts
}

// Facts is condition.Env without the variables (the engine has those).
type Facts interface {
	FileInfo(path string) (condition.FileInfo, error)
	FolderInfo(path string) (condition.FolderInfo, error)
	Registry(key, value string) (condition.RegValue, error)
	WMI(namespace, query string) (int, error)
	OSVersion() (string, error)
	OSLanguage() (string, error)
	Software(productCode, upgradeCode string) ([]condition.Installed, error)
}

// Machine is what the engine knows about the machine at start.
type Machine struct {
	InWinPE    bool   // _SMSTSInWinPE
	UEFI       bool   // _SMSTSBootUEFI
	SecureBoot string // _TSSecureBoot: NA, Enabled or Disabled
	Name       string // _SMSTSMachineName
	Arch       string // x86, x64 or arm64
	// StateDir and LogDir are where the engine keeps its state and
	// smsts.log on this machine when no folder is given (Windows:
	// C:\_SMSTaskSequence once it exists, X:\ before). Empty means the
	// caller must give them.
	StateDir string
	LogDir   string
}

// Env is the environment name of the machine: winpe or full-os.
func (m Machine) Env() string {
	if m.InWinPE {
		return "winpe"
	}
	return "full-os"
}

// Command is a command line to run.
type Command struct {
	// Line is the command line as written in the sequence, %VAR% already
	// expanded. Windows passes it to CreateProcess as is; elsewhere it
	// runs with /bin/sh -c.
	Line string
	Dir  string   // working folder; "" is the current one
	Env  []string // NAME=VALUE added to the inherited environment
	// Timeout kills the process tree after this long; 0 is none.
	Timeout time.Duration
	// Output receives each line of standard output and standard error,
	// without the line ending. Calls are serialized.
	Output func(line string, stderr bool)
	// SplitCR also ends a line at a lone carriage return, so progress
	// bars redrawn with \r (DISM) arrive as they are drawn.
	SplitCR bool
	// Started, when set, is told the process group right after the
	// command starts (the engine journals it, so a resume after the
	// engine died can end what is still running).
	Started func(ProcessRef)
}

// ProcessEnder is implemented by platforms that can end a process group
// a dead engine left running. EndProcessGroup reports whether anything
// was still running (and was ended).
type ProcessEnder interface {
	EndProcessGroup(p ProcessRef) (bool, error)
}

// Disk is a physical disk.
type Disk struct {
	Number    int
	Size      int64
	Model     string
	Removable bool
	Boot      bool // the engine or the OS runs from it
}

// Volume is a mounted volume.
type Volume struct {
	// Letter is the drive letter with its colon ("C:"), "" when the
	// volume has none.
	Letter string
	// GUIDPath is the volume's \\?\Volume{…}\ name (Windows).
	GUIDPath   string
	Label      string
	FileSystem string // NTFS, FAT32, exFAT, ReFS, CDFS, UDF… ("" unformatted)
	Size       int64
	// Bus is the storage bus of the disk holding it: USB, SATA, NVMe,
	// SAS, SCSI, RAID, ATA, SD, MMC, Virtual, FileBackedVirtual, iSCSI…;
	// "" when unknown (RAM disk, network).
	Bus string
	// Disk and Partition locate the volume (-1 when it is not on one
	// partition of one disk: the WinPE RAM disk, a spanned volume).
	Disk, Partition int
	Removable       bool
}

// Reboot asks for a restart.
type Reboot struct {
	// Target is "WinPE" (the sequence's boot image), "HD" (the installed
	// OS) or "" (whatever boots by default).
	Target  string
	Message string        // shown to the user before the restart
	Delay   time.Duration // how long the message shows
	// BootImage is the sequence's boot image, for a restart into WinPE.
	BootImage string
}

// ErrKilled is returned by Run when the process tree was killed because
// the context was cancelled.
var ErrKilled = errors.New("the process tree was stopped")

// ErrRebootUnsupported is returned by Reboot when the platform cannot
// restart the machine.
var ErrRebootUnsupported = errors.New("this platform cannot restart the machine")

// ErrNoFacts is returned (wrapped in condition.ErrUnknown) by Facts that
// a platform cannot answer.
var ErrNoFacts = fmt.Errorf("%w: this platform cannot answer that", condition.ErrUnknown)

// TimeoutError is returned by Run when a command ran longer than its
// timeout and was killed.
type TimeoutError struct{ Timeout time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the command ran longer than its timeout of %s and was stopped", e.Timeout)
}
