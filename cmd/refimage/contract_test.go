package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBadInputContract is the command line's rule for bad input, over
// the commands (docs/exit-codes.md): every invalid input or usage exits
// 2, with a message that names the user's thing (the file, folder, flag
// or device they gave) and never one of ours (a temporary name, a bare
// system call); nothing is written.
func TestBadInputContract(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	put(t, filepath.Join(tree, "hello.txt"), []byte("hello, contract; a file with a unique body 0123456789"))
	good := filepath.Join(dir, "good.wim")
	if code, _, errs := run(t, "wim", "capture", tree, good, "--compress", "none", "--no-integrity", "--quiet"); code != 0 {
		t.Fatalf("capture: %s", errs)
	}
	// A WIM whose file data is corrupt: found only when it is applied.
	b, _ := os.ReadFile(good)
	corrupt := filepath.Join(dir, "corrupt.wim")
	i := bytes.Index(b, []byte("a unique body"))
	if i < 0 {
		t.Fatal("the file's data is not stored raw")
	}
	b[i] ^= 0xff
	os.WriteFile(corrupt, b, 0o644)
	seq := "../../docs/examples/custom-capture.toml"
	existing := filepath.Join(dir, "parts.swm")
	put(t, existing, []byte("someone's file"))
	afile := filepath.Join(dir, "a-file")
	put(t, afile, []byte("x"))
	nodir := filepath.Join(dir, "no", "such")
	winpe, exe := fakeWinPE(t)
	answers := filepath.Join(dir, "big-answers.toml")
	os.WriteFile(answers, nil, 0o644)
	os.Truncate(answers, maxTextFile+1)
	ctrlSeq := filepath.Join(dir, "ctrl.toml")
	put(t, ctrlSeq, []byte("version = 1\nname = \"T\"\nkind = \"custom\"\n\n[[steps]]\ntype = \"run-command-line\"\nname = \"R\"\ncommand_line = \"cmd /c \\u001b[2Jecho\"\n"))
	ctrlAnswers := filepath.Join(dir, "ctrl-answers.toml")
	put(t, ctrlAnswers, []byte("[start]\nflow = \"custom\"\n\n[info]\nname = \"Cap\\u001bture\"\n"))
	applied := filepath.Join(dir, "tree-copy")
	put(t, filepath.Join(applied, "hello.txt"), []byte("mine"))

	cases := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"wim info missing", []string{"wim", "info", filepath.Join(dir, "missing.wim")}, "the WIM file " + filepath.Join(dir, "missing.wim") + " does not exist"},
		{"wim info folder", []string{"wim", "info", dir}, dir + " is a folder, not a WIM file"},
		{"wim verify device", []string{"wim", "verify", os.DevNull}, "is not a regular file"},
		{"wim apply missing", []string{"wim", "apply", filepath.Join(dir, "gone.wim"), "1", filepath.Join(dir, "x")}, "does not exist"},
		{"wim apply corrupt blob", []string{"wim", "apply", corrupt, "1", filepath.Join(dir, "applied")}, "hello.txt"},
		{"wim capture missing folder", []string{"wim", "capture", tree, filepath.Join(nodir, "out.wim"), "--quiet"}, "the folder " + nodir + " does not exist"},
		{"wim capture onto a folder", []string{"wim", "capture", tree, dir, "--quiet"}, dir + " is a folder; give the WIM file a file name"},
		{"wim export to a folder", []string{"wim", "export", good, "1", dir}, dir + " is a folder; give the WIM file a file name"},
		{"wim export missing folder", []string{"wim", "export", good, "1", filepath.Join(nodir, "e.wim")}, "the folder " + nodir + " does not exist"},
		{"wim split over a file", []string{"wim", "split", good, existing, "--part-size", "1"}, existing + " exist"},
		{"wim split missing folder", []string{"wim", "split", good, filepath.Join(nodir, "p.swm"), "--part-size", "1"}, "the folder " + nodir + " does not exist"},
		{"validate missing", []string{"validate", filepath.Join(dir, "nope.toml")}, ""},
		{"validate a device", []string{"validate", os.DevNull}, ""},
		{"plan var too long", []string{"plan", seq, "--var", "A=" + strings.Repeat("a", 70000)}, "--var A"},
		{"run state is a file", []string{"run", seq, "--state", afile, "--plain"}, "--state " + afile + ": this is a file, not a folder"},
		{"run log under a file", []string{"run", seq, "--log", filepath.Join(afile, "logs"), "--plain"}, afile + " is a file, not a folder"},
		{"themes theme-file missing", []string{"themes", "show", "default", "--theme-file", filepath.Join(dir, "t.toml")}, "the theme file " + filepath.Join(dir, "t.toml") + " does not exist"},
		{"themes theme-file device", []string{"themes", "show", "default", "--theme-file", os.DevNull}, "is not a regular file"},
		{"media iso missing folder", []string{"media", seq, "--winpe", winpe, "--exe", exe, "--iso", filepath.Join(nodir, "m.iso")}, "the folder " + nodir + " does not exist"},
		{"media usb onto a folder", []string{"media", seq, "--winpe", winpe, "--exe", exe, "--usb", dir}, dir + " is a folder; give the medium a file name"},
		{"new answers device", []string{"new", "--answers", os.DevNull, "-o", filepath.Join(dir, "n.toml")}, os.DevNull + " is not a regular file"},
		{"new answers too big", []string{"new", "--answers", answers, "-o", filepath.Join(dir, "n.toml")}, "holds at most 16 MiB"},
		{"wim apply over files", []string{"wim", "apply", good, applied}, "applying to " + applied + " would replace 1 existing files:\n  hello.txt\ngive --force"},
		{"wim apply to a file", []string{"wim", "apply", good, afile}, afile + " is a file"},
		{"split part-size NaN", []string{"wim", "split", good, filepath.Join(dir, "n.swm"), "--part-size", "NaN"}, "--part-size MiB is required and must be positive"},
		{"split part-size Inf", []string{"wim", "split", good, filepath.Join(dir, "n.swm"), "--part-size", "Inf"}, "--part-size MiB is required and must be positive"},
		{"split part-size absurd", []string{"wim", "split", good, filepath.Join(dir, "n.swm"), "--part-size", "1e30"}, "--part-size 1e+30: give 1 to 1048576 MiB"},
		{"themes absurd width", []string{"themes", "show", "default", "--width", "1000000000"}, "at most 1000 cells"},
		{"version extra", []string{"version", "extra"}, `version takes no arguments (got "extra")`},
		{"wim threads absurd", []string{"wim", "capture", tree, filepath.Join(dir, "t.wim"), "--threads", "100000"}, "--threads 100000: give 0 (all CPUs) to 256"},
		{"wim threads negative", []string{"wim", "verify", good, "--threads", "-1"}, "--threads -1"},
		{"run offline wipes", []string{"run", "../../docs/examples/offline-build.toml", "--offline", tree, "--plain"}, "--offline " + tree + " holds 1 files and folders (0.0 MB); Apply Operating System deletes them before applying the image: give --yes to allow it"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"validate control in a command line", []string{"validate", ctrlSeq}, ""}, // stdout: see below
		{"plan control in a command line", []string{"plan", ctrlSeq}, ctrlSeq + ":8:24: steps[0].command_line: the text has a control character (U+001B) at character 8"},
		{"run control in a command line", []string{"run", ctrlSeq, "--plain"}, ctrlSeq + ":8:24: steps[0].command_line: the text has a control character (U+001B) at character 8"},
		{"plan control in a --var value", []string{"plan", seq, "--var", "OSDX=a\x1b[2Jb"}, "--var OSDX: the value: the text has a control character (U+001B) at character 2"},
		{"run control in a --var value", []string{"run", seq, "--var", "OSDX=a\rFORGED", "--plain"}, "--var OSDX: the value: the text has a control character (U+000D) at character 2"},
		{"media control in a --var value", []string{"media", seq, "--winpe", winpe, "--exe", exe, "--iso", filepath.Join(dir, "m.iso"), "--var", "OSDX=a\tb"}, "--var OSDX: the value: the text has a control character (U+0009) at character 2"},
		{"media usb-sector-size absurd", []string{"media", seq, "--winpe", winpe, "--exe", exe, "--usb", filepath.Join(dir, "m.img"), "--usb-sector-size", "8192"}, "--usb-sector-size 8192: a bootable FAT32 medium has 512, 1024, 2048 or 4096-byte sectors"},
		{"media usb-sector-size for an iso", []string{"media", seq, "--winpe", winpe, "--exe", exe, "--iso", filepath.Join(dir, "m.iso"), "--usb-sector-size", "4096"}, "--usb-sector-size is for --usb"},
		{"media control in --prestart", []string{"media", seq, "--winpe", winpe, "--exe", exe, "--iso", filepath.Join(dir, "m.iso"), "--prestart", "x.cmd\ny.cmd"}, "--prestart: the text has a control character (U+000A) at character 6"},
		{"new answers control in a name", []string{"new", "--answers", ctrlAnswers, "-o", filepath.Join(dir, "n.toml")}, ctrlAnswers + ":5:12: info.name: a control character (U+001B) at character 4"},
	}
	// Hostile WIM files (hostilewim_test.go): every command that reads
	// the broken structure exits 2 saying what is wrong and where (the
	// offset, or the entry's path for a name), and writes nothing — no
	// applied folder, no exported WIM. wim info reads the header, the
	// blob table and the XML, so it is asked only about those.
	hostile := hostileWIMs(t, dir)
	for _, h := range []struct {
		wim, want string
		info      bool
	}{
		{"bad-magic", `offset 0 (0x0): not a WIM file: bad magic "NOTAWIM\x00"`, true},
		{"header-size", "offset 8 (0x8): header size is 32767, want 208", true},
		{"table-past-eof", "offset 48 (0x30): blob table lies outside the file", true},
		{"blob-past-eof", "lies outside the file: offset", true},
		{"chunk-backwards", "chunk table entry 1: chunk 1 has impossible compressed size", false},
		{"huge-size", "cannot hold the chunk table of 34359738368 chunks (size 1125899906842624)", true},
		{"metadata-loop", "in metadata resource of image 1 (file offset", false},
		{"name-dotdot", `file name ".." would escape the target`, false},
		{"name-slash", `file name "hel/o.txt" contains a path separator`, false},
	} {
		p := hostile[h.wim]
		if h.info {
			cases = append(cases, struct {
				name string
				args []string
				want string
			}{"hostile " + h.wim + " info", []string{"wim", "info", p}, h.want})
		}
		for _, args := range [][]string{
			{"wim", "verify", p},
			{"wim", "apply", p, "1", filepath.Join(dir, "applied-"+h.wim)},
			{"wim", "export", p, "1", filepath.Join(dir, "exported-"+h.wim+".wim")},
		} {
			cases = append(cases, struct {
				name string
				args []string
				want string
			}{"hostile " + h.wim + " " + args[1], args, h.want})
		}
	}
	ours := regexp.MustCompile(`\.refimage-[0-9]+-|\.tmp\b|\.partial\b|^open |: open `)
	for _, c := range cases {
		before := listDir(t, dir)
		code, _, errs := run(t, c.args...)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want 2\n%s", c.name, code, errs)
			continue
		}
		if !strings.Contains(errs, c.want) {
			t.Errorf("%s: stderr does not say %q:\n%s", c.name, c.want, errs)
		}
		if strings.HasPrefix(c.name, "hostile ") && !strings.Contains(errs, c.args[2]) {
			t.Errorf("%s: the message does not name the WIM %s:\n%s", c.name, c.args[2], errs)
		}
		if strings.HasPrefix(c.name, "hostile ") && !strings.Contains(c.name, " name-") && !strings.Contains(errs, "offset ") {
			t.Errorf("%s: no offset in the message:\n%s", c.name, errs)
		}
		if m := ours.FindString(errs); m != "" {
			t.Errorf("%s: the message shows our internals (%q):\n%s", c.name, m, errs)
		}
		if after := listDir(t, dir); strings.Join(after, " ") != strings.Join(before, " ") {
			t.Errorf("%s: the folder changed: %v → %v", c.name, before, after)
		}
	}
	// validate prints FILE: problem on stdout.
	code, out, _ := run(t, "validate", filepath.Join(dir, "nope.toml"), os.DevNull)
	if code != exitUsage || !strings.Contains(out, filepath.Join(dir, "nope.toml")+": the sequence file "+filepath.Join(dir, "nope.toml")+" does not exist") || !strings.Contains(out, os.DevNull+": "+os.DevNull+" is not a regular file") {
		t.Errorf("validate: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, "validate", ctrlSeq); code != exitUsage || !strings.Contains(out, ctrlSeq+":8:24: steps[0].command_line: the text has a control character (U+001B) at character 8") {
		t.Errorf("validate: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(applied, "hello.txt")); string(b) != "mine" {
		t.Error("apply replaced a file without --force")
	}
	if code, _, errs := run(t, "wim", "apply", good, applied, "--force", "--quiet"); code != 0 {
		t.Errorf("apply --force: %s", errs)
	}
	if _, err := os.Stat(filepath.Join(tree, "hello.txt")); err != nil {
		t.Error("run --offline deleted the folder's files without --yes")
	}
	if b, _ := os.ReadFile(existing); string(b) != "someone's file" {
		t.Error("split wrote over an existing file")
	}
}
