//go:build !windows

package wine

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// call is one start of a stand-in (standin.Call).
type call struct {
	Tool string   `json:"tool"`
	Line string   `json:"line"`
	Argv []string `json:"argv"`
	Cwd  string   `json:"cwd"`
	Env  []string `json:"env"`
	PID  int      `json:"pid"`
}

// rule is one scripted answer (standin.Rule).
type rule struct {
	Tool     string            `json:"tool"`
	Contains string            `json:"contains,omitempty"`
	Stdout   []string          `json:"stdout,omitempty"`
	Exit     int               `json:"exit,omitempty"`
	SleepMS  int               `json:"sleep_ms,omitempty"`
	Child    bool              `json:"child,omitempty"`
	SetReg   map[string]string `json:"set_reg,omitempty"`
	DISM     bool              `json:"dism,omitempty"`
	Roots    []string          `json:"roots,omitempty"`
}

// The system tools the live run starts, and where the platform finds
// them (PATH of a Wine prefix: C:\windows\system32).
var standinTools = []string{"bcdedit", "bcdboot", "diskpart", "dism", "wpeutil", "shutdown", "net", "sc", "powershell", "pnputil", "argv", "app", "slow"}

// installStandins builds the stand-in and copies it under every tool's
// name into the prefix, keeping Wine's own programs of the same name to
// put back afterwards.
func installStandins(t *testing.T, l *lane) {
	t.Helper()
	exe := filepath.Join(l.dir, "bin", "standin.exe")
	if _, err := os.Stat(exe); err != nil {
		if err := goBuild(exe, "windows", "github.com/refimage/refimage/internal/wine/standin"); err != nil {
			t.Fatal(err)
		}
	}
	sys32 := filepath.Join(l.prefix, "drive_c", "windows", "system32")
	dests := []string{filepath.Join(sys32, "Sysprep", "sysprep.exe")}
	for _, name := range standinTools {
		dests = append(dests, filepath.Join(sys32, name+".exe"))
	}
	for _, d := range dests {
		if _, err := os.Stat(d); err == nil {
			if err := os.Rename(d, d+".wine"); err != nil {
				t.Fatal(err)
			}
		}
		if err := copyFile(exe, d); err != nil {
			t.Fatal(err)
		}
		d := d
		t.Cleanup(func() {
			os.Remove(d)
			os.Rename(d+".wine", d)
		})
	}
}

// nativeTools are the stand-ins' file names for WINEDLLOVERRIDES.
func nativeTools() []string {
	out := []string{"sysprep.exe"}
	for _, n := range standinTools {
		out = append(out, n+".exe")
	}
	return out
}

// reg runs Wine's reg.exe.
func (l *lane) reg(t *testing.T, args ...string) {
	t.Helper()
	if r := l.winProgram(t, "", nil, "reg", args...); r.code != 0 {
		t.Fatalf("reg %s: %s", strings.Join(args, " "), r)
	}
}

// winPE makes the prefix look like Windows PE where the engine checks:
// the MiniNT key and an X: drive; full reverses it.
func (l *lane) winPE(t *testing.T, x string) {
	t.Helper()
	l.reg(t, "add", `HKLM\SYSTEM\CurrentControlSet\Control\MiniNT`, "/f")
	if err := os.MkdirAll(filepath.Join(x, "Windows", "Temp"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(l.prefix, "dosdevices", "x:")
	os.Remove(link)
	if err := os.Symlink(x, link); err != nil {
		t.Fatal(err)
	}
}

func (l *lane) fullOS(t *testing.T) {
	t.Helper()
	l.winProgram(t, "", nil, "reg", "delete", `HKLM\SYSTEM\CurrentControlSet\Control\MiniNT`, "/f")
	if r := l.winProgram(t, "", nil, "reg", "query", `HKLM\SYSTEM\CurrentControlSet\Control\MiniNT`); r.code == 0 {
		t.Fatalf("the MiniNT key is still there:\n%s", r)
	}
	os.Remove(filepath.Join(l.prefix, "dosdevices", "x:"))
}

func readCalls(t *testing.T, dir string) []call {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "calls.jsonl"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var c call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("calls.jsonl: %v", err)
		}
		out = append(out, c)
	}
	return out
}

// goldenRuns are the command lines of a step golden: the Run("…") lines
// of a fake-platform trace, or every line of a commands file.
func goldenRuns(t *testing.T, rel string) []string {
	t.Helper()
	b, err := os.ReadFile(repo(rel))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if strings.HasPrefix(line, `Run(`) {
			s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(line, "Run("), ")"))
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			out = append(out, s)
		} else if !strings.Contains(line, "(") || strings.HasSuffix(rel, ".txt") {
			out = append(out, line)
		}
	}
	return out
}

