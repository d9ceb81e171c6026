//go:build !windows

package wine

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/refimage/refimage/internal/oracle"
)

// sampleTree writes a small tree with what Windows paths make hard:
// spaces, non-ASCII names, deep and empty folders, an empty file and 3
// MiB that do not compress (split needs parts).
func sampleTree(t *testing.T, dir string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	big := make([]byte, 3<<20)
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	for name, data := range map[string][]byte{
		"Windows/System32/drivers/etc/hosts": []byte("127.0.0.1 localhost\r\n"),
		"Program Files/App One/app.txt":      []byte("hello\n"),
		"Users/Public/문서/노트.txt":             []byte("한국어\n"),
		"Users/Public/empty.txt":             nil,
		"deep/a/b/c/d/e/f/g/h.txt":           bytes.Repeat([]byte("deep "), 4000),
		"data/big.bin":                       big,
	} {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	if err := os.MkdirAll(filepath.Join(dir, "Empty Folder"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// tree is a folder as relative path → content ("/" for a folder).
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			out[filepath.ToSlash(rel)] = "/"
			return nil
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var diffs []string
	for k, v := range want {
		g, ok := got[k]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+k)
		case g != v:
			diffs = append(diffs, "differs "+k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, "extra "+k)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s: the trees differ:\n%s", what, strings.Join(diffs, "\n"))
	}
}

func wimlibRun(t *testing.T, wimlib string, args ...string) string {
	t.Helper()
	out, err := exec.Command(wimlib, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("wimlib-imagex %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestWimUnderWine: refimage.exe wim capture/verify/apply/export/split/
// update with C:\ paths (spaces included) under Wine; wimlib-imagex
// verifies and applies every WIM it writes, trees equal the source, and
// WIMs wimlib writes apply and verify here.
func TestWimUnderWine(t *testing.T) {
	l := getLane(t)
	wimlib := oracle.Require(t, "wimlib-imagex")
	cLin, cWin := l.cdrive(t, "wim work")
	src := filepath.Join(cLin, "source tree")
	sampleTree(t, src)
	want := tree(t, src)
	ok := func(what string, r result) result {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("refimage.exe %s:\n%s", what, r)
		}
		return r
	}

	// capture → wimlib verifies and applies.
	for _, comp := range []string{"xpress", "lzx", "none"} {
		ok("wim capture "+comp, l.win(t, "", nil, "wim", "capture", cWin+`\source tree`, cWin+`\out `+comp+`.wim`, "--name", "Ref Image", "--compress", comp))
		out := filepath.Join(cLin, "out "+comp+".wim")
		wimlibRun(t, wimlib, "verify", out)
		dest := filepath.Join(t.TempDir(), "applied")
		wimlibRun(t, wimlib, "apply", out, "1", dest)
		sameTree(t, "wimlib apply of refimage.exe's "+comp+" capture", tree(t, dest), want)
		ok("wim verify "+comp, l.win(t, "", nil, "wim", "verify", cWin+`\out `+comp+`.wim`))
	}
	info := ok("wim info", l.win(t, "", nil, "wim", "info", cWin+`\out xpress.wim`))
	if !strings.Contains(info.stdout, "Ref Image") {
		t.Errorf("wim info does not name the image:\n%s", info)
	}

	// A WIM made by wimlib applies here, into a folder with a space.
	wimlibRun(t, wimlib, "capture", src, filepath.Join(cLin, "wimlib.wim"), "From wimlib", "--compress=lzx")
	ok("wim verify (wimlib's)", l.win(t, "", nil, "wim", "verify", cWin+`\wimlib.wim`))
	ok("wim apply (wimlib's)", l.win(t, "", nil, "wim", "apply", cWin+`\wimlib.wim`, "1", cWin+`\applied here`))
	sameTree(t, "refimage.exe wim apply of wimlib's WIM", tree(t, filepath.Join(cLin, "applied here")), want)

	// export into a new WIM, then append to it.
	ok("wim export", l.win(t, "", nil, "wim", "export", cWin+`\out xpress.wim`, "1", cWin+`\export.wim`, "--name", "Exported"))
	ok("wim export (append)", l.win(t, "", nil, "wim", "export", cWin+`\wimlib.wim`, "1", cWin+`\export.wim`))
	wimlibRun(t, wimlib, "verify", filepath.Join(cLin, "export.wim"))
	if info := wimlibRun(t, wimlib, "info", filepath.Join(cLin, "export.wim")); !strings.Contains(info, "Image Count:    2") || !strings.Contains(info, "Exported") {
		t.Errorf("export.wim does not hold both images:\n%s", info)
	}

	// split into 1 MiB parts: wimlib applies the set.
	if err := os.Mkdir(filepath.Join(cLin, "parts"), 0o755); err != nil {
		t.Fatal(err)
	}
	ok("wim split", l.win(t, "", nil, "wim", "split", cWin+`\out none.wim`, cWin+`\parts\out.swm`, "--part-size", "1"))
	parts, _ := filepath.Glob(filepath.Join(cLin, "parts", "out*.swm"))
	if len(parts) < 3 {
		t.Fatalf("split made %d parts: %v", len(parts), parts)
	}
	dest := filepath.Join(t.TempDir(), "from parts")
	wimlibRun(t, wimlib, "apply", filepath.Join(cLin, "parts", "out.swm"), "1", dest, "--ref="+filepath.Join(cLin, "parts", "out*.swm"))
	sameTree(t, "wimlib apply of refimage.exe's split", tree(t, dest), want)

	// update: add a folder, delete a file.
	writeFile(t, filepath.Join(cLin, "extra", "Setup Scripts", "SetupComplete.cmd"), []byte("@echo off\r\n"))
	ok("wim update", l.win(t, "", nil, "wim", "update", cWin+`\out xpress.wim`, "1",
		"--add", cWin+`\extra\Setup Scripts=\Windows\Setup\Scripts`, "--delete", `\Users\Public\empty.txt`))
	wimlibRun(t, wimlib, "verify", filepath.Join(cLin, "out xpress.wim"))
	dest = filepath.Join(t.TempDir(), "updated")
	wimlibRun(t, wimlib, "apply", filepath.Join(cLin, "out xpress.wim"), "1", dest)
	want2 := map[string]string{}
	for k, v := range want {
		want2[k] = v
	}
	delete(want2, "Users/Public/empty.txt")
	want2["Windows/Setup"] = "/"
	want2["Windows/Setup/Scripts"] = "/"
	want2["Windows/Setup/Scripts/SetupComplete.cmd"] = "@echo off\r\n"
	sameTree(t, "wimlib apply after refimage.exe wim update", tree(t, dest), want2)

	// Bad input: exit 2 with the file named the Windows way.
	writeFile(t, filepath.Join(cLin, "bad.wim"), bytes.Repeat([]byte("not a wim "), 100))
	r := l.win(t, "", nil, "wim", "verify", cWin+`\bad.wim`)
	if r.code != 2 || !strings.Contains(r.stderr, cWin+`\bad.wim`) {
		t.Errorf("a corrupt WIM: want exit 2 naming %s\\bad.wim:\n%s", cWin, r)
	}
}
