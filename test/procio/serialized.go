package procio

import (
	"io"
	"sync"
)

// Serialized is w with its writes one at a time, for a writer that is not safe for concurrent
// use (a line splitter) fed by several goroutines (a process's output and error copiers).
func Serialized(w io.Writer) io.Writer { return &serialized{w: w} }

type serialized struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *serialized) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
