// Package themes holds palettes and lipgloss styles: the built-in themes and
// user themes loaded from TOML.
package themes
