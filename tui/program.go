package tui

import (
	"io"
	"os"
	"os/signal"
	"syscall"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
)

// Every full-screen view (the wizard, the media wizard, the editor, the
// run view) is started by runProgram, so that all of them meet the window
// and the signals the same way.

// StopMsg tells a screen that a stop signal arrived: SIGTERM, SIGHUP, or
// SIGINT sent from outside (ctrl+c typed at the keyboard is a key, not a
// signal). The screen stops what it runs, removes partial outputs and
// quits without asking; nothing unsaved is written. The command then
// exits 128+N (130 for SIGINT).
type StopMsg struct{ Signal os.Signal }

// StopSignals are the signals a screen is stopped by.
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// runProgram runs m on out (the alternate screen) with keys from in.
// Bubble Tea's own signal handling is off: it would quit on SIGTERM
// without letting the screen clean up. Signals arriving on sigs are
// delivered to the model as StopMsg; when sigs is nil the runner listens
// to StopSignals itself for as long as the screen shows, so that no
// screen is ever killed with the terminal left in raw mode.
func runProgram(m tea.Model, in io.Reader, out io.Writer, sigs <-chan os.Signal) (tea.Model, error) {
	if sigs == nil {
		ch := make(chan os.Signal, 2)
		signal.Notify(ch, StopSignals...)
		defer signal.Stop(ch)
		sigs = ch
	}
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithFilter(dropControlRunes))
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s := <-sigs:
				p.Send(StopMsg{Signal: s})
			case <-done:
				return
			}
		}
	}()
	return p.Run()
}

// dropControlRunes drops a key that is text made only of control
// characters. On the Windows console a modifier pressed alone (ctrl
// before ctrl+s, alt) is a key event with no character, which Bubble Tea
// turns into the rune NUL: without this filter a text field took it as
// typed (shown as "?"), and a required field held it as an answer. Found
// by the Wine lane (TestWizardScreensUnderWine).
func dropControlRunes(_ tea.Model, msg tea.Msg) tea.Msg {
	k, ok := msg.(tea.KeyMsg)
	if !ok || k.Type != tea.KeyRunes {
		return msg
	}
	for _, r := range k.Runes {
		if !unicode.IsControl(r) {
			return msg
		}
	}
	return nil
}

// fitSize is the size a screen lays out for: the window's, capped at
// maxW x maxH when they are set (Windows PE: 80x25, whatever size the
// console buffer reports).
func fitSize(width, height, maxW, maxH int) (int, int) {
	if maxW > 0 && width > maxW {
		width = maxW
	}
	if maxH > 0 && height > maxH {
		height = maxH
	}
	return width, height
}
