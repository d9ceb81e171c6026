package setupcomplete

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func crlfOnly(t *testing.T, b []byte) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) || !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Error("not CRLF line endings throughout")
	}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		opt  Options
	}{
		{"default.cmd", Options{AdminAccount: AdminDisable}},
		{"original-enable-pause.cmd", Options{AdminAccount: AdminEnable, Original: true, Pause: 30}},
		{"restart.cmd", Options{AdminAccount: AdminDisable, RestartExitCode: 3010}},
		{"custom.cmd", Options{Exe: `C:\Program Files\refimage\refimage.exe`, StateDir: `D:\_SMSTaskSequence`,
			LogFile: `D:\logs\sc.log`, Sequence: `D:\_SMSTaskSequence\sequence.toml`, ExtraArgs: []string{"--log", `D:\log dir`, "--var", "A=1"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Generate(c.opt)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, b)
			crlfOnly(t, b)
			if !IsOurs(b) {
				t.Error("IsOurs is false for our own script")
			}
		})
	}
}

func TestDefaultCommand(t *testing.T) {
	b, _ := Generate(Options{})
	want := `"%SystemDrive%\_SMSTaskSequence\refimage.exe" run --resume --state "%SystemDrive%\_SMSTaskSequence" --plain >>"%REFIMAGE_LOG%" 2>&1` + "\r\n"
	if !bytes.Contains(b, []byte(want)) {
		t.Errorf("no resume command in\n%s", b)
	}
	if bytes.Contains(b, []byte(OriginalName)) || bytes.Contains(b, []byte("LocalUser")) {
		t.Errorf("unexpected original call or account change:\n%s", b)
	}
	// every log line puts the redirection first, so a trailing digit is
	// never taken as a stream number
	for _, line := range strings.Split(string(b), "\r\n") {
		if strings.Contains(line, "echo") && !strings.HasPrefix(line, `>>"%REFIMAGE_LOG%" echo`) && line != "@echo off" {
			t.Errorf("echo line without leading redirection: %s", line)
		}
	}
}

func TestFiles(t *testing.T) {
	// none there: only ours, no original call
	f, err := Files(nil, Options{})
	if err != nil || len(f) != 1 || bytes.Contains(f[FileName], []byte(OriginalName)) {
		t.Fatalf("%v %v", f, err)
	}
	// a foreign one: kept byte for byte as the original, called first
	foreign := []byte("@echo off\r\nexit\r\n")
	f, err = Files(foreign, Options{})
	if err != nil || len(f) != 2 || !bytes.Equal(f[OriginalName], foreign) || !bytes.Contains(f[FileName], []byte(OriginalName)) {
		t.Fatalf("%v %v", f, err)
	}
	// ours again (the step ran twice): not wrapped, the original call kept
	g, err := Files(f[FileName], Options{AdminAccount: AdminDisable})
	if err != nil || len(g) != 1 || !bytes.Contains(g[FileName], []byte(OriginalName)) {
		t.Fatalf("rewrite of ours: %v %v", g, err)
	}
	h, _ := Files(f[FileName], Options{})
	if !bytes.Equal(h[FileName], f[FileName]) {
		t.Error("rewriting ours with the same options changes it")
	}
	// an empty existing file is still someone's file
	if f, _ := Files([]byte{}, Options{}); len(f) != 2 {
		t.Errorf("empty existing file: %v", f)
	}
}

func TestRefused(t *testing.T) {
	for _, o := range []Options{
		{Exe: `C:\a"b.exe`},
		{StateDir: "C:\\x\r\ny"},
		{ExtraArgs: []string{`"`}},
		{AdminAccount: "delete"},
		{Pause: -1},
	} {
		if _, err := Generate(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
