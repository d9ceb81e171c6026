package tui

import (
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// RunWizard shows the wizard on out (stderr: results go to stdout) and
// reads keys from in. The theme is built for out's color profile.
func RunWizard(w *wizard.Wizard, opt WizardOptions, themeName string, in io.Reader, out io.Writer) (WizardResult, error) {
	lipgloss.SetDefaultRenderer(lipgloss.NewRenderer(out))
	if opt.Theme == nil {
		th, ok := themes.Get(themeName)
		if !ok {
			th = themes.Default()
		}
		opt.Theme = th
	}
	m := NewWizardModel(w, opt)
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen())
	final, err := p.Run()
	if err != nil {
		return WizardResult{}, err
	}
	return final.(*WizardModel).Result(), nil
}
