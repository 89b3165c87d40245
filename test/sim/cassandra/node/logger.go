package node

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// logger prints lines in the layout of Cassandra's logback.xml for system.log and stdout:
// "INFO  [main] 2026-01-02 15:04:05,000 StorageService.java:1234 - message". The class and line
// are those of the Cassandra source that logs the same event, so that operators and the pilot
// read the same lines as from a real node.
type logger struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *logger) line(level, thread, where, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := time.Now().Format("2006-01-02 15:04:05,000")
	_, _ = fmt.Fprintf(l.w, "%-5s [%s] %s %s - %s\n", level, thread, ts, where, fmt.Sprintf(format, args...))
}

func (l *logger) info(thread, where, format string, args ...any) {
	l.line("INFO", thread, where, format, args...)
}

func (l *logger) warn(thread, where, format string, args ...any) {
	l.line("WARN", thread, where, format, args...)
}

func (l *logger) error(thread, where, format string, args ...any) {
	l.line("ERROR", thread, where, format, args...)
}
