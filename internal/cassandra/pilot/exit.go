package pilot

import (
	"fmt"
	"regexp"
	"strings"
)

// startupException is the line CassandraDaemon.activate prints on standard output before it
// exits with status 3: "Exception (<class>) encountered during startup: <message>".
var startupException = regexp.MustCompile(`^Exception \(([\w.$]+)\) encountered during startup: (.*)$`)

// fatalConfiguration is what CassandraDaemon.setup prints on standard error, after the message,
// before it exits with status 1.
const fatalConfiguration = "Fatal configuration error; unable to start server."

// ExplainExit tells why Cassandra stopped on its own, from the end of its output: the exception
// that ended its start, the configuration error, or the JVM's own end (out of memory, refused
// options). Empty when the output names none of them.
func (e *Engine) ExplainExit(_ int, stdout, stderr string) string {
	lines := append(strings.Split(stdout, "\n"), strings.Split(stderr, "\n")...)
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if m := startupException.FindStringSubmatch(l); m != nil {
			return fmt.Sprintf("%s (%s)", m[2], m[1])
		}
	}
	for i := len(lines) - 1; i > 0; i-- {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), fatalConfiguration) {
			return strings.TrimSpace(lines[i-1]) + " (" + fatalConfiguration + ")"
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		// -XX:+ExitOnOutOfMemoryError, and the JVM refusing its options or agents.
		if strings.HasPrefix(l, "Terminating due to java.lang.OutOfMemoryError") || strings.HasPrefix(l, "Error: ") ||
			strings.HasPrefix(l, "Unrecognized VM option") || strings.HasPrefix(l, "Error occurred during initialization of VM") {
			return l
		}
	}
	return ""
}
