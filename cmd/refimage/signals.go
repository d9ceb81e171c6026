package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals end a job the way ctrl+c does: the job is cancelled,
// partial outputs and staging folders are removed, and the process exits
// 128+N (130 for ctrl+c, 143 for SIGTERM, 129 for SIGHUP).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

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
