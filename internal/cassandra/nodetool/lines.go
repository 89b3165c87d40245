package nodetool

import (
	"fmt"
	"strings"
)

// lines splits output into lines without their trailing white space (nodetool pads the last
// column of its tables) and line-ending carriage returns, keeping the 1-based line numbers for
// error messages.
func lines(out string) []line {
	var ls []line
	for i, text := range strings.Split(out, "\n") {
		ls = append(ls, line{n: i + 1, text: strings.TrimRight(text, " \t\r")})
	}
	return ls
}

type line struct {
	n    int
	text string
}

// trimmed is the line without its indentation.
func (l line) trimmed() string { return strings.TrimSpace(l.text) }

func (l line) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d %q: %s", l.n, l.trimmed(), fmt.Sprintf(format, args...))
}

// keyValue splits "Key : value" at the first colon.
func keyValue(s string) (string, string, bool) {
	k, v, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", false
	}
	return strings.TrimSpace(k), strings.TrimSpace(v), true
}

// javaList reads a list as Java prints one: "[a, b]".
func javaList(s string) ([]string, bool) {
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return nil, false
	}
	inner := strings.TrimSpace(s[1 : len(s)-1])
	if inner == "" {
		return []string{}, true
	}
	parts := strings.Split(inner, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts, true
}
