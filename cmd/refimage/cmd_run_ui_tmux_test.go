package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/internal/oracle"
)

// tmuxScreen starts cmd in a tmux window of w x h cells and returns a
// function that waits until every want shows, and one that sends keys.
func tmuxScreen(t *testing.T, w, h int, cmd string, env ...string) (see func(want ...string) string, send func(keys ...string)) {
	t.Helper()
	tmux := oracle.Require(t, "tmux")
	socket := fmt.Sprintf("refimage-ui-%d-%d", os.Getpid(), time.Now().UnixNano())
	tm := func(args ...string) string {
		out, err := exec.Command(tmux, append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	t.Cleanup(func() { exec.Command(tmux, "-L", socket, "kill-server").Run() })
	args := []string{"new-session", "-d", "-s", "ui", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-e", "TERM=xterm-256color"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	tm(append(args, cmd+"; echo EXIT=$?; sleep 60")...)
	see = func(want ...string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := tm("capture-pane", "-p", "-t", "ui")
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(s, w)
			}
			if ok {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("never saw %q on:\n%s", want, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	send = func(keys ...string) { tm(append([]string{"send-keys", "-t", "ui"}, keys...)...) }
	return see, send
}

// checkWinPEScreen: in Windows PE the screen keeps to 80x25 cells of a
// larger console, and draws ASCII only apart from the Korean text.
func checkWinPEScreen(t *testing.T, s string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if w := lipgloss.Width(l); w > 80 {
			t.Errorf("line %d is %d cells wide: %q", i+1, w, l)
		}
		if i >= 25 && strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "EXIT=") {
			t.Errorf("line %d below the 25th: %q", i+1, l)
		}
		for _, r := range l {
			if r >= 0x80 && !unicode.Is(unicode.Hangul, r) {
				t.Errorf("line %d: non-ASCII %q", i+1, r)
				break
			}
		}
	}
}

func buildRefimage(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "refimage")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The progress view in a real terminal, as in Windows PE (ascii theme,
// 80x25 in a 120x40 console) and in Korean: it asks before stopping and
// ends with the Korean summary.
func TestRunKoreanWinPEInTmux(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh and tmux")
	}
	oracle.Require(t, "tmux")
	dir := t.TempDir()
	bin := buildRefimage(t, dir)
	f := writeSeq(t, dir, step("Long step", "echo started; sleep 30 & wait")+step("After", "true"))
	see, send := tmuxScreen(t, 120, 40, fmt.Sprintf("%s run %s --state %s --lang ko", bin, f, filepath.Join(dir, "state")), "REFIMAGE_WINPE=1")
	checkWinPEScreen(t, see("실행 중: CLI run", "단계 1/2: Long step", "started", "ctrl+c 중지", "-- 로그 --"))
	send("C-c")
	checkWinPEScreen(t, see("작업 순서를 중지할까요?"))
	send("C-c")
	checkWinPEScreen(t, see("CLI run: 중지됨", "취소됨", "q 닫기", "종료 코드"))
	send("q")
	see("EXIT=130")
}

// The editor in a real terminal, as in Windows PE and in Korean; in
// accessible mode it says it needs a full screen and exits 2.
func TestEditKoreanWinPEInTmux(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses tmux")
	}
	oracle.Require(t, "tmux")
	dir := t.TempDir()
	bin := buildRefimage(t, dir)
	f := copyExample(t)
	see, send := tmuxScreen(t, 120, 40, fmt.Sprintf("%s edit %s --lang ko", bin, f), "REFIMAGE_WINPE=1")
	checkWinPEScreen(t, see("작업 순서 편집기", "Build the Reference", "문제 없음"))
	send("a")
	checkWinPEScreen(t, see("추가 (편집기의 추가 메뉴와 같음)", "디스크 포맷 및 파티션 만들기"))
	send("Escape")
	time.Sleep(200 * time.Millisecond) // esc and q at once would be alt+q
	send("q")
	see("EXIT=0")

	see, _ = tmuxScreen(t, 80, 25, fmt.Sprintf("TERM=dumb %s edit %s --lang ko", bin, f))
	see("전체 화면 터미널", "refimage validate", "EXIT=2")
}

// The run view's debugger in a real terminal at 80x25: --debug stops
// before the first step; a breakpoint, a step, run to the breakpoint,
// run to the end; d enters debug mode in a run started without it.
func TestRunDebuggerInTmux(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh and tmux")
	}
	oracle.Require(t, "tmux")
	dir := t.TempDir()
	bin := buildRefimage(t, dir)
	f := writeSeq(t, dir, step("One", "echo one")+step("Two", "echo two")+step("Three", "echo three"))
	see, send := tmuxScreen(t, 80, 25, fmt.Sprintf("%s run %s --debug --state %s", bin, f, filepath.Join(dir, "state")))
	see("pre-flight check", "the machine:", "any key: on to the debugger")
	send("Enter")
	see("Debug: CLI run", "Stopped before [0] One", "s step", "q quit")
	send("Down", "Down", "b")
	see("*  2 Three")
	send("s")
	see("Stopped before [1] Two", "stepped")
	send("r")
	see("Stopped before [2] Three", "breakpoint")
	send("r")
	// The summary, not only the run view's last log line: q closes
	// the summary and does nothing while the run view still shows.
	see("completed successfully", "q close")
	send("q")
	see("EXIT=0")

	f2 := writeSeq(t, dir, step("Slow", "sleep 2")+step("Next", "echo next"))
	see, send = tmuxScreen(t, 80, 25, fmt.Sprintf("%s run %s --state %s", bin, f2, filepath.Join(dir, "state2")))
	see("Step 1 of 2: Slow")
	send("d")
	see("Debug mode at the next step")
	see("Stopped before [1] Next", "debug mode entered")
	send("r")
	// The summary, not only the run view's last log line: q closes
	// the summary and does nothing while the run view still shows.
	see("completed successfully", "q close")
	send("q")
	see("EXIT=0")
}

// F8 opens a command prompt with the task sequence environment, secrets
// left out, and returns to the run view when it exits; smsts.log records
// the use. The prompt here is a script standing in for the shell.
func TestRunConsoleF8InTmux(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh and tmux")
	}
	oracle.Require(t, "tmux")
	dir := t.TempDir()
	bin := buildRefimage(t, dir)
	shell := filepath.Join(dir, "prompt.sh")
	seen := filepath.Join(dir, "seen")
	os.WriteFile(shell, []byte("#!/bin/sh\necho \"W=$Who P=$MyPassword T=$_SMSTSPackageName\" > "+seen+"\n"), 0o755)
	f := writeSeq(t, dir, step("Slow", "sleep 6")+step("Next", "echo next"))
	logs := filepath.Join(dir, "logs")
	see, send := tmuxScreen(t, 80, 25, fmt.Sprintf("%s run %s --state %s --log %s --var Who=world --var MyPassword=CANARY-f8-91", bin, f, filepath.Join(dir, "state"), logs), "REFIMAGE_CONSOLE="+shell)
	see("Step 1 of 2: Slow")
	send("F8")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if b, err := os.ReadFile(seen); err == nil && len(b) > 0 {
			if got := strings.TrimSpace(string(b)); got != "W=world P= T=CLI run" {
				t.Errorf("the prompt's environment: %q", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the prompt did not start within 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	see("Step 1 of 2: Slow") // back in the run view while the step runs
	// The summary, not only the run view's last log line: q closes
	// the summary and does nothing while the run view still shows.
	see("completed successfully", "q close")
	send("q")
	see("EXIT=0")
	log, _ := os.ReadFile(filepath.Join(logs, "smsts.log"))
	if !strings.Contains(string(log), "The operator opened a command prompt ("+shell+")") || !strings.Contains(string(log), "The command prompt was closed.") {
		t.Errorf("log:\n%s", log)
	}
}

// SIGTERM to the run view stops the run as a second ctrl+c does (the
// step's processes end, the state is kept for --resume) and exits 143.
func TestRunViewSIGTERMInTmux(t *testing.T) {
	if os.PathSeparator == '\\' {
		t.Skip("uses /bin/sh and tmux")
	}
	oracle.Require(t, "tmux")
	dir := t.TempDir()
	bin := buildRefimage(t, dir)
	f := writeSeq(t, dir, step("Long step", "echo $$ > "+filepath.Join(dir, "pid")+"; sleep 30 & wait")+step("After", "true"))
	state := filepath.Join(dir, "state")
	see, _ := tmuxScreen(t, 80, 25, fmt.Sprintf("%s run %s --state %s", bin, f, state))
	see("Step 1 of 2: Long step")
	out, err := exec.Command("pgrep", "-f", "^"+bin+" run ").Output()
	if err != nil {
		t.Fatalf("pgrep: %v", err)
	}
	pid := strings.Fields(string(out))[0]
	if err := exec.Command("kill", "-TERM", pid).Run(); err != nil {
		t.Fatal(err)
	}
	see("EXIT=143")
	b, _ := os.ReadFile(filepath.Join(dir, "pid"))
	if sh := strings.TrimSpace(string(b)); sh != "" {
		if exec.Command("kill", "-0", sh).Run() == nil {
			t.Errorf("the step's shell %s still runs", sh)
		}
	}
	st, err := os.ReadFile(filepath.Join(state, "state.json"))
	if err != nil || !strings.Contains(string(st), `"status": "cancelled"`) {
		t.Errorf("state: %v\n%s", err, st)
	}
}
