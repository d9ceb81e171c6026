package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// lineEdit applies an editing key to a one-line value with the cursor at
// pos (in runes). It reports whether the key was an editing key.
func lineEdit(val string, pos int, msg tea.KeyMsg) (string, int, bool) {
	r := []rune(val)
	pos = max(0, min(pos, len(r)))
	if msg.Alt {
		// alt+letter is a command, never text: alt+b and alt+f move by
		// words (as alt+← and alt+→), others do nothing here.
		switch {
		case msg.Type == tea.KeyLeft || msg.Type == tea.KeyRunes && string(msg.Runes) == "b":
			return val, wordLeft(r, pos), true
		case msg.Type == tea.KeyRight || msg.Type == tea.KeyRunes && string(msg.Runes) == "f":
			return val, wordRight(r, pos), true
		case msg.Type == tea.KeyBackspace:
			i := wordLeft(r, pos)
			return string(append(r[:i:i], r[pos:]...)), i, true
		}
		return val, pos, false
	}
	switch msg.Type {
	case tea.KeyCtrlLeft:
		return val, wordLeft(r, pos), true
	case tea.KeyCtrlRight:
		return val, wordRight(r, pos), true
	case tea.KeyRunes, tea.KeySpace:
		ins := msg.Runes
		if msg.Type == tea.KeySpace {
			ins = []rune{' '}
		}
		// Pasted text: one line only.
		ins = []rune(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(string(ins)))
		r = append(r[:pos:pos], append(ins, r[pos:]...)...)
		return string(r), pos + len(ins), true
	case tea.KeyBackspace, tea.KeyCtrlH:
		if pos > 0 {
			r = append(r[:pos-1:pos-1], r[pos:]...)
			pos--
		}
		return string(r), pos, true
	case tea.KeyDelete, tea.KeyCtrlD:
		if pos < len(r) {
			r = append(r[:pos:pos], r[pos+1:]...)
		}
		return string(r), pos, true
	case tea.KeyLeft, tea.KeyCtrlB:
		return val, max(0, pos-1), true
	case tea.KeyRight, tea.KeyCtrlF:
		return val, min(len(r), pos+1), true
	case tea.KeyHome, tea.KeyCtrlA:
		return val, 0, true
	case tea.KeyEnd, tea.KeyCtrlE:
		return val, len(r), true
	case tea.KeyCtrlU:
		return string(r[pos:]), 0, true
	case tea.KeyCtrlK:
		return string(r[:pos]), pos, true
	case tea.KeyCtrlW:
		i := pos
		for i > 0 && r[i-1] == ' ' {
			i--
		}
		for i > 0 && r[i-1] != ' ' {
			i--
		}
		return string(append(r[:i:i], r[pos:]...)), i, true
	}
	return val, pos, false
}

// wordLeft is the start of the word before pos.
func wordLeft(r []rune, pos int) int {
	for pos > 0 && r[pos-1] == ' ' {
		pos--
	}
	for pos > 0 && r[pos-1] != ' ' {
		pos--
	}
	return pos
}

// wordRight is the end of the word after pos.
func wordRight(r []rune, pos int) int {
	for pos < len(r) && r[pos] == ' ' {
		pos++
	}
	for pos < len(r) && r[pos] != ' ' {
		pos++
	}
	return pos
}

// visibleSpan returns the part of a one-line value that fits width cells
// with the cursor visible, and the cursor's cell offset in it. Hand-rolled:
// the screens draw textinput's value themselves (inputBox, a cursor every
// theme shows), so textinput's own sideways scroll is not drawn.
func visibleSpan(val string, pos, width int) (string, int) {
	r := []rune(val)
	pos = max(0, min(pos, len(r)))
	start := 0
	for start < pos && lipgloss.Width(string(r[start:pos])) >= width {
		start++
	}
	end := start
	for end < len(r) && lipgloss.Width(string(r[start:end+1])) <= width {
		end++
	}
	return string(r[start:end]), lipgloss.Width(string(r[start:pos]))
}

// wrap wraps text to width cells (words, then hard breaks).
func wrap(s string, width int) []string {
	if width < 1 {
		width = 1
	}
	return strings.Split(ansi.Wrap(s, width, ""), "\n")
}

// wrapHints wraps a message whose parts are separated by two or more
// spaces ("Save?  y: save   n: quit") at those gaps first, so that a key
// hint is never split from what it does; a part wider than width is
// wrapped at its words.
func wrapHints(s string, width int) []string {
	if lipgloss.Width(s) <= width {
		return []string{s}
	}
	var parts []string
	for _, p := range strings.Split(s, "  ") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	var out []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case lipgloss.Width(line)+3+lipgloss.Width(p) <= width:
			line += "   " + p
		default:
			out = append(out, wrap(line, width)...)
			line = p
		}
	}
	if line != "" {
		out = append(out, wrap(line, width)...)
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// truncate cuts a line to width cells.
func truncate(s string, width int, tail string) string {
	if lipgloss.Width(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, tail)
}

// pad pads a (styled) line with spaces to width cells.
func pad(s string, width int) string {
	if w := lipgloss.Width(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// errText is a validation error's text ("" for none).
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
