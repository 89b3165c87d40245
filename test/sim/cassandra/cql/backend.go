package cql

import (
	"context"
	"net/netip"

	"github.com/google/uuid"
)

// Backend is what a simulated node answers CQL with: its view of the cluster, its schema, and
// its data. The server parses and checks statements, then asks the Backend; the Backend decides
// what a consistency level needs and whether it can be met, and says no with the exported
// error types (UnavailableError, WriteTimeoutError, ReadTimeoutError, IsBootstrappingError,
// AlreadyExistsError, InvalidError, ConfigError, ...), which the client receives with their
// protocol error codes. Any other error reaches the client as a ServerError.
//
// A Backend is called from many connections at once and must be safe for concurrent use.
type Backend interface {
	// Local describes this node: the row of system.local.
	Local() LocalNode
	// Peers describes the other nodes this node knows of: the rows of system.peers and
	// system.peers_v2. The driver connects to each at NativeAddress:NativePort.
	Peers() []Node
	// Keyspaces lists the user keyspaces, each with its tables, in any order. The system
	// keyspaces are the server's own.
	Keyspaces() []Keyspace

	// CreateKeyspace adds a keyspace, or returns an AlreadyExistsError. The server has
	// checked the replication options against the data centers of Local and Peers.
	CreateKeyspace(ctx context.Context, ks Keyspace) error
	// CreateTable adds a table to an existing keyspace, or returns an AlreadyExistsError.
	CreateTable(ctx context.Context, t Table) error

	// Insert writes one row; Row holds the partition key and the columns given a value (a
	// null Value deletes that column), and no column the statement left unset.
	Insert(ctx context.Context, w Write) error
	// Select reads the row of one partition key; a nil Row means there is none.
	Select(ctx context.Context, r Read) (Row, error)
	// Count counts the rows of a table.
	Count(ctx context.Context, s Scan) (int64, error)
}

// Node is what a node knows of a node of the cluster, itself included.
type Node struct {
	HostID         uuid.UUID
	DataCenter     string
	Rack           string
	ReleaseVersion string // for example 4.1.5; the driver reads peers_v2 from 4.0 on
	// Address is the node's broadcast (gossip) address: peer, broadcast_address.
	Address     netip.Addr
	StoragePort int
	// NativeAddress and NativePort are where clients reach the node's CQL server:
	// rpc_address, native_address, native_port.
	NativeAddress netip.Addr
	NativePort    int
	// Tokens are the node's tokens in the ring, as decimal strings (Murmur3Partitioner).
	Tokens []string
	// SchemaVersion is the digest of the node's schema; drivers wait until every node reports
	// the same one after a schema change.
	SchemaVersion uuid.UUID
}

// LocalNode is the node itself, with what only system.local holds.
type LocalNode struct {
	Node
	ClusterName string
	// Partitioner is the full class name, org.apache.cassandra.dht.Murmur3Partitioner.
	Partitioner string
	// BootstrapState is COMPLETED, IN_PROGRESS, NEEDS_BOOTSTRAP or DECOMMISSIONED; empty
	// means COMPLETED.
	BootstrapState string
}

// Replication strategy classes, as system_schema.keyspaces stores them.
const (
	NetworkTopologyStrategy = "org.apache.cassandra.locator.NetworkTopologyStrategy"
	SimpleStrategy          = "org.apache.cassandra.locator.SimpleStrategy"
	LocalStrategy           = "org.apache.cassandra.locator.LocalStrategy"
)

// Replication is a keyspace's replication: NetworkTopologyStrategy with a replication factor
// per data center, or SimpleStrategy with one replication factor.
type Replication struct {
	Class             string
	DataCenters       map[string]int // NetworkTopologyStrategy
	ReplicationFactor int            // SimpleStrategy
}

// Keyspace is a keyspace and its tables.
type Keyspace struct {
	Name          string
	Replication   Replication
	DurableWrites bool
	Tables        []Table
}

// Table is a table with a simple primary key: one partition key column, no clustering.
type Table struct {
	Keyspace     string
	Name         string
	PartitionKey string
	// Columns are all the columns, the partition key included, in the order written.
	Columns []Column
}

// Column is a column of a table.
type Column struct {
	Name string
	Type Type
}

// Row is a row: values by column name.
type Row map[string]Value

// Write is one INSERT.
type Write struct {
	Keyspace, Table string
	Row             Row
	Consistency     Consistency
	// Timestamp is the write's timestamp in microseconds since the epoch: the client's, or
	// the coordinator's clock when the client sent none. The newest write of a cell wins.
	Timestamp int64
}

// Read is one SELECT of a partition.
type Read struct {
	Keyspace, Table string
	Key             Value
	Consistency     Consistency
}

// Scan is one SELECT COUNT(*) over a table.
type Scan struct {
	Keyspace, Table string
	Consistency     Consistency
}
