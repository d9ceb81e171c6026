//go:build windows

package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"github.com/refimage/refimage/engine/sequence/condition"
)

var procGetFirmwareType = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetFirmwareType")

// Machine detects WinPE (the MiniNT key), UEFI (GetFirmwareType), Secure
// Boot and the state folder: C:\_SMSTaskSequence once it exists, X:\
// before in WinPE.
func (l *live) Machine(ctx context.Context) (Machine, error) {
	m := Machine{SecureBoot: "NA"}
	if k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Control\MiniNT`, registry.QUERY_VALUE); err == nil {
		k.Close()
		m.InWinPE = true
	}
	var ft uint32
	if procGetFirmwareType.Find() == nil {
		if r, _, _ := procGetFirmwareType.Call(uintptr(unsafe.Pointer(&ft))); r != 0 && ft == 2 {
			m.UEFI = true
		}
	}
	if m.UEFI {
		m.SecureBoot = "Disabled"
		if k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Control\SecureBoot\State`, registry.QUERY_VALUE); err == nil {
			if v, _, err := k.GetIntegerValue("UEFISecureBootEnabled"); err == nil && v == 1 {
				m.SecureBoot = "Enabled"
			}
			k.Close()
		}
	}
	m.Name, _ = os.Hostname()
	switch runtime.GOARCH {
	case "amd64":
		m.Arch = "x64"
	case "386":
		m.Arch = "x86"
	default:
		m.Arch = runtime.GOARCH
	}
	m.StateDir, m.LogDir = windowsDirs(m.InWinPE)
	if o := l.opts.Machine; o != nil {
		m.InWinPE, m.UEFI = o.InWinPE, o.UEFI
		if o.SecureBoot != "" {
			m.SecureBoot = o.SecureBoot
		}
		if o.StateDir != "" {
			m.StateDir, m.LogDir = o.StateDir, o.LogDir
		}
	}
	return m, nil
}

// expandEnvPath expands the %NAME% references a file or folder
// condition's path still holds after the task sequence variables — the
// environment's, as ExpandEnvironmentStrings does (%windir%,
// %ProgramFiles%). Without it file("%windir%\System32\ntoskrnl.exe")
// of docs/conditions.md was never found on Windows (found by the Wine
// lane).
func expandEnvPath(path string) string {
	if !strings.Contains(path, "%") {
		return path
	}
	if x, err := registry.ExpandString(path); err == nil {
		return x
	}
	return path
}

// windowsDirs follows configmgr.md §3.6–3.7: the state lives in
// C:\_SMSTaskSequence once the target disk has it, X:\_SMSTaskSequence
// before; the log in X:\Windows\Temp\SMSTSLog before the disk exists and
// in _SMSTaskSequence\Logs\Smstslog after.
func windowsDirs(winpe bool) (state, log string) {
	const onDisk = `C:\_SMSTaskSequence`
	if fi, err := os.Stat(onDisk); (err == nil && fi.IsDir()) || !winpe {
		return onDisk, filepath.Join(onDisk, `Logs\Smstslog`)
	}
	return `X:\_SMSTaskSequence`, `X:\Windows\Temp\SMSTSLog`
}

// Run starts the command line with CreateProcess as written (no shell, as
// ConfigMgr does: use cmd.exe /c for pipes and redirections) and puts the
// process in a job object so that its whole tree can be stopped.
func (l *live) Run(ctx context.Context, c Command) (int64, error) {
	exe := firstToken(c.Line)
	path, err := lookExe(exe, c.Dir)
	if err != nil {
		return 0, &Error{Code: CodeFileNotFound, Msg: "cannot find " + exe, Err: err}
	}
	cmd := exec.Command(path)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: c.Line, CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, fmt.Errorf("create job object: %w", err)
	}
	defer windows.CloseHandle(job)
	if err := killOnClose(job); err != nil {
		return 0, fmt.Errorf("set up the job object: %w", err)
	}
	return runProcess(ctx, cmd, c, func(cmd *exec.Cmd) error {
		h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid))
		if err != nil {
			return err
		}
		defer windows.CloseHandle(h)
		return windows.AssignProcessToJobObject(job, h)
	}, func(cmd *exec.Cmd) {
		windows.TerminateJobObject(job, uint32(CodeCancelled))
		if cmd.Process != nil {
			cmd.Process.Kill()
		}
	})
}

