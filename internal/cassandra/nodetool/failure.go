package nodetool

import "strings"

// Failure is the message of a nodetool run that failed, as NodeTool.java prints it:
//   - an exception the node raised (exit status 2): "error: <message>" on stderr, then
//     "-- StackTrace --" and the trace;
//   - a usage error, or an operation the node refuses as one (exit status 1, e.g. decommission's
//     "Unsupported operation: Not enough live nodes..."): "nodetool: <message>" on stdout, then
//     "See 'nodetool help'...";
//   - a node that cannot be reached (exit status 1): "nodetool: Failed to connect to ..." on
//     stderr.
//
// Lines before the message (the JVM's warnings) are skipped. Output in none of these forms gives
// its first non-blank line, stderr first; no output at all gives "".
func Failure(stdout, stderr string) string {
	for _, out := range []string{stderr, stdout} {
		for _, l := range lines(out) {
			text := l.trimmed()
			if msg, ok := strings.CutPrefix(text, "error: "); ok {
				return msg
			}
			if msg, ok := strings.CutPrefix(text, "nodetool: "); ok {
				return msg
			}
		}
	}
	for _, out := range []string{stderr, stdout} {
		for _, l := range lines(out) {
			if text := l.trimmed(); text != "" {
				return text
			}
		}
	}
	return ""
}
