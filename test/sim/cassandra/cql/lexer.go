package cql

import (
	"fmt"
	"strings"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokQuotedIdent
	tokString
	tokInteger
	tokFloat
	tokUUID
	tokHex
	tokPunct
)

// token is one lexeme of a statement. text is an identifier or punctuation as written, a
// string's content unescaped, or a constant's digits; raw is the lexeme as written, for
// messages. line is 1-based and col 0-based, as in Cassandra's (ANTLR's) messages.
type token struct {
	kind      tokenKind
	text, raw string
	line, col int
}

// lexer splits CQL text into tokens as Cassandra's lexer does for the subset modelled: unquoted
// identifiers, "quoted identifiers", 'strings' and $$strings$$, integers, floats, UUIDs, blobs
// (0x...), punctuation, and the three comment forms.
type lexer struct {
	src       string
	pos       int
	line, col int
}

func lex(src string) ([]token, error) {
	l := &lexer{src: src, line: 1}
	var out []token
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if t.kind == tokEOF {
			return out, nil
		}
	}
}

func (l *lexer) peekAt(i int) byte {
	if l.pos+i < len(l.src) {
		return l.src[l.pos+i]
	}
	return 0
}

func (l *lexer) advance(n int) {
	for i := 0; i < n && l.pos < len(l.src); i++ {
		if l.src[l.pos] == '\n' {
			l.line++
			l.col = 0
		} else {
			l.col++
		}
		l.pos++
	}
}

func (l *lexer) skipSpaceAndComments() error {
	for l.pos < len(l.src) {
		c, d := l.peekAt(0), l.peekAt(1)
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.advance(1)
		case c == '-' && d == '-', c == '/' && d == '/':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.advance(1)
			}
		case c == '/' && d == '*':
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return l.syntaxError("mismatched character '<EOF>' expecting '*'")
			}
			l.advance(end + 4)
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) syntaxError(msg string) error {
	return &SyntaxError{Message: fmt.Sprintf("line %d:%d %s", l.line, l.col, msg)}
}

func (l *lexer) next() (token, error) {
	if err := l.skipSpaceAndComments(); err != nil {
		return token{}, err
	}
	start := token{line: l.line, col: l.col}
	if l.pos >= len(l.src) {
		start.raw = "<EOF>"
		return start, nil
	}
	c := l.peekAt(0)
	switch {
	case c == '\'':
		return l.quoted(start, '\'', tokString)
	case c == '"':
		return l.quoted(start, '"', tokQuotedIdent)
	case c == '$' && l.peekAt(1) == '$':
		end := strings.Index(l.src[l.pos+2:], "$$")
		if end < 0 {
			return token{}, l.syntaxError("mismatched character '<EOF>' expecting '$'")
		}
		return l.emit(start, tokString, end+4, l.src[l.pos+2:l.pos+2+end]), nil
	case l.uuidAhead():
		return l.emit(start, tokUUID, 36, ""), nil
	case c == '0' && (l.peekAt(1) == 'x' || l.peekAt(1) == 'X'):
		n := 2
		for isHex(l.peekAt(n)) {
			n++
		}
		return l.emit(start, tokHex, n, ""), nil
	case isDigit(c) || (c == '-' && isDigit(l.peekAt(1))):
		return l.number(start), nil
	case isLetter(c):
		n := 1
		for isLetter(l.peekAt(n)) || isDigit(l.peekAt(n)) || l.peekAt(n) == '_' {
			n++
		}
		return l.emit(start, tokIdent, n, ""), nil
	case strings.IndexByte("(),;.=*?{}[]<>:+-!", c) >= 0:
		return l.emit(start, tokPunct, 1, ""), nil
	}
	return token{}, l.syntaxError(fmt.Sprintf("no viable alternative at character '%c'", c))
}

// emit makes a token of the next n bytes; text defaults to the raw lexeme.
func (l *lexer) emit(t token, kind tokenKind, n int, text string) token {
	t.kind = kind
	t.raw = l.src[l.pos : l.pos+n]
	t.text = text
	if text == "" && kind != tokString {
		t.text = t.raw
	}
	l.advance(n)
	return t
}

// quoted reads a string or quoted identifier, where a doubled quote stands for one.
func (l *lexer) quoted(t token, q byte, kind tokenKind) (token, error) {
	var sb strings.Builder
	i := 1
	for {
		if l.pos+i >= len(l.src) {
			return token{}, l.syntaxError(fmt.Sprintf("mismatched character '<EOF>' expecting '%c'", q))
		}
		c := l.src[l.pos+i]
		if c == q {
			if l.peekAt(i+1) != q {
				break
			}
			i++
		}
		sb.WriteByte(c)
		i++
	}
	tok := l.emit(t, kind, i+1, "")
	tok.text = sb.String()
	return tok, nil
}

func (l *lexer) number(t token) token {
	n := 0
	if l.peekAt(0) == '-' {
		n++
	}
	for isDigit(l.peekAt(n)) {
		n++
	}
	kind := tokInteger
	if l.peekAt(n) == '.' && isDigit(l.peekAt(n+1)) {
		kind = tokFloat
		n++
		for isDigit(l.peekAt(n)) {
			n++
		}
	}
	if e := l.peekAt(n); e == 'e' || e == 'E' {
		m := n + 1
		if s := l.peekAt(m); s == '+' || s == '-' {
			m++
		}
		if isDigit(l.peekAt(m)) {
			kind = tokFloat
			for n = m; isDigit(l.peekAt(n)); n++ {
			}
		}
	}
	return l.emit(t, kind, n, "")
}

// uuidAhead says whether a UUID constant (8-4-4-4-12 hex digits) starts here.
func (l *lexer) uuidAhead() bool {
	i := 0
	for g, size := range []int{8, 4, 4, 4, 12} {
		if g > 0 {
			if l.peekAt(i) != '-' {
				return false
			}
			i++
		}
		for range size {
			if !isHex(l.peekAt(i)) {
				return false
			}
			i++
		}
	}
	next := l.peekAt(i)
	return !isLetter(next) && !isDigit(next) && next != '_'
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isHex(c byte) bool    { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }
