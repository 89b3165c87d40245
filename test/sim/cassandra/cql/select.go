package cql

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
)

// filteringMessage is Cassandra's answer to a WHERE clause that would need a scan.
const filteringMessage = "Cannot execute this query as it might involve data filtering and thus may have " +
	"unpredictable performance. If you want to execute this query despite the performance " +
	"unpredictability, use ALLOW FILTERING"

// restriction is `column = value` of a WHERE clause, checked.
type restriction struct {
	column string
	op     operand
}

// selectStatement checks a SELECT: of one partition of a user table (by its key), COUNT(*) of
// a user table, or any SELECT of a system table, filtered by equality.
func (a *analyzer) selectStatement(st selectStatement) (*prepared, error) {
	tbl, err := a.table(st.table)
	if err != nil {
		return nil, err
	}
	columns, meta, count, err := a.selection(st, tbl)
	if err != nil {
		return nil, err
	}
	restrictions, err := a.restrictions(st, tbl)
	if err != nil {
		return nil, err
	}
	if tbl.system == nil && len(restrictions) == 0 && !count {
		return nil, notModelled("SELECT from a user table without its partition key (table scans)")
	}
	var limit *operand
	if st.limit != nil {
		op, err := a.operand(*st.limit, colSpec{name: "[limit]", typ: Type{ID: TypeInt}}, false)
		if err != nil {
			return nil, err
		}
		limit = &op
	}
	q := &selectQuery{srv: a.srv, tbl: tbl, columns: columns, meta: meta, count: count, restrictions: restrictions, limit: limit}
	return &prepared{result: &q.meta, run: q.run}, nil
}

// selection checks the selectors: the columns read, their result metadata, and whether the
// statement is a COUNT(*).
func (a *analyzer) selection(st selectStatement, tbl *tableDef) ([]string, columnsMeta, bool, error) {
	meta := columnsMeta{keyspace: tbl.keyspace, table: tbl.name}
	var columns []string
	if st.star {
		for _, c := range tbl.starColumns() {
			columns = append(columns, c.Name)
			meta.cols = append(meta.cols, colSpec{name: c.Name, typ: c.Type})
		}
		return columns, meta, false, nil
	}
	count := false
	for _, sel := range st.selectors {
		if sel.count {
			if len(st.selectors) > 1 {
				return nil, meta, false, notModelled("COUNT(*) together with other selectors")
			}
			count = true
			meta.cols = append(meta.cols, colSpec{name: aliasOr(sel.alias, "count"), typ: Type{ID: TypeBigint}})
			continue
		}
		c, ok := tbl.column(sel.column)
		if !ok {
			return nil, meta, false, invalidf("Undefined column name %s in table %s.%s", sel.column, tbl.keyspace, tbl.name)
		}
		columns = append(columns, c.Name)
		meta.cols = append(meta.cols, colSpec{name: aliasOr(sel.alias, c.Name), typ: c.Type})
	}
	return columns, meta, count, nil
}

func aliasOr(alias, name string) string {
	if alias != "" {
		return alias
	}
	return name
}

// restrictions checks the WHERE clause. Equality on the partition key is a partition read;
// equality on clustering columns too once the partition key is given; anything else needs
// ALLOW FILTERING, which the simulator allows on the small system tables only.
func (a *analyzer) restrictions(st selectStatement, tbl *tableDef) ([]restriction, error) {
	var out []restriction
	seen := map[string]bool{}
	for _, rel := range st.where {
		c, ok := tbl.column(rel.column)
		if !ok {
			return nil, invalidf("Undefined column name %s in table %s.%s", rel.column, tbl.keyspace, tbl.name)
		}
		if seen[c.Name] {
			return nil, invalidf("%s cannot be restricted by more than one relation if it includes an Equal", c.Name)
		}
		seen[c.Name] = true
		isKey := slices.Contains(tbl.partitionKey, c.Name)
		op, err := a.operand(rel.value, colSpec{name: c.Name, typ: c.Type}, isKey)
		if err != nil {
			return nil, err
		}
		out = append(out, restriction{column: c.Name, op: op})
	}
	keyGiven := true
	for _, k := range tbl.partitionKey {
		keyGiven = keyGiven && seen[k]
	}
	for _, r := range out {
		switch {
		case slices.Contains(tbl.partitionKey, r.column):
		case slices.Contains(tbl.clustering, r.column) && keyGiven:
		case st.allowFiltering && tbl.system != nil:
		case st.allowFiltering:
			return nil, notModelled("ALLOW FILTERING on user tables")
		default:
			return nil, invalidf(filteringMessage)
		}
	}
	return out, nil
}

