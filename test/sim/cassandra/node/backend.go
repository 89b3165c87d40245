package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/google/uuid"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// backend is the node as its CQL server sees it: cql.Backend over the node's view of the ring,
// its schema and its coordinator.
type backend struct{ n *Node }

var _ cql.Backend = backend{}

func (b backend) Local() cql.LocalNode {
	n := b.n
	n.mu.Lock()
	defer n.mu.Unlock()
	st := n.mine()
	local := cql.LocalNode{Node: n.cqlNodeLocked(st), ClusterName: n.cfg.ClusterName,
		Partitioner: n.cfg.Partitioner, BootstrapState: n.local.BootstrapState}
	return local
}

// Peers are the other nodes in the ring, down ones included, as system.peers lists them; nodes
// still joining are not there yet.
func (b backend) Peers() []cql.Node {
	n := b.n
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []cql.Node
	for id, st := range n.peersLocked() {
		if st.member() && st.Status != statusBoot && st.Status != statusBootReplace && !n.replacedLocked(id) {
			out = append(out, n.cqlNodeLocked(st))
		}
	}
	return out
}

func (n *Node) replacedLocked(id string) bool {
	for _, st := range n.states {
		if st.Replaces == id && st.Status == statusNormal && st.HostID != id {
			return true
		}
	}
	return false
}

func (n *Node) cqlNodeLocked(st *endpointState) cql.Node {
	addr, _ := netip.ParseAddr(st.Address)
	native, _ := netip.ParseAddr(st.NativeAddress)
	node := cql.Node{
		HostID: uuid.MustParse(st.HostID), DataCenter: st.DC, Rack: st.Rack, ReleaseVersion: st.Release,
		Address: addr, StoragePort: st.StoragePort, NativeAddress: native, NativePort: st.NativePort,
		SchemaVersion: schemaUUID(n.cfg.ClusterName, schemaCount(st.Schema)),
	}
	if st.HostID == n.local.HostID {
		node.SchemaVersion = schemaUUID(n.cfg.ClusterName, schemaCount(n.local.Schema))
	}
	for _, t := range st.Tokens {
		node.Tokens = append(node.Tokens, strconv.FormatInt(int64(t), 10))
	}
	return node
}

// schemaUUID is the schema version gossip announces, as the ring model computes it.
func schemaUUID(cluster string, count int) uuid.UUID {
	return uuid.MustParse(ring.SchemaVersionOf(cluster, count))
}

func (b backend) Keyspaces() []cql.Keyspace {
	b.n.mu.Lock()
	defer b.n.mu.Unlock()
	return cloneSchema(b.n.local.Schema)
}

func (b backend) CreateKeyspace(_ context.Context, ks cql.Keyspace) error {
	n := b.n
	n.mu.Lock()
	if !n.addKeyspaceLocked(ks) {
		n.mu.Unlock()
		return &cql.AlreadyExistsError{Keyspace: ks.Name}
	}
	n.log.info("Native-Transport-Requests-1", "MigrationManager.java:234", "Create new Keyspace: KeyspaceMetadata{name=%s}", ks.Name)
	n.schemaChangedLocked()
	n.mu.Unlock()
	n.afterGossip()
	return nil
}

func (b backend) CreateTable(_ context.Context, t cql.Table) error {
	n := b.n
	n.mu.Lock()
	if _, exists := n.tableLocked(t.Keyspace, t.Name); exists {
		n.mu.Unlock()
		return &cql.AlreadyExistsError{Keyspace: t.Keyspace, Table: t.Name}
	}
	var ks cql.Keyspace
	for _, k := range n.local.Schema {
		if k.Name == t.Keyspace {
			ks = k
		}
	}
	n.addTableLocked(ks, t)
	n.log.info("Native-Transport-Requests-1", "MigrationManager.java:234", "Create new table: %s.%s", t.Keyspace, t.Name)
	n.schemaChangedLocked()
	n.mu.Unlock()
	n.afterGossip()
	return nil
}

