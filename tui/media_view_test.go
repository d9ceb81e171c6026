package tui

import (
	"github.com/refimage/refimage/wizard"

	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/engine/sequence/secret"
	"github.com/refimage/refimage/media"
	"github.com/refimage/refimage/media/wim"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard/mediawiz"
)

const mediaPW = "Media-Typed-Secret-41"

type fakeMediaDisks struct{ list []mediawiz.Disk }

func (f fakeMediaDisks) List() ([]mediawiz.Disk, error) { return f.list, nil }

var testDisks = []mediawiz.Disk{
	{Path: "/dev/sda", Model: "ATA Samsung SSD 870", Size: 500107862016, Partitions: []string{"/dev/sda1", "/dev/sda2"}, Mounted: []string{"/", "/boot/efi"},
		Refusal: "/dev/sda holds the running system; refimage will not overwrite it"},
	{Path: "/dev/sdb", Model: "SanDisk Ultra", Size: 15376000000, Partitions: []string{"/dev/sdb1"}},
	{Path: "/dev/sdc", Model: "Kingston DataTraveler", Size: 7751073792, Partitions: []string{"/dev/sdc1"}, Mounted: []string{"/media/k/STICK"},
		Refusal: "/dev/sdc is mounted (/media/k/STICK); unmount it first"},
}

// fakeMediaEnv checks nothing on disk: the source is complete when it is
// /work/WinPE_amd64.
func fakeMediaEnv() *mediawiz.Env {
	return &mediawiz.Env{
		Disks: fakeMediaDisks{testDisks},
		Source: func(winpe, fw string) (string, error) {
			if winpe == "/work/WinPE_amd64" {
				return "x64", nil
			}
			return "", &media.MissingError{What: "WinPE source", Missing: []string{winpe + "/media/sources/boot.wim", winpe + "/fwfiles/efisys.bin"}}
		},
		Exe: func(given, arch string) (string, error) {
			if given != "" {
				return given, nil
			}
			return "/usr/local/bin/refimage-windows-amd64.exe", nil
		},
		Prestart: func(c string) error { _, err := media.Winpeshl(c); return err },
		Content: func(seq *sequence.Sequence, vars map[string]string) (int, []string) {
			if vars["Images"] != "" {
				return 3, nil
			}
			return 3, []string{`Apply Operating System: image: %Images%`, `Install Applications: applications[0].source = \\deploy01\apps$\7zip (not found)`}
		},
		// The wizard checks folders with the host's filepath (\work on
		// Windows): the fake answers for both spellings.
		Exists:    func(p string) bool { return filepath.ToSlash(p) == "/work" },
		IsDir:     func(p string) bool { p = filepath.ToSlash(p); return p == "/work" || p == "." },
		LookupEnv: func(k string) (string, bool) { return "", false },
		GOOS:      "linux",
	}
}

func mediaSeq() *sequence.Sequence {
	s := sequence.CustomCaptureTemplate(false)
	s.Name = "Capture an existing computer"
	s.BootImage = sequence.BootImage{Path: `\\deploy01\boot$\x64\boot.wim`, Arch: "x64"}
	c := s.FindStep(sequence.StepCustomCapture).Props.(*sequence.CaptureOSImage)
	c.Destination = `\\deploy01\captures$\ref.wim`
	c.Account = `CONTOSO\svc-capture`
	c.Password = secret.PromptRef()
	return s
}

func mediaFilled() *MediaModel { return mediaFilledIn(wizard.English) }

// mediaFilledIn is mediaFilled with the wizard in a language.
func mediaFilledIn(lang wizard.Lang) *MediaModel {
	m := NewMediaWizard(mediaSeq(), "/work/capture.toml", MediaOptions{Env: fakeMediaEnv(), Lang: lang})
	a := &m.w.A
	a.ISO = "/work/capture.iso"
	a.Password, a.Confirm = mediaPW, mediaPW
	a.WinPE = "/work/WinPE_amd64"
	a.Vars = []string{"OSDComputerName=REF01", "SkipSummary=YES"}
	a.Prestart = `cmd /c X:\tools\check.cmd`
	a.Label = "REF_MEDIA"
	return m
}

// mediaAt shows page id, reached by Next so the pages before are ticked.
func mediaAt(t *testing.T, m *MediaModel, id mediawiz.PageID) *MediaModel {
	t.Helper()
	for m.w.CurrentID() != id {
		if err := m.w.Next(); err != nil {
			t.Fatalf("Next on %s: %v %v", m.w.CurrentID(), err, m.w.PageErrors(m.w.CurrentID()))
		}
	}
	m.enterPage()
	return m
}

func mediaViewCases() []struct {
	name string
	make func(t *testing.T) *MediaModel
} {
	return mediaViewCasesIn(wizard.English)
}

