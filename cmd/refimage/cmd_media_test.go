package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/media/wim"
	"github.com/refimage/refimage/tui"
)

func put(t *testing.T, p string, data []byte) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// miniPE is the smallest file ExeArch accepts as an x64 executable.
func miniPE() []byte {
	b := make([]byte, 256)
	b[0], b[1] = 'M', 'Z'
	binary.LittleEndian.PutUint32(b[60:], 128)
	copy(b[128:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[132:], 0x8664)
	return b
}

func fakeWinPE(t *testing.T) (src, exe string) {
	t.Helper()
	src = t.TempDir()
	m := filepath.Join(src, "media")
	for _, p := range []string{"bootmgr", "bootmgr.efi", "Boot/BCD", "Boot/boot.sdi", "EFI/Boot/bootx64.efi", "EFI/Microsoft/Boot/BCD"} {
		put(t, filepath.Join(m, filepath.FromSlash(p)), []byte(p))
	}
	pe := t.TempDir()
	put(t, filepath.Join(pe, "Windows", "System32", "startnet.cmd"), []byte("wpeinit"))
	os.MkdirAll(filepath.Join(m, "sources"), 0o755)
	if _, err := wim.Capture(pe, filepath.Join(m, "sources", "boot.wim"), wim.CaptureOptions{Boot: true}); err != nil {
		t.Fatal(err)
	}
	put(t, filepath.Join(src, "fwfiles", "etfsboot.com"), make([]byte, 4096))
	put(t, filepath.Join(src, "fwfiles", "efisys.bin"), make([]byte, 1474560))
	exe = filepath.Join(t.TempDir(), "refimage.exe")
	put(t, exe, miniPE())
	return src, exe
}

func TestMediaCommand(t *testing.T) {
	src, exe := fakeWinPE(t)
	seq := "../../docs/examples/custom-capture.toml"
	out := filepath.Join(t.TempDir(), "m.iso")

	code, _, errs := run(t, "media", seq, "--winpe", t.TempDir(), "--iso", out, "--exe", exe)
	if code != exitUsage || !strings.Contains(errs, "the WinPE source is incomplete") || !strings.Contains(errs, "boot.wim") {
		t.Errorf("empty source: exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "media", seq, "--winpe", src, "--exe", exe)
	if code != exitUsage || !strings.Contains(errs, "give a target") {
		t.Errorf("no target: exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "media", seq, "--winpe", src, "--iso", out, "--usb", out+".img", "--exe", exe)
	if code != exitUsage || !strings.Contains(errs, "only one of") {
		t.Errorf("two targets: exit %d\n%s", code, errs)
	}
	// The custom example's capture password is "prompt": no media password needed.
	code, stdout, errs := run(t, "media", seq, "--winpe", src, "--iso", out, "--exe", exe, "--label", "REF_MEDIA", "--var", "OSDComputerName=REF01")
	if code != 0 || strings.TrimSpace(stdout) != out {
		t.Fatalf("media --iso: exit %d\n%s%s", code, stdout, errs)
	}
	if info, err := os.Stat(out); err != nil || info.Size() < 1<<20 {
		t.Fatalf("no ISO written: %v", err)
	}
	if !strings.Contains(errs, "Wrote bootable medium") || !strings.Contains(errs, "write ") {
		t.Errorf("stderr:\n%s", errs)
	}
	// The build-and-capture example holds env: secrets: without a media
	// password they may not go on a medium.
	code, _, errs = run(t, "media", "../../docs/examples/build-and-capture.toml", "--winpe", src, "--usb", filepath.Join(t.TempDir(), "m.img"), "--exe", exe)
	if code != exitUsage || !strings.Contains(errs, "without a media password") {
		t.Errorf("secrets without password: exit %d\n%s", code, errs)
	}
	// A wrong-architecture refimage.exe is refused.
	arm := filepath.Join(t.TempDir(), "arm.exe")
	pe := miniPE()
	binary.LittleEndian.PutUint16(pe[132:], 0xaa64)
	put(t, arm, pe)
	code, _, errs = run(t, "media", seq, "--winpe", src, "--iso", filepath.Join(t.TempDir(), "x.iso"), "--exe", arm)
	if code != exitUsage || !strings.Contains(errs, "built for arm64, but the boot image is x64") {
		t.Errorf("wrong arch: exit %d\n%s", code, errs)
	}
}

// TestMediaNoTargetNoTerminal: without a target and without a terminal
// there is no wizard to open: exit 2 with the usage message.
func TestMediaNoTargetNoTerminal(t *testing.T) {
	src, exe := fakeWinPE(t)
	code, stdout, errs := run(t, "media", "../../docs/examples/custom-capture.toml", "--winpe", src, "--exe", exe)
	if code != exitUsage || stdout != "" || !strings.Contains(errs, "give a target: --iso OUT, --usb OUT or --device DEV") ||
		!strings.Contains(errs, "usage: refimage media FILE --winpe SRC (--iso OUT | --usb OUT | --device DEV)") {
		t.Errorf("exit %d\n%s%s", code, stdout, errs)
	}
}

// TestMediaNoTargetOpensWizard: on a terminal the media wizard opens;
// ctrl+c on its first page exits 130 with nothing written.
func TestMediaNoTargetOpensWizard(t *testing.T) {
	var out, errb bytes.Buffer
	env := &cmdEnv{
		stdin: strings.NewReader("\x03"), stdout: &out, stderr: &errb,
		getenv: func(string) string { return "" }, isTerminal: func() bool { return true },
	}
	code := runMain(env, []string{"media", "../../docs/examples/custom-capture.toml", "--label", "REF"})
	if code != exitCancelled || out.Len() != 0 || !strings.Contains(errb.String(), "Task Sequence Media Wizard") {
		t.Errorf("exit %d\n%s", code, errb.String())
	}
	code = runMain(env, []string{"media", "../../docs/examples/custom-capture.toml", "--theme", "nope"})
	if code != exitUsage {
		t.Errorf("unknown theme: exit %d", code)
	}
}

func mediaEnv(stdin string, vars map[string]string) (*cmdEnv, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &cmdEnv{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return vars[k] }, isTerminal: func() bool { return false },
	}, &out, &errb
}

// TestMediaAccessibleCommand: refimage media FILE --accessible (also
// REFIMAGE_ACCESSIBLE=1, TERM=dumb) asks the media wizard's questions as
// lines from piped answers and writes the ISO; answers that end early
// exit 2 naming the field; --lang ko asks in Korean.
func TestMediaAccessibleCommand(t *testing.T) {
	src, exe := fakeWinPE(t)
	seq := "../../docs/examples/custom-capture.toml"
	dir := t.TempDir()
	answers := func(iso string) string {
		return strings.Join([]string{
			"", "1", iso, // bootable, ISO file
			"n",        // no media password (the example's only secret is "prompt")
			"", "", "", // Boot Image: the source and refimage.exe from the flags
			"", "", "REF_MEDIA", // no variables, no prestart command, the label
			"y",
		}, "\n") + "\n"
	}
	for _, c := range []struct {
		name string
		args []string
		vars map[string]string
		want string
	}{
		{"flag", []string{"--accessible"}, nil, "Next time you can run this directly:"},
		{"env", nil, map[string]string{"REFIMAGE_ACCESSIBLE": "1"}, "Page 6 of 8: Summary"},
		{"dumb", nil, map[string]string{"TERM": "dumb"}, "Write the medium: 100%"},
		{"korean", []string{"--accessible", "--lang", "ko"}, nil, "다음에는 이 명령을 바로 실행할 수 있습니다:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			iso := filepath.Join(dir, c.name+".iso")
			env, out, errb := mediaEnv(answers(iso), c.vars)
			code := runMain(env, append([]string{"media", seq, "--winpe", src, "--exe", exe}, c.args...))
			if code != 0 || strings.TrimSpace(out.String()) != iso || !strings.Contains(errb.String(), c.want) {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
			}
			if info, err := os.Stat(iso); err != nil || info.Size() < 1<<20 {
				t.Fatalf("no ISO: %v", err)
			}
			if strings.ContainsRune(errb.String(), '\x1b') {
				t.Error("escape sequences in accessible mode")
			}
			want := "--iso " + iso + " --label REF_MEDIA --exe " + exe
			if !strings.Contains(errb.String(), want) {
				t.Errorf("no command line %q in\n%s", want, errb.String())
			}
		})
	}

	// The answers end before the media password: exit 2 naming it,
	// nothing written.
	iso := filepath.Join(dir, "early.iso")
	env, out, errb := mediaEnv("\n1\n"+iso+"\n\n", nil)
	code := runMain(env, []string{"media", seq, "--winpe", src, "--exe", exe, "--accessible"})
	if code != exitUsage || out.Len() != 0 || !strings.Contains(errb.String(), "the answers ended before Password (security.password): nothing written") {
		t.Errorf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(iso); err == nil {
		t.Error("written")
	}
	// "n" on the Summary cancels: exit 130.
	env, _, errb = mediaEnv("\n1\n"+iso+"\nn\n\n\n\n\n\n\nn\n", nil)
	if code := runMain(env, []string{"media", seq, "--winpe", src, "--exe", exe, "--accessible"}); code != exitCancelled {
		t.Errorf("cancel: exit %d\n%s", code, errb.String())
	}
	// Without a terminal and not accessible there is no wizard.
	env, _, errb = mediaEnv("", nil)
	if code := runMain(env, []string{"media", seq, "--winpe", src, "--exe", exe, "--lang", "xx"}); code != exitUsage || !strings.Contains(errb.String(), "--lang is en or ko") {
		t.Errorf("bad --lang: exit %d\n%s", code, errb.String())
	}
}

// TestMediaWizardUISettings: the media wizard on a terminal takes the
// theme through resolveUI: Windows PE gives the ascii theme, --theme-file
// a user theme, --lang ko Korean screens.
func TestMediaWizardUISettings(t *testing.T) {
	seq := "../../docs/examples/custom-capture.toml"
	themeFile := filepath.Join(t.TempDir(), "mine.toml")
	put(t, themeFile, []byte("name = \"mine\"\nbase = \"mono\"\n[symbols]\ndot = \"~*~\"\n"))
	for _, c := range []struct {
		name      string
		args      []string
		vars      map[string]string
		want, bad string
	}{
		{"winpe", nil, map[string]string{"REFIMAGE_WINPE": "1"}, "refimage - Task Sequence Media Wizard", "·"},
		{"theme-file", []string{"--theme-file", themeFile}, nil, "refimage ~*~ Task Sequence Media Wizard", "·"},
		{"korean", []string{"--lang", "ko"}, nil, "작업 순서 미디어 만들기 마법사", "Media Wizard"},
		{"env-theme", nil, map[string]string{"REFIMAGE_THEME": "ascii"}, "refimage - Task", "·"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env, out, errb := mediaEnv("\x03", c.vars)
			env.isTerminal = func() bool { return true }
			code := runMain(env, append([]string{"media", seq}, c.args...))
			s := errb.String()
			if code != exitCancelled || out.Len() != 0 || !strings.Contains(s, c.want) || strings.Contains(s, c.bad) {
				t.Errorf("exit %d\n%s", code, s)
			}
		})
	}
}

// TestMediaWizardByName: "Write bootable media" after refimage new opens
// the media wizard with the screen settings new settled (handed over,
// not remembered by the process): language, theme, accessible mode.
func TestMediaWizardByName(t *testing.T) {
	seq := "../../docs/examples/custom-capture.toml"
	settle := func(env *cmdEnv, args ...string) uiSettings {
		t.Helper()
		fs := newFlagSet(commands["new"])
		uf := addUIFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		ui, err := resolveUI(env, uf)
		if err != nil {
			t.Fatal(err)
		}
		return ui
	}
	env, _, errb := mediaEnv("\x03", nil)
	env.isTerminal = func() bool { return true }
	ui := settle(env, "--lang", "ko", "--theme", "ascii")
	if err := runAction(env, tui.WizardResult{Written: seq, Action: tui.ActionMedia}, ui); !errors.Is(err, errCancelled) || !strings.Contains(errb.String(), "refimage - 작업 순서 미디어 만들기 마법사") {
		t.Errorf("%v\n%s", err, errb.String())
	}
	env, _, errb = mediaEnv("", map[string]string{"REFIMAGE_ACCESSIBLE": "1"})
	ui = settle(env)
	err := runAction(env, tui.WizardResult{Written: seq, Action: tui.ActionMedia}, ui)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage || !strings.Contains(err.Error(), "(target.iso)") || !strings.Contains(errb.String(), "Page 1 of 8: Select Media Type") {
		t.Errorf("%v\n%s", err, errb.String())
	}
}
