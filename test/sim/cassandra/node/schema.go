package node

import (
	"cmp"
	"slices"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// The simulator's schema only grows (CREATE KEYSPACE, CREATE TABLE), so a node's schema is the
// union of the changes it has applied, and two nodes agree when they have applied as many. A
// node applies the changes it sees in the gossip of live peers that speak its messaging version,
// as MigrationManager pulls schema from them; across messaging versions (a 5.0 node with
// storage_compatibility_mode NONE and a 4.x node) schema does not spread.

// schemaCount is the number of changes a schema is made of: its keyspaces and tables.
func schemaCount(schema []cql.Keyspace) int {
	n := 0
	for _, ks := range schema {
		n += 1 + len(ks.Tables)
	}
	return n
}

// adoptSchemaLocked applies the keyspaces and tables that live peers of the node's messaging
// version have and it has not.
func (n *Node) adoptSchemaLocked() {
	mine := messagingVersion(n.opts.Release, n.cfg.StorageCompatibilityMode)
	changed := false
	for id, st := range n.states {
		if id == n.local.HostID || !n.upLocked(id) || messagingVersion(st.Release, st.CompatibilityMode) != mine {
			continue
		}
		for _, ks := range st.Schema {
			for _, t := range ks.Tables {
				if n.addTableLocked(ks, t) {
					changed = true
				}
			}
			if n.addKeyspaceLocked(ks) {
				changed = true
			}
		}
	}
	if changed {
		n.schemaChangedLocked()
	}
}

// addKeyspaceLocked adds a keyspace the node does not have; it reports whether it did.
func (n *Node) addKeyspaceLocked(ks cql.Keyspace) bool {
	if slices.ContainsFunc(n.local.Schema, func(k cql.Keyspace) bool { return k.Name == ks.Name }) {
		return false
	}
	ks.Tables = nil
	n.local.Schema = append(n.local.Schema, ks)
	slices.SortFunc(n.local.Schema, func(a, b cql.Keyspace) int { return cmp.Compare(a.Name, b.Name) })
	return true
}

// addTableLocked adds a table (and its keyspace) the node does not have.
func (n *Node) addTableLocked(ks cql.Keyspace, t cql.Table) bool {
	added := n.addKeyspaceLocked(ks)
	i := slices.IndexFunc(n.local.Schema, func(k cql.Keyspace) bool { return k.Name == ks.Name })
	k := &n.local.Schema[i]
	if slices.ContainsFunc(k.Tables, func(x cql.Table) bool { return x.Name == t.Name }) {
		return added
	}
	k.Tables = append(k.Tables, t)
	slices.SortFunc(k.Tables, func(a, b cql.Table) int { return cmp.Compare(a.Name, b.Name) })
	return true
}

// schemaChangedLocked persists the schema and gossips it.
func (n *Node) schemaChangedLocked() {
	_ = n.disk.saveLocal(&n.local)
	n.mine().Schema = cloneSchema(n.local.Schema)
	n.mine().Version++
}

func cloneSchema(s []cql.Keyspace) []cql.Keyspace {
	out := slices.Clone(s)
	for i := range out {
		out[i].Tables = slices.Clone(out[i].Tables)
	}
	return out
}

// table returns a table's definition.
func (n *Node) tableLocked(keyspace, table string) (cql.Table, bool) {
	for _, ks := range n.local.Schema {
		if ks.Name != keyspace {
			continue
		}
		for _, t := range ks.Tables {
			if t.Name == table {
				return t, true
			}
		}
	}
	return cql.Table{}, false
}

// messagingVersion is the internode protocol version of a release, as ring.Node computes it.
func messagingVersion(release, compatibilityMode string) int {
	return (&ring.Node{Release: release, CompatibilityMode: compatibilityMode}).MessagingVersion()
}
