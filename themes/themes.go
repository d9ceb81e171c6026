// Package themes holds palettes and lipgloss styles: the built-in themes and
// user themes loaded from TOML (docs/themes.md). Every screen takes its
// styles and symbols from a Theme; nothing else in the program picks a color.
package themes

import (
	"reflect"
	"sort"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
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

// Symbols are the glyphs a theme draws with. The ascii theme replaces
// them with ASCII.
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
	Dot       string // between the program and the wizard's name in the title
	Rule      string // a horizontal line, repeated
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
	// NoColor themes (mono, ascii) draw without any escape sequence: no
	// color, no bold or reverse. The screens then mark the text cursor
	// with a glyph instead of reverse video.
	NoColor bool
	// Source is where a user theme was read from ("" for built-ins).
	Source string
	// Description is one line for refimage themes.
	Description string
	// renderer is the one For built the styles for (nil: lipgloss's
	// default renderer).
	renderer *lipgloss.Renderer
}

// ColorProfile is the color profile the theme draws with: none for a
// no-color theme, else its renderer's.
func (t *Theme) ColorProfile() termenv.Profile {
	switch {
	case t.NoColor:
		return termenv.Ascii
	case t.renderer != nil:
		return t.renderer.ColorProfile()
	}
	return lipgloss.ColorProfile()
}

// ColorString is a palette color as a string ("#3A96DD", "12"; "" for
// none), for components that take colors as strings (bubbles'
// progress): an adaptive color as the renderer's background picks it.
func (t *Theme) ColorString(c lipgloss.TerminalColor) string {
	dark := lipgloss.HasDarkBackground()
	if t.renderer != nil {
		dark = t.renderer.HasDarkBackground()
	}
	switch x := c.(type) {
	case lipgloss.Color:
		return string(x)
	case lipgloss.AdaptiveColor:
		if dark {
			return x.Dark
		}
		return x.Light
	case lipgloss.CompleteColor:
		return x.TrueColor
	case lipgloss.CompleteAdaptiveColor:
		if dark {
			return x.Dark.TrueColor
		}
		return x.Light.TrueColor
	}
	return ""
}

// UnicodeSymbols are the default glyphs.
var UnicodeSymbols = Symbols{
	Tick: "✓", Current: "▸", Cursor: "›", RadioOn: "(•)", RadioOff: "( )", CheckOn: "[x]", CheckOff: "[ ]",
	Error: "✗", Warning: "!", Separator: "│", MoreUp: "↑ more", MoreDown: "↓ more", Ellipsis: "…", Bullet: "•",
	UpDown: "↑↓", LeftRight: "←/→", Dot: "·", Rule: "─",
}

// ASCIISymbols draw with ASCII only, for consoles without box-drawing
// glyphs (the WinPE console's raster font).
var ASCIISymbols = Symbols{
	Tick: "+", Current: ">", Cursor: ">", RadioOn: "(*)", RadioOff: "( )", CheckOn: "[x]", CheckOff: "[ ]",
	Error: "x", Warning: "!", Separator: "|", MoreUp: "^ more", MoreDown: "v more", Ellipsis: "~", Bullet: "*",
	UpDown: "up/down", LeftRight: "left/right", Dot: "-", Rule: "-",
}

// Build makes the styles of a palette with lipgloss's default renderer.
func Build(name string, p Palette, sym Symbols) *Theme {
	return BuildWith(nil, name, p, sym)
}

