package cql

// The statements the parser produces: the CQL subset the simulator models.

type statement interface{ statementName() string }

// qualifiedName is [keyspace.]name; keyspace is empty when the statement did not give one.
type qualifiedName struct {
	keyspace string
	name     string
}

type useStatement struct {
	keyspace string
}

type createKeyspaceStatement struct {
	keyspace    string
	ifNotExists bool
	properties  []property
}

// property is one `name = value` of a WITH clause; value is a constant or a map literal.
type property struct {
	name  string
	value term
}

type createTableStatement struct {
	table       qualifiedName
	ifNotExists bool
	columns     []columnDef
	// primaryKeys holds one entry per PRIMARY KEY written (inline or as a clause), so that
	// having none or several is reported as Cassandra does.
	primaryKeys []primaryKey
}

type columnDef struct {
	name   string
	typ    Type
	static bool
}

type primaryKey struct {
	partition  []string
	clustering []string
}

type insertStatement struct {
	table   qualifiedName
	columns []string
	values  []term
}

type selectStatement struct {
	table          qualifiedName
	star           bool
	selectors      []selector
	where          []relation
	limit          *term
	allowFiltering bool
}

// selector is one selected column (with its alias), or COUNT(*).
type selector struct {
	column string
	count  bool
	alias  string
}

// relation is `column = value` in a WHERE clause, the only operator modelled.
type relation struct {
	column string
	value  term
}

func (useStatement) statementName() string            { return "USE" }
func (createKeyspaceStatement) statementName() string { return "CREATE KEYSPACE" }
func (createTableStatement) statementName() string    { return "CREATE TABLE" }
func (insertStatement) statementName() string         { return "INSERT" }
func (selectStatement) statementName() string         { return "SELECT" }

// termKind is what a term is: a constant of some kind, a bind marker, or a collection literal.
type termKind int

const (
	termString termKind = iota
	termInteger
	termFloat
	termBoolean
	termUUID
	termHex
	termNull
	termMarker
	termMap
	termSet
	termList
)

// String is the kind's name as Cassandra's messages write it (Invalid STRING constant ...).
func (k termKind) String() string {
	return [...]string{"STRING", "INTEGER", "FLOAT", "BOOLEAN", "UUID", "HEX", "NULL", "bind marker",
		"map", "set", "list"}[k]
}

type term struct {
	kind termKind
	// text is the constant as written (strings unquoted and unescaped).
	text string
	// marker is the index of a bind marker among the statement's markers.
	marker int
	// elems are the elements of a set or list, or alternating keys and values of a map.
	elems []term
}
