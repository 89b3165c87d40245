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

func (p *parser) createKeyspace() (statement, error) {
	st := createKeyspaceStatement{}
	var err error
	if st.ifNotExists, err = p.ifNotExists(); err != nil {
		return nil, err
	}
	if st.keyspace, err = p.ident(); err != nil {
		return nil, err
	}
	if err := p.expectKeyword("WITH"); err != nil {
		return nil, err
	}
	for {
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct("="); err != nil {
			return nil, err
		}
		value, err := p.constantOrMap()
		if err != nil {
			return nil, err
		}
		st.properties = append(st.properties, property{name: name, value: value})
		if !p.acceptKeyword("AND") {
			return st, nil
		}
	}
}

func (p *parser) createTable() (statement, error) {
	st := createTableStatement{}
	var err error
	if st.ifNotExists, err = p.ifNotExists(); err != nil {
		return nil, err
	}
	if st.table, err = p.qualifiedName(); err != nil {
		return nil, err
	}
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	for {
		if err := p.tableElement(&st); err != nil {
			return nil, err
		}
		if !p.acceptPunct(",") {
			break
		}
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	if p.isKeyword("WITH") {
		return nil, p.notModelled("table options (WITH ...)")
	}
	return st, nil
}

// tableElement reads a column definition or a PRIMARY KEY clause.
func (p *parser) tableElement(st *createTableStatement) error {
	if p.acceptKeyword("PRIMARY") {
		if err := p.expectKeyword("KEY"); err != nil {
			return err
		}
		pk, err := p.primaryKeyClause()
		st.primaryKeys = append(st.primaryKeys, pk)
		return err
	}
	name, err := p.ident()
	if err != nil {
		return err
	}
	typ, err := p.typeName()
	if err != nil {
		return err
	}
	col := columnDef{name: name, typ: typ, static: p.acceptKeyword("STATIC")}
	st.columns = append(st.columns, col)
	if p.acceptKeyword("PRIMARY") {
		if err := p.expectKeyword("KEY"); err != nil {
			return err
		}
		st.primaryKeys = append(st.primaryKeys, primaryKey{partition: []string{name}})
	}
	return nil
}

// primaryKeyClause reads `( k )`, `( k, c1, c2 )` or `( (k1, k2), c1 )`.
func (p *parser) primaryKeyClause() (primaryKey, error) {
	var pk primaryKey
	if err := p.expectPunct("("); err != nil {
		return pk, err
	}
	var err error
	if p.acceptPunct("(") {
		if pk.partition, err = p.identList(); err != nil {
			return pk, err
		}
		if err := p.expectPunct(")"); err != nil {
			return pk, err
		}
	} else {
		name, err := p.ident()
		if err != nil {
			return pk, err
		}
		pk.partition = []string{name}
	}
	for p.acceptPunct(",") {
		name, err := p.ident()
		if err != nil {
			return pk, err
		}
		pk.clustering = append(pk.clustering, name)
	}
	return pk, p.expectPunct(")")
}

// typeName reads a CQL type: a name, or a collection or frozen with parameters in <...>.
func (p *parser) typeName() (Type, error) {
	t := p.peek()
	if t.kind != tokIdent {
		return Type{}, p.mismatched("a type")
	}
	p.pos++
	var params []Type
	if p.acceptPunct("<") {
		for {
			param, err := p.typeName()
			if err != nil {
				return Type{}, err
			}
			params = append(params, param)
			if !p.acceptPunct(",") {
				break
			}
		}
		if err := p.expectPunct(">"); err != nil {
			return Type{}, err
		}
	}
	return typeFromName(t.text, params)
}

func (p *parser) insert() (statement, error) {
	if err := p.expectKeyword("INTO"); err != nil {
		return nil, err
	}
	st := insertStatement{}
	var err error
	if st.table, err = p.qualifiedName(); err != nil {
		return nil, err
	}
	if p.isKeyword("JSON") {
		return nil, p.notModelled("INSERT JSON")
	}
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	if st.columns, err = p.identList(); err != nil {
		return nil, err
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	if err := p.expectKeyword("VALUES"); err != nil {
		return nil, err
	}
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	for {
		v, err := p.term()
		if err != nil {
			return nil, err
		}
		st.values = append(st.values, v)
		if !p.acceptPunct(",") {
			break
		}
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	switch {
	case p.isKeyword("IF"):
		return nil, p.notModelled("lightweight transactions (IF NOT EXISTS)")
	case p.isKeyword("USING"):
		return nil, p.notModelled("USING TTL and USING TIMESTAMP")
	}
	return st, nil
}

func (p *parser) selectStatement() (statement, error) {
	if p.isKeyword("JSON") || p.isKeyword("DISTINCT") {
		return nil, p.notModelled("SELECT " + strings.ToUpper(p.peek().raw))
	}
	st := selectStatement{}
	if p.acceptPunct("*") {
		st.star = true
	} else {
		for {
			sel, err := p.selector()
			if err != nil {
				return nil, err
			}
			st.selectors = append(st.selectors, sel)
			if !p.acceptPunct(",") {
				break
			}
		}
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	var err error
	if st.table, err = p.qualifiedName(); err != nil {
		return nil, err
	}
	if p.acceptKeyword("WHERE") {
		for {
			rel, err := p.relation()
			if err != nil {
				return nil, err
			}
			st.where = append(st.where, rel)
			if !p.acceptKeyword("AND") {
				break
			}
		}
	}
	for _, clause := range []string{"GROUP", "ORDER", "PER"} {
		if p.isKeyword(clause) {
			return nil, p.notModelled(clause + " BY and PER PARTITION LIMIT clauses")
		}
	}
	if p.acceptKeyword("LIMIT") {
		limit, err := p.term()
		if err != nil {
			return nil, err
		}
		st.limit = &limit
	}
	if p.acceptKeyword("ALLOW") {
		if err := p.expectKeyword("FILTERING"); err != nil {
			return nil, err
		}
		st.allowFiltering = true
	}
	return st, nil
}

// selector reads a column name or COUNT(*) / COUNT(1), with an optional alias.
func (p *parser) selector() (selector, error) {
	var sel selector
	if p.isKeyword("COUNT") && p.peekAt(1).raw == "(" {
		p.pos += 2
		if !p.acceptPunct("*") && (p.peek().kind != tokInteger || p.peek().text != "1") {
			return sel, p.mismatched("'*'")
		}
		if p.peek().kind == tokInteger {
			p.pos++
		}
		if err := p.expectPunct(")"); err != nil {
			return sel, err
		}
		sel.count = true
	} else {
		name, err := p.ident()
		if err != nil {
			return sel, err
		}
		if p.peek().raw == "(" {
			return sel, p.notModelled("functions in selections")
		}
		sel.column = name
	}
	if p.acceptKeyword("AS") {
		alias, err := p.ident()
		if err != nil {
			return sel, err
		}
		sel.alias = alias
	}
	return sel, nil
}

func (p *parser) relation() (relation, error) {
	if p.isKeyword("TOKEN") || p.peek().raw == "(" {
		return relation{}, p.notModelled("token and multi-column relations")
	}
	column, err := p.ident()
	if err != nil {
		return relation{}, err
	}
	if t := p.peek(); t.raw != "=" {
		if t.kind == tokPunct || p.isKeyword("IN") || p.isKeyword("CONTAINS") || p.isKeyword("LIKE") {
			return relation{}, p.notModelled("relations other than =")
		}
		return relation{}, p.mismatched("'='")
	}
	p.pos++
	value, err := p.term()
	return relation{column: column, value: value}, err
}

// term reads a value in a DML statement: a constant, a bind marker or a collection literal.
func (p *parser) term() (term, error) {
	if p.acceptPunct("?") {
		t := term{kind: termMarker, marker: p.markers}
		p.markers++
		return t, nil
	}
	if p.peek().raw == ":" {
		return term{}, p.notModelled("named bind markers")
	}
	return p.constantOrMap()
}

// constantOrMap reads a constant or a collection literal; bind markers are not allowed.
func (p *parser) constantOrMap() (term, error) {
	t := p.peek()
	kinds := map[tokenKind]termKind{
		tokString: termString, tokInteger: termInteger, tokFloat: termFloat, tokUUID: termUUID, tokHex: termHex,
	}
	if k, ok := kinds[t.kind]; ok {
		p.pos++
		return term{kind: k, text: t.text}, nil
	}
	switch {
	case p.isKeyword("TRUE"), p.isKeyword("FALSE"):
		p.pos++
		return term{kind: termBoolean, text: strings.ToLower(t.text)}, nil
	case p.isKeyword("NULL"):
		p.pos++
		return term{kind: termNull, text: "null"}, nil
	case p.acceptPunct("{"):
		return p.braceLiteral()
	case p.acceptPunct("["):
		elems, err := p.termsUntil("]")
		return term{kind: termList, elems: elems}, err
	}
	return term{}, p.noViable()
}

// braceLiteral reads the rest of a map { k: v, ... } or set { v, ... } literal; {} is a map.
func (p *parser) braceLiteral() (term, error) {
	if p.acceptPunct("}") {
		return term{kind: termMap}, nil
	}
	first, err := p.constantOrMap()
	if err != nil {
		return term{}, err
	}
	if !p.acceptPunct(":") {
		rest, err := p.termsAfter(first, "}")
		return term{kind: termSet, elems: rest}, err
	}
	lit := term{kind: termMap}
	key := first
	for {
		value, err := p.constantOrMap()
		if err != nil {
			return term{}, err
		}
		lit.elems = append(lit.elems, key, value)
		if !p.acceptPunct(",") {
			return lit, p.expectPunct("}")
		}
		if key, err = p.constantOrMap(); err != nil {
			return term{}, err
		}
		if err := p.expectPunct(":"); err != nil {
			return term{}, err
		}
	}
}

func (p *parser) termsUntil(closing string) ([]term, error) {
	if p.acceptPunct(closing) {
		return nil, nil
	}
	first, err := p.constantOrMap()
	if err != nil {
		return nil, err
	}
	return p.termsAfter(first, closing)
}

func (p *parser) termsAfter(first term, closing string) ([]term, error) {
	out := []term{first}
	for p.acceptPunct(",") {
		t, err := p.constantOrMap()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, p.expectPunct(closing)
}

func (p *parser) ifNotExists() (bool, error) {
	if !p.acceptKeyword("IF") {
		return false, nil
	}
	if err := p.expectKeyword("NOT"); err != nil {
		return false, err
	}
	return true, p.expectKeyword("EXISTS")
}

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
