package tui

import (
	"context"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/refimage/refimage/engine"
	"github.com/refimage/refimage/engine/sequence"
	"github.com/refimage/refimage/themes"
	"github.com/refimage/refimage/wizard"
)

// RunViewOptions configure the progress view.
type RunViewOptions struct {
	// Theme styles the view; nil is themes.Default(). Give the theme
	// ThemeFor built for the output: the model never touches lipgloss's
	// renderer itself.
	Theme *themes.Theme
	// Lang is the language of the view ("": English).
	Lang wizard.Lang
	// MaxWidth and MaxHeight cap the layout (Windows PE: 80x25, whatever
	// the console buffer reports); 0 is no cap.
	MaxWidth, MaxHeight int
	// Start runs the sequence; nil is engine.Run(ctx, seq, opts). Tests
	// replace it to feed events.
	Start func(ctx context.Context, seq *sequence.Sequence, opts engine.Options) (*engine.Result, error)
	// Now is the clock (tests).
	Now func() time.Time
	// AllowConsole lets F8 open a command prompt with the task sequence
	// environment (secrets left out); media allow it only when built
	// with --allow-console.
	AllowConsole bool
	// Shell is the command prompt F8 opens; nil is ConsoleCommand().
	Shell func() *exec.Cmd
	// Check is the pre-flight check, shown as the first page of debug
	// mode (any key goes on to the debugger).
	Check []engine.CheckLine
	// Signals are the stop signals (SIGINT from outside, SIGTERM,
	// SIGHUP) relayed to the view as StopMsg: it stops the run as a
	// second ctrl+c does (the running step's processes end, the state is
	// kept) and closes without waiting for a key once the engine has
	// stopped. nil: the view listens to StopSignals itself (runProgram).
	Signals <-chan os.Signal
}

// runEventMsg carries one engine event; runDoneMsg ends the run.
type runEventMsg struct{ e engine.Event }
type runDoneMsg struct {
	res *engine.Result
	err error
}
type runTickMsg time.Time

// runLine is one line of the log tail.
type runLine struct {
	text string
	typ  int // engine.LogInfo…; 0 for step output
}

// RunModel is the Bubble Tea model of a running task sequence: "Running:
// <name>", step N of M, the current step's bar (bytes, rate, ETA) when the
// step reports progress, the overall bar, a scrolling log tail and the
// elapsed time; at the end the table of every step and, for a failure,
// the failing step, its output, the log and what the codes mean. ctrl+c
// asks; a second ctrl+c stops the running step's processes (the state is
// kept: refimage run --resume continues).
type RunModel struct {
	texts // the language, from RunViewOptions
	seq   *sequence.Sequence
	opts  engine.Options
	vo    RunViewOptions
	st    runStyles
	th    *themes.Theme
	now   func() time.Time

	width, height int
	ch            chan tea.Msg
	cancel        context.CancelFunc

	name      string
	total     int
	done      int
	started   time.Time
	stepNum   int
	stepName  string
	stepStart time.Time
	attempt   int
	prog      *engine.StepProgress
	progStart time.Time
	progFrom  int64
	lines     []runLine
	restart   *engine.Restarting
	logPath   string

	// The debugger: the engine's handle (d enters debug mode), the
	// current stop (nil while the run goes on) and what outlives stops.
	dbgHandle *engine.Debug
	dbg       *runDebug
	dbgState  debugState
	console   *engine.Console
	signalled os.Signal // the stop signal that ended the run
	checkSeen bool      // the pre-flight page was shown and closed
	note      string    // a one-line answer in the footer (F8 refused)

	asking   bool
	stopping bool
	finished bool
	res      *engine.Result
	err      error
	// summary scrolls the summary's lines (bubbles' viewport), sized and
	// filled in Update (syncSummary); View only reads it.
	summary viewport.Model
	// check scrolls the pre-flight check likewise (syncCheck).
	check viewport.Model
}

// NewRunModel returns the progress view of a run of seq with opts (see
// engine.Run). Its Init starts the run; events come from opts.Events'
// replacement (the model sets it, after calling any Events already set).
func NewRunModel(seq *sequence.Sequence, opts engine.Options, vo RunViewOptions) *RunModel {
	th := vo.Theme
	if th == nil {
		th = themes.Default()
	}
	now := vo.Now
	if now == nil {
		now = time.Now
	}
	m := &RunModel{texts: textsIn(vo.Lang), seq: seq, opts: opts, vo: vo, st: newRunStyles(th), th: th, now: now, width: 80, height: 25, ch: make(chan tea.Msg, 256)}
	m.summary.KeyMap = runKeys.summaryKeyMap()
	m.check.KeyMap = m.summary.KeyMap
	m.syncCheck()
	if seq != nil {
		m.name = seq.Name
	}
	m.started = now()
	return m
}

// Result is the run's result once it finished (nil before, or when it
// could not start: see Err).
func (m *RunModel) Result() *engine.Result { return m.res }

// Err is why the run could not start.
func (m *RunModel) Err() error { return m.err }

// Init starts the run in the background.
func (m *RunModel) Init() tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	start := m.vo.Start
	if start == nil {
		start = engine.Run
	}
	opts := m.opts
	m.hookDebug(&opts)
	if m.vo.AllowConsole {
		if opts.Console == nil {
			opts.Console = &engine.Console{}
		}
		m.console = opts.Console
	}
	prev := opts.Events
	ch := m.ch
	opts.Events = func(e engine.Event) {
		if prev != nil {
			prev(e)
		}
		ch <- runEventMsg{e}
	}
	go func() {
		res, err := start(ctx, m.seq, opts)
		ch <- runDoneMsg{res, err}
	}()
	return tea.Batch(m.wait(), runTick())
}

