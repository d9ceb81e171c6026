package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMediaUSBLayout: --usb writes MakeWinPEMedia's MBR layout by default
// and a GPT with a basic data partition with --usb-layout gpt; an unknown
// layout, or one given with --iso, is a usage error.
func TestMediaUSBLayout(t *testing.T) {
	src, exe := fakeWinPE(t)
	seq := "../../docs/examples/custom-capture.toml"
	dir := t.TempDir()
	for _, tc := range []struct {
		args  []string
		check func(b []byte) bool
	}{
		{nil, func(b []byte) bool { return b[446] == 0x80 && b[446+4] == 0x0C && string(b[512:520]) != "EFI PART" }},
		{[]string{"--usb-layout", "mbr"}, func(b []byte) bool { return b[446+4] == 0x0C }},
		{[]string{"--usb-layout", "gpt"}, func(b []byte) bool {
			// EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 at the first entry (LBA 2).
			return b[446+4] == 0xEE && string(b[512:520]) == "EFI PART" && string(b[1024:1028]) == "\xa2\xa0\xd0\xeb"
		}},
	} {
		out := filepath.Join(dir, strings.Join(append([]string{"m"}, tc.args...), "")+".img")
		args := append([]string{"media", seq, "--winpe", src, "--exe", exe, "--usb", out}, tc.args...)
		code, _, errs := run(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", tc.args, code, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil || len(b) < 1<<20 || !tc.check(b) {
			t.Errorf("%v: wrong partition table (%v)", tc.args, err)
		}
	}
	code, _, errs := run(t, "media", seq, "--winpe", src, "--exe", exe, "--usb", filepath.Join(dir, "x.img"), "--usb-layout", "esp")
	if code != exitUsage || !strings.Contains(errs, "--usb-layout") {
		t.Errorf("unknown layout: exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "media", seq, "--winpe", src, "--exe", exe, "--iso", filepath.Join(dir, "x.iso"), "--usb-layout", "gpt")
	if code != exitUsage || !strings.Contains(errs, "not --iso") {
		t.Errorf("layout with --iso: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.img")); err == nil {
		t.Error("a refused command wrote a file")
	}
}

// TestMediaLabel: --label is checked as the media wizard checks it,
// before anything is written, and refused rather than changed.
func TestMediaLabel(t *testing.T) {
	src, exe := fakeWinPE(t)
	seq := "../../docs/examples/custom-capture.toml"
	dir := t.TempDir()
	for _, tc := range []struct {
		target, label, err string
	}{
		{"--iso", "my label", "letters, digits, _ and - only"},
		{"--iso", strings.Repeat("L", 33), "at most 32 characters on an ISO"},
		{"--usb", "REFIMAGE_USB", "at most 11 characters on USB"},
		{"--usb", "A.B", "letters, digits, _ and - only"},
	} {
		out := filepath.Join(dir, "x"+tc.target)
		code, _, errs := run(t, "media", seq, "--winpe", src, "--exe", exe, tc.target, out, "--label", tc.label)
		if code != exitUsage || !strings.Contains(errs, "--label") || !strings.Contains(errs, tc.err) {
			t.Errorf("%s --label %q: exit %d\n%s", tc.target, tc.label, code, errs)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s --label %q wrote a file", tc.target, tc.label)
		}
	}
	out := filepath.Join(dir, "ok.iso")
	if code, _, errs := run(t, "media", seq, "--winpe", src, "--exe", exe, "--iso", out, "--label", strings.Repeat("L", 32)); code != 0 {
		t.Errorf("a 32-character ISO label: exit %d\n%s", code, errs)
	}
}