// selectQuery runs a checked SELECT.
type selectQuery struct {
	srv          *Server
	tbl          *tableDef
	columns      []string
	meta         columnsMeta
	count        bool
	restrictions []restriction
	limit        *operand
}

func (q *selectQuery) run(ctx context.Context, x *execution) (result, error) {
	if err := x.consistency.checkForRead(); err != nil {
		return nil, err
	}
	values, err := q.restrictionValues(x)
	if err != nil {
		return nil, err
	}
	limit, err := q.limitValue(x)
	if err != nil {
		return nil, err
	}
	rows, n, err := q.fetch(ctx, x, values)
	if err != nil {
		return nil, err
	}
	if q.count {
		return rowsResult{meta: q.meta, rows: [][][]byte{{BigintValue(n).Bytes}}}, nil
	}
	if limit > 0 && len(rows) > limit {
		rows = rows[:limit]
	}
	out := rowsResult{meta: q.meta}
	for _, row := range rows {
		projected := make([][]byte, len(q.columns))
		for i, c := range q.columns {
			projected[i] = row[c].Bytes
		}
		out.rows = append(out.rows, projected)
	}
	return out, nil
}

// fetch reads the rows the restrictions select, from a system table or from the Backend, and
// counts them. A COUNT(*) of a whole user table asks the Backend for the number only.
func (q *selectQuery) fetch(ctx context.Context, x *execution, values []Value) ([]Row, int64, error) {
	var rows []Row
	switch {
	case q.tbl.system != nil:
		for _, row := range q.tbl.system.rows(q.srv.backend) {
			if q.matches(row, values) {
				rows = append(rows, row)
			}
		}
	case len(values) == 0:
		n, err := q.srv.backend.Count(ctx, Scan{Keyspace: q.tbl.keyspace, Table: q.tbl.name, Consistency: x.consistency})
		return nil, n, err
	default:
		read := Read{Keyspace: q.tbl.keyspace, Table: q.tbl.name, Key: values[0], Consistency: x.consistency}
		row, err := q.srv.backend.Select(ctx, read)
		if err != nil {
			return nil, 0, err
		}
		if row != nil {
			rows = append(rows, row)
		}
	}
	return rows, int64(len(rows)), nil
}

func (q *selectQuery) matches(row Row, values []Value) bool {
	for i, r := range q.restrictions {
		if !bytes.Equal(row[r.column].Bytes, values[i].Bytes) || row[r.column].IsNull() {
			return false
		}
	}
	return true
}

func (q *selectQuery) restrictionValues(x *execution) ([]Value, error) {
	out := make([]Value, len(q.restrictions))
	for i, r := range q.restrictions {
		v, unset := r.op.value(x)
		switch {
		case unset:
			return nil, invalidf("Invalid unset value for column %s", r.column)
		case v.IsNull():
			return nil, invalidf("Invalid null value in condition for column %s", r.column)
		case len(v.Bytes) == 0 && q.tbl.system == nil:
			return nil, invalidf("Key may not be empty")
		}
		out[i] = v
	}
	return out, nil
}

// limitValue is the LIMIT, 0 for none (no clause, or a marker bound as not set).
func (q *selectQuery) limitValue(x *execution) (int, error) {
	if q.limit == nil {
		return 0, nil
	}
	v, unset := q.limit.value(x)
	switch {
	case unset:
		return 0, nil
	case len(v.Bytes) != 4:
		return 0, invalidf("Invalid null value of limit")
	}
	n := int32(binary.BigEndian.Uint32(v.Bytes))
	if n <= 0 {
		return 0, invalidf("LIMIT must be strictly positive")
	}
	return int(n), nil
}
