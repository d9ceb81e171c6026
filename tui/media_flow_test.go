package tui

import (
	"github.com/refimage/refimage/wizard"

	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/media"
	"github.com/refimage/refimage/wizard/mediawiz"
)

func loadMediaExample(t *testing.T) (*sequence.Sequence, string) {
	t.Helper()
	p, _ := filepath.Abs(filepath.Join("..", "docs", "examples", "custom-capture.toml"))
	seq, probs := sequence.Load(p)
	if seq == nil || len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	return seq, p
}

func newMediaFlow(t *testing.T, opt MediaOptions) *flow {
	seq, p := loadMediaExample(t)
	m := NewMediaWizard(seq, p, opt)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 25))
	return &flow{t, tm}
}

func mediaDone(f *flow) *MediaModel {
	f.t.Helper()
	return f.tm.FinalModel(f.t, teatest.WithFinalTimeout(20*time.Second)).(*MediaModel)
}

// TestMediaFlowISO walks every page of the media wizard with the keys,
// goes back once, and writes a bootable ISO from a fake copype folder.
func TestMediaFlowISO(t *testing.T) {
	src, exe := fakeCopype(t)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "capture.iso")
	f := newMediaFlow(t, MediaOptions{})
	f.see("Bootable media: the boot image").keys(tea.KeyCtrlN)
	f.see("USB image file (copy").keys(tea.KeyTab, tea.KeyCtrlU).typ(filepath.Join(outDir, "missing", "x.iso")).see("create it, or write").
		keys(tea.KeyCtrlU).typ(out).keys(tea.KeyCtrlN)
	f.see("Protect media with a password").keys(tea.KeyTab).typ(mediaPW).keys(tea.KeyTab).typ(mediaPW + "x").keys(tea.KeyCtrlN).see("does not match")
	f.keys(tea.KeyBackspace).keys(tea.KeyCtrlN)
	f.see("Windows PE source *").typ(src).see("from its EFI boot loader").keys(tea.KeyTab, tea.KeyTab).typ(exe).keys(tea.KeyCtrlN)
	// Customization: two variables, then back to the Boot Image and on.
	f.see("Media variables").typ("OSDComputerName=REF01").keys(tea.KeyEnter).typ("Lab=yes").
		keys(tea.KeyCtrlP).see("Firmware files folder").keys(tea.KeyCtrlN)
	f.see("Lab=yes").keys(tea.KeyTab, tea.KeyTab, tea.KeyCtrlU).typ("REF_MEDIA").keys(tea.KeyCtrlN)
	f.see("Your choices").keys(tea.KeyCtrlN)
	f.see("The medium was written").keys(tea.KeyEnter)
	f.see("Next time you can run this directly").keys(tea.KeyEnter)
	m := mediaDone(f)
	res := m.Result()
	if res.Cancelled || res.Written != out {
		t.Fatalf("result %+v", res)
	}
	info, err := os.Stat(out)
	if err != nil || info.Size() < 1<<20 {
		t.Fatalf("no ISO: %v", err)
	}
	want := "refimage media " + m.w.SequencePath() + " --winpe " + src + " --iso " + out + " --password --label REF_MEDIA --var OSDComputerName=REF01 --var Lab=yes --exe " + exe
	if res.Command != want {
		t.Errorf("command line\n got %s\nwant %s", res.Command, want)
	}
	if strings.Contains(res.Command, mediaPW) {
		t.Error("the password is in the command line")
	}
	ents, _ := os.ReadDir(outDir)
	if len(ents) != 1 {
		t.Errorf("left in the output folder: %v", ents)
	}
}

