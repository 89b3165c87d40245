package node

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// logger prints lines in Elasticsearch's plain-text layout:
// [timestamp][LEVEL][logger] [node name] message.
type logger struct {
	mu   sync.Mutex
	w    io.Writer
	node string
	// last holds when a repeated warning was last printed, by key.
	last map[string]time.Time
}

func (l *logger) line(level, name, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := time.Now().UTC().Format("2006-01-02T15:04:05,000")
	_, _ = fmt.Fprintf(l.w, "[%s][%-5s][%s] [%s] %s\n", ts, level, name, l.node, fmt.Sprintf(format, args...))
}

func (l *logger) info(name, format string, args ...any) { l.line("INFO", name, format, args...) }
func (l *logger) warn(name, format string, args ...any) { l.line("WARN", name, format, args...) }

// warnEvery prints a warning at most once per period for its key, as Elasticsearch repeats
// "master not discovered" every ten seconds rather than on every attempt.
func (l *logger) warnEvery(key string, period time.Duration, name, format string, args ...any) {
	l.mu.Lock()
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	if time.Since(l.last[key]) < period {
		l.mu.Unlock()
		return
	}
	l.last[key] = time.Now()
	l.mu.Unlock()
	l.warn(name, format, args...)
}
