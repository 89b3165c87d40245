// Package cqllog keeps the log lines of the Apache Go driver in memory, for tests that show
// them only when they fail: the driver logs every connection it makes and loses, which would
// bury a passing test's own output.
package cqllog

import (
	"fmt"
	"strings"
	"sync"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// Lines is a gocql.StructuredLogger that keeps each line it is given. It is safe for the
// driver's concurrent use.
type Lines struct {
	mu    sync.Mutex
	lines []string
}

var _ gocql.StructuredLogger = (*Lines)(nil)

func (l *Lines) add(level, msg string, fields []gocql.LogField) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s", level, msg)
	for _, f := range fields {
		fmt.Fprintf(&sb, " %s=%s", f.Name, f.Value)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, sb.String())
}

// String returns the lines kept so far, one a line.
func (l *Lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// Error keeps an error line.
func (l *Lines) Error(msg string, fields ...gocql.LogField) { l.add("ERROR", msg, fields) }

// Warning keeps a warning line.
func (l *Lines) Warning(msg string, fields ...gocql.LogField) { l.add("WARN", msg, fields) }

// Info keeps an information line.
func (l *Lines) Info(msg string, fields ...gocql.LogField) { l.add("INFO", msg, fields) }

// Debug keeps a debug line.
func (l *Lines) Debug(msg string, fields ...gocql.LogField) { l.add("DEBUG", msg, fields) }
