package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/refimage/refimage/tui"
)

// stopSignals end a job the way ctrl+c does: the job is cancelled,
// partial outputs and staging folders are removed, and the process exits
// 128+N (130 for ctrl+c, 143 for SIGTERM, 129 for SIGHUP).
var stopSignals = tui.StopSignals

var (
	caughtMu sync.Mutex
	caught   os.Signal
)

// jobContext is a context cancelled by ctrl+c, SIGTERM or SIGHUP; the
// signal is remembered for the exit code. stop restores the default
// handling.
func jobContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			noteSignal(s)
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}

func noteSignal(s os.Signal) {
	caughtMu.Lock()
	defer caughtMu.Unlock()
	if caught == nil {
		caught = s
	}
}

// caughtSignal is the stop signal a job caught, or nil.
func caughtSignal() os.Signal {
	caughtMu.Lock()
	defer caughtMu.Unlock()
	return caught
}

// signalExit is the exit code after a caught signal: 128+N.
func signalExit(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return exitCancelled
}

// screenSignals relays the stop signals to a full-screen view (through
// its options' Signals: the view stops what it runs, cleans up and
// quits), remembering the signal for the exit code. stop restores the
// default handling.
func screenSignals() (<-chan os.Signal, func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, stopSignals...)
	relay := make(chan os.Signal, 2)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				noteSignal(s)
				select {
				case relay <- s:
				default: // the view has one to act on already
				}
			case <-done:
				return
			}
		}
	}()
	return relay, func() {
		signal.Stop(sigs)
		close(done)
	}
}
