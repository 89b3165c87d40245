// Package procio helps tests that run real processes: collecting their output in a buffer that
// the test may read while the process still writes it.
package procio

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer safe to read (String) while exec's copying goroutine writes to it.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