// readable is a recorded command line as the goldens write it: a
// PowerShell -EncodedCommand's script decoded between < and >.
func readable(line string) string {
	const enc = "-EncodedCommand "
	i := strings.Index(line, enc)
	if i < 0 {
		return line
	}
	b, err := base64.StdEncoding.DecodeString(line[i+len(enc):])
	if err != nil || len(b)%2 != 0 {
		return line
	}
	u := make([]uint16, len(b)/2)
	for j := range u {
		u[j] = uint16(b[2*j]) | uint16(b[2*j+1])<<8
	}
	return line[:i+len(enc)] + "<" + string(utf16.Decode(u)) + ">"
}

func lines(calls []call, tools ...string) []string {
	var out []string
	for _, c := range calls {
		for _, tool := range tools {
			if c.Tool == tool {
				out = append(out, readable(c.Line))
			}
		}
	}
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: the recorded command lines differ from the golden\n--- recorded\n%s\n--- golden\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLiveRunUnderWine runs a build in live mode under Wine against the
// stand-in tools, across two restarts: from the full OS into Windows PE
// (the boot image staged with bcdedit, shutdown.exe called, the run saved
// and ended), --resume in a prefix made to look like Windows PE (command
// lines with hard quoting, exit codes 3010 and 5, a timeout that stops
// the tool; then a restart into the installed OS with wpeutil), and
// --resume in the full OS again (domain and workgroup join, the
// ConfigMgr client, sysprep). The recorded command lines equal the step
// goldens, argv splits as meant, and the join password never appears on
// a command line.
func TestLiveRunUnderWine(t *testing.T) {
	l := getLane(t)
	installStandins(t, l)
	sd := t.TempDir()
	const canary = `Canary pass "w0rd"\`
	script := []rule{
		{Tool: "bcdedit", Contains: "/application osloader", Stdout: []string{"The entry {a1b2c3d4-1111-2222-3333-444455556666} was successfully created."}},
		{Tool: "app", Contains: "/install", Exit: 3010},
		{Tool: "app", Contains: "/fail", Exit: 5},
		{Tool: "slow", SleepMS: 600000, Child: true},
		{Tool: "powershell", Contains: "", Stdout: []string{"domain|0|WORKGROUP", "cbs|False", "wu|False", "upgrade|False", "bitlocker|"}},
		{Tool: "sc", Contains: "query CcmExec", Exit: 1060},
		// What sysprep /generalize /oobe leaves for the engine to check.
		{Tool: "sysprep", Contains: "/generalize", SetReg: map[string]string{
			`SYSTEM\Setup\CloneTag`: "Sun Dec 06 12:00:00 2026",
			`SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State\ImageState`: "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE",
		}},
	}
	t.Cleanup(func() {
		l.winProgram(t, "", nil, "reg", "delete", `HKLM\SYSTEM\Setup`, "/v", "CloneTag", "/f")
		l.winProgram(t, "", nil, "reg", "delete", `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State`, "/v", "ImageState", "/f")
	})
	b, _ := json.Marshal(script)
	writeFile(t, filepath.Join(sd, "script.json"), b)

	// What the restart into Windows PE copies.
	c := filepath.Join(l.prefix, "drive_c")
	writeFile(t, filepath.Join(c, "deploy", "boot$", "x64", "boot.wim"), []byte("boot image"))
	writeFile(t, filepath.Join(c, "windows", "Boot", "DVD", "PCAT", "boot.sdi"), []byte("sdi"))
	writeFile(t, filepath.Join(c, "windows", "Boot", "DVD", "EFI", "boot.sdi"), []byte("sdi"))
	t.Cleanup(func() {
		os.RemoveAll(filepath.Join(c, "deploy"))
		os.RemoveAll(filepath.Join(c, "windows", "Boot", "DVD"))
		os.RemoveAll(filepath.Join(c, "_SMSTaskSequence"))
	})
	os.RemoveAll(filepath.Join(c, "_SMSTaskSequence"))
	// Wine prefers its own shutdown.exe, net.exe and sc.exe to files of
	// the same name: the stand-ins are loaded as native programs.
	env := []string{"REFIMAGE_STANDIN_DIR=" + zpath(sd), "REFIMAGE_TEST_JOIN_PASSWORD=" + canary, "NO_COLOR=1",
		"WINEDLLOVERRIDES=mscoree,mshtml=;" + strings.Join(nativeTools(), ",") + "=n"}
	seq := repo("internal/wine/testdata/live.toml")
	var calls []call
	phase := func(name string, args ...string) (result, []call) {
		t.Helper()
		n := len(calls)
		r := l.win(t, "", env, args...)
		t.Logf("%s: %s", name, r)
		calls = readCalls(t, sd)
		if r.code != 0 || !strings.Contains(r.stderr, "the computer restarts") && !strings.Contains(r.stderr, "completed successfully") {
			t.Fatalf("%s: want exit 0 and a restart or the end:\n%s", name, r)
		}
		return r, calls[n:]
	}

	// 1. The full OS: Restart in Windows PE stages the boot image.
	l.fullOS(t)
	_, got := phase("phase 1 (full OS → Windows PE)", "run", zpath(seq), "--plain", "--var", "OSDComputerName=REF01")
	golden := goldenRuns(t, "engine/testdata/restart-computer/stage-winpe-bios.golden")
	sameLines(t, "stage Windows PE (bcdedit)", lines(got, "bcdedit"), golden)
	sameLines(t, "restart from the full OS", lines(got, "shutdown"), []string{`shutdown.exe /r /t 0 /c "A new Microsoft Windows operating system is being installed. The computer must restart to continue."`})
	if _, err := os.Stat(filepath.Join(c, "_SMSTaskSequence", "WinPE", "sources", "boot.wim")); err != nil {
		t.Errorf("the boot image was not staged: %v", err)
	}

	// 2. Windows PE: --resume runs the command lines, then restarts into
	// the installed OS.
	x := t.TempDir()
	l.winPE(t, x)
	t.Cleanup(func() { l.fullOS(t) })
	r, got := phase("phase 2 (Windows PE)", "run", "--resume", "--plain")
	var argv *call
	for i := range got {
		if got[i].Tool == "argv" {
			argv = &got[i]
		}
	}
	if argv == nil {
		t.Fatalf("argv.exe was not started:\n%s", r)
	}
	wantLine := `argv.exe "C:\Ref Apps\Tool Dir\\" "say \"hi\" to REF01" plain\path\ /Driver:"C:\Ref Drivers\\"`
	if argv.Line != wantLine {
		t.Errorf("GetCommandLineW:\n got %s\nwant %s", argv.Line, wantLine)
	}
	wantArgv := []string{"argv.exe", `C:\Ref Apps\Tool Dir\`, `say "hi" to REF01`, `plain\path\`, `/Driver:C:\Ref Drivers\`}
	if strings.Join(argv.Argv, "\x00") != strings.Join(wantArgv, "\x00") {
		t.Errorf("CommandLineToArgvW:\n got %q\nwant %q", argv.Argv, wantArgv)
	}
	if argv.Cwd == "" {
		t.Error("argv.exe recorded no working folder")
	}
	sameLines(t, "restart into the installed OS", lines(got, "bcdedit", "wpeutil"), []string{`bcdedit.exe /bootsequence {default}`, `wpeutil.exe reboot`})
	for _, want := range []string{"Exit 5: failed (continued), 5 (0x00000005)", "Timeout: failed (continued), 0x800705B4", "ran longer than its timeout of 3s"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("phase 2 does not say %q", want)
		}
	}
	// The timed-out tool and its child were stopped.
	beats, _ := filepath.Glob(filepath.Join(sd, "heartbeat-*"))
	if len(beats) < 2 {
		t.Errorf("the slow tool or its child never ran: %v", beats)
	}
	before := map[string]string{}
	for _, hb := range beats {
		b, _ := os.ReadFile(hb)
		before[hb] = string(b)
	}
	time.Sleep(time.Second)
	for _, hb := range beats {
		if b, _ := os.ReadFile(hb); string(b) != before[hb] {
			t.Errorf("%s still beats after the step's timeout: the process tree was not stopped", filepath.Base(hb))
		}
	}

	// 3. The installed OS: conditions answered by the machine, then 3010
	// is success and a restart.
	l.fullOS(t)
	l.reg(t, "add", `HKLM\SOFTWARE\Refimage Lane`, "/v", "Ring", "/t", "REG_DWORD", "/d", "1", "/f")
	l.reg(t, "add", `HKLM\SOFTWARE\Refimage Lane`, "/v", "Name", "/t", "REG_SZ", "/d", "lane", "/f")
	t.Cleanup(func() { l.winProgram(t, "", nil, "reg", "delete", `HKLM\SOFTWARE\Refimage Lane`, "/f") })
	r, got = phase("phase 3 (installed OS, 3010)", "run", "--resume", "--plain")
	var facts []string
	for _, c := range got {
		if c.Tool == "argv" && len(c.Argv) == 2 {
			facts = append(facts, c.Argv[1])
		}
	}
	sameLines(t, "the steps whose conditions the machine made true", facts,
		[]string{"fact-os-version", "fact-dword", "fact-string", "fact-file-version", "fact-language"})
	if !strings.Contains(r.stderr, "Exit 3010: succeeded, exit code 3010") {
		t.Errorf("3010 is not a success:\n%s", r)
	}
	sameLines(t, "3010 restarts", lines(got, "shutdown"), []string{`shutdown.exe /r /t 0`})

	// 4. The installed OS again: joins, client, sysprep.
	r, got = phase("phase 4 (installed OS)", "run", "--resume", "--plain")
	for _, c := range calls {
		if strings.Contains(c.Line, "Canary") || strings.Contains(readable(c.Line), "Canary") {
			t.Errorf("the join password is on the command line of %s: %s", c.Tool, readable(c.Line))
		}
	}
	joined := false
	for _, c := range got {
		for _, e := range c.Env {
			if e == "REFIMAGE_JOIN_PASSWORD="+canary {
				joined = true
			}
		}
	}
	if !joined {
		t.Error("no PowerShell got the join password in REFIMAGE_JOIN_PASSWORD")
	}
	sameLines(t, "prepare the ConfigMgr client", lines(got, "sc"), goldenRuns(t, "engine/testdata/prepare-configmgr-client/commands.txt")[:1])
	ps := lines(got, "powershell")
	if len(ps) < 2 {
		t.Fatalf("PowerShell ran %d times", len(ps))
	}
	sameLines(t, "join the domain", ps[:1], goldenRuns(t, "engine/testdata/join-domain-or-workgroup/domain.txt"))
	sameLines(t, "join the workgroup", ps[1:2], goldenRuns(t, "engine/testdata/join-domain-or-workgroup/workgroup.txt"))
	// %SystemRoot% is C:\windows under Wine, C:\Windows in the golden.
	sp := lines(got, "sysprep")
	if want := goldenRuns(t, "engine/testdata/prepare-windows-for-capture/commands.txt"); len(sp) != 1 || !strings.HasPrefix(strings.ToLower(want[len(want)-1]), strings.ToLower(sp[0])) {
		t.Errorf("sysprep: %q, golden %q", sp, want)
	}
}

// TestKillAndLockUnderWine: while refimage.exe runs a command, a second
// run on the same state folder is refused (LockFileEx); when the first
// is killed outright, the job object ends the command and its child
// (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), and --resume takes the folder
// over and runs the interrupted step again.
func TestKillAndLockUnderWine(t *testing.T) {
	l := getLane(t)
	installStandins(t, l)
	sd := t.TempDir()
	script := func(rules ...rule) {
		b, _ := json.Marshal(rules)
		writeFile(t, filepath.Join(sd, "script.json"), b)
	}
	script(rule{Tool: "slow", SleepMS: 600000, Child: true})
	_, cWin := l.cdrive(t, "kill state")
	env := append(append([]string{}, l.env...), "REFIMAGE_STANDIN_DIR="+zpath(sd), "NO_COLOR=1",
		"WINEDLLOVERRIDES=mscoree,mshtml=;"+strings.Join(nativeTools(), ",")+"=n")
	seq := zpath(repo("internal/wine/testdata/kill.toml"))

	outf, err := os.Create(filepath.Join(t.TempDir(), "first.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer outf.Close()
	first := exec.Command(l.wine, l.exe, "run", seq, "--plain", "--state", cWin)
	first.Env, first.Stdout, first.Stderr = env, outf, outf
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { first.Wait(); close(done) }()
	defer func() {
		first.Process.Kill()
		<-done
	}()
	var beats []string
	for deadline := time.Now().Add(60 * time.Second); len(beats) < 2; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(outf.Name())
			t.Fatalf("the slow tool and its child did not start:\n%s", b)
		}
		beats, _ = filepath.Glob(filepath.Join(sd, "heartbeat-*"))
	}

	second := l.win(t, "", []string{"REFIMAGE_STANDIN_DIR=" + zpath(sd), "NO_COLOR=1"}, "run", "--resume", "--plain", "--state", cWin)
	if second.code == 0 || !strings.Contains(second.stderr, "in use by another refimage run") {
		t.Errorf("a second run on a locked state folder: want a refusal\n%s", second)
	}

	first.Process.Kill() // SIGKILL of the process Wine runs refimage.exe in
	<-done
	time.Sleep(2 * time.Second)
	stamp := map[string]string{}
	for _, hb := range beats {
		b, _ := os.ReadFile(hb)
		stamp[hb] = string(b)
	}
	time.Sleep(time.Second)
	for _, hb := range beats {
		if b, _ := os.ReadFile(hb); string(b) != stamp[hb] {
			t.Errorf("%s still beats after refimage.exe was killed: the job object did not end the tree", filepath.Base(hb))
		}
	}

	script(rule{Tool: "slow", Exit: 0})
	r := l.win(t, "", []string{"REFIMAGE_STANDIN_DIR=" + zpath(sd), "NO_COLOR=1", "WINEDLLOVERRIDES=mscoree,mshtml=;" + strings.Join(nativeTools(), ",") + "=n"},
		"run", "--resume", "--plain", "--state", cWin)
	if r.code != 0 || !strings.Contains(r.stderr, "Slow: succeeded") {
		t.Errorf("--resume after the kill:\n%s", r)
	}
}