// mediaViewCasesIn are the view cases with the wizard in a language.
func mediaViewCasesIn(lang wizard.Lang) []struct {
	name string
	make func(t *testing.T) *MediaModel
} {
	mediaFilled := func() *MediaModel { return mediaFilledIn(lang) }
	page := func(id mediawiz.PageID) func(t *testing.T) *MediaModel {
		return func(t *testing.T) *MediaModel { return mediaAt(t, mediaFilled(), id) }
	}
	device := func(t *testing.T) *MediaModel {
		m := mediaFilled()
		m.w.A.Target, m.w.A.Label = mediawiz.TargetDevice, "REF_USB"
		return m
	}
	progress := func(t *testing.T, done bool) *MediaModel {
		m := mediaAt(t, mediaFilled(), mediawiz.PageSummary)
		m.w.Goto(mediawiz.PageProgress)
		m.w.Writing = true
		m.prog = &mediaProgress{}
		t0 := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
		m.now = func() time.Time { return t0.Add(10 * time.Second) }
		m.prog.phases = []*phaseState{
			{name: "boot image", done: 40e6, total: 40e6, start: t0, end: t0.Add(4 * time.Second)},
			{name: "write", done: 150e6, total: 420e6, start: t0.Add(4 * time.Second)},
		}
		if done {
			m.prog.phases[1].done, m.prog.phases[1].end = 420e6, t0.Add(10*time.Second)
			m.done(mediaDoneMsg{res: &media.Result{Path: "/work/capture.iso", Size: 421527552, Files: 14, ID: "5f0c2a91d3b4e677"}})
		}
		return m
	}
	type vc = struct {
		name string
		make func(t *testing.T) *MediaModel
	}
	return []vc{
		{"01-type", page(mediawiz.PageType)},
		{"02-target-iso", page(mediawiz.PageTarget)},
		{"02-target-device", func(t *testing.T) *MediaModel {
			m := mediaAt(t, device(t), mediawiz.PageTarget)
			m.focus = 1
			return m
		}},
		{"02-target-device-refused", func(t *testing.T) *MediaModel {
			m := mediaAt(t, device(t), mediawiz.PageTarget)
			m.w.A.Device = "/dev/sdc"
			m.focus = 1
			m.next()
			return m
		}},
		{"03-security", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageSecurity)
			m.focus = 1
			return m
		}},
		{"03-security-mismatch", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageSecurity)
			m.w.A.Confirm = "something else"
			m.next()
			return m
		}},
		{"03-security-no-password", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageSecurity)
			m.w.A.Protect = false
			return m
		}},
		{"04-boot", page(mediawiz.PageBoot)},
		{"04-boot-incomplete", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageBoot)
			m.w.A.WinPE = "/work/empty"
			m.next()
			return m
		}},
		{"05-custom", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageCustom)
			m.varLine = 1
			return m
		}},
		{"05-custom-errors", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageCustom)
			m.w.A.Vars = []string{"OSDComputerName", "_SMSTSMediaType=x"}
			m.w.A.Label = "REF MEDIA"
			m.next()
			return m
		}},
		{"05-custom-standalone-missing", func(t *testing.T) *MediaModel {
			m := mediaFilled()
			m.w.A.Kind = mediawiz.Standalone
			m = mediaAt(t, m, mediawiz.PageCustom)
			m.next()
			return m
		}},
		{"06-summary", page(mediawiz.PageSummary)},
		{"06-summary-device", func(t *testing.T) *MediaModel { return mediaAt(t, device(t), mediawiz.PageSummary) }},
		{"07-progress", func(t *testing.T) *MediaModel { return progress(t, false) }},
		{"07-progress-done", func(t *testing.T) *MediaModel { return progress(t, true) }},
		{"07-progress-failed", func(t *testing.T) *MediaModel {
			m := progress(t, false)
			m.done(mediaDoneMsg{err: errors.New("write /work/capture.iso: no space left on device")})
			return m
		}},
		{"07-progress-device-stopped", func(t *testing.T) *MediaModel {
			m := mediaAt(t, device(t), mediawiz.PageSummary)
			m.w.Goto(mediawiz.PageProgress)
			m.w.Writing = true
			m.prog = &mediaProgress{}
			m.stopped = true
			m.done(mediaDoneMsg{err: errors.New("cancelled"), rewrite: true})
			return m
		}},
		{"08-completion", func(t *testing.T) *MediaModel {
			m := progress(t, true)
			m.next()
			return m
		}},
		{"help", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageBoot)
			m.Update(tea.KeyMsg{Type: tea.KeyF1})
			return m
		}},
		{"help-scrolled", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageBoot)
			m.Update(tea.KeyMsg{Type: tea.KeyF1})
			m.View()
			for i := 0; i < 40; i++ {
				m.Update(tea.KeyMsg{Type: tea.KeyDown})
			}
			m.Update(tea.KeyMsg{Type: tea.KeyUp})
			return m
		}},
		{"cancel-asks", func(t *testing.T) *MediaModel {
			m := mediaAt(t, mediaFilled(), mediawiz.PageType)
			m.Update(tea.KeyMsg{Type: tea.KeyEsc})
			return m
		}},
	}
}

func renderMedia(m *MediaModel, w, h int) string {
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return ansi.Strip(m.View())
}

