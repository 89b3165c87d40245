package cql

// Parsing of the schema statements: CREATE KEYSPACE and CREATE TABLE.

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

func (p *parser) ifNotExists() (bool, error) {
	if !p.acceptKeyword("IF") {
		return false, nil
	}
	if err := p.expectKeyword("NOT"); err != nil {
		return false, err
	}
	return true, p.expectKeyword("EXISTS")
}