// firstToken returns the program of a command line: the quoted first
// token, or up to the first space.
func firstToken(line string) string {
	line = strings.TrimLeft(line, " \t")
	if strings.HasPrefix(line, `"`) {
		if i := strings.IndexByte(line[1:], '"'); i >= 0 {
			return line[1 : 1+i]
		}
		return line[1:]
	}
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		return line[:i]
	}
	return line
}

// lookExe finds the program as ConfigMgr does: without an extension it
// tries .com, .exe and .bat, in the working folder and then on PATH.
func lookExe(name, dir string) (string, error) {
	cands := []string{name}
	if filepath.Ext(name) == "" {
		cands = []string{name + ".com", name + ".exe", name + ".bat", name + ".cmd"}
	}
	if dir != "" && !filepath.IsAbs(name) {
		for _, c := range cands {
			p := filepath.Join(dir, c)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p, nil
			}
		}
	}
	for _, c := range cands {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", os.ErrNotExist
}

// Reboot restarts (step_restart-computer.go has the commands): into
// WinPE from the installed OS it stages the boot image for a one-time
// ramdisk boot and runs shutdown.exe with the message and its countdown;
// from WinPE into the installed OS it sets the one-time boot; in WinPE
// it waits the message's delay, then runs wpeutil.exe reboot.
func (l *live) Reboot(ctx context.Context, r Reboot) error {
	m, _ := l.Machine(ctx)
	switch {
	case !m.InWinPE && strings.EqualFold(r.Target, "WinPE"):
		drive := os.Getenv("SystemDrive")
		if drive == "" {
			drive = "C:"
		}
		root := os.Getenv("SystemRoot")
		if root == "" {
			root = drive + `\Windows`
		}
		if err := stageWinPE(ctx, l, StageOptions{Drive: drive, SystemRoot: root, BootImage: r.BootImage, UEFI: m.UEFI}); err != nil {
			return err
		}
	case m.InWinPE && strings.EqualFold(r.Target, "HD"):
		bootOnceInstalledOS(ctx, l, m.UEFI, nil) // best effort
	}
	if m.InWinPE && r.Delay > 0 {
		t := time.NewTimer(r.Delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	line := restartCommand(m.InWinPE, r)
	code, err := l.Run(ctx, Command{Line: line})
	if err != nil {
		return err
	}
	if code != 0 {
		return &Error{Code: code, Msg: "the restart command failed: " + line}
	}
	return nil
}

var hives = map[string]registry.Key{
	"HKLM": registry.LOCAL_MACHINE, "HKEY_LOCAL_MACHINE": registry.LOCAL_MACHINE,
	"HKCU": registry.CURRENT_USER, "HKEY_CURRENT_USER": registry.CURRENT_USER,
	"HKCR": registry.CLASSES_ROOT, "HKEY_CLASSES_ROOT": registry.CLASSES_ROOT,
	"HKU": registry.USERS, "HKEY_USERS": registry.USERS,
	"HKCC": registry.CURRENT_CONFIG, "HKEY_CURRENT_CONFIG": registry.CURRENT_CONFIG,
}

// Registry reads a registry value.
func (l *live) Registry(key, value string) (condition.RegValue, error) {
	root, rest, _ := strings.Cut(strings.TrimRight(key, `\`), `\`)
	h, ok := hives[strings.ToUpper(root)]
	if !ok {
		return condition.RegValue{}, fmt.Errorf("unknown registry root key %s", root)
	}
	k, err := registry.OpenKey(h, rest, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) || errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return condition.RegValue{}, nil
	}
	if err != nil {
		return condition.RegValue{}, err
	}
	defer k.Close()
	_, typ, err := k.GetValue(value, nil)
	if err != nil {
		return condition.RegValue{}, nil
	}
	rv := condition.RegValue{Exists: true}
	switch typ {
	case registry.SZ, registry.EXPAND_SZ:
		rv.Type = map[uint32]string{registry.SZ: "REG_SZ", registry.EXPAND_SZ: "REG_EXPAND_SZ"}[typ]
		rv.Data, _, _ = k.GetStringValue(value)
	case registry.DWORD, registry.QWORD:
		rv.Type = map[uint32]string{registry.DWORD: "REG_DWORD", registry.QWORD: "REG_QWORD"}[typ]
		n, _, _ := k.GetIntegerValue(value)
		rv.Data = strconv.FormatUint(n, 10)
	case registry.MULTI_SZ:
		rv.Type = "REG_MULTI_SZ"
		rv.Multi, _, _ = k.GetStringsValue(value)
		rv.Data = strings.Join(rv.Multi, "\n")
	case registry.BINARY:
		rv.Type = "REG_BINARY"
		b, _, _ := k.GetBinaryValue(value)
		rv.Data = fmt.Sprintf("%x", b)
	default:
		rv.Type = "REG_NONE"
	}
	return rv, nil
}

// WMI queries are not answered yet (they need COM); conditions that use
// them report that they cannot be evaluated.
func (l *live) WMI(namespace, query string) (int, error) { return 0, ErrNoFacts }

// OSVersion is the running Windows version, e.g. 10.0.22631.
func (l *live) OSVersion() (string, error) {
	v := windows.RtlGetVersion()
	return fmt.Sprintf("%d.%d.%d", v.MajorVersion, v.MinorVersion, v.BuildNumber), nil
}

var (
	procGetUserDefaultUILanguage = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetUserDefaultUILanguage")
	procLCIDToLocaleName         = windows.NewLazySystemDLL("kernel32.dll").NewProc("LCIDToLocaleName")
)

// OSLanguage is the UI language as a locale name, e.g. ko-KR.
func (l *live) OSLanguage() (string, error) {
	if procGetUserDefaultUILanguage.Find() != nil || procLCIDToLocaleName.Find() != nil {
		return "", ErrNoFacts
	}
	langID, _, _ := procGetUserDefaultUILanguage.Call()
	buf := make([]uint16, 85) // LOCALE_NAME_MAX_LENGTH
	n, _, _ := procLCIDToLocaleName.Call(langID, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0)
	if n == 0 {
		return "", ErrNoFacts
	}
	return windows.UTF16ToString(buf), nil
}

var uninstallKeys = []string{
	`SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\`,
	`SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\`,
}

// Software finds installed MSI products by product code in the Uninstall
// keys (64- and 32-bit); by upgrade code through the Installer's
// UpgradeCodes key.
func (l *live) Software(productCode, upgradeCode string) ([]condition.Installed, error) {
	codes := []string{productCode}
	if productCode == "" {
		k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SOFTWARE\Classes\Installer\UpgradeCodes\`+packGUID(upgradeCode), registry.QUERY_VALUE)
		if err != nil {
			return nil, nil
		}
		names, _ := k.ReadValueNames(-1)
		k.Close()
		codes = codes[:0]
		for _, n := range names {
			if g := unpackGUID(n); g != "" {
				codes = append(codes, g)
			}
		}
	}
	var out []condition.Installed
	for _, code := range codes {
		for _, base := range uninstallKeys {
			k, err := registry.OpenKey(registry.LOCAL_MACHINE, base+code, registry.QUERY_VALUE)
			if err != nil {
				continue
			}
			name, _, _ := k.GetStringValue("DisplayName")
			ver, _, _ := k.GetStringValue("DisplayVersion")
			k.Close()
			out = append(out, condition.Installed{ProductCode: code, UpgradeCode: upgradeCode, Name: name, Version: ver})
			break
		}
	}
	return out, nil
}

// fileVersion reads the fixed file version of the version resource.
func fileVersion(path string) string {
	size, err := windows.GetFileVersionInfoSize(path, nil)
	if err != nil || size == 0 {
		return ""
	}
	buf := make([]byte, size)
	if err := windows.GetFileVersionInfo(path, 0, size, unsafe.Pointer(&buf[0])); err != nil {
		return ""
	}
	var fixed *windows.VS_FIXEDFILEINFO
	var n uint32
	if err := windows.VerQueryValue(unsafe.Pointer(&buf[0]), `\`, unsafe.Pointer(&fixed), &n); err != nil || fixed == nil {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d.%d", fixed.FileVersionMS>>16, fixed.FileVersionMS&0xffff, fixed.FileVersionLS>>16, fixed.FileVersionLS&0xffff)
}