// TestMediaFlowCtrlCStops presses ctrl+c while the ISO is written: the
// wizard stops the writer, exits as cancelled, and nothing is left under
// the target's name (nor a temporary file).
func TestMediaFlowCtrlCStops(t *testing.T) {
	src, exe := fakeCopype(t)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "capture.iso")
	var once sync.Once
	writing := make(chan struct{})
	build := func(ctx context.Context, opt media.Options) (*media.Result, error) {
		inner := opt.Progress
		opt.Progress = func(p media.Progress) {
			inner(p)
			if p.Phase == "write" && p.Done < p.Total {
				once.Do(func() { close(writing) })
				<-ctx.Done() // hold the writer half way until it is stopped
			}
		}
		return media.Build(ctx, opt)
	}
	f := newMediaFlow(t, MediaOptions{Hooks: MediaHooks{Build: build}})
	f.see("Bootable media: the boot image").keys(tea.KeyCtrlN)
	f.see("USB image file (copy").keys(tea.KeyTab, tea.KeyCtrlU).typ(out).keys(tea.KeyCtrlN)
	f.see("Protect media with a password").typ(" ").keys(tea.KeyCtrlN)
	f.see("Windows PE source *").typ(src).keys(tea.KeyTab, tea.KeyTab).typ(exe).keys(tea.KeyCtrlS)
	f.see("Your choices").keys(tea.KeyCtrlN)
	select {
	case <-writing:
	case <-time.After(20 * time.Second):
		t.Fatal("the medium was never written")
	}
	f.see("Write the medium").keys(tea.KeyCtrlC)
	m := mediaDone(f)
	if !m.Result().Cancelled || m.Result().Written != "" {
		t.Fatalf("result %+v", m.Result())
	}
	if ents, _ := os.ReadDir(outDir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

// TestMediaEscAsks: esc asks before cancelling; n goes on.
func TestMediaEscAsks(t *testing.T) {
	f := newMediaFlow(t, MediaOptions{})
	f.see("Bootable media: the boot image").keys(tea.KeyEsc).see("Cancel the media wizard?").typ("n")
	f.keys(tea.KeyCtrlN).see("USB image file (copy").keys(tea.KeyEsc).see("Cancel the media wizard?").typ("y")
	if !mediaDone(f).Result().Cancelled {
		t.Error("not cancelled")
	}
}

// TestMediaFlowDevice writes a USB device (a file standing in for
// /dev/sdb): the disk is chosen from the list, its name typed on the
// Summary, and the medium written, read back and compared.
func TestMediaFlowDevice(t *testing.T) {
	src, exe := fakeCopype(t)
	dev := filepath.Join(t.TempDir(), "sdb")
	putFile(t, dev, nil)
	disk := mediawiz.Disk{Path: dev, Model: "SanDisk Ultra", Size: 200 << 20, Partitions: []string{dev + "1"}}
	env := DefaultMediaEnv(wizard.English)
	env.Disks = fakeMediaDisks{[]mediawiz.Disk{testDisks[0], disk}}
	inspected := 0
	hooks := MediaHooks{Inspect: func(p string) (mediawiz.Disk, error) {
		inspected++
		if p != dev {
			t.Errorf("inspected %s", p)
		}
		return disk, nil
	}}
	f := newMediaFlow(t, MediaOptions{Env: env, Hooks: hooks})
	f.see("Bootable media: the boot image").keys(tea.KeyCtrlN)
	f.see("USB image file (copy").keys(tea.KeyDown, tea.KeyDown).see("refused: /dev/sda holds the running system").keys(tea.KeyTab).
		see("r look again").keys(tea.KeyUp).see("✗ /dev/sda holds the running system").keys(tea.KeyDown, tea.KeyCtrlN)
	f.see("Protect media with a password").typ(" ").keys(tea.KeyCtrlN)
	f.see("Windows PE source *").typ(src).keys(tea.KeyTab, tea.KeyTab).typ(exe).keys(tea.KeyCtrlN)
	f.see("Media variables").keys(tea.KeyTab, tea.KeyTab).keys(tea.KeyCtrlU).typ("REF_USB").keys(tea.KeyCtrlN)
	f.see("Type sdb to erase it").typ("sda").keys(tea.KeyCtrlN).see("type sdb to confirm").keys(tea.KeyCtrlU).typ("sdb").keys(tea.KeyCtrlN)
	f.see("The medium was written").keys(tea.KeyEnter)
	f.see("Next time you can run this directly").keys(tea.KeyEnter)
	m := mediaDone(f)
	res := m.Result()
	if res.Cancelled || res.Written != dev || inspected != 2 { // before the build (its size) and right before writing
		t.Fatalf("result %+v, inspected %d", res, inspected)
	}
	if !strings.Contains(res.Command, " --device "+dev+" --label REF_USB") || strings.Contains(res.Command, "--password") {
		t.Errorf("command line %s", res.Command)
	}
	data, err := os.ReadFile(dev)
	if err != nil || len(data) < 1<<20 || data[446+4] != 0x0C || data[510] != 0x55 {
		t.Fatalf("the device holds no MBR medium with a FAT32 partition (%d bytes, %v)", len(data), err)
	}
}
