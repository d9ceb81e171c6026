package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/engine/sequence"
)

// TestWizardKoreanInTmux walks build and capture at 80x25 with --lang ko:
// Korean pages, and the written sequence carries the Korean group and
// step names of the seed document.
func TestWizardKoreanInTmux(t *testing.T) {
	bin := build(t)
	t.Setenv("LC_ALL", "C.UTF-8") // tmux draws wide characters only in a UTF-8 locale
	out := filepath.Join(t.TempDir(), "ko.toml")
	tm, done := start(t, bin, out, "--lang", "ko")
	tm.see("1/13", "작업 순서 만들기 마법사", "참조 운영 체제 이미지 만들기 및 캡처").keys("C-n")
	tm.see("2/13", "작업 순서 이름").typ("참조 이미지 빌드 및 캡처").keys("Tab", "Tab").typ(`\\deploy01\boot$\x64\boot.wim`).keys("C-n")
	tm.see("3/13", "이미지 패키지").typ(`\\deploy01\images$\install.wim`).keys("C-n")
	tm.see("4/13", "네트워크 구성", "작업 그룹").keys("C-n")
	tm.see("5/13", "클라이언트 패키지").keys("C-n")
	tm.see("6/13", "소프트웨어 업데이트").keys("C-n")
	tm.see("7/13", "응용 프로그램이 없습니다").keys("C-n")
	tm.see("8/13", "Sysprep 패키지").keys("C-n")
	tm.see("9/13", "만든 사람").keys("C-n")
	tm.see("10/13", "경로 *").typ(`\\deploy01\captures$\win11.wim`).keys("Tab").typ(`CONTOSO\svc-capture`).keys("Tab").typ("env:CAPTURE_PW").keys("C-n")
	tm.see("11/13", "선택 내용", "ctrl+n 쓰기").keys("C-n")
	tm.see("12/13", "작업 순서를 다음 위치에 썼습니다").keys("Enter")
	tm.see("13/13", "다음에는 이 명령을 바로 실행할 수 있습니다").typ("q")
	if code := exitCode(t, done); code != "0" {
		t.Fatalf("exit %s\n%s", code, tm.screen())
	}
	validate(t, bin, out)
	seq, probs := sequence.Load(out)
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	if seq.Name != "참조 이미지 빌드 및 캡처" {
		t.Errorf("name %q", seq.Name)
	}
	var names []string
	seq.Walk(func(it *sequence.Item, _ []*sequence.Item) bool { names = append(names, it.Name); return true })
	all := strings.Join(names, "|")
	for _, want := range []string{"참조 컴퓨터 빌드", "Windows PE에서 다시 시작", "디스크 0 파티션 - UEFI", "운영 체제 적용", "Windows 설정 적용",
		"네트워크 설정 적용", "Windows 및 ConfigMgr 설치", "참조 컴퓨터 캡처", "작업 그룹에 가입", "운영 체제 준비"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q among %s", want, all)
		}
	}
	if strings.Contains(all, "장치 드라이버 적용") {
		t.Errorf("a new sequence has Apply Device Drivers, whose source the wizard does not ask for: %s", all)
	}
	if strings.Contains(all, "Build the Reference Computer") {
		t.Errorf("English names: %s", all)
	}
}

// TestWizardWinPEInTmux: in Windows PE (REFIMAGE_WINPE=1 here) the screens
// use the ascii theme: no box-drawing glyph, tick or arrow.
func TestWizardWinPEInTmux(t *testing.T) {
	bin := build(t)
	t.Setenv("LC_ALL", "C.UTF-8")
	out := filepath.Join(t.TempDir(), "pe.toml")
	dir := t.TempDir()
	done := filepath.Join(dir, "exit")
	tm := newTerm(t, 80, 25, []string{"TERM=xterm-256color", "REFIMAGE_WINPE=1"},
		bin+" new -o "+out+"; echo $? > "+done+"; sleep 60")
	s := tm.see("1/13", "> New Task Sequence", "| Create a New Task Sequence", "(*) Build and capture").screen()
	for _, r := range s {
		if r > 0x7e && r != '\n' {
			t.Errorf("non-ASCII %q on the WinPE screen:\n%s", r, s)
			break
		}
	}
	tm.keys("C-c")
	if code := exitCode(t, done); code != "130" {
		t.Errorf("exit %s", code)
	}
	_ = os.Remove(out)
}

// TestWizardNoColorInTmux: NO_COLOR (and --theme mono) leave no attribute
// at all on the screen's cells; the default theme draws in color.
func TestWizardNoColorInTmux(t *testing.T) {
	bin := build(t)
	t.Setenv("LC_ALL", "C.UTF-8")
	for _, c := range []struct {
		name  string
		env   []string
		flags string
		color bool
	}{
		{"default", nil, "", true},
		{"NO_COLOR", []string{"NO_COLOR=1"}, "", false},
		{"--no-color", nil, "--no-color", false},
		{"mono", nil, "--theme mono", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			done := filepath.Join(dir, "exit")
			tm := newTerm(t, 80, 25, append([]string{"TERM=xterm-256color", "COLORTERM=truecolor"}, c.env...),
				bin+" new "+c.flags+" -o "+filepath.Join(dir, "x.toml")+"; echo $? > "+done+"; sleep 60")
			tm.see("1/13", "Build and capture")
			s := tm.run("capture-pane", "-e", "-p", "-t", "e2e")
			if got := strings.Contains(s, "\x1b["); got != c.color {
				t.Errorf("escape sequences on the screen: %v, want %v\n%q", got, c.color, s)
			}
			tm.keys("C-c")
			if code := exitCode(t, done); code != "130" {
				t.Errorf("exit %s", code)
			}
		})
	}
}

// TestAccessibleBinary pipes the answers into the built binary: the
// custom flow is written; answers that end early exit 2 naming the field.
func TestAccessibleBinary(t *testing.T) {
	bin := build(t)
	out := filepath.Join(t.TempDir(), "custom.toml")
	answers := strings.Join([]string{
		"2", "Capture the reference computer", "", `\\deploy01\boot$\x64\boot.wim`, "",
		"y", "", "", "", "", "", `\\srv\captures\ref.wim`, `CORP\svc`, "prompt",
		out, "y", "",
	}, "\n") + "\n"
	cmd := exec.Command(bin, "new", "--accessible", "--lang", "ko")
	cmd.Stdin = strings.NewReader(answers)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || strings.TrimSpace(stdout.String()) != out {
		t.Fatalf("%v %q\n%s", err, stdout.String(), stderr.String())
	}
	validate(t, bin, out)
	if seq, _ := sequence.Load(out); seq == nil || seq.FindStep("Windows 캡처 준비") == nil {
		t.Error("no Korean names")
	}

	cmd = exec.Command(bin, "new", "--accessible")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdin = strings.NewReader("1\nOnly a name\n")
	stderr.Reset()
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "the answers ended before Boot image (info.boot_image)") {
		t.Errorf("%v\n%s", err, stderr.String())
	}
}
