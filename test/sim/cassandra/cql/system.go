package cql

import (
	"slices"
	"strconv"
	"strings"
)

// systemTable is a table of the system keyspaces, computed from the Backend when read: the
// tables drivers read to find the nodes (system.local, system.peers, system.peers_v2) and the
// schema (system_schema.*), with Cassandra 4's columns and types. Only those columns a driver or
// an operator reads are filled; the others are there, null, so that SELECT * has Cassandra's
// shape.
type systemTable struct {
	def  tableDef
	rows func(b Backend) []Row
}

const (
	systemKeyspace       = "system"
	systemSchemaKeyspace = "system_schema"
)

func isSystemKeyspace(ks string) bool { return ks == systemKeyspace || ks == systemSchemaKeyspace }

func findSystemTable(ks, name string) *systemTable {
	for _, t := range systemTables {
		if t.def.keyspace == ks && t.def.name == name {
			return t
		}
	}
	return nil
}

// Column types of the system tables.
var (
	textT    = Type{ID: TypeVarchar}
	intT     = Type{ID: TypeInt}
	inetT    = Type{ID: TypeInet}
	uuidT    = Type{ID: TypeUUID}
	boolT    = Type{ID: TypeBoolean}
	blobT    = Type{ID: TypeBlob}
	textSetT = SetOf(textT)
	frozenL  = FrozenOf(ListOf(textT))
)

func col(name string, t Type) Column { return Column{Name: name, Type: t} }

// newSystemTable defines a system table: its partition key, clustering columns and the other
// columns, as Cassandra's SystemKeyspace and SchemaKeyspace declare them.
func newSystemTable(ks, name string, pk, clustering []Column, others []Column, rows func(Backend) []Row) *systemTable {
	t := &systemTable{rows: rows}
	t.def = tableDef{keyspace: ks, name: name, system: t}
	for _, c := range pk {
		t.def.partitionKey = append(t.def.partitionKey, c.Name)
	}
	for _, c := range clustering {
		t.def.clustering = append(t.def.clustering, c.Name)
	}
	t.def.columns = slices.Concat(pk, clustering, others)
	return t
}

// systemTables is set in init: the tables' rows read the list of tables (system_schema.tables
// lists the system tables too), which a package-level initializer may not do.
var systemTables []*systemTable

func init() { systemTables = newSystemTables() }

