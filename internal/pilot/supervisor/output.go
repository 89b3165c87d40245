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

// teeOutput gives the database pipes for its standard output and error, copied unchanged to the
// pilot's own and into tails[0] and tails[1]. files are the child's ends; wait returns once both
// pipes are drained (or outputDrain after it is called, whichever comes first).
func teeOutput(tails [2]*tail) (files [2]*os.File, closeChild func(), wait func(), err error) {
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
		go func() {
			_, _ = io.Copy(io.MultiWriter(dst, tails[i]), readers[i])
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
