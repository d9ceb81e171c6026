package tui

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/refimage/refimage/wizard"
)

var show = flag.Bool("show", false, "print the rendered pages")

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

type fakeImages map[string][]wizard.ImageInfo

func (f fakeImages) Images(path string) ([]wizard.ImageInfo, error) {
	if l, ok := f[path]; ok {
		return l, nil
	}
	return nil, errors.New("not a wim")
}

func testEnv() *wizard.Env {
	return &wizard.Env{
		User: "tester", Organization: "PC01",
		Images: fakeImages{`D:\sources\install.wim`: {
			{Index: 1, Name: "Windows 11 Pro", Edition: "Professional", Arch: "x64", Size: 16 << 30},
			{Index: 2, Name: "Windows 11 Enterprise", Edition: "Enterprise", Arch: "x64", Size: 17 << 30},
		}},
		Exists: func(p string) bool { _, err := os.Stat(p); return err == nil },
		Getenv: func(string) string { return "" },
	}
}

func render(m *WizardModel, w, h int) string {
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return ansi.Strip(m.View())
}

func TestShow(t *testing.T) {
	if !*show {
		t.Skip("-show prints pages")
	}
	wz := wizard.New(testEnv())
	m := NewWizardModel(wz, WizardOptions{})
	for i := 0; i < 12; i++ {
		fmt.Println(render(m, 80, 25))
		fmt.Println(strings.Repeat("=", 80))
		m.w.A.Name = "Build and capture Windows 11"
		m.w.A.BootPath = `\\deploy01\boot$\x64\boot.wim`
		m.w.A.ImagePath = `D:\sources\install.wim`
		m.w.A.CaptureDest = `\\srv\captures\ref.wim`
		m.w.A.CaptureAccount = `CORP\svc`
		m.w.A.CapturePassword = "env:CAPPW"
		m.next()
	}
}
