package cql

import (
	"context"
	"crypto/md5"
	"fmt"
	"slices"
	"strings"
)

// prepared is a statement parsed and checked against the schema, ready to run with values for
// its bind markers: what PREPARE returns and EXECUTE runs, and what QUERY builds and runs at
// once. Checking happens when preparing, as in Cassandra, so a PREPARE of a statement on a
// table that does not exist fails.
type prepared struct {
	// id is Cassandra's statement id: the MD5 of the keyspace in use and the query text.
	id []byte
	// vars describes the bind markers, in order; pkIndexes are the markers that give the
	// partition key, for the driver's token-aware routing.
	vars      columnsMeta
	pkIndexes []uint16
	// result is the metadata of the rows a SELECT returns; nil for other statements.
	result *columnsMeta
	run    func(ctx context.Context, x *execution) (result, error)
}

// execution is one run of a prepared statement.
type execution struct {
	values      []boundValue
	consistency Consistency
	// timestamp is the write timestamp in microseconds: the client's default timestamp, or
	// the server's clock.
	timestamp int64
	// useKeyspace switches the connection to a keyspace (USE).
	useKeyspace func(string)
}

func statementID(keyspace, query string) []byte {
	// MD5, as Cassandra computes statement ids; nothing here is secret.
	sum := md5.Sum([]byte(keyspace + query))
	return sum[:]
}

// prepare parses and checks a statement; keyspace is the connection's (USE) keyspace.
func (s *Server) prepare(query, keyspace string) (*prepared, error) {
	ps, err := parse(query)
	if err != nil {
		return nil, err
	}
	a := &analyzer{srv: s, keyspace: keyspace, vars: make([]colSpec, ps.markers), bound: make([]bool, ps.markers)}
	var p *prepared
	switch st := ps.stmt.(type) {
	case useStatement:
		p, err = a.use(st)
	case createKeyspaceStatement:
		p, err = a.createKeyspace(st)
	case createTableStatement:
		p, err = a.createTable(st)
	case insertStatement:
		p, err = a.insert(st)
	case selectStatement:
		p, err = a.selectStatement(st)
	default:
		err = notModelled("%s statements", ps.stmt.statementName())
	}
	if err != nil {
		return nil, err
	}
	if i := slices.Index(a.bound, false); i >= 0 {
		return nil, &ServerError{Message: fmt.Sprintf("bind marker %d is in a place the simulator does not type", i)}
	}
	p.id = statementID(keyspace, query)
	p.vars = columnsMeta{keyspace: a.tableKeyspace, table: a.tableName, cols: a.vars}
	p.pkIndexes = a.pkIndexes
	return p, nil
}

// analyzer checks one statement against the schema and types its bind markers.
type analyzer struct {
	srv      *Server
	keyspace string
	// tableKeyspace and tableName are the table the statement acts on, which its bind
	// markers' metadata names.
	tableKeyspace, tableName string
	vars                     []colSpec
	bound                    []bool
	pkIndexes                []uint16
}

// operand is a value of a statement once checked: a constant converted to its column's type,
// or a bind marker to be read from the execution's values.
type operand struct {
	column   string
	constant Value
	marker   int // -1 for a constant
}

// operand checks a term given for a column, typing it if it is a bind marker.
func (a *analyzer) operand(t term, col colSpec, partitionKey bool) (operand, error) {
	if t.kind != termMarker {
		v, err := literalValue(t, col.name, col.typ)
		return operand{column: col.name, constant: v, marker: -1}, err
	}
	a.vars[t.marker] = col
	a.bound[t.marker] = true
	if partitionKey {
		a.pkIndexes = append(a.pkIndexes, uint16(t.marker))
	}
	return operand{column: col.name, constant: Null(col.typ), marker: t.marker}, nil
}

// value is the operand's value in an execution, and whether it was bound as "not set".
func (o operand) value(x *execution) (Value, bool) {
	if o.marker < 0 {
		return o.constant, false
	}
	bv := x.values[o.marker]
	return Value{Type: o.constant.Type, Bytes: bv.bytes}, bv.unset
}

// tableDef is a table as statements see it: a user table of the Backend, or a system table.
type tableDef struct {
	keyspace, name string
	partitionKey   []string
	clustering     []string
	columns        []Column
	system         *systemTable // nil for a user table
}

func (t *tableDef) column(name string) (Column, bool) {
	for _, c := range t.columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// starColumns are the columns of SELECT *, in Cassandra's order: partition key, clustering
// columns, then the others by name.
func (t *tableDef) starColumns() []Column {
	var out, rest []Column
	for _, name := range append(slices.Clone(t.partitionKey), t.clustering...) {
		c, _ := t.column(name)
		out = append(out, c)
	}
	for _, c := range t.columns {
		if !slices.Contains(t.partitionKey, c.Name) && !slices.Contains(t.clustering, c.Name) {
			rest = append(rest, c)
		}
	}
	slices.SortFunc(rest, func(x, y Column) int { return strings.Compare(x.Name, y.Name) })
	return append(out, rest...)
}

func (a *analyzer) keyspaceOf(q qualifiedName) (string, error) {
	if q.keyspace != "" {
		return q.keyspace, nil
	}
	if a.keyspace == "" {
		return "", invalidf("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename")
	}
	return a.keyspace, nil
}

// table finds the table a statement names.
func (a *analyzer) table(q qualifiedName) (*tableDef, error) {
	ks, err := a.keyspaceOf(q)
	if err != nil {
		return nil, err
	}
	a.tableKeyspace, a.tableName = ks, q.name
	if isSystemKeyspace(ks) {
		if st := findSystemTable(ks, q.name); st != nil {
			return &st.def, nil
		}
		return nil, invalidf("table %s does not exist", q.name)
	}
	keyspace, ok := a.srv.keyspace(ks)
	if !ok {
		return nil, invalidf("keyspace %s does not exist", ks)
	}
	for _, t := range keyspace.Tables {
		if t.Name == q.name {
			return &tableDef{keyspace: ks, name: t.Name, partitionKey: []string{t.PartitionKey}, columns: t.Columns}, nil
		}
	}
	return nil, invalidf("table %s does not exist", q.name)
}

// keyspace finds a user keyspace of the Backend.
func (s *Server) keyspace(name string) (Keyspace, bool) {
	for _, ks := range s.backend.Keyspaces() {
		if ks.Name == name {
			return ks, true
		}
	}
	return Keyspace{}, false
}

// notModelled is the SyntaxError for valid CQL outside the simulator's subset.
func notModelled(format string, args ...any) error {
	return &SyntaxError{Message: "the simulator does not model " + fmt.Sprintf(format, args...)}
}
