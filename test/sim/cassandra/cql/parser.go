package cql

import (
	"fmt"
	"strings"
)

// parsed is a statement and the number of bind markers (?) in it.
type parsed struct {
	stmt    statement
	markers int
}

// parser is a recursive-descent parser for the modelled subset of CQL 3. Keywords are matched
// without regard to case; unquoted identifiers are folded to lower case and quoted ones kept
// as written, as Cassandra does. Errors are SyntaxErrors worded like Cassandra's (ANTLR's):
// "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM] t...)". Statements and
// clauses that are valid CQL but outside the subset get a SyntaxError that says so.
type parser struct {
	toks    []token
	pos     int
	markers int
}

func parse(query string) (parsed, error) {
	toks, err := lex(query)
	if err != nil {
		return parsed{}, err
	}
	p := &parser{toks: toks}
	stmt, err := p.statement()
	if err != nil {
		return parsed{}, err
	}
	p.acceptPunct(";")
	if p.peek().kind != tokEOF {
		return parsed{}, p.mismatched("EOF")
	}
	return parsed{stmt: stmt, markers: p.markers}, nil
}

// unmodelledStatements are the first keywords of CQL statements the simulator does not model.
var unmodelledStatements = []string{
	"ALTER", "APPLY", "BEGIN", "DELETE", "DESC", "DESCRIBE", "DROP", "GRANT", "LIST", "REVOKE",
	"TRUNCATE", "UPDATE",
}

func (p *parser) statement() (statement, error) {
	switch {
	case p.acceptKeyword("USE"):
		ks, err := p.ident()
		return useStatement{keyspace: ks}, err
	case p.acceptKeyword("INSERT"):
		return p.insert()
	case p.acceptKeyword("SELECT"):
		return p.selectStatement()
	case p.acceptKeyword("CREATE"):
		switch {
		case p.acceptKeyword("KEYSPACE"), p.acceptKeyword("SCHEMA"):
			return p.createKeyspace()
		case p.acceptKeyword("TABLE"), p.acceptKeyword("COLUMNFAMILY"):
			return p.createTable()
		}
		return nil, p.notModelled("CREATE " + strings.ToUpper(p.peek().raw) + " statements")
	}
	for _, kw := range unmodelledStatements {
		if p.isKeyword(kw) {
			return nil, p.notModelled(kw + " statements")
		}
	}
	return nil, p.noViable()
}

// tableElement reads a column definition or a PRIMARY KEY clause.
// primaryKeyClause reads `( k )`, `( k, c1, c2 )` or `( (k1, k2), c1 )`.
// typeName reads a CQL type: a name, or a collection or frozen with parameters in <...>.
// selector reads a column name or COUNT(*) / COUNT(1), with an optional alias.
// term reads a value in a DML statement: a constant, a bind marker or a collection literal.
// constantOrMap reads a constant or a collection literal; bind markers are not allowed.
// braceLiteral reads the rest of a map { k: v, ... } or set { v, ... } literal; {} is a map.
func (p *parser) qualifiedName() (qualifiedName, error) {
	first, err := p.ident()
	if err != nil {
		return qualifiedName{}, err
	}
	if !p.acceptPunct(".") {
		return qualifiedName{name: first}, nil
	}
	second, err := p.ident()
	return qualifiedName{keyspace: first, name: second}, err
}

func (p *parser) identList() ([]string, error) {
	var out []string
	for {
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		out = append(out, name)
		if !p.acceptPunct(",") {
			return out, nil
		}
	}
}

// ident reads an identifier: unquoted ones are case-insensitive, so folded to lower case.
func (p *parser) ident() (string, error) {
	t := p.peek()
	switch t.kind {
	case tokIdent:
		p.pos++
		return strings.ToLower(t.text), nil
	case tokQuotedIdent:
		p.pos++
		return t.text, nil
	}
	return "", p.mismatched("IDENT")
}

func (p *parser) peek() token { return p.peekAt(0) }

func (p *parser) peekAt(i int) token {
	if p.pos+i < len(p.toks) {
		return p.toks[p.pos+i]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

func (p *parser) acceptKeyword(kw string) bool {
	if p.isKeyword(kw) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expectKeyword(kw string) error {
	if p.acceptKeyword(kw) {
		return nil
	}
	return p.mismatched("K_" + kw)
}

func (p *parser) acceptPunct(s string) bool {
	if t := p.peek(); t.kind == tokPunct && t.text == s {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expectPunct(s string) error {
	if p.acceptPunct(s) {
		return nil
	}
	return p.mismatched("'" + s + "'")
}

func (p *parser) mismatched(expecting string) error {
	return p.syntaxErrorf("mismatched input '%s' expecting %s", p.peek().raw, expecting)
}

func (p *parser) noViable() error {
	return p.syntaxErrorf("no viable alternative at input '%s'", p.peek().raw)
}

func (p *parser) notModelled(what string) error {
	err := p.syntaxErrorf("no viable alternative at input '%s'", p.peek().raw)
	err.Message += ": the simulator does not model " + what
	return err
}

// syntaxErrorf words an error as Cassandra does: position, reason, and the query around the
// offending token in brackets.
func (p *parser) syntaxErrorf(format string, args ...any) *SyntaxError {
	t := p.peek()
	var snippet []string
	for i := max(0, p.pos-2); i < min(len(p.toks), p.pos+2); i++ {
		raw := p.toks[i].raw
		if p.toks[i].kind == tokEOF {
			raw = ""
		}
		if i == p.pos {
			raw = "[" + raw + "]"
		}
		if raw != "" {
			snippet = append(snippet, raw)
		}
	}
	msg := fmt.Sprintf(format, args...)
	return &SyntaxError{Message: fmt.Sprintf("line %d:%d %s (%s...)", t.line, t.col, msg, strings.Join(snippet, " "))}
}