func newSystemTables() []*systemTable {
	return []*systemTable{
		newSystemTable(systemKeyspace, "local", []Column{col("key", textT)}, nil, []Column{
			col("bootstrapped", textT), col("broadcast_address", inetT), col("broadcast_port", intT),
			col("cluster_name", textT), col("cql_version", textT), col("data_center", textT),
			col("gossip_generation", intT), col("host_id", uuidT), col("listen_address", inetT),
			col("listen_port", intT), col("native_protocol_version", textT), col("partitioner", textT),
			col("rack", textT), col("release_version", textT), col("rpc_address", inetT), col("rpc_port", intT),
			col("schema_version", uuidT), col("tokens", textSetT), col("truncated_at", MapOf(uuidT, blobT)),
		}, localRows),
		newSystemTable(systemKeyspace, "peers", []Column{col("peer", inetT)}, nil, []Column{
			col("data_center", textT), col("host_id", uuidT), col("preferred_ip", inetT), col("rack", textT),
			col("release_version", textT), col("rpc_address", inetT), col("schema_version", uuidT),
			col("tokens", textSetT),
		}, peersRows),
		newSystemTable(systemKeyspace, "peers_v2", []Column{col("peer", inetT)}, []Column{col("peer_port", intT)}, []Column{
			col("data_center", textT), col("host_id", uuidT), col("native_address", inetT), col("native_port", intT),
			col("preferred_ip", inetT), col("preferred_port", intT), col("rack", textT),
			col("release_version", textT), col("schema_version", uuidT), col("tokens", textSetT),
		}, peersRows),
		newSystemTable(systemSchemaKeyspace, "keyspaces", []Column{col("keyspace_name", textT)}, nil, []Column{
			col("durable_writes", boolT), col("replication", FrozenOf(MapOf(textT, textT))),
		}, keyspacesRows),
		newSystemTable(systemSchemaKeyspace, "tables", []Column{col("keyspace_name", textT)}, []Column{col("table_name", textT)},
			nil, tablesRows),
		newSystemTable(systemSchemaKeyspace, "columns", []Column{col("keyspace_name", textT)},
			[]Column{col("table_name", textT), col("column_name", textT)}, []Column{
				col("clustering_order", textT), col("column_name_bytes", blobT), col("kind", textT),
				col("position", intT), col("type", textT),
			}, columnsRows),
		// Views, user types, functions and aggregates cannot be created through the simulator:
		// their tables exist, empty, because drivers read them.
		newSystemTable(systemSchemaKeyspace, "views", []Column{col("keyspace_name", textT)}, []Column{col("view_name", textT)},
			[]Column{col("base_table_id", uuidT), col("base_table_name", textT), col("include_all_columns", boolT),
				col("where_clause", textT)}, noRows),
		newSystemTable(systemSchemaKeyspace, "types", []Column{col("keyspace_name", textT)}, []Column{col("type_name", textT)},
			[]Column{col("field_names", frozenL), col("field_types", frozenL)}, noRows),
		newSystemTable(systemSchemaKeyspace, "functions", []Column{col("keyspace_name", textT)},
			[]Column{col("function_name", textT), col("argument_types", frozenL)}, []Column{
				col("argument_names", frozenL), col("body", textT), col("called_on_null_input", boolT),
				col("language", textT), col("return_type", textT),
			}, noRows),
		newSystemTable(systemSchemaKeyspace, "aggregates", []Column{col("keyspace_name", textT)},
			[]Column{col("aggregate_name", textT), col("argument_types", frozenL)}, []Column{
				col("final_func", textT), col("initcond", textT), col("return_type", textT),
				col("state_func", textT), col("state_type", textT),
			}, noRows),
	}
}

func noRows(Backend) []Row { return nil }

// cqlVersion is the CQL version a Cassandra release reports (system.local, SUPPORTED).
func cqlVersion(release string) string {
	switch {
	case strings.HasPrefix(release, "4.1."):
		return "3.4.6"
	case strings.HasPrefix(release, "5."):
		return "3.4.7"
	}
	return "3.4.5"
}

func localRows(b Backend) []Row {
	l := b.Local()
	boot := l.BootstrapState
	if boot == "" {
		boot = "COMPLETED"
	}
	return []Row{{
		"key":                     TextValue("local"),
		"bootstrapped":            TextValue(boot),
		"broadcast_address":       InetValue(l.Address),
		"broadcast_port":          IntValue(int32(l.StoragePort)),
		"cluster_name":            TextValue(l.ClusterName),
		"cql_version":             TextValue(cqlVersion(l.ReleaseVersion)),
		"data_center":             TextValue(l.DataCenter),
		"host_id":                 UUIDValue(l.HostID),
		"listen_address":          InetValue(l.Address),
		"listen_port":             IntValue(int32(l.StoragePort)),
		"native_protocol_version": TextValue("4"),
		"partitioner":             TextValue(l.Partitioner),
		"rack":                    TextValue(l.Rack),
		"release_version":         TextValue(l.ReleaseVersion),
		"rpc_address":             InetValue(l.NativeAddress),
		"rpc_port":                IntValue(int32(l.NativePort)),
		"schema_version":          UUIDValue(l.SchemaVersion),
		"tokens":                  TextSetValue(l.Tokens),
	}}
}

// peersRows are the rows of system.peers and system.peers_v2: each table projects the
// columns it has.
func peersRows(b Backend) []Row {
	var out []Row
	for _, p := range b.Peers() {
		out = append(out, Row{
			"peer":            InetValue(p.Address),
			"peer_port":       IntValue(int32(p.StoragePort)),
			"data_center":     TextValue(p.DataCenter),
			"host_id":         UUIDValue(p.HostID),
			"native_address":  InetValue(p.NativeAddress),
			"native_port":     IntValue(int32(p.NativePort)),
			"rpc_address":     InetValue(p.NativeAddress),
			"rack":            TextValue(p.Rack),
			"release_version": TextValue(p.ReleaseVersion),
			"schema_version":  UUIDValue(p.SchemaVersion),
			"tokens":          TextSetValue(p.Tokens),
		})
	}
	return out
}

