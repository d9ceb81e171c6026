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
	opt.Theme = resolveTheme(opt.Theme, themeName, out, opt.NoColor)
	final, err := runProgram(NewWizardModel(w, opt), in, out, opt.Signals)
	if err != nil {
		return WizardResult{}, err
	}
	return final.(*WizardModel).Result(), nil
}

// resolveTheme is the theme a screen draws with: th when the command
// resolved one, else the theme named themeName (the default one when no
// such theme exists), rebuilt for out by ThemeFor.
func resolveTheme(th *themes.Theme, themeName string, out io.Writer, noColor bool) *themes.Theme {
	if th == nil {
		var ok bool
		if th, ok = themes.Get(themeName); !ok {
			th = themes.Default()
		}
	}
	return ThemeFor(th, out, noColor)
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
