// Package tui holds the Bubble Tea models: wizard screens, run progress,
// the media wizard and the editor. It is the only package that draws.
package tui
