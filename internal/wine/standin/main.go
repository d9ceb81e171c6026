// Command standin is the Wine lane's stand-in for the Windows system
// tools refimage starts (diskpart.exe, dism.exe, bcdedit.exe, …): copied
// under each tool's name, it records how it was started and answers as
// the test's script says.
//
// Each start appends one JSON line to %REFIMAGE_STANDIN_DIR%\calls.jsonl:
// the tool (the program's file name without .exe), the command line
// exactly as Windows handed it over (GetCommandLineW), argv as
// CommandLineToArgvW splits it, the working folder and the environment.
// It then answers with the first rule of %REFIMAGE_STANDIN_DIR%\script.json
// whose tool matches and whose "contains" is part of the command line:
// its stdout and stderr lines, then, after sleep_ms, its exit code. A rule
// with "child" starts the stand-in again as a child that sleeps (its
// process ID is recorded), to prove that a killed tree ends. While a
// stand-in sleeps it touches heartbeat-TOOL-PID in the folder.
// Without a matching rule it prints nothing and exits 0. A rule with
// "dism" makes dism.exe apply and capture for real (dism.go).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Call is one start of a stand-in.
type Call struct {
	Tool    string   `json:"tool"`
	Line    string   `json:"line"`
	Argv    []string `json:"argv"`
	Cwd     string   `json:"cwd"`
	Env     []string `json:"env"`
	PID     int      `json:"pid"`
	Started string   `json:"started"`
}

// Rule is one scripted answer.
type Rule struct {
	Tool     string   `json:"tool"`
	Contains string   `json:"contains"`
	Stdout   []string `json:"stdout"`
	Stderr   []string `json:"stderr"`
	Exit     int      `json:"exit"`
	SleepMS  int      `json:"sleep_ms"`
	Child    bool     `json:"child"`
	// SetReg sets HKLM string values as the real tool would (sysprep
	// writes HKLM\SYSTEM\Setup\CloneTag): key\name → value.
	SetReg map[string]string `json:"set_reg"`
	// DISM makes dism.exe do what it is asked with media/wim: apply an
	// image, capture or append a folder. Only folders under Roots are
	// read or written; a capture of any other volume (Wine's C: and Z:)
	// stores an empty folder under the asked name instead, and says so.
	DISM  bool     `json:"dism"`
	Roots []string `json:"roots"`
}

func main() {
	dir := os.Getenv("REFIMAGE_STANDIN_DIR")
	if dir == "" {
		fmt.Fprintln(os.Stderr, "standin: REFIMAGE_STANDIN_DIR is not set")
		os.Exit(9009)
	}
	tool := strings.ToLower(strings.TrimSuffix(filepath.Base(os.Args[0]), filepath.Ext(os.Args[0])))
	if len(os.Args) == 2 && os.Args[1] == "--standin-sleep" {
		// The child of a "child" rule: recorded, then asleep until killed.
		record(dir, "standin-child")
		sleep(dir, "standin-child", 10*time.Minute)
		return
	}
	line, argv := commandLine()
	cwd, _ := os.Getwd()
	env := os.Environ()
	sort.Strings(env)
	c := Call{Tool: tool, Line: line, Argv: argv, Cwd: cwd, Env: env, PID: os.Getpid(), Started: time.Now().UTC().Format(time.RFC3339Nano)}
	appendCall(dir, c)
	r := answer(dir, tool, line)
	for _, l := range r.Stdout {
		fmt.Fprint(os.Stdout, l+"\r\n")
	}
	for _, l := range r.Stderr {
		fmt.Fprint(os.Stderr, l+"\r\n")
	}
	for kn, v := range r.SetReg {
		if err := setReg(kn, v); err != nil {
			fmt.Fprintln(os.Stderr, "standin:", err)
			os.Exit(9013)
		}
	}
	if r.DISM {
		if err := dism(argv, r.Roots); err != nil {
			fmt.Fprintln(os.Stderr, "standin dism:", err)
			os.Exit(9014)
		}
	}
	if r.Child {
		self, _ := os.Executable()
		ch := exec.Command(self, "--standin-sleep")
		if err := ch.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "standin: cannot start the child:", err)
			os.Exit(9010)
		}
	}
	if r.SleepMS > 0 {
		sleep(dir, tool, time.Duration(r.SleepMS)*time.Millisecond)
	}
	os.Exit(r.Exit)
}

// sleep waits, touching heartbeat-TOOL-PID every 100 ms so that the
// test can tell whether the process still lives.
func sleep(dir, tool string, d time.Duration) {
	hb := filepath.Join(dir, fmt.Sprintf("heartbeat-%s-%d", tool, os.Getpid()))
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		os.WriteFile(hb, []byte(time.Now().UTC().Format(time.RFC3339Nano)), 0o644)
		time.Sleep(100 * time.Millisecond)
	}
}

func record(dir, tool string) {
	line, argv := commandLine()
	appendCall(dir, Call{Tool: tool, Line: line, Argv: argv, PID: os.Getpid(), Started: time.Now().UTC().Format(time.RFC3339Nano)})
}

func appendCall(dir string, c Call) {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "calls.jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(9011)
	}
	defer f.Close()
	if _, err := f.Write(append(b, '\n')); err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(9011)
	}
}

func answer(dir, tool, line string) Rule {
	b, err := os.ReadFile(filepath.Join(dir, "script.json"))
	if err != nil {
		return Rule{}
	}
	var rules []Rule
	if err := json.Unmarshal(b, &rules); err != nil {
		fmt.Fprintln(os.Stderr, "standin: script.json:", err)
		os.Exit(9012)
	}
	for _, r := range rules {
		if strings.EqualFold(r.Tool, tool) && strings.Contains(line, r.Contains) {
			return r
		}
	}
	return Rule{}
}
