package tui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/media"
	"github.com/refimage/refimage/wizard"
	"github.com/refimage/refimage/wizard/mediawiz"
)

func answers(lines ...string) *strings.Reader {
	return strings.NewReader(strings.Join(lines, "\n") + "\n")
}

// TestMediaAccessibleISO writes a bootable ISO from a fake copype folder
// with every answer piped in at once: wrong answers are explained and
// asked again, the password never shows, and the command line repeats it.
func TestMediaAccessibleISO(t *testing.T) {
	src, exe := fakeCopype(t)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "capture.iso")
	seq, p := loadMediaExample(t)
	in := answers(
		"",                                                  // Media type: keep bootable
		"1", filepath.Join(outDir, "missing", "x.iso"), out, // ISO, a folder that does not exist first
		"", mediaPW, mediaPW+"x", mediaPW, // protect (kept), password, a confirmation that does not match, then one that does
		src, "", exe, // Boot Image
		"OSDComputerName=REF01", "Lab=yes", "", "", "REF_MEDIA", // two variables, no prestart command, the label
		"y", // write
	)
	var log bytes.Buffer
	res, err := RunMediaAccessible(seq, p, MediaAccessibleOptions{}, in, &log)
	text := log.String()
	if *show {
		t.Log(text)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if res.Cancelled || res.Written != out {
		t.Fatalf("result %+v\n%s", res, text)
	}
	if info, err := os.Stat(out); err != nil || info.Size() < 1<<20 {
		t.Fatalf("no ISO: %v", err)
	}
	for _, want := range []string{
		"Task Sequence Media Wizard", "Page 1 of 8: Select Media Type", "1. Bootable media", "(current)",
		"Error: the folder " + filepath.Join(outDir, "missing") + " does not exist",
		"Password (required)", "Error: does not match the password",
		"Windows PE source (required)", "Boot image: x64 (from its EFI boot loader)",
		"Page 6 of 8: Summary", "  Media variables: OSDComputerName=REF01, Lab=yes", "  Volume label: REF_MEDIA",
		"Write the medium: 100%", "The medium was written: " + out,
		"refimage media " + p + " --winpe " + src + " --iso " + out + " --password --label REF_MEDIA --var OSDComputerName=REF01 --var Lab=yes --exe " + exe,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	if strings.Contains(text, mediaPW) || strings.Contains(res.Command, mediaPW) {
		t.Error("the password is shown")
	}
	if strings.ContainsRune(text, '\x1b') {
		t.Error("escape sequences in accessible mode")
	}
}

// TestMediaAccessibleEnds: answers that end before a required field are
// an error naming it, and nothing is written.
func TestMediaAccessibleEnds(t *testing.T) {
	outDir := t.TempDir()
	seq, p := loadMediaExample(t)
	var log bytes.Buffer
	_, err := RunMediaAccessible(seq, p, MediaAccessibleOptions{}, answers("", "1", filepath.Join(outDir, "a.iso")), &log)
	var ended *InputEndedError
	if !errors.As(err, &ended) || ended.Field != "security.password" {
		t.Fatalf("err %v\n%s", err, log.String())
	}
	if !strings.Contains(err.Error(), "the answers ended before Password (security.password)") {
		t.Errorf("message %q", err)
	}
	if ents, _ := os.ReadDir(outDir); len(ents) != 0 {
		t.Errorf("written: %v", ents)
	}
	// A wrong value that is never fixed ends the same way.
	_, err = RunMediaAccessible(seq, p, MediaAccessibleOptions{}, answers("", "1", filepath.Join(outDir, "no", "a.iso")), &log)
	if !errors.As(err, &ended) || ended.Field != "target.iso" {
		t.Fatalf("err %v", err)
	}
}

// TestMediaAccessibleDevice: writing a USB device still needs its name
// typed on the Summary; a refused disk cannot be chosen.
func TestMediaAccessibleDevice(t *testing.T) {
	src, exe := fakeCopype(t)
	seq, p := loadMediaExample(t)
	env := DefaultMediaEnv(wizard.English)
	env.Disks, env.DisksErr = fakeMediaDisks{testDisks}, ""
	var wrote string
	hooks := MediaHooks{
		Build: func(ctx context.Context, opt media.Options) (*media.Result, error) {
			opt.Progress(media.Progress{Phase: "write", Done: 1, Total: 1})
			return &media.Result{Path: opt.USBImage, Files: 3, Size: 1e6, ID: "0123456789abcdef"}, os.WriteFile(opt.USBImage, []byte("medium"), 0o644)
		},
		Inspect: func(dev string) (mediawiz.Disk, error) { return testDisks[1], nil },
		WriteDevice: func(ctx context.Context, dev, image string, progress func(string, int64, int64)) error {
			wrote = dev
			progress("write", 1, 1)
			return nil
		},
	}
	opt := MediaAccessibleOptions{MediaOptions: MediaOptions{Env: env, Hooks: hooks}}
	pages := []string{
		"",                 // bootable
		"3", "3", "r", "2", // USB device; /dev/sdc is refused, r looks again, /dev/sdb
		"n",          // no password (the example's only secret is "prompt")
		src, "", exe, // Boot Image
		"", "", "REF1", // no variables, no prestart command, a USB label
	}
	var log bytes.Buffer
	_, err := RunMediaAccessible(seq, p, opt, answers(append(pages, "sdc")...), &log)
	var ended *InputEndedError
	if !errors.As(err, &ended) || ended.Field != "summary.confirm" || wrote != "" {
		t.Fatalf("err %v, wrote %q\n%s", err, wrote, log.String())
	}
	text := log.String()
	for _, want := range []string{"refused: /dev/sdc is mounted", "Looked for disks again.", "Warning: Everything on /dev/sdb is lost.", "Type sdb to erase it (required)", "Error: type sdb to confirm"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	log.Reset()
	res, err := RunMediaAccessible(seq, p, opt, answers(append(pages, "sdc", "sdb", "y")...), &log)
	if err != nil || res.Written != "/dev/sdb" || wrote != "/dev/sdb" {
		t.Fatalf("err %v, result %+v, wrote %q\n%s", err, res, wrote, log.String())
	}
	if !strings.Contains(res.Command, "--device /dev/sdb") {
		t.Errorf("command %s", res.Command)
	}
}

// TestMediaAccessibleKorean: the same questions in Korean.
func TestMediaAccessibleKorean(t *testing.T) {
	seq, p := loadMediaExample(t)
	var log bytes.Buffer
	_, err := RunMediaAccessible(seq, p, MediaAccessibleOptions{MediaOptions: MediaOptions{Lang: wizard.Korean}}, answers("", "1", filepath.Join(t.TempDir(), "a.iso")), &log)
	text := log.String()
	for _, want := range []string{"작업 순서 미디어 만들기 마법사", "미디어 유형 선택 페이지 (1/8)", "1. 부팅 가능한 미디어", "암호로 미디어 보호", "암호 (필수)"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	if err == nil || !strings.Contains(err.Error(), "암호 (security.password) 전에 응답이 끝났습니다") {
		t.Errorf("err %v", err)
	}
}
