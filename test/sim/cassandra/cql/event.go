package cql

import "net/netip"

// Event is something the server pushes to the connections that registered for its type
// (native_protocol_v4.spec section 4.2.6): SchemaChange, TopologyChange or StatusChange.
type Event interface {
	eventType() string
	writeEvent(w *writer)
}

// Event types a client can REGISTER for.
const (
	eventTopologyChange = "TOPOLOGY_CHANGE"
	eventStatusChange   = "STATUS_CHANGE"
	eventSchemaChange   = "SCHEMA_CHANGE"
)

// SchemaChange is a change to a keyspace or a table. It is also the body of the RESULT of a
// schema-altering statement (section 4.2.5.5).
type SchemaChange struct {
	Change   string // CREATED, UPDATED or DROPPED
	Target   string // KEYSPACE or TABLE
	Keyspace string
	Table    string // empty for a KEYSPACE target
}

// Schema change kinds and targets.
const (
	Created        = "CREATED"
	Updated        = "UPDATED"
	Dropped        = "DROPPED"
	TargetKeyspace = "KEYSPACE"
	TargetTable    = "TABLE"
)

func (SchemaChange) eventType() string { return eventSchemaChange }

func (e SchemaChange) writeEvent(w *writer) {
	w.writeString(e.Change)
	w.writeString(e.Target)
	w.writeString(e.Keyspace)
	if e.Target != TargetKeyspace {
		w.writeString(e.Table)
	}
}

// TopologyChange is a node joining (NEW_NODE) or leaving (REMOVED_NODE) the cluster. Address
// is the node's native transport address, as Cassandra sends it; the Go driver looks the node
// up by the IP alone, among the nodes' broadcast addresses, which in a real cluster are the same.
type TopologyChange struct {
	Change  string
	Address netip.AddrPort
}

// Topology changes.
const (
	NewNode     = "NEW_NODE"
	RemovedNode = "REMOVED_NODE"
)

func (TopologyChange) eventType() string { return eventTopologyChange }

func (e TopologyChange) writeEvent(w *writer) {
	w.writeString(e.Change)
	w.writeInet(e.Address)
}

// StatusChange is a node seen going UP or DOWN; Address is as in TopologyChange.
type StatusChange struct {
	Change  string
	Address netip.AddrPort
}

// Status changes.
const (
	Up   = "UP"
	Down = "DOWN"
)

func (StatusChange) eventType() string { return eventStatusChange }

func (e StatusChange) writeEvent(w *writer) {
	w.writeString(e.Change)
	w.writeInet(e.Address)
}
