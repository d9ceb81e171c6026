package tui

import (
	"errors"
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

type noImages struct{}

func (noImages) Images(string) ([]wizard.ImageInfo, error) { return nil, errors.New("no images") }

// SampleView renders a sample wizard page (Install Windows, with a value
// that has an error) in a theme and a language at a size: refimage themes
// show.
func SampleView(th *themes.Theme, l wizard.Lang, width, height int) string {
	w := wizard.New(&wizard.Env{User: "Administrator", Organization: "PC01", Images: noImages{},
		Exists: func(string) bool { return false }, Getenv: func(string) string { return "" }}, l)
	w.A.Name = "Windows 11 reference"
	w.A.BootPath = `\\deploy01\boot$\x64\boot.wim`
	_ = w.Next()
	_ = w.Next()
	w.A.ImagePath = `\\deploy01\images$\install.wim`
	w.A.ImageIndex = "0"
	m := NewWizardModel(w, WizardOptions{Theme: th})
	m.enterPage()
	m.touched["windows.index"] = true
	m.focus = 1
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	return m.View()
}

// WriteSample writes SampleView to w (stdout of refimage themes show),
// with the theme rebuilt for w's color profile. On a Windows console it
// turns on escape-sequence processing first, as Bubble Tea does for the
// screens.
func WriteSample(w io.Writer, th *themes.Theme, l wizard.Lang, noColor bool, width, height int) error {
	o := termenv.NewOutput(w)
	restore, err := termenv.EnableVirtualTerminalProcessing(o)
	if err == nil {
		defer restore()
	}
	th = ThemeFor(th, w, noColor)
	_, err = fmt.Fprintln(w, SampleView(th, l, width, height))
	return err
}
