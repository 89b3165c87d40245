package cql

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// use checks USE: the keyspace must exist when the statement runs.
func (a *analyzer) use(st useStatement) (*prepared, error) {
	run := func(_ context.Context, x *execution) (result, error) {
		if _, ok := a.srv.keyspace(st.keyspace); !ok && !isSystemKeyspace(st.keyspace) {
			return nil, invalidf("Keyspace '%s' does not exist", st.keyspace)
		}
		x.useKeyspace(st.keyspace)
		return setKeyspaceResult(st), nil
	}
	return &prepared{run: run}, nil
}

// createKeyspace checks CREATE KEYSPACE; the replication is checked against the data centers
// the node knows when the statement runs.
func (a *analyzer) createKeyspace(st createKeyspaceStatement) (*prepared, error) {
	if err := checkName("Keyspace", st.keyspace); err != nil {
		return nil, err
	}
	opts, durable, err := keyspaceOptions(st.properties)
	if err != nil {
		return nil, err
	}
	srv := a.srv
	run := func(ctx context.Context, _ *execution) (result, error) {
		if _, exists := srv.keyspace(st.keyspace); exists || isSystemKeyspace(st.keyspace) {
			return alreadyExists(st.ifNotExists, &AlreadyExistsError{Keyspace: st.keyspace})
		}
		replication, err := replicationFrom(st.keyspace, opts, srv.dataCenters())
		if err != nil {
			return nil, err
		}
		ks := Keyspace{Name: st.keyspace, Replication: replication, DurableWrites: durable}
		if err := srv.backend.CreateKeyspace(ctx, ks); err != nil {
			return alreadyExists(st.ifNotExists, err)
		}
		return schemaChangeResult{change: SchemaChange{Change: Created, Target: TargetKeyspace, Keyspace: st.keyspace}}, nil
	}
	return &prepared{run: run}, nil
}

// alreadyExists is the answer to a CREATE of something that exists: Void with IF NOT EXISTS,
// as Cassandra 4 answers a schema change that changes nothing; otherwise the error.
func alreadyExists(ifNotExists bool, err error) (result, error) {
	var ae *AlreadyExistsError
	if ifNotExists && errors.As(err, &ae) {
		return voidResult{}, nil
	}
	return nil, err
}

// createTable checks CREATE TABLE: one partition key column, no clustering columns, columns of
// the native types the simulator models.
func (a *analyzer) createTable(st createTableStatement) (*prepared, error) {
	ks, err := a.keyspaceOf(st.table)
	if err != nil {
		return nil, err
	}
	if isSystemKeyspace(ks) {
		return nil, &UnauthorizedError{Message: ks + " keyspace is not user-modifiable."}
	}
	t, err := tableFrom(ks, st)
	if err != nil {
		return nil, err
	}
	srv := a.srv
	run := func(ctx context.Context, _ *execution) (result, error) {
		keyspace, ok := srv.keyspace(ks)
		if !ok {
			return nil, invalidf("keyspace %s does not exist", ks)
		}
		if slices.ContainsFunc(keyspace.Tables, func(x Table) bool { return x.Name == t.Name }) {
			return alreadyExists(st.ifNotExists, &AlreadyExistsError{Keyspace: ks, Table: t.Name})
		}
		if err := srv.backend.CreateTable(ctx, t); err != nil {
			return alreadyExists(st.ifNotExists, err)
		}
		return schemaChangeResult{change: SchemaChange{Change: Created, Target: TargetTable, Keyspace: ks, Table: t.Name}}, nil
	}
	return &prepared{run: run}, nil
}

// tableFrom builds the table a CREATE TABLE defines, with Cassandra's messages for a bad
// definition.
func tableFrom(ks string, st createTableStatement) (Table, error) {
	name := st.table.name
	if err := checkName("Table", name); err != nil {
		return Table{}, err
	}
	switch len(st.primaryKeys) {
	case 0:
		//nolint:misspell // Cassandra's message, spelling included
		return Table{}, invalidf("No PRIMARY KEY specifed for table '%s' (exactly one required)", name)
	case 1:
	default:
		//nolint:misspell // Cassandra's message, spelling included
		return Table{}, invalidf("Multiple PRIMARY KEY specifed for table '%s' (exactly one required)", name)
	}
	pk := st.primaryKeys[0]
	t := Table{Keyspace: ks, Name: name}
	for i, c := range st.columns {
		if slices.IndexFunc(st.columns, func(d columnDef) bool { return d.name == c.name }) != i {
			return Table{}, invalidf("Duplicate column '%s' declaration for table '%s.%s'", c.name, ks, name)
		}
		if c.static {
			return Table{}, invalidf("Static columns are only useful (and thus allowed) if the table has at least one clustering column")
		}
		if !c.typ.userModelled() {
			return Table{}, notModelled("columns of type %s", c.typ)
		}
		t.Columns = append(t.Columns, Column{Name: c.name, Type: c.typ})
	}
	for _, k := range append(slices.Clone(pk.partition), pk.clustering...) {
		if !slices.ContainsFunc(st.columns, func(d columnDef) bool { return d.name == k }) {
			return Table{}, invalidf("Unknown definition %s referenced in PRIMARY KEY", k)
		}
	}
	if len(pk.partition) != 1 || len(pk.clustering) != 0 {
		return Table{}, notModelled("composite partition keys and clustering columns (PRIMARY KEY %s)", formatPrimaryKey(pk))
	}
	t.PartitionKey = pk.partition[0]
	return t, nil
}

func formatPrimaryKey(pk primaryKey) string {
	s := fmt.Sprint(pk.partition)
	if len(pk.clustering) > 0 {
		s += fmt.Sprint(pk.clustering)
	}
	return s
}

// dataCenters are the data centers of the nodes this node knows, itself included.
func (s *Server) dataCenters() []string {
	dcs := []string{s.backend.Local().DataCenter}
	for _, p := range s.backend.Peers() {
		if !slices.Contains(dcs, p.DataCenter) {
			dcs = append(dcs, p.DataCenter)
		}
	}
	return dcs
}