// TestMediaViews renders every page of the media wizard at 80x25 and
// 120x40 against golden files (go test ./tui/ -run MediaViews -update).
func TestMediaViews(t *testing.T) {
	for _, size := range [][2]int{{80, 25}, {120, 40}} {
		for _, vc := range mediaViewCases() {
			t.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], vc.name), func(t *testing.T) {
				out := renderMedia(vc.make(t), size[0], size[1])
				if *show {
					fmt.Println(out)
				}
				if strings.Contains(out, mediaPW) {
					t.Fatal("the media password is on the screen")
				}
				golden.RequireEqual(t, []byte(out+"\n"))
			})
		}
	}
}

// TestMediaFits: no line wider than the terminal, no page taller.
func TestMediaFits(t *testing.T) {
	for _, size := range [][2]int{{80, 25}, {120, 40}, {100, 30}, {60, 20}, {40, 12}} {
		for _, vc := range mediaViewCases() {
			screenFits(t, vc.name, vc.make(t), size[0], size[1])
		}
	}
}

// TestMediaRandomKeys: random keys never panic and every screen fits.
func TestMediaRandomKeys(t *testing.T) {
	keys := []tea.KeyMsg{
		{Type: tea.KeyTab}, {Type: tea.KeyShiftTab}, {Type: tea.KeyUp}, {Type: tea.KeyDown}, {Type: tea.KeyEnter},
		{Type: tea.KeySpace}, {Type: tea.KeyBackspace}, {Type: tea.KeyCtrlN}, {Type: tea.KeyCtrlP}, {Type: tea.KeyCtrlS},
		{Type: tea.KeyLeft}, {Type: tea.KeyRight}, {Type: tea.KeyCtrlU}, {Type: tea.KeyEsc}, {Type: tea.KeyF1},
		keyRunes("n"), keyRunes("r"), keyRunes("="), keyRunes("?"), keyRunes("x"), keyRunes("A"), keyRunes("참"),
	}
	seed := uint64(7)
	next := func() int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed >> 33)
	}
	for run := 0; run < 4; run++ {
		m := mediaFilled()
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
		for i := 0; i < 400; i++ {
			k := keys[next()%len(keys)]
			m.Update(k)
			if m.result.Cancelled {
				break
			}
			lines := strings.Split(m.View(), "\n")
			if len(lines) > 25 {
				t.Fatalf("run %d key %d (%s): %d rows", run, i, k, len(lines))
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > 80 {
					t.Fatalf("run %d key %d (%s): a row of %d cells: %q", run, i, k, ansi.StringWidth(l), ansi.Strip(l))
				}
			}
		}
	}
}

// miniPE is the smallest file media.ExeArch accepts as an x64 program.
func miniPE() []byte {
	b := make([]byte, 256)
	b[0], b[1] = 'M', 'Z'
	binary.LittleEndian.PutUint32(b[60:], 128)
	copy(b[128:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[132:], 0x8664)
	return b
}

func putFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeCopype makes what copype amd64 makes: stand-in boot files and a
// boot.wim captured here.
func fakeCopype(t *testing.T) (src, exe string) {
	t.Helper()
	src = t.TempDir()
	m := filepath.Join(src, "media")
	for _, p := range []string{"bootmgr", "bootmgr.efi", "Boot/BCD", "Boot/boot.sdi", "EFI/Boot/bootx64.efi", "EFI/Microsoft/Boot/BCD"} {
		putFile(t, filepath.Join(m, filepath.FromSlash(p)), []byte("stand-in "+p))
	}
	pe := t.TempDir()
	putFile(t, filepath.Join(pe, "Windows", "System32", "startnet.cmd"), []byte("wpeinit\r\n"))
	os.MkdirAll(filepath.Join(m, "sources"), 0o755)
	if _, err := wim.Capture(pe, filepath.Join(m, "sources", "boot.wim"), wim.CaptureOptions{Name: "Microsoft Windows PE (amd64)", Boot: true}); err != nil {
		t.Fatal(err)
	}
	putFile(t, filepath.Join(src, "fwfiles", "etfsboot.com"), make([]byte, 4096))
	putFile(t, filepath.Join(src, "fwfiles", "efisys.bin"), make([]byte, 1474560))
	exe = filepath.Join(t.TempDir(), "refimage.exe")
	putFile(t, exe, miniPE())
	return src, exe
}

// TestMediaASCII: with the ascii theme every page draws in ASCII only.
func TestMediaASCII(t *testing.T) {
	th, ok := themes.Get("ascii")
	if !ok {
		t.Skip("no ascii theme")
	}
	for _, vc := range mediaViewCases() {
		m := vc.make(t)
		m.th = th
		out := renderMedia(m, 80, 25)
		for i, r := range out {
			if r > 0x7e {
				t.Errorf("%s: %q at %d in\n%s", vc.name, r, i, out)
				break
			}
		}
	}
}

func TestHalfUNC(t *testing.T) {
	for p, want := range map[string]bool{`\\`: true, `\\srv`: true, `\\srv\`: true, `\\srv\share`: false, `//srv/share/pe`: false, `C:\WinPE`: false, "/work/pe": false, "": false} {
		if halfUNC(p) != want {
			t.Errorf("halfUNC(%q) = %v", p, !want)
		}
	}
}
