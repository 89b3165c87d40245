package ring

import (
	"crypto/md5"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
)

// Messaging versions (MessagingService.VERSION_40 and VERSION_50).
const (
	messagingVersion40 = 12
	messagingVersion50 = 13
)

// MessagingVersion is the internode protocol version a node speaks: 4.0 and 4.1 speak 4.0's; 5.0
// keeps speaking it until storage_compatibility_mode is NONE.
func (n *Node) MessagingVersion() int {
	if strings.HasPrefix(n.Release, "5.") && n.CompatibilityMode == config.CompatibilityNone {
		return messagingVersion50
	}
	return messagingVersion40
}

// SchemaVersion is the schema version the node announces in gossip: a digest of the schema it has
// applied, as a name-based UUID.
func (c *Cluster) SchemaVersion(n *Node) string { return SchemaVersionOf(c.Name, n.schema) }

// SchemaVersionOf is the schema version of a node of the cluster that has applied so many schema
// changes.
func SchemaVersionOf(cluster string, changes int) string {
	sum := md5.Sum([]byte(fmt.Sprintf("%s/%d", cluster, changes)))
	sum[6] = sum[6]&0x0f | 0x30
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// CreateKeyspace runs CREATE KEYSPACE through a coordinator.
func (c *Cluster) CreateKeyspace(now time.Time, coordinator, name string, r Replication) error {
	coord, err := c.liveNode(coordinator)
	if err != nil {
		return err
	}
	if _, exists := c.keyspaces[name]; exists {
		return &InvalidRequestError{Message: fmt.Sprintf("Cannot add existing keyspace %q", name)}
	}
	c.keyspaces[name] = &Keyspace{Name: name, Replication: r, created: c.schemaChange(coord), tablesCreated: map[string]int{}}
	return nil
}

// AlterKeyspace runs ALTER KEYSPACE ... WITH replication. Existing data does not move: as in
// Cassandra, a repair would be needed to populate new replicas, and it is not modelled.
func (c *Cluster) AlterKeyspace(now time.Time, coordinator, name string, r Replication) error {
	coord, err := c.liveNode(coordinator)
	if err != nil {
		return err
	}
	ks, ok := c.keyspaces[name]
	if !ok || coord.schema < ks.created {
		return &InvalidRequestError{Message: fmt.Sprintf("Cannot alter non existing keyspace '%s'.", name)}
	}
	if ks.Replication.Strategy == LocalStrategy {
		return &InvalidRequestError{Message: fmt.Sprintf("Cannot alter system keyspace %s", name)}
	}
	c.schemaChange(coord)
	ks.Replication = r
	c.ringChanged() // placement caches depend on replication
	return nil
}

// CreateTable runs CREATE TABLE through a coordinator.
func (c *Cluster) CreateTable(now time.Time, coordinator, keyspace, table string) error {
	coord, err := c.liveNode(coordinator)
	if err != nil {
		return err
	}
	ks, ok := c.keyspaces[keyspace]
	if !ok || coord.schema < ks.created {
		return &InvalidRequestError{Message: fmt.Sprintf("keyspace %s does not exist", keyspace)}
	}
	if _, exists := ks.tablesCreated[table]; exists {
		return &InvalidRequestError{Message: fmt.Sprintf("Cannot add already existing table %q to keyspace %q", table, keyspace)}
	}
	ks.tablesCreated[table] = c.schemaChange(coord)
	ks.Tables = append(ks.Tables, table)
	slices.Sort(ks.Tables)
	return nil
}

// schemaChange records a change made on a coordinator and pushes it to the live nodes that speak
// the coordinator's messaging version; MigrationManager pushes to no one else, so the others
// disagree until they can pull it (see pullSchema). Cassandra does not refuse schema changes in a
// mixed-version cluster; it only cannot spread them across messaging versions.
func (c *Cluster) schemaChange(coord *Node) int {
	c.schemaChanges++
	coord.schema = c.schemaChanges
	for _, n := range c.nodes {
		if n.Up && n.MessagingVersion() == coord.MessagingVersion() {
			n.schema = c.schemaChanges
		}
	}
	return c.schemaChanges
}

// pullSchema is what a node does when gossip shows a peer with another schema version: it pulls
// from live peers of its own messaging version.
func (c *Cluster) pullSchema(n *Node) {
	for _, peer := range c.nodes {
		if peer.Up && peer.MessagingVersion() == n.MessagingVersion() && peer.schema > n.schema {
			n.schema = peer.schema
		}
	}
	for _, peer := range c.nodes {
		if peer.Up && peer.MessagingVersion() == n.MessagingVersion() && peer.schema < n.schema {
			peer.schema = n.schema
		}
	}
}

func (c *Cluster) knowsTable(n *Node, ks *Keyspace, table string) bool {
	created, ok := ks.tablesCreated[table]
	return ok && n.schema >= created
}