// BuildWith makes the styles of a palette with a renderer (nil: the
// default renderer). Every style is built by reassignment
// (s = s.Foreground(…)); a bare call would do nothing.
func BuildWith(r *lipgloss.Renderer, name string, p Palette, sym Symbols) *Theme {
	n := lipgloss.NewStyle
	if r != nil {
		n = r.NewStyle
	}
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

// plainStyles are styles that draw nothing but the text.
func plainStyles(r *lipgloss.Renderer) Styles {
	n := lipgloss.NewStyle
	if r != nil {
		n = r.NewStyle
	}
	var s Styles
	v := reflect.ValueOf(&s).Elem()
	for i := 0; i < v.NumField(); i++ {
		v.Field(i).Set(reflect.ValueOf(n()))
	}
	return s
}

// For returns the theme rebuilt for a renderer (the screen's output and
// its color profile). A NoColor theme sets the renderer's profile to no
// color, so that nothing but text reaches the terminal.
func (t *Theme) For(r *lipgloss.Renderer) *Theme {
	c := *t
	c.renderer = r
	if t.NoColor {
		if r != nil {
			r.SetColorProfile(termenv.Ascii)
		}
		c.Styles = plainStyles(r)
		return &c
	}
	b := BuildWith(r, t.Name, t.Palette, t.Symbols)
	c.Styles = b.Styles
	return &c
}

// WithoutColor returns the theme with no color and no escape sequences
// (NO_COLOR, --no-color): the same symbols, plain styles.
func (t *Theme) WithoutColor() *Theme {
	c := *t
	c.NoColor = true
	c.Palette = noColors()
	c.Styles = plainStyles(nil)
	return &c
}

func adaptive(light, dark string) lipgloss.TerminalColor {
	return lipgloss.AdaptiveColor{Light: light, Dark: dark}
}

// Default is the ConfigMgr-like blue theme; it adapts to light and dark
// terminals.
func Default() *Theme {
	t := Build("default", Palette{
		Primary:   adaptive("#0063B1", "#3A96DD"),
		OnPrimary: lipgloss.Color("#FFFFFF"),
		Accent:    adaptive("#005A9E", "#6CB8F6"),
		Text:      adaptive("#1B1B1B", "#E6E6E6"),
		Muted:     adaptive("#6B6B6B", "#9A9A9A"),
		Border:    adaptive("#A0A0A0", "#5A5A5A"),
		Error:     adaptive("#C50F1F", "#F1707B"),
		Warning:   adaptive("#8A5A00", "#F9C74F"),
		Success:   adaptive("#107C10", "#6CCB5F"),
	}, UnicodeSymbols)
	t.Description = "ConfigMgr-like blue; adapts to light and dark terminals"
	return t
}

// Dark is for dark terminals whatever they report.
func Dark() *Theme {
	t := Build("dark", Palette{
		Primary:   lipgloss.Color("#569CD6"),
		OnPrimary: lipgloss.Color("#0B0B0B"),
		Accent:    lipgloss.Color("#C586C0"),
		Text:      lipgloss.Color("#D4D4D4"),
		Muted:     lipgloss.Color("#8A8A8A"),
		Border:    lipgloss.Color("#4A4A4A"),
		Error:     lipgloss.Color("#F48771"),
		Warning:   lipgloss.Color("#DCDCAA"),
		Success:   lipgloss.Color("#89D185"),
	}, UnicodeSymbols)
	t.Description = "for dark backgrounds"
	return t
}

// Light is for light terminals whatever they report.
func Light() *Theme {
	t := Build("light", Palette{
		Primary:   lipgloss.Color("#005FB8"),
		OnPrimary: lipgloss.Color("#FFFFFF"),
		Accent:    lipgloss.Color("#8A3FA0"),
		Text:      lipgloss.Color("#1E1E1E"),
		Muted:     lipgloss.Color("#616161"),
		Border:    lipgloss.Color("#9E9E9E"),
		Error:     lipgloss.Color("#B00020"),
		Warning:   lipgloss.Color("#7A5200"),
		Success:   lipgloss.Color("#0E6E0E"),
	}, UnicodeSymbols)
	t.Description = "for light backgrounds"
	return t
}

// HighContrast uses the 16 basic console colors at full strength, which
// every console (conhost, WinPE) shows as they are.
func HighContrast() *Theme {
	t := Build("high-contrast", Palette{
		Primary:   lipgloss.Color("11"), // bright yellow
		OnPrimary: lipgloss.Color("0"),
		Accent:    lipgloss.Color("14"), // bright cyan
		Text:      lipgloss.Color("15"),
		Muted:     lipgloss.Color("15"),
		Border:    lipgloss.Color("15"),
		Error:     lipgloss.Color("9"),
		Warning:   lipgloss.Color("11"),
		Success:   lipgloss.Color("10"),
	}, UnicodeSymbols)
	t.Description = "basic console colors at full strength"
	return t
}

// noColors is a palette of the terminal's own colors: screens that build
// styles from the palette (not only from Styles) still draw no color.
func noColors() Palette {
	n := lipgloss.NoColor{}
	return Palette{n, n, n, n, n, n, n, n, n}
}

// Mono draws with no color and no escape sequences.
func Mono() *Theme {
	t := Build("mono", noColors(), UnicodeSymbols).WithoutColor()
	t.Description = "no color, no escape sequences"
	return t
}

// ASCII draws with no color and ASCII only: borders, ticks and arrows
// too. It is the default in Windows PE.
func ASCII() *Theme {
	t := Build("ascii", noColors(), ASCIISymbols).WithoutColor()
	t.Description = "no color, ASCII only (the default in Windows PE)"
	return t
}

var builtin = map[string]func() *Theme{
	"default":       Default,
	"dark":          Dark,
	"light":         Light,
	"high-contrast": HighContrast,
	"mono":          Mono,
	"ascii":         ASCII,
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
