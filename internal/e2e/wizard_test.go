// Package e2e drives the built refimage binary in a real terminal (tmux)
// the way an engineer at an 80x25 WinPE console would.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// build compiles refimage once for all the tests.
func build(t *testing.T) string {
	t.Helper()
	oracle.Require(t, "tmux") // skip before paying for the build
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "refimage-e2e-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "refimage")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/refimage/refimage/cmd/refimage").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// term is one tmux server (its own socket) with one 80x25 window.
type term struct {
	t      *testing.T
	tmux   string
	socket string
}

func newTerm(t *testing.T, w, h int, env []string, command string) *term {
	t.Helper()
	tm := &term{t: t, tmux: oracle.Require(t, "tmux"), socket: fmt.Sprintf("refimage-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	args := []string{"new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h)}
	// A person's terminal: CI=true (set by .ci/run) makes the colour
	// detection assume no terminal, so clear it for the program under test.
	for _, e := range append([]string{"CI="}, env...) {
		args = append(args, "-e", e)
	}
	tm.run(append(args, command)...)
	t.Cleanup(func() { exec.Command(tm.tmux, "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *term) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command(tm.tmux, append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends tmux key names (Tab, Down, C-n, Enter…).
func (tm *term) keys(ks ...string) *term {
	tm.t.Helper()
	for _, k := range ks {
		tm.run("send-keys", "-t", "e2e", k)
		time.Sleep(15 * time.Millisecond)
	}
	return tm
}

// typ types text literally.
func (tm *term) typ(s string) *term {
	tm.t.Helper()
	tm.run("send-keys", "-t", "e2e", "-l", s)
	time.Sleep(15 * time.Millisecond)
	return tm
}

func (tm *term) screen() string { return tm.run("capture-pane", "-p", "-t", "e2e") }

// see waits until every string is on the screen.
func (tm *term) see(want ...string) *term {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			tm.checkFits(s)
			return tm
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen does not show %q:\n%s", want, s)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// checkFits checks that the screen is the 80x25 the test asked for.
func (tm *term) checkFits(s string) {
	tm.t.Helper()
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 25 {
		tm.t.Errorf("%d rows on an 80x25 screen", len(lines))
	}
}

// exitCode waits for the command's exit code in file.
func exitCode(t *testing.T, file string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(file); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatal("the command did not end")
	return ""
}

func validate(t *testing.T, bin, file string) {
	t.Helper()
	out, err := exec.Command(bin, "validate", file).CombinedOutput()
	if err != nil {
		t.Fatalf("refimage validate %s: %v\n%s", file, err, out)
	}
}

func start(t *testing.T, bin, out string, extra ...string) (*term, string) {
	dir := t.TempDir()
	done := filepath.Join(dir, "exit")
	cmd := fmt.Sprintf("%s new -o %s %s; echo $? > %s; sleep 60", bin, out, strings.Join(extra, " "), done)
	return newTerm(t, 80, 25, []string{"TERM=xterm-256color", "REFIMAGE_PASSPHRASE="}, cmd), done
}

// TestWizardBuildAndCaptureInTmux walks every page of build and capture
// at 80x25 and validates the written file.
func TestWizardBuildAndCaptureInTmux(t *testing.T) {
	bin := build(t)
	out := filepath.Join(t.TempDir(), "ref.toml")
	tm, done := start(t, bin, out)
	tm.see("1/13", "Build and capture a reference").keys("C-n")
	tm.see("2/13", "Task sequence name").typ("Build and capture Windows 11").keys("Tab", "Tab").typ(`\\deploy01\boot$\x64\boot.wim`).keys("C-n")
	tm.see("3/13", "Image package").typ(`\\deploy01\images$\install.wim`).keys("Tab", "BSpace").typ("3").
		keys("Tab", "Tab", "Tab", "Down", "Tab").typ("Typed-Secret-e2e").keys("Tab").typ("Typed-Secret-e2e").keys("PageDown")
	tm.see("4/13", "Workgroup").keys("Tab", "C-u").typ("REFLAB").keys("C-n")
	tm.see("5/13", "Client package").typ(`\\deploy01\client$`).keys("C-n")
	tm.see("6/13", "Software updates").keys("Down").keys("C-n")
	tm.see("7/13", "No applications").typ("a").see("Application name").typ("7-Zip").keys("Tab", "Tab").typ("msiexec /i 7z.msi /qn").keys("Tab", "Enter").
		see("1. 7-Zip").keys("C-n")
	tm.see("8/13", "Sysprep package").keys("C-n")
	tm.see("9/13", "Created by").keys("Tab").typ("2026.11").keys("C-n")
	tm.see("10/13", "Path *").typ(`\\deploy01\captures$\win11.wim`).keys("Tab").typ(`CONTOSO\svc-capture`).keys("Tab").typ("env:CAPTURE_PW").keys("C-n")
	// Summary: the typed password is masked; a passphrase encrypts it.
	s := tm.see("11/13", "Your choices", "Passphrase").screen()
	if strings.Contains(s, "Typed-Secret-e2e") {
		t.Fatal("the Summary shows a typed secret")
	}
	tm.keys("Tab").typ("pass phrase").keys("Tab").typ("pass phrase").keys("C-n")
	tm.see("12/13", "written to", "Press enter").keys("Enter")
	tm.see("13/13", "Next time you can run", "refimage run").typ("q")
	if code := exitCode(t, done); code != "0" {
		t.Fatalf("exit %s\n%s", code, tm.screen())
	}
	validate(t, bin, out)
	data, _ := os.ReadFile(out)
	for _, want := range []string{`index = 3`, `workgroup = "REFLAB"`, `target = "all"`, `admin_password = "enc:v1:`, `image_version = "2026.11"`, `password = "env:CAPTURE_PW"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the written file lacks %s", want)
		}
	}
	if strings.Contains(string(data), "Typed-Secret-e2e") {
		t.Error("a typed secret was written in clear text")
	}
}

// TestWizardCustomInTmux walks the custom flow at 80x25.
func TestWizardCustomInTmux(t *testing.T) {
	bin := build(t)
	out := filepath.Join(t.TempDir(), "custom.toml")
	tm, done := start(t, bin, out)
	tm.see("1/13").keys("Down").see("1/6").keys("C-n")
	tm.see("2/6", "Task sequence name").typ("Capture an existing computer").keys("Tab", "Tab").typ(`\\deploy01\boot$\x64\boot.wim`).keys("C-n")
	tm.see("3/6", "Capture Settings").keys("Space", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab").typ(`\\deploy01\captures$\existing.wim`).
		keys("Tab").typ(`CONTOSO\svc-capture`).keys("Tab").typ("prompt").keys("C-n")
	tm.see("4/6", "Your choices").keys("C-n")
	tm.see("5/6", "written to").keys("Enter")
	tm.see("6/6", "Next time you can run").keys("Down", "Down", "Down", "Enter")
	if code := exitCode(t, done); code != "0" {
		t.Fatalf("exit %s\n%s", code, tm.screen())
	}
	validate(t, bin, out)
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), `type = "prepare-configmgr-client"`) || !strings.Contains(string(data), `password = "prompt"`) {
		t.Errorf("written:\n%s", data)
	}
}

// TestWizardCancelInTmux: esc asks, y cancels with exit 130; ctrl+c quits
// at once with 130; nothing is written.
func TestWizardCancelInTmux(t *testing.T) {
	bin := build(t)
	for _, keys := range [][]string{{"Escape", "y"}, {"C-c"}} {
		out := filepath.Join(t.TempDir(), "never.toml")
		tm, done := start(t, bin, out)
		tm.see("1/13")
		for _, k := range keys {
			if k == "y" {
				tm.see("Cancel the wizard?")
			}
			tm.keys(k)
		}
		if code := exitCode(t, done); code != "130" {
			t.Errorf("%v: exit %s", keys, code)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: a file was written", keys)
		}
	}
}

// TestWizardExistingOutputInTmux: an existing file is not replaced until
// Overwrite is ticked on the Summary.
func TestWizardExistingOutputInTmux(t *testing.T) {
	bin := build(t)
	out := filepath.Join(t.TempDir(), "exists.toml")
	os.WriteFile(out, []byte("keep me\n"), 0o644)
	tm, done := start(t, bin, out)
	tm.see("1/13").keys("Down").keys("C-n")
	tm.see("2/6").typ("Existing").keys("C-n")
	tm.see("3/6").keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab").typ(`D:\captures\x.wim`).keys("C-s")
	tm.see("4/6", "Overwrite the existing file").keys("C-n").see("exists: tick Overwrite")
	if b, _ := os.ReadFile(out); string(b) != "keep me\n" {
		t.Fatal("the file was replaced without asking")
	}
	tm.keys("Space", "C-n").see("5/6", "written to").keys("Enter").see("6/6").typ("q")
	if code := exitCode(t, done); code != "0" {
		t.Fatalf("exit %s", code)
	}
	validate(t, bin, out)
}

// TestWizardImageListInTmux: a readable .wim turns the image index into a
// list of its images, read with media/wim.
func TestWizardImageListInTmux(t *testing.T) {
	bin := build(t)
	imagex := oracle.Require(t, "wimlib-imagex")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("hello"), 0o644)
	wimPath := filepath.Join(dir, "install.wim")
	for _, args := range [][]string{
		{"capture", src, wimPath, "Windows 11 Pro", "--flags=Professional"},
		{"append", src, wimPath, "Windows 11 Enterprise", "--flags=Enterprise"},
	} {
		if out, err := exec.Command(imagex, args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	out := filepath.Join(dir, "ref.toml")
	tm, done := start(t, bin, out)
	tm.see("1/13").keys("C-n")
	tm.see("2/13").typ("Image list").keys("Tab", "Tab").typ(`D:\boot.wim`).keys("C-n")
	tm.see("3/13", "Image package").typ(wimPath).keys("Tab")
	tm.see("(•) 1  Windows 11 Pro (Professional", "( ) 2  Windows 11 Enterprise (Enterprise").keys("Down")
	tm.see("(•) 2  Windows 11 Enterprise")
	tm.keys("Escape").see("Cancel the wizard?").keys("y")
	if code := exitCode(t, done); code != "130" {
		t.Errorf("exit %s", code)
	}
}
