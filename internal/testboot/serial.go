package testboot

import (
	"bytes"
	"sync"
)

// Serial collects what QEMU writes to its serial port (-serial stdio)
// while the test reads it: a bytes.Buffer safe for one writer and one
// reader goroutine.
type Serial struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Serial) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Serial) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
