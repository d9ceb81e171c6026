package main

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

// An ESD made by wimlib (solid LZMS): info shows its solid resource,
// verify and apply read it, export turns it into an LZX WIM that wimlib
// verifies; update is refused (exit 2: refimage reads, not writes, LZMS);
// a damaged solid header is refused with its offset (exit 2).
func TestWimCLIESD(t *testing.T) {
	tool := oracle.Require(t, "wimlib-imagex")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "Windows", "System32"), 0o755)
	os.WriteFile(filepath.Join(src, "Windows", "System32", "a.dll"), []byte(strings.Repeat("dll data ", 50000)), 0o644)
	os.WriteFile(filepath.Join(src, "Windows", "b.txt"), []byte("b"), 0o644)
	esd := filepath.Join(dir, "install.esd")
	if out, err := exec.Command(tool, "capture", src, esd, "Windows 11 Pro", "--solid").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	code, stdout, stderr := run(t, "wim", "info", esd)
	if code != 0 || !strings.Contains(stdout, "Compression:  LZMS") || !strings.Contains(stdout, "Solid:        2 streams") || !strings.Contains(stdout, "Windows 11 Pro") {
		t.Fatalf("info: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "wim", "info", esd, "--json")
	var info struct {
		Solid []struct {
			Compression string `json:"compression"`
			ChunkSize   int    `json:"chunk_size"`
			Blobs       int    `json:"blobs"`
		} `json:"solid"`
	}
	if err := json.Unmarshal([]byte(stdout), &info); code != 0 || err != nil || len(info.Solid) != 1 || info.Solid[0].Compression != "LZMS" || info.Solid[0].Blobs != 2 {
		t.Fatalf("info --json: exit %d, %v\n%s", code, err, stdout)
	}
	if code, stdout, stderr = run(t, "wim", "verify", esd); code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	got := filepath.Join(dir, "got")
	if code, stdout, stderr = run(t, "wim", "apply", esd, "1", got); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(got, "Windows", "System32", "a.dll")); err != nil || len(b) != 450000 {
		t.Fatalf("applied file: %d bytes, %v", len(b), err)
	}
	wimOut := filepath.Join(dir, "install.wim")
	if code, stdout, stderr = run(t, "wim", "export", esd, "1", wimOut, "--compress", "lzx"); code != 0 {
		t.Fatalf("export: exit %d\n%s%s", code, stdout, stderr)
	}
	if out, err := exec.Command(tool, "verify", wimOut).CombinedOutput(); err != nil {
		t.Fatalf("wimlib verify of the export: %v\n%s", err, out)
	}
	if out, _ := exec.Command(tool, "info", wimOut).CombinedOutput(); !strings.Contains(string(out), "Compression:    LZX") {
		t.Fatalf("export is not LZX:\n%s", out)
	}
	if code, _, stderr = run(t, "wim", "update", esd, "1", "--delete", "/Windows/b.txt"); code != exitUsage || !strings.Contains(stderr, "not written") {
		t.Errorf("update of an ESD: exit %d, %q", code, stderr)
	}
	// A solid chunk size of 1 GiB is refused before any allocation.
	b, _ := os.ReadFile(esd)
	bt := binary.LittleEndian.Uint64(b[0x38:])
	for i := bt; i+50 <= uint64(len(b)); i += 50 {
		if b[i+7]&0x10 != 0 && binary.LittleEndian.Uint64(b[i+16:]) == 1<<32 {
			at := binary.LittleEndian.Uint64(b[i+8:])
			binary.LittleEndian.PutUint32(b[at+8:], 1<<30)
			bad := filepath.Join(dir, "bad.esd")
			os.WriteFile(bad, b, 0o644)
			code, _, stderr = run(t, "wim", "apply", bad, "1", filepath.Join(dir, "bad"))
			if code != exitUsage || !strings.Contains(stderr, "offset "+strconv.Itoa(int(at+8))) {
				t.Errorf("1 GiB solid chunks: exit %d, %q", code, stderr)
			}
			return
		}
	}
	t.Fatal("no solid resource entry")
}
