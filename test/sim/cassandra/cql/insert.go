package cql

import (
	"context"
	"slices"
)

// insert checks an INSERT of one row into a user table.
func (a *analyzer) insert(st insertStatement) (*prepared, error) {
	tbl, err := a.table(st.table)
	if err != nil {
		return nil, err
	}
	if tbl.system != nil {
		return nil, &UnauthorizedError{Message: tbl.keyspace + " keyspace is not user-modifiable."}
	}
	if len(st.columns) != len(st.values) {
		return nil, invalidf("Unmatched column names/values")
	}
	ops := make([]operand, len(st.columns))
	for i, name := range st.columns {
		c, ok := tbl.column(name)
		if !ok {
			return nil, invalidf("Undefined column name %s in table %s.%s", name, tbl.keyspace, tbl.name)
		}
		if slices.Index(st.columns, name) != i {
			return nil, invalidf("Multiple definitions found for column %s", name)
		}
		isKey := slices.Contains(tbl.partitionKey, name)
		if ops[i], err = a.operand(st.values[i], colSpec{name: c.Name, typ: c.Type}, isKey); err != nil {
			return nil, err
		}
	}
	for _, k := range tbl.partitionKey {
		if !slices.Contains(st.columns, k) {
			return nil, invalidf("Some partition key parts are missing: %s", k)
		}
	}
	q := &insertQuery{srv: a.srv, tbl: tbl, ops: ops}
	return &prepared{run: q.run}, nil
}

type insertQuery struct {
	srv *Server
	tbl *tableDef
	ops []operand
}

func (q *insertQuery) run(ctx context.Context, x *execution) (result, error) {
	if err := x.consistency.checkForWrite(); err != nil {
		return nil, err
	}
	row := Row{}
	for _, op := range q.ops {
		v, unset := op.value(x)
		isKey := slices.Contains(q.tbl.partitionKey, op.column)
		switch {
		case unset && isKey:
			return nil, invalidf("Invalid unset value for column %s", op.column)
		case unset:
			// A column bound as not set is left as it is (section 3, [value]).
			continue
		case isKey && v.IsNull():
			return nil, invalidf("Invalid null value in condition for column %s", op.column)
		case isKey && len(v.Bytes) == 0:
			return nil, invalidf("Key may not be empty")
		}
		row[op.column] = v
	}
	w := Write{Keyspace: q.tbl.keyspace, Table: q.tbl.name, Row: row, Consistency: x.consistency, Timestamp: x.timestamp}
	if err := q.srv.backend.Insert(ctx, w); err != nil {
		return nil, err
	}
	return voidResult{}, nil
}