// schemaKeyspace is a keyspace as system_schema describes it: the system keyspaces, then the
// Backend's, by name.
type schemaKeyspace struct {
	name        string
	replication map[string]string
	durable     bool
	tables      []tableDef
}

func allKeyspaces(b Backend) []schemaKeyspace {
	var out []schemaKeyspace
	for _, ks := range []string{systemKeyspace, systemSchemaKeyspace} {
		sk := schemaKeyspace{name: ks, replication: map[string]string{"class": LocalStrategy}, durable: true}
		for _, t := range systemTables {
			if t.def.keyspace == ks {
				sk.tables = append(sk.tables, t.def)
			}
		}
		out = append(out, sk)
	}
	// The distributed system keyspaces, with the replication a new cluster gives them:
	// SimpleStrategy at the default RF of AuthKeyspace (1), TraceKeyspace (2) and
	// SystemDistributedKeyspace (3). Their tables are not simulated.
	for _, ks := range []struct {
		name string
		rf   int
	}{{"system_auth", 1}, {"system_distributed", 3}, {"system_traces", 2}} {
		out = append(out, schemaKeyspace{name: ks.name, durable: true,
			replication: map[string]string{"class": SimpleStrategy, "replication_factor": strconv.Itoa(ks.rf)}})
	}
	// Sorted on a copy: the slice may be the Backend's own.
	user := slices.Clone(b.Keyspaces())
	slices.SortFunc(user, func(x, y Keyspace) int { return strings.Compare(x.Name, y.Name) })
	for _, ks := range user {
		sk := schemaKeyspace{name: ks.Name, replication: ks.Replication.options(), durable: ks.DurableWrites}
		tables := slices.Clone(ks.Tables)
		slices.SortFunc(tables, func(x, y Table) int { return strings.Compare(x.Name, y.Name) })
		for _, t := range tables {
			sk.tables = append(sk.tables, tableDef{keyspace: ks.Name, name: t.Name, partitionKey: []string{t.PartitionKey}, columns: t.Columns})
		}
		out = append(out, sk)
	}
	return out
}

func keyspacesRows(b Backend) []Row {
	var out []Row
	for _, ks := range allKeyspaces(b) {
		out = append(out, Row{
			"keyspace_name":  TextValue(ks.name),
			"durable_writes": BooleanValue(ks.durable),
			"replication":    TextMapValue(ks.replication),
		})
	}
	return out
}

func tablesRows(b Backend) []Row {
	var out []Row
	for _, ks := range allKeyspaces(b) {
		for _, t := range ks.tables {
			out = append(out, Row{"keyspace_name": TextValue(ks.name), "table_name": TextValue(t.name)})
		}
	}
	return out
}

// columnsRows describe every column: its kind, and its position within the partition key or
// the clustering columns (-1 for the others), which drivers use to rebuild the primary key.
func columnsRows(b Backend) []Row {
	var out []Row
	for _, ks := range allKeyspaces(b) {
		for _, t := range ks.tables {
			cols := slices.Clone(t.columns)
			slices.SortFunc(cols, func(x, y Column) int { return strings.Compare(x.Name, y.Name) })
			for _, c := range cols {
				kind, position, order := "regular", -1, "none"
				if i := slices.Index(t.partitionKey, c.Name); i >= 0 {
					kind, position = "partition_key", i
				} else if i := slices.Index(t.clustering, c.Name); i >= 0 {
					kind, position, order = "clustering", i, "asc"
				}
				out = append(out, Row{
					"keyspace_name":     TextValue(ks.name),
					"table_name":        TextValue(t.name),
					"column_name":       TextValue(c.Name),
					"clustering_order":  TextValue(order),
					"column_name_bytes": BlobValue([]byte(c.Name)),
					"kind":              TextValue(kind),
					"position":          IntValue(int32(position)),
					"type":              TextValue(c.Type.String()),
				})
			}
		}
	}
	return out
}
