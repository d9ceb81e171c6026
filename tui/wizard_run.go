package tui

import (
	"io"

	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// RunWizard shows the wizard on out (stderr: results go to stdout) and
// reads keys from in. The theme (opt.Theme, else the built-in themeName)
// is rebuilt for out's color profile; NoColor and no-color themes write
// no escape sequence but the screen's own.
func RunWizard(w *wizard.Wizard, opt WizardOptions, themeName string, in io.Reader, out io.Writer) (WizardResult, error) {
	if opt.Theme == nil {
		th, ok := themes.Get(themeName)
		if !ok {
			th = themes.Default()
		}
		opt.Theme = th
	}
	opt.Theme = ThemeFor(opt.Theme, out, opt.NoColor)
	final, err := runProgram(NewWizardModel(w, opt), in, out, opt.Signals)
	if err != nil {
		return WizardResult{}, err
	}
	return final.(*WizardModel).Result(), nil
}

// ThemeFor rebuilds a theme for an output: the color profile is detected
// from out (stderr), and with noColor (or a no-color theme) set to none.
// Every style a screen draws with comes from the theme; lipgloss's
// process-wide default renderer is left alone.
func ThemeFor(th *themes.Theme, out io.Writer, noColor bool) *themes.Theme {
	if noColor && !th.NoColor {
		th = th.WithoutColor()
	}
	return th.For(lipgloss.NewRenderer(out))
}