// rowRecordOf encodes a CQL row as the model's cell: the whole row is the value (the model has one
// value per partition), with the write's timestamp.
func (n *Node) rowRecordOf(keyspace, table string, key []byte, row cql.Row, timestamp int64) (rowRecord, error) {
	raw, err := json.Marshal(row)
	if err != nil {
		return rowRecord{}, err
	}
	size := int64(len(key)+len(raw)) + n.settings().RowOverheadBytes
	return rowRecord{Table: keyspace + "." + table, Key: key, Cell: ring.Cell{Value: string(raw), Timestamp: timestamp, Size: size}}, nil
}

func (b backend) Insert(ctx context.Context, w cql.Write) error {
	cl, err := consistency(w.Consistency)
	if err != nil {
		return err
	}
	n := b.n
	n.mu.Lock()
	t, ok := n.tableLocked(w.Keyspace, w.Table)
	n.mu.Unlock()
	if !ok {
		return &cql.InvalidError{Message: "unconfigured table " + w.Table}
	}
	key := w.Row[t.PartitionKey].Bytes
	rec, err := n.rowRecordOf(w.Keyspace, w.Table, key, w.Row, w.Timestamp)
	if err != nil {
		return err
	}
	return cqlError(n.write(ctx, w.Keyspace, rec, cl))
}

func (b backend) Select(ctx context.Context, r cql.Read) (cql.Row, error) {
	cl, err := consistency(r.Consistency)
	if err != nil {
		return nil, err
	}
	cell, found, err := b.n.read(ctx, r.Keyspace, r.Table, r.Key.Bytes, cl)
	if err != nil || !found {
		return nil, cqlError(err)
	}
	var row cql.Row
	if err := json.Unmarshal([]byte(cell.Value), &row); err != nil {
		return nil, err
	}
	return row, nil
}

func (b backend) Count(ctx context.Context, s cql.Scan) (int64, error) {
	cl, err := consistency(s.Consistency)
	if err != nil {
		return 0, err
	}
	c, err := b.n.count(ctx, s.Keyspace, s.Table, cl)
	return c, cqlError(err)
}

// consistency maps a CQL level to the model's; the model has ONE, QUORUM, LOCAL_QUORUM and ALL
// (LOCAL_ONE is ONE in a single datacenter, which is where Navigator's tests use it).
func consistency(cl cql.Consistency) (ring.Consistency, error) {
	switch cl {
	case cql.One, cql.LocalOne, cql.Any:
		return ring.One, nil
	case cql.Quorum:
		return ring.Quorum, nil
	case cql.LocalQuorum:
		return ring.LocalQuorum, nil
	case cql.All:
		return ring.All, nil
	}
	return "", &cql.InvalidError{Message: fmt.Sprintf("simulator limitation: consistency level %s is not modelled", cl)}
}

func cqlLevel(cl ring.Consistency) cql.Consistency {
	switch cl {
	case ring.Quorum:
		return cql.Quorum
	case ring.LocalQuorum:
		return cql.LocalQuorum
	case ring.All:
		return cql.All
	default:
		return cql.One
	}
}

// cqlError converts the model's refusals to the protocol's errors.
func cqlError(err error) error {
	var un *ring.UnavailableError
	var to *ring.TimeoutError
	var inv *ring.InvalidRequestError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &un):
		return &cql.UnavailableError{Consistency: cqlLevel(un.Consistency), Required: un.Required, Alive: un.Alive}
	case errors.As(err, &to) && to.Write:
		return &cql.WriteTimeoutError{Consistency: cqlLevel(to.Consistency), Received: to.Received, BlockFor: to.BlockFor, WriteType: cql.WriteSimple}
	case errors.As(err, &to):
		return &cql.ReadTimeoutError{Consistency: cqlLevel(to.Consistency), Received: to.Received, BlockFor: to.BlockFor}
	case errors.As(err, &inv):
		return &cql.InvalidError{Message: inv.Message}
	}
	return err
}
