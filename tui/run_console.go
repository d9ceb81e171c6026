package tui

import (
	"os"
	"os/exec"
	"runtime"

	tea "github.com/charmbracelet/bubbletea"
)

// runConsoleClosedMsg says the command prompt opened with F8 ended.
type runConsoleClosedMsg struct{ err error }

// ConsoleCommand is the command prompt F8 opens: REFIMAGE_CONSOLE when
// set (a program, e.g. powershell.exe), else cmd.exe on Windows and in
// Windows PE (%ComSpec%), the user's $SHELL (or /bin/sh) elsewhere.
func ConsoleCommand() *exec.Cmd {
	if c := os.Getenv("REFIMAGE_CONSOLE"); c != "" {
		return exec.Command(c)
	}
	if runtime.GOOS == "windows" {
		if c := os.Getenv("ComSpec"); c != "" {
			return exec.Command(c)
		}
		return exec.Command("cmd.exe")
	}
	if s := os.Getenv("SHELL"); s != "" {
		return exec.Command(s)
	}
	return exec.Command("/bin/sh")
}

// openConsole suspends the screen and runs the command prompt with the
// task sequence environment (secrets left out); the use goes into
// smsts.log. Refused (with a note) when the view does not allow it.
func (m *RunModel) openConsole() tea.Cmd {
	if m.console == nil || m.finished {
		m.note = m.rtx("console.refused")
		return nil
	}
	mk := m.vo.Shell
	if mk == nil {
		mk = ConsoleCommand
	}
	c := mk()
	c.Env = append(os.Environ(), m.console.Env()...)
	m.console.Record("The operator opened a command prompt (" + c.Path + ") with the task sequence environment, secrets left out.")
	m.note = m.rtx("console.open")
	return tea.ExecProcess(c, func(err error) tea.Msg { return runConsoleClosedMsg{err} })
}
