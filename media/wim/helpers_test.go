package wim

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refimage/refimage/internal/oracle"
)

// makeTree writes the standard test tree: Unicode and Korean names,
// spaces, empty files and folders, identical files, hard links, symlinks,
// compressible and random data, chunk-boundary sizes and nSmall small files.
func makeTree(t testing.TB, root string, nSmall int) {
	t.Helper()
	rng := rand.New(rand.NewSource(42))
	write := func(rel string, data []byte) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mkdir := func(rel string) {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(rel)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	text := func(n int) []byte {
		var b bytes.Buffer
		words := []string{"windows", "image", "capture", "reference", "task", "sequence", "한국어", "드라이버", "setup", "\n"}
		for b.Len() < n {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteByte(' ')
		}
		return b.Bytes()[:n]
	}
	random := func(n int) []byte { b := make([]byte, n); rng.Read(b); return b }
	write("a.txt", []byte("hello world\n"))
	write("dup1/same.txt", text(50000))
	write("dup2/same copy.txt", text(0)) // placeholder replaced below
	same, _ := os.ReadFile(filepath.Join(root, "dup1/same.txt"))
	write("dup2/same copy.txt", same)
	write("한국어 폴더/파일 이름.txt", []byte("안녕하세요, 세계\n"))
	write("with space/file with space.txt", text(1000))
	write("Ünïcödé/ñame €.bin", random(3000))
	write("empty.txt", nil)
	mkdir("emptydir")
	mkdir("nested/empty/deeper")
	write("text.log", text(200000))
	write("random.bin", random(100000))
	write("zeros.bin", make([]byte, 1<<20))
	write("sizes/32767", text(32767))
	write("sizes/32768", text(32768))
	write("sizes/32769", text(32769))
	write("sizes/65536", random(65536))
	write("hl/orig.bin", text(70000))
	if err := os.Link(filepath.Join(root, "hl/orig.bin"), filepath.Join(root, "hl/link.bin")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(root, "hl/orig.bin"), filepath.Join(root, "hl/link2.bin")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < nSmall; i++ {
		write(fmt.Sprintf("many/d%02d/f%05d.txt", i%17, i), text(10+rng.Intn(3000)))
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink("a.txt", filepath.Join(root, "link-rel")))
	must(os.Symlink("dup1", filepath.Join(root, "link-dir")))
	must(os.Symlink("../a.txt", filepath.Join(root, "한국어 폴더/링크")))
	must(os.Symlink("/etc/hostname", filepath.Join(root, "link-abs")))
	must(os.Symlink("missing target", filepath.Join(root, "link-dangling")))
	// Fixed timestamps with sub-second parts (100 ns resolution).
	base := time.Date(2024, 3, 5, 6, 7, 8, 123456700, time.UTC)
	i := 0
	var dirs []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		must(err)
		i++
		ts := base.Add(time.Duration(i) * time.Hour)
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		must(os.Chtimes(p, ts, ts))
		return nil
	})
	for j := len(dirs) - 1; j >= 0; j-- {
		ts := base.Add(time.Duration(j) * time.Minute)
		must(os.Chtimes(dirs[j], ts, ts))
	}
}

// compareTrees fails unless got holds exactly what want holds: types,
// contents, symlink targets, modification times (100 ns) and hard-link
// grouping.
func compareTrees(t testing.TB, want, got string) {
	t.Helper()
	type ent struct {
		mode  fs.FileMode
		sum   [20]byte
		link  string
		mtime int64
		ino   uint64
	}
	scan := func(root string) map[string]ent {
		m := map[string]ent{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if rel == "." {
				return nil
			}
			fi, err := os.Lstat(p)
			if err != nil {
				return err
			}
			e := ent{mode: fi.Mode().Type(), mtime: fi.ModTime().UnixNano() / 100}
			e.ino = fileIno(fi)
			switch {
			case fi.Mode().IsRegular():
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				e.sum = sha1.Sum(b)
			case fi.Mode()&fs.ModeSymlink != 0:
				e.link, _ = os.Readlink(p)
			}
			m[filepath.ToSlash(rel)] = e
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := scan(want), scan(got)
	inoA, inoB := map[uint64]string{}, map[uint64]string{}
	bad := 0
	for p, ea := range a {
		eb, ok := b[p]
		if !ok {
			t.Errorf("missing in %s: %s", got, p)
			bad++
			continue
		}
		switch {
		case ea.mode != eb.mode:
			t.Errorf("%s: type %v, want %v", p, eb.mode, ea.mode)
		case ea.sum != eb.sum:
			t.Errorf("%s: content differs", p)
		case ea.link != eb.link:
			t.Errorf("%s: link target %q, want %q", p, eb.link, ea.link)
		case ea.mtime != eb.mtime && ea.mode&fs.ModeSymlink == 0:
			t.Errorf("%s: mtime %d, want %d", p, eb.mtime, ea.mtime)
		}
		if ea.mode.IsRegular() {
			fa, okA := inoA[ea.ino]
			fb, okB := inoB[eb.ino]
			if okA != okB || (okA && fa != fb) {
				t.Errorf("%s: hard-link grouping differs (want linked with %q, got %q)", p, fa, fb)
			}
			if !okA {
				inoA[ea.ino] = p
			}
			if !okB {
				inoB[eb.ino] = p
			}
		}
		if bad > 10 {
			t.FailNow()
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			t.Errorf("extra in %s: %s", got, p)
		}
	}
}

func wimlib(t testing.TB, args ...string) string {
	t.Helper()
	exe := oracle.Require(t, "wimlib-imagex")
	cmd := exec.Command(exe, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wimlib-imagex %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// copyTree copies a file or folder (symlinks as symlinks, times kept,
// hard links preserved within the copy).
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	links := map[uint64]string{}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			return os.MkdirAll(target, 0o755)
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			return os.Symlink(l, target)
		default:
			if ino, nlink := fileLinks(fi); nlink > 1 {
				if first, ok := links[ino]; ok {
					return os.Link(first, target)
				}
				links[ino] = target
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, b, 0o644); err != nil {
				return err
			}
			return os.Chtimes(target, fi.ModTime(), fi.ModTime())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// Directory times after their contents.
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			rel, _ := filepath.Rel(src, p)
			fi, _ := os.Stat(p)
			os.Chtimes(filepath.Join(dst, rel), fi.ModTime(), fi.ModTime())
		}
		return nil
	})
}

// compareTreesLoose is compareTrees ignoring the mtimes of the listed
// directories (created or changed by an update).
func compareTreesLoose(t testing.TB, want, got string, ignore []string) {
	t.Helper()
	for _, d := range append(ignore, ".") {
		now := time.Unix(1700000000, 0)
		os.Chtimes(filepath.Join(want, d), now, now)
		os.Chtimes(filepath.Join(got, d), now, now)
	}
	compareTrees(t, want, got)
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
