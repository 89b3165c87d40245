package ring

import (
	"slices"
	"time"
)

// CleanupError is the RuntimeException nodetool cleanup reports.
type CleanupError struct{ Message string }

func (e *CleanupError) Error() string { return e.Message }

// Cleanup is nodetool cleanup: the node drops the rows of ranges it no longer replicates, as
// after other nodes joined. It refuses while ranges move to it (CASSANDRA-16418: cleaning up then
// would drop data still on its way), a joining node's included.
func (c *Cluster) Cleanup(now time.Time, hostID string) error {
	n, err := c.liveNode(hostID)
	if err != nil {
		return err
	}
	// StorageService.forceKeyspaceCleanup refuses while ranges move to the node, before
	// CompactionManager.performCleanup looks at whether it has joined: a joining node gains
	// ranges of the system keyspaces of SimpleStrategy at least, so this is what it answers.
	for _, ks := range c.Keyspaces() {
		if ks.Replication.Strategy != LocalStrategy && c.hasPendingRanges(ks, n) {
			return &CleanupError{Message: "Node is involved in cluster membership changes. Not safe to run cleanup."}
		}
	}
	if n.State == Joining {
		// Cassandra aborts here (AllSSTableOpStatus.ABORTED; nodetool prints "Aborted cleaning
		// up ..."), for a node that neither joined nor gains ranges: one started with
		// join_ring=false, which the simulator does not model.
		return &CleanupError{Message: "Cleanup cannot run before a node has joined the ring"}
	}
	for _, ks := range c.Keyspaces() {
		for _, table := range ks.Tables {
			rows := n.data[ks.Name+"."+table]
			for key := range rows {
				if !slices.Contains(c.ring.replicas(ks, TokenFor([]byte(key))), n) {
					delete(rows, key)
				}
			}
		}
	}
	return nil
}
