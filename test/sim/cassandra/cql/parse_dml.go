package cql

import "strings"

// Parsing of the data statements, INSERT and SELECT, and of the values they contain.

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
