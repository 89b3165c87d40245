package supervisor

import (
	"bytes"
	"io"
	"os"
	"sync"
	"time"
)

// outputDrain bounds the wait, once the database has exited, for the last of its output: its
// process group is killed by then, so the pipes close at once unless something odd holds them.
const outputDrain = 2 * time.Second

// tail keeps the last bytes written to it: the end of the database's output, which tells why
// it exited when it did so on its own.
type tail struct {
	mu   sync.Mutex
	max  int
	data []byte
}

func (t *tail) Write(p []byte) (int, error) {
	if t.max == 0 {
		return len(p), nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.data = append(t.data, p...)
	if over := len(t.data) - t.max; over > 0 {
		t.data = append(t.data[:0], t.data[over:]...)
	}
	return len(p), nil
}

// String is the kept output from its first whole line; when the kept bytes are all one line,
// the end of that line.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.data
	if len(out) == t.max {
		if i := bytes.IndexByte(out, '\n'); i >= 0 && i < len(out)-1 {
			out = out[i+1:]
		}
	}
	return string(out)
}

// maxLine bounds the line a LineWriter holds back while it waits for the line's end: a longer
// one is passed on cut (a stack trace's lines are short; a line this long is not a message).
const maxLine = 64 << 10

// LineWriter is an io.Writer that calls fn with each whole line written to it, without the
// newline. Each stream needs its own; fn is called from the goroutine that writes.
func LineWriter(fn func(line string)) io.Writer { return &lineWriter{fn: fn} }

type lineWriter struct {
	fn      func(string)
	pending []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.pending = append(w.pending, p...)
			for len(w.pending) >= maxLine {
				w.fn(string(w.pending[:maxLine]))
				w.pending = append(w.pending[:0], w.pending[maxLine:]...)
			}
			break
		}
		line := p[:i]
		if len(w.pending) > 0 {
			line = append(w.pending, line...)
			w.pending = w.pending[:0]
		}
		w.fn(string(line[:min(len(line), maxLine)]))
		p = p[i+1:]
	}
	return n, nil
}

// teeOutput gives the database pipes for its standard output and error, copied unchanged to the
// pilot's own, into tails[0] and tails[1], and line by line to lines when it is set. files are
// the child's ends; wait returns once both pipes are drained (or outputDrain after it is called,
// whichever comes first).
func teeOutput(tails [2]*tail, lines func(string)) (files [2]*os.File, closeChild func(), wait func(), err error) {
	var readers [2]*os.File
	for i := range files {
		if readers[i], files[i], err = os.Pipe(); err != nil {
			for _, f := range append(readers[:i], files[:i]...) {
				_ = f.Close()
			}
			return files, nil, nil, err
		}
	}
	done := make(chan struct{}, 2)
	for i, dst := range []io.Writer{os.Stdout, os.Stderr} {
		to := []io.Writer{dst, tails[i]}
		if lines != nil {
			to = append(to, LineWriter(lines))
		}
		go func() {
			_, _ = io.Copy(io.MultiWriter(to...), readers[i])
			_ = readers[i].Close()
			done <- struct{}{}
		}()
	}
	closeChild = func() {
		for _, f := range files {
			_ = f.Close()
		}
	}
	wait = func() {
		deadline := time.After(outputDrain)
		for range 2 {
			select {
			case <-done:
			case <-deadline:
				return
			}
		}
	}
	return files, closeChild, wait, nil
}
