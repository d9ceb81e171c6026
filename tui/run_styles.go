package tui

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/refimage/refimage/themes"
)

// runStyles are the progress view's styles, taken from the theme (built
// for the screen's renderer by ThemeFor: a no-color theme draws no escape
// sequence at all, so no style here is made outside the theme).
type runStyles struct {
	title, step, bar, barEmpty, muted, err, warn, ok, footer, key, ask lipgloss.Style
}

func newRunStyles(th *themes.Theme) runStyles {
	s := th.Styles
	return runStyles{
		title:    s.TitleBar,
		step:     s.PageTitle,
		bar:      s.PageTitle.UnsetBold(),
		barEmpty: s.More,
		muted:    s.Note,
		err:      s.Error,
		warn:     s.Warning,
		ok:       s.NavTick,
		footer:   s.Footer,
		key:      s.FooterKey,
		ask:      s.StatusError,
	}
}
