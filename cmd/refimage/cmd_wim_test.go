package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

func TestWimCLI(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "한국어 폴더", "empty"), 0o755)
	os.WriteFile(filepath.Join(src, "a.txt"), []byte(strings.Repeat("hello refimage ", 5000)), 0o644)
	os.WriteFile(filepath.Join(src, "한국어 폴더", "b c.txt"), []byte("b"), 0o644)
	out := filepath.Join(dir, "out.wim")

	code, stdout, stderr := run(t, "wim", "capture", src, out, "--name", "Ref", "--description", "Desc", "--created-by", "tester", "--image-version", "2.0", "--boot")
	if code != 0 {
		t.Fatalf("capture: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "capture:") {
		t.Errorf("no progress on stderr: %q", stderr)
	}
	code, stdout, stderr = run(t, "wim", "info", out, "--json")
	if code != 0 {
		t.Fatalf("info: exit %d\n%s", code, stderr)
	}
	var info struct {
		Compression string `json:"compression"`
		BootIndex   int    `json:"boot_index"`
		Integrity   bool   `json:"integrity"`
		Images      []struct {
			Index        int    `json:"index"`
			Name         string `json:"name"`
			Description  string `json:"description"`
			CreatedBy    string `json:"created_by"`
			ImageVersion string `json:"image_version"`
			Files        uint64 `json:"files"`
			Directories  uint64 `json:"directories"`
		} `json:"images"`
	}
	if err := json.Unmarshal([]byte(stdout), &info); err != nil {
		t.Fatalf("info --json: %v\n%s", err, stdout)
	}
	if info.Compression != "XPRESS" || info.BootIndex != 1 || !info.Integrity || len(info.Images) != 1 ||
		info.Images[0].Name != "Ref" || info.Images[0].Description != "Desc" || info.Images[0].CreatedBy != "tester" ||
		info.Images[0].ImageVersion != "2.0" || info.Images[0].Files != 2 || info.Images[0].Directories != 3 {
		t.Errorf("info: %+v", info)
	}
	if code, stdout, stderr = run(t, "wim", "verify", out); code != 0 || !strings.Contains(stdout, "OK") {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	add := filepath.Join(dir, "winpeshl.ini")
	os.WriteFile(add, []byte("[LaunchApps]\n"), 0o644)
	if code, stdout, stderr = run(t, "wim", "update", out, "--add", add+`=Windows\System32\winpeshl.ini`, "--delete", "a.txt"); code != 0 {
		t.Fatalf("update: exit %d\n%s%s", code, stdout, stderr)
	}
	dest := filepath.Join(dir, "dest")
	if code, stdout, stderr = run(t, "wim", "apply", out, dest); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "Windows", "System32", "winpeshl.ini")); err != nil || string(b) != "[LaunchApps]\n" {
		t.Errorf("added file: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dest, "a.txt")); err == nil {
		t.Errorf("deleted file still there")
	}
	if code, stdout, stderr = run(t, "wim", "split", out, filepath.Join(dir, "p.swm"), "--part-size", "1"); code != 0 || !strings.Contains(stdout, "p.swm") {
		t.Fatalf("split: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "wim", "apply", filepath.Join(dir, "p.swm"), "1", filepath.Join(dir, "from-swm"))
	if code != 0 {
		t.Fatalf("apply split set: exit %d\n%s%s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "from-swm", "Windows", "System32", "winpeshl.ini")); err != nil || string(b) != "[LaunchApps]\n" {
		t.Errorf("from split set: %q %v", b, err)
	}
	code, stdout, _ = run(t, "wim", "info", out, "Ref")
	if code != 0 || !strings.Contains(stdout, "Name:         Ref") || !strings.Contains(stdout, "Created by:   tester") {
		t.Errorf("info by name: exit %d\n%s", code, stdout)
	}
	ex := filepath.Join(dir, "ex.wim")
	if code, stdout, stderr = run(t, "wim", "export", out, "1", ex, "--compress", "none"); code != 0 {
		t.Fatalf("export: exit %d\n%s%s", code, stdout, stderr)
	}
	lzx := filepath.Join(dir, "lzx.wim")
	if code, stdout, stderr = run(t, "wim", "export", out, "1", lzx, "--compress", "lzx", "--chunk-size", "65536"); code != 0 {
		t.Fatalf("export to LZX: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ = run(t, "wim", "info", lzx); code != 0 || !strings.Contains(stdout, "LZX (65536-byte chunks)") {
		t.Errorf("info of the LZX export: exit %d\n%s", code, stdout)
	}
	if code, _, stderr = run(t, "wim", "capture", src, filepath.Join(dir, "y.wim"), "--compress", "lzx", "--chunk-size", "16384"); code != exitUsage || !strings.Contains(stderr, "chunk size 16384") {
		t.Errorf("LZX with 16 KiB chunks: exit %d, %q", code, stderr)
	}
	all := filepath.Join(dir, "all.wim")
	if code, stdout, stderr = run(t, "wim", "export", out, "all", all); code != 0 || !strings.Contains(stdout, "1 images") {
		t.Fatalf("export all: exit %d\n%s%s", code, stdout, stderr)
	}
	if exe, err := exec.LookPath("wimlib-imagex"); err == nil || oracle.Required() {
		if err != nil {
			oracle.Require(t, "wimlib-imagex")
		}
		for _, f := range []string{out, ex, all, lzx} {
			if b, err := exec.Command(exe, "verify", f).CombinedOutput(); err != nil {
				t.Errorf("wimlib verify %s: %v\n%s", f, err, b)
			}
		}
	}

	// Bad input: exit 2 and the offset in the message.
	data, _ := os.ReadFile(out)
	trunc := filepath.Join(dir, "trunc.wim")
	os.WriteFile(trunc, data[:600], 0o644)
	code, _, stderr = run(t, "wim", "info", trunc)
	if code != exitUsage || !strings.Contains(stderr, "offset") {
		t.Errorf("truncated: exit %d, %q", code, stderr)
	}
	bad := filepath.Join(dir, "bad.wim")
	os.WriteFile(bad, []byte("not a wim at all, not a wim at all"), 0o644)
	if code, _, stderr = run(t, "wim", "verify", bad); code != exitUsage || !strings.Contains(stderr, "offset") {
		t.Errorf("bad magic: exit %d, %q", code, stderr)
	}
	if code, _, _ = run(t, "wim", "capture", src); code != exitUsage {
		t.Errorf("missing arg: exit %d", code)
	}
	if code, _, _ = run(t, "wim", "capture", src, filepath.Join(dir, "x.wim"), "--compress", "lzms"); code != exitUsage {
		t.Errorf("bad compression: exit %d", code)
	}
	if code, _, _ = run(t, "wim", "frobnicate"); code != exitUsage {
		t.Errorf("unknown subcommand: exit %d", code)
	}
	if code, _, _ = run(t, "wim", "apply", out, "7", dest); code != exitUsage {
		t.Errorf("bad index: exit %d", code)
	}
}

// Progress lines off a terminal climb to 100 % and never past it (a
// capture once printed 215 %, and one that knew no total yet printed
// 100 % first and then nothing).
func TestWimProgressLinesStayWithin100(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "d"), 0o755)
	for i := range 40 {
		os.WriteFile(filepath.Join(src, "d", "f"+strings.Repeat("x", i)), []byte(strings.Repeat("data ", 2000*i)), 0o644)
	}
	out := filepath.Join(dir, "out.wim")
	for _, args := range [][]string{
		{"wim", "capture", src, out},
		{"wim", "apply", out, filepath.Join(dir, "applied")},
	} {
		code, stdout, stderr := run(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", args[1], code, stdout, stderr)
		}
		last := -1
		for _, line := range strings.Split(stderr, "\n") {
			var op string
			var pct int
			if n, _ := fmt.Sscanf(line, "%s %d%%", &op, &pct); n != 2 {
				continue
			}
			if pct > 100 || pct < last {
				t.Errorf("%s: %q after %d%%", args[1], line, last)
			}
			last = pct
		}
		if last != 100 {
			t.Errorf("%s: progress ends at %d%%, not 100%%:\n%s", args[1], last, stderr)
		}
	}
}