func (m *RunModel) wait() tea.Cmd {
	ch := m.ch
	return func() tea.Msg { return <-ch }
}

func runTick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return runTickMsg(t) })
}

// SetSize lays the view out for a window of width x height cells, capped
// at vo.MaxWidth x vo.MaxHeight.
func (m *RunModel) SetSize(width, height int) {
	m.width, m.height = fitSize(width, height, m.vo.MaxWidth, m.vo.MaxHeight)
	m.syncSummary()
	m.syncCheck()
	if m.dbg != nil {
		m.debugScroll()
	}
}

// Update handles keys, window sizes and the run's events.
func (m *RunModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
	case runTickMsg:
		if !m.finished {
			return m, runTick()
		}
	case runEventMsg:
		m.event(msg.e)
		return m, m.wait()
	case runDebugMsg:
		m.debugStopped(msg)
		return m, m.wait()
	case StopMsg:
		if m.signalled == nil {
			m.signalled = msg.Signal
		}
		if m.finished {
			return m, tea.Quit
		}
		if m.dbg != nil {
			m.answer(engine.DebugAction{Op: engine.DebugQuit})
		}
		m.stop()
	case runConsoleClosedMsg:
		if m.console != nil {
			m.console.Record("The command prompt was closed.")
		}
		m.note = ""
	case runDoneMsg:
		m.finished = true
		m.dbg = nil
		if m.signalled != nil {
			m.res, m.err = msg.res, msg.err
			if m.cancel != nil {
				m.cancel()
			}
			return m, tea.Quit
		}
		m.res, m.err = msg.res, msg.err
		m.asking = false
		if m.cancel != nil {
			m.cancel()
		}
		m.syncSummary()
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m *RunModel) key(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	rk := runKeys
	if m.finished {
		switch {
		case matches(k, rk.Close):
			return m, tea.Quit
		case matches(k, rk.Home):
			m.summary.GotoTop()
		case matches(k, rk.End):
			m.summary.GotoBottom()
		default:
			m.summary, _ = m.summary.Update(k) // ↑ ↓ pgup pgdn (summaryKeyMap)
		}
		return m, nil
	}
	if matches(k, rk.Console) {
		return m, m.openConsole()
	}
	if m.dbg != nil {
		if m.checkShown() {
			m.checkKey(k)
			return m, nil
		}
		model, cmd := m.debugKey(k)
		m.debugScroll()
		return model, cmd
	}
	switch {
	case m.asking && matches(k, rk.Yes):
		m.stop()
	case m.asking && matches(k, rk.No):
		m.asking = false
	case m.asking:
	case matches(k, rk.Stop):
		m.asking = true
	case matches(k, rk.Debug):
		if m.dbgHandle != nil {
			m.dbgHandle.Request()
			m.dbgState.requested = true
		}
	}
	return m, nil
}

func (m *RunModel) stop() {
	m.asking = false
	m.stopping = true
	if m.cancel != nil {
		m.cancel()
	}
}

const maxRunLines = 500

func (m *RunModel) addLine(text string, typ int) {
	m.lines = append(m.lines, runLine{text, typ})
	if len(m.lines) > maxRunLines {
		m.lines = append(m.lines[:0], m.lines[len(m.lines)-maxRunLines/2:]...)
	}
}

func (m *RunModel) event(e engine.Event) {
	switch e := e.(type) {
	case engine.RunStarted:
		m.name, m.total, m.done, m.logPath = e.Sequence, e.Total, e.Done, e.LogPath
	case engine.StepStarted:
		m.stepNum, m.stepName, m.stepStart, m.attempt = e.Number, e.Name, m.now(), e.Attempt
		m.prog = nil
	case engine.StepProgress:
		if m.prog == nil {
			m.progStart, m.progFrom = m.now(), e.Done
		}
		p := e
		m.prog = &p
	case engine.GroupSkipped:
		m.done += e.Steps
	case engine.Log:
		m.addLine(e.Entry.Message, e.Entry.Type)
	case engine.StepFinished:
		if e.Result.Number > 0 {
			m.done++
			if e.Result.Number > m.stepNum {
				m.stepNum, m.stepName = e.Result.Number, e.Result.Name
			}
		}
		m.prog = nil
	case engine.Restarting:
		r := e
		m.restart = &r
	case engine.RunFinished:
		m.res = e.Result
	}
}

// RunInTerminal runs the sequence with the progress view on out, reading
// keys from in, and returns the result when the user closes the summary.
// vo.Theme should be built for out (ThemeFor); nil is the default theme
// built for out.
func RunInTerminal(seq *sequence.Sequence, opts engine.Options, vo RunViewOptions, in io.Reader, out io.Writer) (*engine.Result, error) {
	if vo.Theme == nil {
		vo.Theme = ThemeFor(themes.Default(), out, false)
	}
	final, err := runProgram(NewRunModel(seq, opts, vo), in, out, vo.Signals)
	if err != nil {
		return nil, err
	}
	fm := final.(*RunModel)
	return fm.res, fm.err
}
