package tui

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/themes"
)

// runStyles are the progress view's styles, taken from the theme.
type runStyles struct {
	title, step, bar, barEmpty, muted, err, warn, ok, footer, key, ask lipgloss.Style
}

func newRunStyles(th *themes.Theme) runStyles {
	s := th.Styles
	return runStyles{
		title:    s.TitleBar,
		step:     s.PageTitle,
		bar:      lipgloss.NewStyle().Foreground(th.Palette.Primary),
		barEmpty: lipgloss.NewStyle().Foreground(th.Palette.Muted),
		muted:    s.Note,
		err:      s.Error,
		warn:     s.Warning,
		ok:       lipgloss.NewStyle().Foreground(th.Palette.Success),
		footer:   s.Footer,
		key:      s.FooterKey,
		ask:      s.StatusError,
	}
}
