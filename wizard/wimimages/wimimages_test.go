package wimimages

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

func TestImagesFromWimlib(t *testing.T) {
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
	list, err := Lister{}.Images(wimPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].Index != 2 || list[1].Name != "Windows 11 Enterprise" || list[1].Edition != "Enterprise" {
		t.Errorf("images %+v", list)
	}
	if _, err := (Lister{}).Images(filepath.Join(src, "a.txt")); err == nil {
		t.Error("a text file read as a WIM")
	}
}

func TestArch(t *testing.T) {
	for in, want := range map[string]string{"0": "x86", "9": "x64", "12": "arm64", "5": "arm", "": "", "7": ""} {
		if got := Arch(in); got != want {
			t.Errorf("Arch(%q) = %q, want %q", in, got, want)
		}
	}
}
