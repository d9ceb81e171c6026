// Package themes holds palettes and lipgloss styles: the built-in themes and
// (later) user themes loaded from TOML. Every screen takes its styles and
// symbols from a Theme; nothing else in the program picks a color.
package themes

import (
	"sort"

	"github.com/charmbracelet/lipgloss"
)

// Palette is the handful of colors a theme is built from.
type Palette struct {
	Primary   lipgloss.TerminalColor // title bar, current page, focus
	OnPrimary lipgloss.TerminalColor // text on Primary
	Accent    lipgloss.TerminalColor // keys in the footer, selected options
	Text      lipgloss.TerminalColor
	Muted     lipgloss.TerminalColor // help text, pending pages
	Border    lipgloss.TerminalColor
	Error     lipgloss.TerminalColor
	Warning   lipgloss.TerminalColor
	Success   lipgloss.TerminalColor // ticks
}

// Symbols are the glyphs a theme draws with. The ascii theme (issue 8)
// replaces them with ASCII.
type Symbols struct {
	Tick      string // a finished page
	Current   string // the current page
	Cursor    string // the focused field
	RadioOn   string
	RadioOff  string
	CheckOn   string
	CheckOff  string
	Error     string
	Warning   string
	Separator string // between the page list and the page
	MoreUp    string
	MoreDown  string
	Ellipsis  string
	Bullet    string
	UpDown    string // the arrow keys in key hints
	LeftRight string
}

// Styles are the lipgloss styles every screen uses.
type Styles struct {
	TitleBar     lipgloss.Style // the top line
	NavCurrent   lipgloss.Style // the current page in the page list
	NavDone      lipgloss.Style // a finished page
	NavPending   lipgloss.Style // a page not reached yet
	NavTick      lipgloss.Style // the tick
	Separator    lipgloss.Style
	PageTitle    lipgloss.Style
	PageHelp     lipgloss.Style
	Label        lipgloss.Style
	LabelFocused lipgloss.Style
	Required     lipgloss.Style // the * after a required label
	Input        lipgloss.Style
	InputFocused lipgloss.Style
	Cursor       lipgloss.Style // the text cursor in a focused field
	Placeholder  lipgloss.Style
	Option       lipgloss.Style
	OptionOn     lipgloss.Style
	FieldHelp    lipgloss.Style
	Error        lipgloss.Style
	Warning      lipgloss.Style
	Note         lipgloss.Style
	Group        lipgloss.Style // a page heading in the Summary
	SummaryLabel lipgloss.Style
	SummaryValue lipgloss.Style
	Status       lipgloss.Style // the status line
	StatusError  lipgloss.Style
	Footer       lipgloss.Style
	FooterKey    lipgloss.Style
	Menu         lipgloss.Style
	MenuSelected lipgloss.Style
	Command      lipgloss.Style // command lines to copy
	More         lipgloss.Style // scroll hints
}

// Theme is a named set of styles and symbols.
type Theme struct {
	Name    string
	Palette Palette
	Styles  Styles
	Symbols Symbols
}

// UnicodeSymbols are the default glyphs.
var UnicodeSymbols = Symbols{
	Tick: "✓", Current: "▸", Cursor: "›", RadioOn: "(•)", RadioOff: "( )", CheckOn: "[x]", CheckOff: "[ ]",
	Error: "✗", Warning: "!", Separator: "│", MoreUp: "↑ more", MoreDown: "↓ more", Ellipsis: "…", Bullet: "•",
	UpDown: "↑↓", LeftRight: "←/→",
}

// Build makes the styles of a palette. Every style is built by
// reassignment (s = s.Foreground(…)); a bare call would do nothing.
func Build(name string, p Palette, sym Symbols) *Theme {
	n := lipgloss.NewStyle
	s := Styles{
		TitleBar:     n().Bold(true).Foreground(p.OnPrimary).Background(p.Primary),
		NavCurrent:   n().Bold(true).Foreground(p.OnPrimary).Background(p.Primary),
		NavDone:      n().Foreground(p.Text),
		NavPending:   n().Foreground(p.Muted),
		NavTick:      n().Foreground(p.Success),
		Separator:    n().Foreground(p.Border),
		PageTitle:    n().Bold(true).Foreground(p.Primary),
		PageHelp:     n().Foreground(p.Text),
		Label:        n().Foreground(p.Text),
		LabelFocused: n().Bold(true).Foreground(p.Primary),
		Required:     n().Foreground(p.Error),
		Input:        n().Foreground(p.Text).Underline(true),
		InputFocused: n().Foreground(p.Accent).Underline(true),
		Cursor:       n().Reverse(true),
		Placeholder:  n().Foreground(p.Muted),
		Option:       n().Foreground(p.Text),
		OptionOn:     n().Bold(true).Foreground(p.Accent),
		FieldHelp:    n().Foreground(p.Muted),
		Error:        n().Foreground(p.Error),
		Warning:      n().Foreground(p.Warning),
		Note:         n().Foreground(p.Muted),
		Group:        n().Bold(true).Foreground(p.Primary),
		SummaryLabel: n().Foreground(p.Muted),
		SummaryValue: n().Foreground(p.Text),
		Status:       n().Foreground(p.Text),
		StatusError:  n().Bold(true).Foreground(p.Error),
		Footer:       n().Foreground(p.Muted),
		FooterKey:    n().Bold(true).Foreground(p.Accent),
		Menu:         n().Foreground(p.Text),
		MenuSelected: n().Bold(true).Foreground(p.OnPrimary).Background(p.Primary),
		Command:      n().Foreground(p.Accent),
		More:         n().Foreground(p.Muted),
	}
	return &Theme{Name: name, Palette: p, Styles: s, Symbols: sym}
}

// Default is the ConfigMgr-like blue theme.
func Default() *Theme {
	return Build("default", Palette{
		Primary:   lipgloss.AdaptiveColor{Light: "#0063B1", Dark: "#3A96DD"},
		OnPrimary: lipgloss.Color("#FFFFFF"),
		Accent:    lipgloss.AdaptiveColor{Light: "#005A9E", Dark: "#6CB8F6"},
		Text:      lipgloss.AdaptiveColor{Light: "#1B1B1B", Dark: "#E6E6E6"},
		Muted:     lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#9A9A9A"},
		Border:    lipgloss.AdaptiveColor{Light: "#A0A0A0", Dark: "#5A5A5A"},
		Error:     lipgloss.AdaptiveColor{Light: "#C50F1F", Dark: "#F1707B"},
		Warning:   lipgloss.AdaptiveColor{Light: "#8A5A00", Dark: "#F9C74F"},
		Success:   lipgloss.AdaptiveColor{Light: "#107C10", Dark: "#6CCB5F"},
	}, UnicodeSymbols)
}

var builtin = map[string]func() *Theme{
	"default": Default,
}

// Names lists the built-in themes.
func Names() []string {
	out := make([]string, 0, len(builtin))
	for n := range builtin {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Get returns a built-in theme by name.
func Get(name string) (*Theme, bool) {
	f, ok := builtin[name]
	if !ok {
		return nil, false
	}
	return f(), true
}
